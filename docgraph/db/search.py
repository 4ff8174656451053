"""Running a compiled NXQL query: one statement for a page and its total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from docgraph.db.nxql.compiler import Compiled
from docgraph.db.pool import Database, Record
from docgraph.settings import ConfigurationError

# Without an ORDER BY, results come in a stable order all the same.
_TIEBREAK = "d.id"


async def page(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    principals: Sequence[str] | None,
    limit: int,
    offset: int,
) -> tuple[list[Record], int | None]:
    """A page of the documents matching ``compiled`` that ``principals`` may
    browse (None: no filter), with the total; the total is None when the
    page is empty (the caller counts then)."""
    params: list[Any] = list(compiled.params)

    def bind(value: Any, cast: str = "") -> str:
        params.append(value)
        return f"${len(params)}{cast}"

    conditions = [f"d.repository = {bind(repository, '::text')}", compiled.where or "true"]
    if principals is not None:
        names = bind(list(principals), "::text[]")
        denied = bind([f"-{p}" for p in principals], "::text[]")
        conditions.append(
            f"d.read_acl && {names}"
            f" AND (NOT d.read_acl && {denied} OR may_browse(d.read_acl, {names}, {denied}))"
        )
    order = ", ".join([*compiled.order, _TIEBREAK])
    where = " AND ".join(f"({c})" for c in conditions)
    sql = (
        f"SELECT d.*, count(*) OVER () AS total_count FROM documents d WHERE {where}"
        f" ORDER BY {order} LIMIT {bind(limit, '::bigint')} OFFSET {bind(offset, '::bigint')}"
    )
    rows = await db.fetch(sql, *params)
    if rows:
        return rows, int(rows[0]["total_count"])
    if offset == 0:
        return [], 0
    counted = await db.fetchval(
        f"SELECT count(*) FROM documents d WHERE {where}", *params[: len(params) - 2]
    )
    return [], int(counted)


async def set_fulltext_dictionary(db: Database, dictionary: str) -> bool:
    """Full text uses ``dictionary`` after folding accents; the index is
    rebuilt when it changes (True then)."""
    try:
        return bool(await db.fetchval("SELECT set_fulltext_dictionary($1)", dictionary))
    except asyncpg.UndefinedObjectError:
        raise ConfigurationError(
            f"DOCGRAPH_FULLTEXT_DICTIONARY: PostgreSQL has no text search dictionary {dictionary!r}"
        ) from None
