"""Running a compiled NXQL query: one statement for a page and its total."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

import asyncpg

from docgraph.db.acls import BrowseFilter, browse_condition
from docgraph.db.documents import Projection, bounded, projected
from docgraph.db.nxql.compiler import Compiled, CompiledRecords, PathAnchor
from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q
from docgraph.settings import ConfigurationError


def binder(params: list[Any]) -> Callable[..., str]:
    """``bind(value, cast)``: appends a parameter to ``params``, returns its placeholder."""

    def bind(value: Any, cast: str = "") -> str:
        params.append(value)
        return f"${len(params)}{cast}"

    return bind


AnyCompiled = TypeVar("AnyCompiled", Compiled, CompiledRecords)


async def anchored(db: Database, repository: str, compiled: AnyCompiled) -> AnyCompiled:
    """``compiled`` with its path anchors (``STARTSWITH``) replaced by the ids
    of the documents at those paths (None where there is none: the subtree is
    empty), looked up in one statement. Every statement runs anchored."""
    paths = list({p.path for p in compiled.params if isinstance(p, PathAnchor)})
    if not paths:
        return compiled
    rows = await db.fetch(Q.documents.ids_by_paths, repository, paths)
    ids = {row["path"]: row["id"] for row in rows}
    params = [ids.get(p.path) if isinstance(p, PathAnchor) else p for p in compiled.params]
    return replace(compiled, params=params)


def where_clause(
    repository: str, query_where: str, browse: BrowseFilter | None, bind: Callable[..., str]
) -> str:
    """The query's conditions, the repository's and the permission filter's."""
    conditions = [f"d.repository = {bind(repository, '::text')}", query_where or "true"]
    if browse is not None:
        conditions.append(browse_condition(browse, bind))
    return " AND ".join(f"({c})" for c in conditions)


class PageStatement(NamedTuple):
    """A page's SQL and parameters, and its WHERE clause alone with its own
    (for the count)."""

    sql: str
    params: list[Any]
    where: str
    where_params: list[Any]


def page_statement(
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    limit: int,
    offset: int,
    projection: Projection | None = None,
) -> PageStatement:
    params: list[Any] = list(compiled.params)
    bind = binder(params)
    where = where_clause(repository, compiled.where, browse, bind)
    where_params = list(params)
    # The tie-break runs the way the last key does: an index on (key, id)
    # then gives the whole order.
    last_descending = bool(compiled.order) and compiled.order[-1].endswith(" DESC")
    order = ", ".join([*compiled.order, f"d.id {'DESC' if last_descending else 'ASC'}"])
    select = projected("SELECT d.* FROM documents d", projection, params)
    sql = (
        f"{select} WHERE {where}"
        f" ORDER BY {order} LIMIT {bind(limit, '::bigint')} OFFSET {bind(offset, '::bigint')}"
    )
    return PageStatement(sql, params, where, where_params)


async def page(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    limit: int,
    offset: int,
    count_limit: int,
    projection: Projection | None = None,
) -> tuple[list[Record], int]:
    """A page of the documents matching ``compiled`` that the user may browse
    (``browse``; None: no filter), and their total: exact up to ``count_limit``,
    -2 beyond (Nuxeo's "more than resultsCountLimit"). The page reads only
    what its ORDER BY and LIMIT need; the count is a second statement, only
    when the page alone does not tell it."""
    compiled = await anchored(db, repository, compiled)
    statement = page_statement(
        repository, compiled, browse=browse, limit=limit, offset=offset, projection=projection
    )
    rows = await db.fetch(statement.sql, *statement.params)
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    total = await _total(
        db, "FROM documents d", statement.where, statement.where_params, count_limit
    )
    return rows, total


async def _total(db: Database, source: str, where: str, params: list[Any], count_limit: int) -> int:
    """How many rows of ``source`` match ``where``: exact up to
    ``count_limit``, ``TRUNCATED`` beyond (counting stops there)."""
    count_params = [*params, count_limit + 1]
    counted = await db.fetchval(
        f"SELECT count(*) FROM (SELECT 1 {source} WHERE {where}"
        f" LIMIT ${len(count_params)}::bigint) AS matches",
        *count_params,
    )
    return bounded(counted, count_limit)


async def keyset_page(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    limit: int,
    after: UUID | None,
    backward: bool = False,
) -> list[Record] | None:
    """Up to ``limit`` documents in the query's order (its keys, then the id)
    that come after the document ``after`` (before it, read in reverse, when
    ``backward``); None when ``after`` no longer exists. PostgreSQL's default
    null placement (last ascending, first descending) is followed.

    With one sort key (the usual case), the page is read as a row comparison
    on (key, id), which an index on them serves from the cursor on: a deep
    page costs what the first does. The rows whose key is null are read as
    a phase of their own, before or after the others as they sort."""
    compiled = await anchored(db, repository, compiled)
    last_ascending = compiled.keys[-1][1] if compiled.keys else True
    keys = [*compiled.keys, ("d.id", last_ascending)]
    if backward:
        keys = [(sql, not ascending) for sql, ascending in keys]
    order = ", ".join(f"{sql} {'ASC' if ascending else 'DESC'}" for sql, ascending in keys)
    values: list[Any] = []
    if after is not None:
        found = await db.fetchrow(
            f"SELECT {', '.join(sql for sql, _ in keys)} FROM documents d WHERE d.id = $1", after
        )
        if found is None:
            return None
        values = list(found)
    rows: list[Record] = []
    for phase in _phases(keys, values):
        params: list[Any] = list(compiled.params)
        bind = binder(params)
        where = where_clause(repository, compiled.where, browse, bind)
        condition = phase(bind)
        rows += await db.fetch(
            f"SELECT d.* FROM documents d WHERE {where} AND ({condition})"
            f" ORDER BY {order} LIMIT {bind(limit - len(rows), '::bigint')}",
            *params,
        )
        if len(rows) >= limit:
            break
    return rows


Phase = Callable[[Callable[..., str]], str]


def _phases(keys: list[tuple[str, bool]], cursor: list[Any]) -> list[Phase]:
    """The conditions that, read one after the other in ``keys``' order, give
    the rows after the cursor row (its key values ``cursor``; none: from the
    start)."""
    if not cursor:
        return [lambda bind: "true"]
    if len(keys) == 2:
        (key, ascending), (tie, _) = keys
        value, last = cursor
        op = ">" if ascending else "<"

        def compared(bind: Callable[..., str]) -> str:
            return f"({key}, {tie}) {op} ({bind(value)}, {bind(last)})"

        def nulls_after(bind: Callable[..., str]) -> str:
            return f"{key} IS NULL AND {tie} {op} {bind(last)}"

        if value is not None:
            # Ascending, the nulls follow every value; descending, they came first.
            return [compared, lambda bind: f"{key} IS NULL"] if ascending else [compared]
        # The cursor is among the nulls: the rest of them, then (descending) the values.
        return [nulls_after] if ascending else [nulls_after, lambda bind: f"{key} IS NOT NULL"]
    return [lambda bind: _beyond(keys, cursor, bind)]


def _beyond(keys: list[tuple[str, bool]], cursor: list[Any], bind: Callable[..., str]) -> str:
    """Rows after the cursor row in ``keys``' order, any number of keys and
    directions: equal on the first keys, then after it on the next one."""
    alternatives = []
    for i, (sql, ascending) in enumerate(keys):
        equal = [
            f"{k} IS NULL" if v is None else f"{k} = {bind(v)}"
            for (k, _), v in zip(keys[:i], cursor[:i], strict=True)
        ]
        value = cursor[i]
        if ascending:  # nulls last: after a value come greater ones, then nulls
            after = "false" if value is None else f"({sql} > {bind(value)} OR {sql} IS NULL)"
        else:  # nulls first: after them every value, after a value lesser ones
            after = f"{sql} IS NOT NULL" if value is None else f"{sql} < {bind(value)}"
        alternatives.append(" AND ".join([*equal, after]))
    return " OR ".join(f"({a})" for a in alternatives)


async def records(
    db: Database,
    repository: str,
    compiled: CompiledRecords,
    *,
    browse: BrowseFilter | None,
    limit: int,
    offset: int,
    count_limit: int,
) -> tuple[list[Record], int]:
    """A page of a column query's rows (columns ``c0``, ``c1``, ... in select
    order) from the documents the user may browse, and their total as
    :func:`page` counts it. A query of aggregates is one row."""
    compiled = await anchored(db, repository, compiled)
    params: list[Any] = list(compiled.params)
    bind = binder(params)
    where = where_clause(repository, compiled.where, browse, bind)
    source = " ".join(["FROM documents d", *compiled.joins])
    select = ", ".join(f"{c.sql} AS c{i}" for i, c in enumerate(compiled.columns))
    if compiled.aggregated:
        return await db.fetch(f"SELECT {select} {source} WHERE {where}", *params), 1
    where_params = list(params)
    # Ties broken by document, then by list element: pages never overlap.
    order = ", ".join([*compiled.order, "d.id", *(f"{a}.n" for a in compiled.elements)])
    rows = await db.fetch(
        f"SELECT {select} {source} WHERE {where} ORDER BY {order}"
        f" LIMIT {bind(limit, '::bigint')} OFFSET {bind(offset, '::bigint')}",
        *params,
    )
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    return rows, await _total(db, source, where, where_params, count_limit)


async def set_fulltext_dictionary(db: Database, dictionary: str) -> bool:
    """Full text uses ``dictionary`` after folding accents; the index is
    rebuilt when it changes (True then)."""
    try:
        return bool(await db.fetchval("SELECT set_fulltext_dictionary($1)", dictionary))
    except asyncpg.UndefinedObjectError:
        raise ConfigurationError(
            f"DOCGRAPH_FULLTEXT_DICTIONARY: PostgreSQL has no text search dictionary {dictionary!r}"
        ) from None


@dataclass(frozen=True, slots=True)
class Counted:
    """What one aggregate counts: ``kind`` is ``terms`` (the ``size`` most
    frequent values at ``path``; ``is_list``: of a list's elements) or
    ``ranges`` (``numeric``, or dates as stored texts: how many values fall
    in each [low, high), None open)."""

    kind: str
    path: tuple[str, ...]
    is_list: bool = False
    size: int = 10
    numeric: bool = True
    ranges: tuple[tuple[Any, Any], ...] = ()


async def aggregate(
    db: Database,
    repository: str,
    compiled: Compiled,
    *,
    browse: BrowseFilter | None,
    counted: Sequence[Counted],
    limit: int,
) -> tuple[list[list[tuple[str, int]]], int]:
    """Every aggregate over (at most ``limit`` of) the documents the query
    finds, in one statement: the matching rows are read once, only the values
    counted kept, then each aggregate groups them. Each aggregate's (key,
    count) pairs (a range's key is its index), and how many documents were
    counted (one more than ``limit``: the search found more). Property paths
    are bound, never spliced."""
    compiled = await anchored(db, repository, compiled)
    params: list[Any] = list(compiled.params)
    bind = binder(params)
    where = where_clause(repository, compiled.where, browse, bind)
    columns, parts = [], []
    for i, spec in enumerate(counted):
        path = bind(list(spec.path), "::text[]")
        if spec.kind == "terms" and spec.is_list:
            # Documents often share a whole list: each distinct list is
            # expanded once, weighted by how many documents hold it.
            columns.append(f"d.properties #> {path} AS v{i}")
            parts.append(
                f"(SELECT {i} AS agg, e.value AS key, sum(g.n)::bigint AS n"
                f" FROM (SELECT v{i} AS v, count(*) AS n FROM m GROUP BY v{i}) AS g"
                f" CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN"
                f" jsonb_typeof(g.v) = 'array' THEN g.v ELSE '[]' END) AS e (value)"
                f" WHERE e.value <> '' GROUP BY e.value"
                f" ORDER BY n DESC, e.value LIMIT {bind(spec.size, '::bigint')})"
            )
        elif spec.kind == "terms":
            columns.append(f"d.properties #>> {path} AS v{i}")
            parts.append(
                f"(SELECT {i} AS agg, v{i} AS key, count(*) AS n FROM m"
                f" WHERE v{i} <> '' GROUP BY v{i}"
                f" ORDER BY n DESC, v{i} LIMIT {bind(spec.size, '::bigint')})"
            )
        else:
            # Stored dates compare as texts: no cast for each document.
            cast = "::numeric" if spec.numeric else "::text"
            columns.append(f"(d.properties #>> {path}){cast} AS v{i}")
            # Every range counted in one pass, then a row per range.
            counts = []
            for low, high in spec.ranges:
                tests = [f"v{i} IS NOT NULL"]
                if low is not None:
                    tests.append(f"v{i} >= {bind(low, cast)}")
                if high is not None:
                    tests.append(f"v{i} < {bind(high, cast)}")
                counts.append(f"count(*) FILTER (WHERE {' AND '.join(tests)})")
            parts.append(
                f"(SELECT {i} AS agg, (r.ord - 1)::text AS key, r.n FROM"
                f" (SELECT ARRAY[{', '.join(counts) or '0'}]::bigint[] AS n FROM m) AS c"
                f" CROSS JOIN LATERAL unnest(c.n) WITH ORDINALITY AS r (n, ord))"
            )
    # One row more than is counted tells whether the search found more; m is
    # a window on found, not a copy of it.
    parts.append("(SELECT -1 AS agg, NULL AS key, count(*) AS n FROM found)")
    sql = (
        f"WITH found AS MATERIALIZED (SELECT {', '.join(columns) or '1'} FROM documents d"
        f" WHERE {where} LIMIT {bind(limit + 1, '::bigint')}),"
        f" m AS NOT MATERIALIZED (SELECT * FROM found LIMIT {bind(limit, '::bigint')}) "
        + " UNION ALL ".join(parts)
    )
    found: list[list[tuple[str, int]]] = [[] for _ in counted]
    total = 0
    for row in await db.fetch(sql, *params):
        if row["agg"] < 0:
            total = int(row["n"])
        else:
            found[row["agg"]].append((row["key"], int(row["n"])))
    return found, total
