"""Live data: subscriptions to committed changes (graphql-transport-ws)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from docgraph.errors import ServiceUnavailable
from docgraph.plugins import Registry
from docgraph.resolvers import live
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document as DocumentModel
from docgraph.schema.documents import Context, Document


@strawberry.type(description="A committed change to a document.")
class DocumentChange:
    kind: str = strawberry.field(
        description="created, modified, moved, deleted, security_changed, locked, unlocked, "
        "trashed, untrashed, transition, checked_in, fired (Event.Fire: see name)"
    )
    name: str | None = strawberry.field(description="A fired event's name.")
    id: strawberry.ID
    path: str | None
    type: str
    principal: str = strawberry.field(description="Who made the change.")
    at: str
    old_path: str | None = strawberry.field(name="oldPath", description="Before a move.")
    document: Document | None = strawberry.field(description="As it is now; null once deleted.")

    @classmethod
    def of(
        cls, ctx: RequestContext, change: live.Change, doc: DocumentModel | None
    ) -> DocumentChange:
        return cls(
            kind=change.kind,
            name=change.name,
            id=strawberry.ID(str(change.doc_id)),
            path=change.path,
            type=change.doc_type,
            principal=change.principal,
            at=change.at,
            old_path=change.old_path,
            document=None if doc is None else Document.of(ctx, doc),
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        name="documentChanged",
        description="Changes the user may read, as they commit in any docgraph process: "
        "of one document (id), of a subtree (path), of some types; all that are given.",
    )
    async def document_changed(
        self,
        info: Context,
        id: strawberry.ID | None = None,
        path: str | None = None,
        types: Annotated[list[str] | None, strawberry.argument()] = None,
    ) -> AsyncGenerator[DocumentChange, None]:
        ctx = info.context
        if ctx.changes is None:
            raise ServiceUnavailable("Subscriptions are not available on this server")
        what = live.watch(id, path, types)
        async for change, doc in live.follow(ctx, ctx.changes, what):
            yield DocumentChange.of(ctx, change, doc)


def register(registry: Registry) -> None:
    registry.add_graphql(subscription=Subscription)
