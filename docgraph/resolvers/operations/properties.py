"""Property operations: list and multi-valued properties, schemas reset or
copied, and saving (writes are already in the request's unit of work:
``Document.Save`` answers the document as it stands)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import orjson

from docgraph.errors import BadRequest
from docgraph.resolvers import documents
from docgraph.resolvers import tags as tags_engine
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_ONE_DOC = [("document", "document")]
_XPATH = Param("xpath", required=True)
_SAVE = Param("save", type="boolean", default=True)


def _list_at(doc: Document, xpath: str) -> list[Any]:
    current = doc.properties.get(xpath)
    if current is None:
        return []
    if not isinstance(current, list):
        raise BadRequest(f"{xpath} is not a list property")
    return list(current)


@operation(
    "Document.Save",
    label="Save",
    signature=_ONE_DOC,
    collector=True,
    description="The input document as it is saved (changes are saved as they are made).",
)
async def save(call: OperationCall, doc: Document) -> Document:
    [current] = await documents.reload(call.ctx, [doc.id]) or [doc]
    return current


@operation(
    "Repository.SaveSession",
    aliases=["Document.SaveSession"],
    label="Save Session",
    signature=[("void", "void")],
    description="Nothing to do: each request's changes are saved when it succeeds.",
)
async def save_session(call: OperationCall, _input: None) -> None:
    return None


@operation(
    "Document.AddItemToListProperty",
    label="Add Item To List Property",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        _XPATH,
        Param(
            "complexJsonProperties",
            required=True,
            arg="items",
            description="a JSON array of the items to append",
        ),
        _SAVE,
    ],
    description="Append items to a list property of the input document.",
)
async def add_items(
    call: OperationCall, doc: Document, *, xpath: str, items: str, save: bool
) -> Document:
    try:
        added = orjson.loads(items)
    except orjson.JSONDecodeError:
        raise BadRequest("complexJsonProperties must be a JSON array") from None
    if not isinstance(added, list):
        raise BadRequest("complexJsonProperties must be a JSON array")
    return await documents.update(call.ctx, doc, {xpath: [*_list_at(doc, xpath), *added]})


@operation(
    "Document.RemoveItemFromListProperty",
    label="Remove Item From List Property",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[_XPATH, Param("index", type="integer", description="none: every item"), _SAVE],
    description="Remove the item at index (or every item) of a list property.",
)
async def remove_item(
    call: OperationCall, doc: Document, *, xpath: str, index: int | None, save: bool
) -> Document:
    items = _list_at(doc, xpath)
    if index is None:
        items = []
    elif not 0 <= index < len(items):
        raise BadRequest(f"{xpath} has no item {index}")
    else:
        del items[index]
    return await documents.update(call.ctx, doc, {xpath: items})


@operation(
    "DocumentMultivaluedProperty.addItem",
    aliases=["AddEntryToMultivaluedProperty"],
    label="Add Entry To Multivalued Property",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[_XPATH, Param("value", type="serializable", required=True), _SAVE],
    description="Add a value to a multi-valued property (once).",
)
async def add_entry(
    call: OperationCall, doc: Document, *, xpath: str, value: Any, save: bool
) -> Document:
    items = _list_at(doc, xpath)
    if value in items:
        return doc
    return await documents.update(call.ctx, doc, {xpath: [*items, value]})


@operation(
    "Document.RemoveEntryOfMultivaluedProperty",
    label="Remove Entry Of Multivalued Property",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[_XPATH, Param("value", type="serializable", required=True), _SAVE],
    description="Remove a value from a multi-valued property.",
)
async def remove_entry(
    call: OperationCall, doc: Document, *, xpath: str, value: Any, save: bool
) -> Document:
    items = _list_at(doc, xpath)
    kept = [item for item in items if item != value]
    if len(kept) == len(items):
        return doc
    return await documents.update(call.ctx, doc, {xpath: kept})


@operation(
    "Document.AddFacet",
    label="Add Facet",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("facet", required=True), _SAVE],
    description="Give the input document a facet its type does not have.",
)
async def add_facet(call: OperationCall, doc: Document, *, facet: str, save: bool) -> Document:
    return await documents.set_facet(call.ctx, doc, facet, present=True)


@operation(
    "Document.RemoveFacet",
    label="Remove Facet",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("facet", required=True), _SAVE],
    description="Take a facet added to the input document away.",
)
async def remove_facet(call: OperationCall, doc: Document, *, facet: str, save: bool) -> Document:
    return await documents.set_facet(call.ctx, doc, facet, present=False)


@operation(
    "Services.TagDocument",
    label="Tag Document",
    category="Services",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("tags", type="stringlist", required=True)],
    description="Add tags to the input document.",
)
async def tag_document(call: OperationCall, doc: Document, *, tags: list[str]) -> Document:
    return await tags_engine.tag(call.ctx, doc, tags)


@operation(
    "Services.UntagDocument",
    label="Untag Document",
    category="Services",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("tags", type="stringlist", required=True)],
    description="Remove tags from the input document.",
)
async def untag_document(call: OperationCall, doc: Document, *, tags: list[str]) -> Document:
    return await tags_engine.untag(call.ctx, doc, tags)


@operation(
    "Services.RemoveDocumentTags",
    label="Remove Document Tags",
    category="Services",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    description="Remove every tag of the input document.",
)
async def remove_tags(call: OperationCall, doc: Document) -> Document:
    return await tags_engine.untag(call.ctx, doc, None)


def _schema_keys(call: OperationCall, doc: Document, schema_name: str) -> list[str]:
    doctype = documents.resolve_type(call.ctx, doc.type)
    schema = next((s for s in doctype.schemas if s.name == schema_name), None)
    if schema is None:
        raise BadRequest(f"Document {doc.uid} has no schema {schema_name[:64]}")
    return [key for key, _ in schema.keyed]


@operation(
    "Document.ResetSchema",
    label="Reset Schema",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("schema", description="every property of this schema"),
        Param("xpath", description="or this one property"),
        _SAVE,
        Param("saveDocument", type="boolean", default=True, arg="save_document"),
    ],
    description="Clear the properties of a schema (or one property) of the input document.",
)
async def reset_schema(
    call: OperationCall,
    doc: Document,
    *,
    schema: str | None,
    xpath: str | None,
    save: bool,
    save_document: bool,
) -> Document:
    if (schema is None) == (xpath is None):
        raise BadRequest("Give a schema or an xpath")
    keys = [xpath] if xpath is not None else _schema_keys(call, doc, schema or "")
    present = [k for k in keys if doc.properties.get(k) is not None]
    if not present:
        return doc
    return await documents.update(call.ctx, doc, dict.fromkeys(present))


@operation(
    "Document.CopySchema",
    label="Copy Schema",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("schema", required=True),
        Param("sourceId", type="document", arg="source_id"),
        Param("sourcePath", type="document", arg="source_path"),
        _SAVE,
        Param("saveDocument", type="boolean", default=True, arg="save_document"),
    ],
    description="Copy a schema's properties from a source document to the input document.",
)
async def copy_schema(
    call: OperationCall,
    doc: Document,
    *,
    schema: str,
    source_id: Document | None,
    source_path: Document | None,
    save: bool,
    save_document: bool,
) -> Document:
    source = source_id or source_path
    if source is None:
        raise BadRequest("Give sourceId or sourcePath")
    keys = _schema_keys(call, source, schema)
    _schema_keys(call, doc, schema)  # the target has the schema too
    return await documents.update(call.ctx, doc, {k: source.properties.get(k) for k in keys})


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
