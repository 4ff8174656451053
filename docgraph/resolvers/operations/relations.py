"""Relation operations: link documents with a predicate, and follow links."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from docgraph.errors import BadRequest
from docgraph.resolvers import relations
from docgraph.resolvers.model import Document, DocumentList
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_CATEGORY = "Services"
_PARAMS = [
    Param("object", type="document", required=True, arg="other"),
    Param("predicate", required=True),
    Param("outgoing", type="boolean", default=True, description="false: the input is the object"),
]


@operation(
    "Document.AddRelation",
    aliases=["Relations.CreateRelation"],
    label="Create Relation",
    category=_CATEGORY,
    signature=[("document", "document")],
    collector=True,
    params=_PARAMS,
    description="Relate the input document to another with a predicate.",
)
async def add_relation(
    call: OperationCall, doc: Document, *, other: Document, predicate: str, outgoing: bool
) -> Document:
    return await relations.add(call.ctx, doc, other, predicate, outgoing=outgoing)


@operation(
    "Document.DeleteRelation",
    aliases=["Relations.DeleteRelation"],
    label="Delete Relation",
    category=_CATEGORY,
    signature=[("document", "document")],
    collector=True,
    params=_PARAMS,
    description="Remove a relation between the input document and another.",
)
async def delete_relation(
    call: OperationCall, doc: Document, *, other: Document, predicate: str, outgoing: bool
) -> Document:
    return await relations.remove(call.ctx, doc, other, predicate, outgoing=outgoing)


@operation(
    "Document.GetLinkedDocuments",
    aliases=["Relations.GetRelations"],
    label="Get Linked Documents",
    category=_CATEGORY,
    signature=[("document", "documents")],
    params=[
        Param("predicate", required=True),
        Param("outgoing", type="boolean", default=True),
        Param("graphName", arg="graph", description="only the default graph"),
    ],
    description="The documents the input document is related to (or, not outgoing, "
    "that are related to it) with a predicate.",
)
async def linked_documents(
    call: OperationCall, doc: Document, *, predicate: str, outgoing: bool, graph: str | None
) -> DocumentList:
    if graph not in (None, "", "default"):
        raise BadRequest(f"Unknown relation graph: {graph[:64]}")
    return await relations.linked(call.ctx, doc, predicate, outgoing=outgoing)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
