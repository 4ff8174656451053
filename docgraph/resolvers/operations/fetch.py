"""Fetch operations: a document by reference, its children, its parent."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from docgraph.resolvers import documents
from docgraph.resolvers.model import Document, Page, PageRequest
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@operation(
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
    "Document.GetChildren",
    label="Get Children",
    signature=[("document", "documents")],
    collector=True,
    category="Fetch",
    params=[
        Param("pageSize", type="integer", default=0, arg="page_size"),
        Param("currentPageIndex", type="integer", default=0, arg="page_index"),
    ],
    description="Get a page of the children of the input document, as @children lists "
    "them (pageSize 0: the largest page the server allows).",
)
async def get_children(
    call: OperationCall, doc: Document, *, page_size: int, page_index: int
) -> Page[Document]:
    return await documents.children(call.ctx, doc, PageRequest(page_index, page_size))


@operation(
    "Document.GetParent",
    label="Get Parent",
    signature=[("document", "document")],
    collector=True,
    category="Fetch",
    params=[Param("type")],
    description="Get the parent of the input document, or its first ancestor of a type.",
)
async def get_parent(call: OperationCall, doc: Document, *, type: str | None) -> Document | None:
    current = await documents.parent(call.ctx, doc)
    while type is not None and current is not None and current.type != type:
        current = await documents.parent(call.ctx, current)
    return current


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
