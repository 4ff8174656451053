"""``runOperation``: any automation operation or chain through GraphQL, on the
same executor as REST's ``/automation`` (typed mutations cover the common ones)."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from docgraph.errors import BadRequest
from docgraph.plugins import Registry
from docgraph.resolvers import blobs
from docgraph.resolvers.model import Blob as BlobModel
from docgraph.resolvers.model import BlobList, DocumentList, GeneratedFile, Page
from docgraph.resolvers.model import Document as DocumentModel
from docgraph.resolvers.operations.decode import decode_input
from docgraph.resolvers.operations.execute import execute
from docgraph.schema.blob import Blob
from docgraph.schema.documents import Context, Document


@strawberry.type(
    description="What an operation answered: kind is document, documents, blob, blobs, "
    "file (made on the spot: download it over REST), value or void."
)
class OperationResult:
    kind: str
    document: Document | None = None
    documents: list[Document] | None = None
    blobs: list[Blob] | None = None
    value: JSON | None = None


def _result(info: Context, value: Any) -> OperationResult:
    ctx = info.context
    if value is None:
        return OperationResult(kind="void")
    if isinstance(value, DocumentModel):
        return OperationResult(kind="document", document=Document.of(ctx, value))
    if isinstance(value, DocumentList | Page):
        docs = [Document.of(ctx, d) for d in value]
        return OperationResult(kind="documents", documents=docs)
    if isinstance(value, BlobModel | BlobList):
        found = [value] if isinstance(value, BlobModel) else list(value)
        listed = [Blob.from_json(blobs.as_json(ctx, b)) for b in found]
        return OperationResult(
            kind="blob" if isinstance(value, BlobModel) else "blobs", blobs=listed
        )
    if isinstance(value, GeneratedFile):
        return OperationResult(kind="file", value=cast(JSON, {"name": value.name}))
    return OperationResult(kind="value", value=cast(JSON, value))


@strawberry.type
class OperationMutation:
    @strawberry.mutation(
        name="runOperation",
        description="Run an automation operation or chain. input as REST takes it: an id, "
        "a path, doc:ref or docs:ref1,ref2.",
    )
    async def run_operation(
        self,
        info: Context,
        id: str,
        input: str | None = None,
        params: JSON | None = None,
        context: JSON | None = None,
    ) -> OperationResult:
        if params is not None and not isinstance(params, dict):
            raise BadRequest("params must be a JSON object")
        if context is not None and not isinstance(context, dict):
            raise BadRequest("context must be a JSON object")
        value = await execute(
            info.context, id.removeprefix("Chain."), decode_input(input), params, context
        )
        return _result(info, value)


def register(registry: Registry) -> None:
    registry.add_graphql(mutation=OperationMutation)
