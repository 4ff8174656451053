"""Running a compiled NXQL query: one statement for a page and its total."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from docgraph.db.acls import BrowseFilter
from docgraph.db.nxql.compiler import Compiled
from docgraph.db.pool import Database, Record
from docgraph.settings import ConfigurationError

# What a version reports as its path and parent: its live document's.
_LIVE_COLUMNS = (
    "CASE WHEN d.is_version THEN (SELECT l.path FROM documents l"
    " WHERE l.id = d.version_series_id) END AS live_path,"
    " CASE WHEN d.is_version THEN (SELECT l.parent_id FROM documents l"
    " WHERE l.id = d.version_series_id) END AS live_parent_id"
)


def _binder(params: list[Any]) -> Callable[..., str]:
    def bind(value: Any, cast: str = "") -> str:
        params.append(value)
        return f"${len(params)}{cast}"

    return bind


def _where(
    repository: str, compiled: Compiled, browse: BrowseFilter | None, bind: Callable[..., str]
) -> str:
    """The query's conditions, the repository's and the permission filter's."""
    conditions = [f"d.repository = {bind(repository, '::text')}", compiled.where or "true"]
    if browse is not None:
        names = bind(list(browse.names), "::text[]")
        denied = bind(list(browse.denied), "::text[]")
        conditions.append(
            f"d.read_acl && {names}"
            f" AND (NOT d.read_acl && {denied} OR may_browse(d.read_acl, {names}, {denied}))"
        )
    return " AND ".join(f"({c})" for c in conditions)


def page_statement(
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    limit: int,
    offset: int,
) -> tuple[str, str, list[Any]]:
    """(the page's SQL, its WHERE clause, the parameters; the last two are
    LIMIT and OFFSET)."""
    params: list[Any] = list(compiled.params)
    bind = _binder(params)
    where = _where(repository, compiled, browse, bind)
    # The tie-break runs the way the last key does: an index on (key, id)
    # then gives the whole order.
    last_descending = bool(compiled.order) and compiled.order[-1].endswith(" DESC")
    order = ", ".join([*compiled.order, f"d.id {'DESC' if last_descending else 'ASC'}"])
    sql = (
        f"SELECT d.*, {_LIVE_COLUMNS} FROM documents d WHERE {where}"
        f" ORDER BY {order} LIMIT {bind(limit, '::bigint')} OFFSET {bind(offset, '::bigint')}"
    )
    return sql, where, params


async def page(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    limit: int,
    offset: int,
    count_limit: int,
) -> tuple[list[Record], int]:
    """A page of the documents matching ``compiled`` that the user may browse
    (``browse``; None: no filter), and their total: exact up to ``count_limit``,
    -2 beyond (Nuxeo's "more than resultsCountLimit"). The page reads only
    what its ORDER BY and LIMIT need; the count is a second statement, only
    when the page alone does not tell it."""
    sql, where, params = page_statement(
        repository, compiled, browse=browse, limit=limit, offset=offset
    )
    rows = await db.fetch(sql, *params)
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    count_params = [*params[: len(params) - 2], count_limit + 1]
    counted = await db.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM documents d WHERE {where}"
        f" LIMIT ${len(count_params)}::bigint) AS matches",
        *count_params,
    )
    return rows, int(counted) if counted <= count_limit else TRUNCATED


# The total of a result larger than the count limit.
TRUNCATED = -2


async def set_fulltext_dictionary(db: Database, dictionary: str) -> bool:
    """Full text uses ``dictionary`` after folding accents; the index is
    rebuilt when it changes (True then)."""
    try:
        return bool(await db.fetchval("SELECT set_fulltext_dictionary($1)", dictionary))
    except asyncpg.UndefinedObjectError:
        raise ConfigurationError(
            f"DOCGRAPH_FULLTEXT_DICTIONARY: PostgreSQL has no text search dictionary {dictionary!r}"
        ) from None


def _found(
    repository: str,
    compiled: Compiled,
    browse: BrowseFilter | None,
    bind: Callable[..., str],
    limit: int,
) -> str:
    """The documents an aggregate counts: those the query finds, at most ``limit``."""
    where = _where(repository, compiled, browse, bind)
    return (
        f"(SELECT d.properties FROM documents d WHERE {where} LIMIT {bind(limit, '::bigint')}) AS d"
    )


# What an aggregate counts: a property's text, the elements of a list
# property, a blob's length, a date. The property key is bound, never spliced.
_TERM_KEYS = {
    "scalar": "d.properties ->> {key}",
    "list": "e.value",
}
_RANGE_VALUES = {
    "number": "(d.properties #>> {key}::text[])::numeric",
    "date": "(d.properties ->> {key})::timestamptz",
}


async def aggregate_terms(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    key: str,
    is_list: bool,
    size: int,
    limit: int,
) -> list[tuple[str, int]]:
    """The ``size`` most frequent values of property ``key`` among (at most
    ``limit`` of) the documents the query finds (list properties: of their
    elements)."""
    params: list[Any] = list(compiled.params)
    bind = _binder(params)
    found = _found(repository, compiled, browse, bind, limit)
    bound_key = bind(key, "::text")
    if is_list:
        source = (
            f"{found} CROSS JOIN LATERAL jsonb_array_elements_text("
            f"CASE WHEN jsonb_typeof(d.properties -> {bound_key}) = 'array'"
            f" THEN d.properties -> {bound_key} ELSE '[]' END) AS e (value)"
        )
        term = _TERM_KEYS["list"]
    else:
        source = found
        term = _TERM_KEYS["scalar"].format(key=bound_key)
    sql = (
        f"SELECT {term} AS key, count(*) AS n FROM {source}"
        f" WHERE {term} IS NOT NULL AND {term} <> ''"
        f" GROUP BY 1 ORDER BY n DESC, key LIMIT {bind(size, '::bigint')}"
    )
    return [(r["key"], int(r["n"])) for r in await db.fetch(sql, *params)]


async def aggregate_ranges(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    key: Sequence[str],
    kind: str,
    ranges: Sequence[tuple[Any, Any]],
    limit: int,
) -> list[int]:
    """How many of (at most ``limit`` of) the documents the query finds have
    a value at ``key`` (a path into the properties) in each [from, to) range
    (None: open), in one scan."""
    params: list[Any] = list(compiled.params)
    bind = _binder(params)
    found = _found(repository, compiled, browse, bind, limit)
    if kind == "date":
        value = _RANGE_VALUES["date"].format(key=bind(key[0], "::text"))
        cast = "::timestamptz"
    else:
        value = _RANGE_VALUES["number"].format(key=bind(list(key)))
        cast = "::numeric"
    counts = []
    for low, high in ranges:
        tests = [f"{value} IS NOT NULL"]
        if low is not None:
            tests.append(f"{value} >= {bind(low, cast)}")
        if high is not None:
            tests.append(f"{value} < {bind(high, cast)}")
        counts.append(f"count(*) FILTER (WHERE {' AND '.join(tests)})")
    sql = f"SELECT {', '.join(counts)} FROM {found}"
    row = await db.fetchrow(sql, *params)
    assert row is not None
    return [int(v) for v in row.values()]


async def count_up_to(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    limit: int,
) -> int:
    """How many documents the query finds, counting at most ``limit``."""
    params: list[Any] = list(compiled.params)
    bind = _binder(params)
    found = _found(repository, compiled, browse, bind, limit)
    return int(await db.fetchval(f"SELECT count(*) FROM {found}", *params))
