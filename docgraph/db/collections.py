"""Collection rows: members of a collection, collections holding documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from docgraph.db.acls import BrowseFilter, browse_condition
from docgraph.db.pool import Database, Record
from docgraph.db.search import binder


async def members(
    db: Database,
    ids: Sequence[UUID],
    *,
    browse: BrowseFilter | None,
    hidden_types: Sequence[str],
    limit: int,
    offset: int,
) -> tuple[list[Record], int]:
    """A page of the documents of ``ids`` the user may browse, not trashed
    nor hidden, by title then name; and their total."""
    params: list[Any] = []
    bind = binder(params)
    conditions = [
        f"d.id = ANY({bind(list(ids), '::uuid[]')})",
        "NOT d.is_trashed",
        f"NOT d.type = ANY({bind(list(hidden_types), '::text[]')})",
    ]
    if browse is not None:
        conditions.append(browse_condition(browse, bind))
    where = " AND ".join(f"({c})" for c in conditions)
    rows = await db.fetch(
        f"SELECT count(*) OVER () AS total, d.* FROM documents d WHERE {where}"
        " ORDER BY left(d.properties ->> 'dc:title', 200), d.name, d.id"
        f" LIMIT {bind(limit, '::bigint')} OFFSET {bind(offset, '::bigint')}",
        *params,
    )
    if rows:
        return rows, rows[0]["total"]
    if offset == 0:
        return [], 0
    total = await db.fetchval(f"SELECT count(*) FROM documents d WHERE {where}", *params[:-2])
    return [], int(total)


async def holding(
    db: Database, uids: Sequence[str], types: Sequence[str], *, browse: BrowseFilter | None
) -> list[Record]:
    """The collections (of ``types``) holding any of ``uids`` that the user
    may browse, not trashed; the partial GIN index of migration 0023 finds them."""
    params: list[Any] = []
    bind = binder(params)
    conditions = [
        "d.properties ? 'collection:documentIds'",
        f"d.properties -> 'collection:documentIds' ?| {bind(list(uids), '::text[]')}",
        f"d.type = ANY({bind(list(types), '::text[]')})",
        "NOT d.is_trashed",
        "NOT d.is_version",
    ]
    if browse is not None:
        conditions.append(browse_condition(browse, bind))
    where = " AND ".join(f"({c})" for c in conditions)
    return await db.fetch(
        f"SELECT d.* FROM documents d WHERE {where}"
        " ORDER BY left(d.properties ->> 'dc:title', 200), d.id",
        *params,
    )
