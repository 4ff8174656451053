"""Notification subscriptions in GraphQL: the same engine calls as
``Document.Subscribe`` and the ``subscribedNotifications`` enricher."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from docgraph.resolvers import documents
from docgraph.resolvers import notifications as subscriptions
from docgraph.resolvers.model import IdRef
from docgraph.schema.documents import Context, Document

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@strawberry.type(name="NotificationDocumentFields")
class NotificationDocumentFields:
    @strawberry.field(
        name="subscribedNotifications",
        description="The notifications one subscribed to on this document.",
    )
    async def subscribed_notifications(
        self, info: Context, document: strawberry.Parent[Document]
    ) -> list[str]:
        found: list[str] = await info.context.loaders.per_document(
            subscriptions.subscribed, document.model
        )
        return found


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(description="Be told by e-mail of changes (all notifications by default).")
    async def subscribe(
        self, info: Context, id: strawberry.ID, notifications: list[str] | None = None
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await subscriptions.subscribe(ctx, doc, notifications))

    @strawberry.mutation(description="Stop being told (of all notifications by default).")
    async def unsubscribe(
        self, info: Context, id: strawberry.ID, notifications: list[str] | None = None
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await subscriptions.unsubscribe(ctx, doc, notifications))


def register(registry: Registry) -> None:
    registry.add_graphql(mutation=NotificationMutation, document=NotificationDocumentFields)
