"""Blobs on documents: where they are (xpaths), reading them, and turning
what clients send for a blob field into a blob.

A client never writes a blob's stored form: a blob field accepts an upload
reference (``{"upload-batch", "upload-fileId"}``), ``null``, or an echo of a
blob the document already has (matched by digest). Anything else is refused,
so no one can point a document at bytes they could not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import orjson

from docgraph.errors import InvalidProperty, NotFound
from docgraph.resolvers import uploads
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document
from docgraph.resolvers.properties import BlobWriter
from docgraph.resolvers.typesystem.model import FieldType, ResolvedType, TypeRegistry

MAIN_BLOB = "file:content"
ATTACHMENTS = "files:files"
_BLOBHOLDER = "blobholder:"


def holds_blob(ftype: FieldType) -> bool:
    if ftype.kind == "blob":
        return True
    return ftype.kind == "complex" and any(holds_blob(f) for f in (ftype.fields or {}).values())


def canonical_xpath(types: TypeRegistry, doctype: ResolvedType, xpath: str) -> str:
    """``prefix:field[/...]`` for what clients write: ``blobholder:N`` (the
    main blob, then the attachments), or a field of a schema without prefix
    (``content`` is ``file:content``)."""
    xpath = xpath.strip("/")
    if xpath.startswith(_BLOBHOLDER):
        number = xpath[len(_BLOBHOLDER) :]
        # Non-canonical integers (01, +1) are refused, as in Nuxeo.
        if not number.isascii() or not number.isdigit() or (number != "0" and number[0] == "0"):
            raise NotFound(f"Invalid xpath: {xpath}")
        n = int(number)
        if n == 0 and doctype.has_schema("file"):
            return MAIN_BLOB
        offset = 1 if doctype.has_schema("file") else 0
        if doctype.has_schema("files"):
            return f"{ATTACHMENTS}/{n - offset}/file"
        raise NotFound(f"Invalid xpath: {xpath}")
    head, _, rest = xpath.partition("/")
    if ":" not in head:
        owner = next(
            (s for s in doctype.schemas if s.prefix == s.name and head in s.fields),
            None,
        )
        if owner is None:
            raise NotFound(f"Invalid xpath: {xpath}")
        head = f"{owner.prefix}:{head}"
    return head + ("/" + rest if rest else "")


def _field_type(types: TypeRegistry, doctype: ResolvedType, key: str) -> FieldType | None:
    prefix, _, name = key.partition(":")
    schema = types.schema_by_key(prefix) if name else None
    if schema is None or schema not in doctype.schemas:
        return None
    found = schema.field(name)
    return None if found is None else found.type


def at_xpath(ctx: RequestContext, doc: Document, xpath: str) -> tuple[str, FieldType, Any]:
    """The canonical xpath, its type and its stored value; 404 when the
    document has no such property."""
    doctype = ctx.registry.types.with_facets(doc.type, doc.mixins)
    xpath = canonical_xpath(ctx.registry.types, doctype, xpath)
    key, *steps = xpath.split("/")
    ftype = _field_type(ctx.registry.types, doctype, key)
    if ftype is None:
        raise NotFound(f"Invalid xpath: {xpath}")
    value = doc.properties.get(key)
    for step in steps:
        if ftype.is_list and step.isascii() and step.isdigit():
            ftype = ftype.item
            items = value or []
            value = items[int(step)] if int(step) < len(items) else None
        elif ftype.kind == "complex" and not ftype.is_list and step in (ftype.fields or {}):
            ftype = (ftype.fields or {})[step]
            value = value.get(step) if isinstance(value, Mapping) else None
        else:
            raise NotFound(f"Invalid xpath: {xpath}")
    return xpath, ftype, value


def find(ctx: RequestContext, doc: Document, xpath: str = MAIN_BLOB) -> Blob | None:
    """The blob at ``xpath``, None when it is empty; 404 when ``xpath`` is not
    a blob property of the document."""
    xpath, ftype, value = at_xpath(ctx, doc, xpath)
    if ftype.kind != "blob" or ftype.is_list:
        raise NotFound(f"Property {xpath} is not a blob")
    if not isinstance(value, Mapping) or "sha256" not in value:
        return None
    return Blob.from_stored(value, doc, xpath)


def main(ctx: RequestContext, doc: Document) -> Blob | None:
    """The document's main blob (``blobholder:0``); None when it has none,
    or no blob property at all."""
    try:
        return find(ctx, doc, "blobholder:0")
    except NotFound:
        return None


def get(ctx: RequestContext, doc: Document, xpath: str = MAIN_BLOB) -> Blob:
    """The blob at ``xpath``; 404 when there is none."""
    found = find(ctx, doc, xpath)
    if found is None:
        raise NotFound(f"No blob in {xpath} of document {doc.uid}")
    return found


def all_of(ctx: RequestContext, doc: Document) -> list[Blob]:
    """Every blob of the document, in schema and list order."""
    doctype = ctx.registry.types.with_facets(doc.type, doc.mixins)
    found = []
    for schema in doctype.schemas:
        for key, ftype in schema.keyed:
            if holds_blob(ftype):
                for xpath, value in _walk(key, ftype, doc.properties.get(key)):
                    found.append(Blob.from_stored(value, doc, xpath))
    return found


def _walk(xpath: str, ftype: FieldType, value: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if value is None:
        return
    if ftype.is_list:
        for i, item in enumerate(value):
            yield from _walk(f"{xpath}/{i}", ftype.item, item)
    elif ftype.kind == "blob":
        if isinstance(value, Mapping) and "sha256" in value:
            yield xpath, value
    elif ftype.kind == "complex" and isinstance(value, Mapping):
        for name, sub in (ftype.fields or {}).items():
            yield from _walk(f"{xpath}/{name}", sub, value.get(name))


async def resolve_inputs(
    ctx: RequestContext,
    doctype: ResolvedType,
    current: Document | None,
    incoming: Mapping[str, Any],
    *,
    lenient: bool = False,
) -> dict[str, Any]:
    """``incoming`` with every blob position turned into a :class:`Blob` (or
    None). Properties that hold no blob, and unknown keys, pass unchanged:
    validating them is ``properties.apply_input``'s job."""
    types = ctx.registry.types
    known: dict[str, Mapping[str, Any]] | None = None
    out = dict(incoming)
    for key, value in incoming.items():
        ftype = _field_type(types, doctype, key)
        if ftype is None or not holds_blob(ftype):
            continue
        if known is None:
            known = {} if current is None else {b.digest: b.stored() for b in all_of(ctx, current)}
        out[key] = await _resolve(ctx, ftype, value, key, known, lenient)
    return out


async def _resolve(
    ctx: RequestContext,
    ftype: FieldType,
    value: Any,
    xpath: str,
    known: Mapping[str, Mapping[str, Any]],
    lenient: bool,
) -> Any:
    if isinstance(value, str) and lenient and (ftype.kind != "blob" or ftype.is_list or value):
        # Automation sends complex values (blob references included) as JSON text.
        try:
            value = orjson.loads(value) if value.strip() else None
        except orjson.JSONDecodeError as exc:
            raise InvalidProperty(f"Unable to deserialize property: {xpath}") from exc
    if value is None or value == "":
        return None
    if ftype.is_list:
        if not isinstance(value, list):
            raise InvalidProperty(f"Unable to deserialize property: {xpath}")
        item = ftype.item
        return [
            await _resolve(ctx, item, v, f"{xpath}/{i}", known, False) for i, v in enumerate(value)
        ]
    if ftype.kind == "complex":
        if not isinstance(value, dict):
            raise InvalidProperty(f"Unable to deserialize property: {xpath}")
        fields = ftype.fields or {}
        return {
            name: await _resolve(ctx, fields[name], v, f"{xpath}/{name}", known, False)
            if name in fields and holds_blob(fields[name])
            else v
            for name, v in value.items()
        }
    return await _blob_input(ctx, value, xpath, known)


async def _blob_input(
    ctx: RequestContext, value: Any, xpath: str, known: Mapping[str, Mapping[str, Any]]
) -> Blob:
    if isinstance(value, Blob):
        return value
    if not isinstance(value, dict):
        raise InvalidProperty(f"Unable to deserialize property: {xpath}")
    batch = value.get("upload-batch")
    if batch is not None:
        file_id = value.get("upload-fileId", "0")
        if not isinstance(batch, str) or not isinstance(file_id, str | int):
            raise InvalidProperty(f"Invalid upload reference in {xpath}")
        return await uploads.blob_of(ctx, batch, str(file_id))
    # The document's own blob, echoed back as it was read (PUT of a whole document).
    digest = value.get("digest")
    if isinstance(digest, str) and digest in known:
        blob = Blob.from_stored(known[digest])
        name = value.get("name")
        return blob if not isinstance(name, str) or not name else _renamed(blob, name)
    raise InvalidProperty(
        f"Unable to deserialize property: {xpath}: a blob is set from an upload batch "
        '({"upload-batch": ..., "upload-fileId": ...})'
    )


def _renamed(blob: Blob, name: str) -> Blob:
    return replace(blob, name=uploads.clean_file_name(name))


def download_url(ctx: RequestContext, doc: Document, xpath: str, name: str) -> str:
    """Where the bytes of the blob at ``xpath`` are served (``nxfile``)."""
    filename = quote(name.replace("/", "").replace("\\", "") or "file", safe="")
    return (
        f"{ctx.base_url}nxfile/{doc.repository}/{doc.uid}/{xpath}/{filename}"
        f"?changeToken={doc.change_token}"
    )


def blob_json(
    ctx: RequestContext, doc: Document | None, xpath: str, stored: Mapping[str, Any]
) -> dict[str, Any]:
    """A blob as both doors write it (the contract's blob JSON: ``length`` is
    a string, ``data`` the download URL, empty outside a document)."""
    name = stored.get("name") or "file"
    length = stored.get("length")
    return {
        "name": name,
        "mime-type": stored.get("mime-type"),
        "encoding": stored.get("encoding"),
        "digestAlgorithm": stored.get("digestAlgorithm", "MD5"),
        "digest": stored.get("digest"),
        "length": None if length is None else str(length),
        "data": "" if doc is None else download_url(ctx, doc, xpath, name),
    }


def as_json(ctx: RequestContext, blob: Blob) -> dict[str, Any]:
    return blob_json(ctx, blob.document, blob.xpath or "", blob.stored())


def writer(ctx: RequestContext, doc: Document | None) -> BlobWriter:
    """What ``properties.render`` calls for each blob of ``doc``."""

    def write(xpath: str, stored: Mapping[str, Any]) -> dict[str, Any]:
        return blob_json(ctx, doc, xpath, stored)

    return write
