"""Putting blobs on documents and taking them off; documents made from files.

Every change goes through ``documents.update`` or ``documents.create``, so
permissions, locks, change tokens and change events apply as to any write.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from docgraph.errors import BadRequest
from docgraph.resolvers import blobs, documents, search
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document, PageRequest
from docgraph.resolvers.typesystem.model import FieldType
from docgraph.resolvers.uploads import clean_file_name


def _blob_field(ftype: FieldType) -> str | None:
    """The sub-field holding the blob in a complex list item (``file`` of
    ``files:files``)."""
    return next((n for n, t in (ftype.fields or {}).items() if t.kind == "blob"), None)


def _set_in(value: Any, steps: Sequence[str], new: Any) -> Any:
    """``value`` with the element at ``steps`` replaced (copies, never edits)."""
    if not steps:
        return new
    head, rest = steps[0], steps[1:]
    if isinstance(value, list):
        index = int(head)
        items = list(value)
        items[index] = _set_in(items[index], rest, new)
        return items
    if isinstance(value, Mapping):
        return {**value, head: _set_in(value.get(head), rest, new)}
    raise BadRequest(f"Cannot set a blob at {'/'.join(steps)}")


async def attach(
    ctx: RequestContext, doc: Document, attached: Sequence[Blob], xpath: str = blobs.MAIN_BLOB
) -> Document:
    """Set the blob at ``xpath``, or append the blobs to the list property
    ``xpath`` names (``files:files``: one ``{file: blob}`` item each)."""
    xpath, ftype, current = blobs.at_xpath(ctx, doc, xpath)
    key, *steps = xpath.split("/")
    if ftype.is_list:
        if ftype.kind == "blob":
            items: list[Any] = list(attached)
        else:
            field = _blob_field(ftype)
            if field is None:
                raise BadRequest(f"Property {xpath} holds no blob")
            items = [{field: blob} for blob in attached]
        new: Any = [*(current or []), *items]
    elif ftype.kind == "blob":
        if len(attached) != 1:
            raise BadRequest(f"Property {xpath} holds one blob, not {len(attached)}")
        new = attached[0]
    else:
        raise BadRequest(f"Property {xpath} is not a blob")
    value = _set_in(doc.properties.get(key), steps, new)
    return await documents.update(ctx, doc, {key: value})


async def remove(ctx: RequestContext, doc: Document, xpath: str = blobs.MAIN_BLOB) -> Document:
    """Clear the blob at ``xpath``. The blob of a list item takes its item
    with it (``files:files/0/file`` removes attachment 0); a list is emptied."""
    xpath, _, _ = blobs.at_xpath(ctx, doc, xpath)
    key, *steps = xpath.split("/")
    stored = doc.properties.get(key)
    item = next((i for i in range(len(steps) - 1, -1, -1) if steps[i].isdigit()), None)
    if item is None or item < len(steps) - 2:
        value = _set_in(stored, steps, None)
    else:
        parent, index = steps[:item], int(steps[item])
        items = list(_get_in(stored, parent) or [])
        if index >= len(items):
            return doc
        del items[index]
        value = _set_in(stored, parent, items)
    return await documents.update(ctx, doc, {key: value})


def _get_in(value: Any, steps: Sequence[str]) -> Any:
    for step in steps:
        value = value[int(step)] if isinstance(value, list) else (value or {}).get(step)
    return value


async def rename(
    ctx: RequestContext, doc: Document, name: str, xpath: str = blobs.MAIN_BLOB
) -> Document:
    found = blobs.get(ctx, doc, xpath)
    renamed = replace(found, name=clean_file_name(name))
    key, *steps = found.xpath.split("/") if found.xpath else [blobs.MAIN_BLOB]
    value = _set_in(doc.properties.get(key), steps, renamed)
    return await documents.update(ctx, doc, {key: value})


# What Nuxeo's NoteImporter makes a Note of; other images are Pictures, the
# rest Files (its DefaultFileImporter).
NOTE_TYPES = frozenset({"text/plain", "text/html", "application/xhtml+xml", "text/x-web-markdown"})
# A note's text lives in its properties: a larger text file is imported as a File.
MAX_NOTE_IMPORT = 1024 * 1024


async def import_file(
    ctx: RequestContext,
    folder: Document,
    blob: Blob,
    *,
    overwrite: bool = False,
    check_mime_type: bool = True,
    properties: Mapping[str, Any] | None = None,
    lenient: bool = False,
) -> Document:
    """A document in ``folder`` made from ``blob`` as Nuxeo's FileManager
    makes it: a Note of a text file, a Picture of an image, else a File, named
    and titled after the file, ``properties`` set on it. With
    ``check_mime_type`` the type comes from the file's name when it tells one.
    With ``overwrite`` a live document of the folder holding a file of that
    name (or titled so) gets the new content instead. ``lenient``: the
    properties are automation text (``key=value`` lines), coerced per schema."""
    if check_mime_type:
        guessed, _ = mimetypes.guess_type(blob.name, strict=False)
        if guessed and guessed != blob.mime_type:
            blob = replace(blob, mime_type=guessed)
    type_name = _imported_type(ctx, blob)
    if overwrite and (existing := await _existing(ctx, folder, blob.name)) is not None:
        content = await _content(ctx, documents.doctype_of(ctx, existing).name, blob)
        return await documents.update(
            ctx, existing, {**content, **(properties or {})}, lenient=lenient
        )
    content = await _content(ctx, type_name, blob)
    return await documents.create(
        ctx,
        folder,
        type_name=type_name,
        name=blob.name,
        properties={"dc:title": blob.name, **content, **(properties or {})},
        lenient=lenient,
    )


def _imported_type(ctx: RequestContext, blob: Blob) -> str:
    mime = (blob.mime_type or "").split(";")[0].strip().lower()
    if mime in NOTE_TYPES and blob.length <= MAX_NOTE_IMPORT:
        return "Note"
    if mime.startswith("image/") and ctx.registry.types.get("Picture") is not None:
        return "Picture"
    return "File"


async def _content(ctx: RequestContext, type_name: str, blob: Blob) -> dict[str, Any]:
    """The properties that hold ``blob`` in a document of ``type_name``."""
    doctype = ctx.registry.types.of(type_name)
    if doctype.has_schema("note") and blob.length <= MAX_NOTE_IMPORT:
        data = b"".join([chunk async for chunk in ctx.blobs.get(blob.key)])
        try:
            text = data.decode(blob.encoding or "utf-8")
        except (LookupError, UnicodeDecodeError):
            text = data.decode("latin-1")  # every byte is a character
        return {"note:note": text, "note:mime_type": blob.mime_type or "text/plain"}
    if doctype.has_schema("file"):
        return {blobs.MAIN_BLOB: blob}
    raise BadRequest(f"A {type_name} cannot hold the file {blob.name}")


async def _existing(ctx: RequestContext, folder: Document, name: str) -> Document | None:
    """The live document of ``folder`` holding a file named ``name``, or titled
    so (the first by title, then id, when there are several)."""
    found = await search.query(
        ctx,
        "SELECT * FROM Document WHERE ecm:parentId = ? AND ecm:isTrashed = 0"
        " AND ecm:isVersion = 0 AND ecm:isProxy = 0 AND (file:content/name = ? OR dc:title = ?)",
        PageRequest(0, 1),
        [folder.uid, name, name],
    )
    return next(iter(found.entries), None)
