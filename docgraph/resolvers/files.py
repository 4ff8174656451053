"""Putting blobs on documents and taking them off; documents made from files.

Every change goes through ``documents.update`` or ``documents.create``, so
permissions, locks, change tokens and change events apply as to any write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from docgraph.errors import BadRequest
from docgraph.resolvers import blobs, documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document
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


async def import_file(ctx: RequestContext, folder: Document, blob: Blob) -> Document:
    """A new ``File`` in ``folder`` holding ``blob``, named and titled after it
    (Nuxeo's FileManager with its default importer)."""
    return await documents.create(
        ctx,
        folder,
        type_name="File",
        name=blob.name,
        properties={"dc:title": blob.name, blobs.MAIN_BLOB: blob},
    )
