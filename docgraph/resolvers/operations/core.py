"""The standard operations of this release: logging, fetch and document CRUD."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest
from docgraph.resolvers import documents
from docgraph.resolvers.model import Document, DocumentList
from docgraph.resolvers.operations.registry import OperationCall, Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
_ONE_DOC = [("document", "document")]


def register(registry: Registry) -> None:
    ops = registry.operations

    @operation(
        ops,
        "Log",
        aliases=["LogOperation"],
        category="Notification",
        label="Log",
        signature=[("void", "void")],
        params=[Param("message", required=True), Param("level", default="info"), Param("category")],
        description="Write a message to the server log.",
    )
    async def log_message(
        call: OperationCall, _input: None, *, message: str, level: str, category: str | None
    ) -> None:
        if level.lower() not in _LEVELS:
            raise BadRequest(f"Unknown log level: {level}")
        # Under docgraph's own namespace: a client cannot write as another logger.
        logger = logging.getLogger(f"docgraph.automation.{category or 'Log'}")
        logger.log(_LEVELS[level.lower()], "%s", message)

    @operation(
        ops,
        "Repository.GetDocument",
        aliases=["Document.Fetch"],
        category="Fetch",
        label="Document",
        signature=[("void", "document")],
        params=[Param("value", type="document", required=True)],
        description="Fetch a document by path or id.",
    )
    async def fetch(call: OperationCall, _input: None, *, value: Document) -> Document:
        return value

    @operation(
        ops,
        "Document.Create",
        label="Create",
        signature=_ONE_DOC,
        collector=True,
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
        ops,
        "Document.Update",
        label="Update Properties",
        signature=_ONE_DOC,
        collector=True,
        params=[
            Param("properties", type="properties", required=True),
            Param("save", type="boolean", default=True),
            Param("changeToken"),
        ],
        description="Set several properties of the input document.",
    )
    async def update(
        call: OperationCall,
        doc: Document,
        *,
        properties: dict[str, Any],
        save: bool,
        changeToken: str | None,
    ) -> Document:
        # Changes are persisted in the request's unit of work whatever ``save``
        # says: the outcome seen by the client is the same.
        return await documents.update(
            call.ctx, doc, properties, change_token=changeToken, lenient=True
        )

    @operation(
        ops,
        "Document.SetProperty",
        label="Update Property",
        signature=_ONE_DOC,
        collector=True,
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
        ops,
        "Document.Delete",
        label="Delete",
        signature=[("document", "void")],
        collector=True,
        description="Delete the input document permanently.",
    )
    async def delete(call: OperationCall, doc: Document) -> None:
        await documents.delete(call.ctx, doc)

    @operation(
        ops,
        "Document.GetChildren",
        label="Get Children",
        signature=[("document", "documents")],
        collector=True,
        category="Fetch",
        description="Get the children of the input document.",
    )
    async def get_children(call: OperationCall, doc: Document) -> DocumentList:
        return await documents.all_children(call.ctx, doc)

    @operation(
        ops,
        "Document.GetParent",
        label="Get Parent",
        signature=_ONE_DOC,
        collector=True,
        category="Fetch",
        params=[Param("type")],
        description="Get the parent of the input document, or its first ancestor of a type.",
    )
    async def get_parent(
        call: OperationCall, doc: Document, *, type: str | None
    ) -> Document | None:
        current = await documents.parent(call.ctx, doc)
        while type is not None and current is not None and current.type != type:
            current = await documents.parent(call.ctx, current)
        return current
