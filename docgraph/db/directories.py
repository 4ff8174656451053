"""Directory entry rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def page(db: Database, directory: str, limit: int, offset: int) -> tuple[list[Record], int]:
    """A page of entries and the directory's total."""
    rows = await db.fetch(Q.directories.page, directory, limit, offset)
    if rows:
        return rows, int(rows[0]["total"])
    return rows, int(await db.fetchval(Q.directories.count, directory))


async def by_ids(db: Database, directory: str, ids: Sequence[str]) -> list[Record]:
    return await db.fetch(Q.directories.by_ids, directory, list(ids))


async def insert(
    db: Database, directory: str, id: str, properties: dict[str, Any]
) -> Record | None:
    return await db.fetchrow(Q.directories.insert, directory, id, properties)


async def update(
    db: Database, directory: str, id: str, properties: dict[str, Any]
) -> Record | None:
    return await db.fetchrow(Q.directories.update, directory, id, properties)


async def delete(db: Database, directory: str, id: str) -> bool:
    status = await db.execute(Q.directories.delete, directory, id)
    return status.endswith(" 1")


async def has_children(db: Database, directories: Sequence[str], id: str) -> bool:
    return bool(await db.fetchval(Q.directories.has_children, list(directories), id))


async def seed(db: Database, directory: str, entries: Sequence[tuple[str, dict[str, Any]]]) -> bool:
    """Add a directory's starting entries, once in its life."""
    return bool(
        await db.fetchval(
            Q.directories.seed, directory, [i for i, _ in entries], [p for _, p in entries]
        )
    )


async def seeded(db: Database) -> set[str]:
    """The directories that got their starting entries already."""
    return {r["directory"] for r in await db.fetch(Q.directories.seeded)}
