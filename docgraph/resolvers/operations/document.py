"""Document operations: create, update, set a property, delete."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from docgraph.resolvers import documents, lifecycle, ordering
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_ONE_DOC = [("document", "document")]


@operation(
    "Document.Create",
    label="Create",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("type", required=True),
        Param("name", default="Untitled"),
        Param("properties", type="properties"),
    ],
    description="Create a new document in the input folder.",
)
async def create(
    call: OperationCall,
    parent: Document,
    *,
    type: str,
    name: str,
    properties: dict[str, Any] | None,
) -> Document:
    return await documents.create(
        call.ctx, parent, type_name=type, name=name, properties=properties, lenient=True
    )


@operation(
    "Document.Update",
    label="Update Properties",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("properties", type="properties", required=True),
        Param("save", type="boolean", default=True),
        Param("changeToken", arg="change_token"),
    ],
    description="Set several properties of the input document.",
)
async def update(
    call: OperationCall,
    doc: Document,
    *,
    properties: dict[str, Any],
    save: bool,
    change_token: str | None,
) -> Document:
    # Changes are persisted in the request's unit of work whatever ``save``
    # says: the outcome seen by the client is the same.
    return await documents.update(
        call.ctx, doc, properties, change_token=change_token, lenient=True
    )


@operation(
    "Document.SetProperty",
    label="Update Property",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("xpath", required=True),
        Param("value", type="serializable"),
        Param("save", type="boolean", default=True),
    ],
    description="Set one property of the input document.",
)
async def set_property(
    call: OperationCall, doc: Document, *, xpath: str, value: Any, save: bool
) -> Document:
    return await documents.update(call.ctx, doc, {xpath: value}, lenient=True)


@operation(
    "Document.Delete",
    label="Delete",
    signature=[("document", "void")],
    collector=True,
    writes=True,
    description="Delete the input document permanently.",
)
async def delete(call: OperationCall, doc: Document) -> None:
    await documents.delete(call.ctx, doc)


@operation(
    "Document.Lock",
    label="Lock",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    description="Lock the input document for the current user.",
)
async def lock(call: OperationCall, doc: Document) -> Document:
    return await documents.lock(call.ctx, doc)


@operation(
    "Document.Unlock",
    label="Unlock",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    description="Unlock the input document (its lock owner, or an administrator).",
)
async def unlock(call: OperationCall, doc: Document) -> Document:
    return await documents.unlock(call.ctx, doc)


@operation(
    "Document.Trash",
    label="Trash",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    description="Put the input document (and its subtree) in the trash.",
)
async def trash(call: OperationCall, doc: Document) -> Document:
    return await lifecycle.trash(call.ctx, doc)


@operation(
    "Document.Untrash",
    label="Untrash",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    description="Take the input document (and its subtree) out of the trash.",
)
async def untrash(call: OperationCall, doc: Document) -> Document:
    return await lifecycle.untrash(call.ctx, doc)


@operation(
    "Document.EmptyTrash",
    label="Empty Trash",
    signature=[("void", "void")],
    params=[Param("parent", type="document", required=True)],
    description="Delete for good the trashed children of a folder.",
)
async def empty_trash(call: OperationCall, _input: None, *, parent: Document) -> None:
    await lifecycle.empty_trash(call.ctx, parent)


@operation(
    "Document.FollowLifecycleTransition",
    aliases=["Document.SetLifeCycle"],
    label="Follow Life Cycle Transition",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("value", required=True, description="the transition, e.g. approve")],
    description="Follow a lifecycle transition of the input document.",
)
async def follow_transition(call: OperationCall, doc: Document, *, value: str) -> Document:
    return await lifecycle.follow_transition(call.ctx, doc, value)


@operation(
    "Document.Move",
    label="Move",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("target", type="document", required=True, description="the new parent"),
        Param("name", description="a new name"),
    ],
    description="Move the input document (with its subtree) into the target folder.",
)
async def move(
    call: OperationCall, doc: Document, *, target: Document, name: str | None
) -> Document:
    return await documents.move(call.ctx, doc, target, name)


@operation(
    "Document.Copy",
    label="Copy",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("target", type="document", required=True, description="the parent of the copy"),
        Param("name", description="the copy's name"),
    ],
    description="Copy the input document, with its subtree, into the target folder.",
)
async def copy(
    call: OperationCall, doc: Document, *, target: Document, name: str | None
) -> Document:
    return await documents.copy(call.ctx, doc, target, name)


@operation(
    "Document.Order",
    label="Order Document",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("before", type="document", description="the sibling to go before")],
    description="Put the input documents, in their order, just before a sibling in their "
    "ordered folder (without one: last).",
)
async def order(call: OperationCall, doc: Document, *, before: Document | None) -> Document:
    return await ordering.order_before(call.ctx, doc, before)


@operation(
    "Document.GetChild",
    label="Get Child",
    category="Fetch",
    signature=_ONE_DOC,
    collector=True,
    params=[Param("name", required=True)],
    description="The child of the input document with this name (404 if none).",
)
async def get_child(call: OperationCall, parent: Document, *, name: str) -> Document:
    return await documents.get_child(call.ctx, parent, name)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
