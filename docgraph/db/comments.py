"""Comment rows: pages of a document's comments, reply summaries, external ids."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def page(
    db: Database,
    parent_id: UUID,
    types: Sequence[str],
    xpath: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Record], int]:
    rows = await db.fetch(Q.comments.page, parent_id, list(types), xpath, limit, offset)
    if rows:
        return rows, int(rows[0]["total"])
    return rows, int(await db.fetchval(Q.comments.count, parent_id, list(types), xpath))


async def replies_summary(
    db: Database, ids: Sequence[UUID], types: Sequence[str]
) -> dict[UUID, tuple[int, str | None]]:
    rows = await db.fetch(Q.comments.replies_summary, list(ids), list(types))
    return {r["id"]: (int(r["replies"]), r["last_reply"]) for r in rows}


async def by_entity(
    db: Database, below: UUID, types: Sequence[str], entity_id: str
) -> Record | None:
    return await db.fetchrow(Q.comments.by_entity, below, list(types), entity_id)


async def pages(
    db: Database, parent_ids: Sequence[UUID], types: Sequence[str], limit: int, offset: int
) -> dict[UUID, tuple[int, list[Record]]]:
    """A page of comments for each document, in one statement."""
    found: dict[UUID, tuple[int, list[Record]]] = {}
    for row in await db.fetch(Q.comments.pages, list(parent_ids), list(types), limit, offset):
        total, rows = found.setdefault(row["parent_key"], (int(row["total"]), []))
        if row["id"] is not None:
            rows.append(row)
    return found
