"""Notification subscription rows."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def subscribe(db: Database, document: UUID, username: str, names: Sequence[str]) -> None:
    await db.execute(Q.notifications.subscribe, document, username, list(names))


async def unsubscribe(db: Database, document: UUID, username: str, names: Sequence[str]) -> None:
    await db.execute(Q.notifications.unsubscribe, document, username, list(names))


async def of_user(db: Database, documents: Sequence[UUID], username: str) -> list[Record]:
    return await db.fetch(Q.notifications.of_user, list(documents), username)


async def subscribers(
    db: Database, documents: Sequence[UUID], names: Sequence[str], limit: int
) -> list[Record]:
    return await db.fetch(Q.notifications.subscribers, list(documents), list(names), limit)
