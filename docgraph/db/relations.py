"""Relation rows: subject --predicate--> object between documents."""

from __future__ import annotations

from uuid import UUID

from docgraph.db.pool import Database
from docgraph.db.queries import Q


async def add(db: Database, subject: UUID, predicate: str, obj: UUID, author: str) -> None:
    await db.execute(Q.relations.add, subject, predicate, obj, author)


async def remove(db: Database, subject: UUID, predicate: str, obj: UUID) -> None:
    await db.execute(Q.relations.remove, subject, predicate, obj)


async def linked(
    db: Database, doc: UUID, predicate: str, *, outgoing: bool, limit: int
) -> list[UUID]:
    """The documents ``doc`` points to (``outgoing``) or that point to it."""
    query = Q.relations.objects if outgoing else Q.relations.subjects
    return [r["id"] for r in await db.fetch(query, doc, predicate, limit)]
