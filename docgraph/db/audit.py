"""Audit log rows: append, and pages of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from docgraph.db.audit_query import CompiledAuditQuery
from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


@dataclass(frozen=True, slots=True)
class Entry:
    event_id: str
    category: str
    principal: str
    comment: str | None
    doc_lifecycle: str | None
    doc_path: str | None
    doc_type: str | None
    doc_uuid: UUID | None
    repository: str
    event_date: datetime
    extended: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Filter:
    """Which entries a page holds; None: no condition."""

    documents: Sequence[UUID] | None = None
    event_ids: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    principals: Sequence[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    # Entries of documents[1:] after this date are left out.
    others_until: datetime | None = None


def _statement(name: str, documents: bool) -> str:
    template = getattr(Q.audit, name)
    assert template.count("/*DOCUMENTS*/") == 1
    return template.replace("/*DOCUMENTS*/", Q.audit.of_documents if documents else Q.audit.of_all)


_PAGE = {flag: _statement("page", flag) for flag in (True, False)}
_COUNT = {flag: _statement("count", flag) for flag in (True, False)}


async def append(db: Database, entries: Sequence[Entry]) -> None:
    columns = list(zip(*((
        e.event_id, e.category, e.principal, e.comment, e.doc_lifecycle, e.doc_path,
        e.doc_type, e.doc_uuid, e.repository, e.event_date, e.extended,
    ) for e in entries), strict=True))  # fmt: skip
    await db.execute(Q.audit.insert, *(list(c) for c in columns))


def _args(where: Filter) -> list[Any]:
    def listed(values: Sequence[Any] | None) -> list[Any] | None:
        return None if values is None else list(values)

    return [
        listed(where.documents),
        listed(where.event_ids),
        listed(where.categories),
        listed(where.principals),
        where.start,
        where.end,
        where.others_until,
    ]


async def page(
    db: Database, where: Filter, limit: int, offset: int, count_limit: int
) -> tuple[list[Record], int]:
    """A page of entries and their total: exact up to ``count_limit``, -2
    beyond (as search totals are)."""
    documents = where.documents is not None
    args = _args(where)
    rows = await db.fetch(_PAGE[documents], *args, limit, offset)
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    total = int(await db.fetchval(_COUNT[documents], *args, count_limit + 1))
    return rows, total if total <= count_limit else -2


async def query_page(
    db: Database, query: CompiledAuditQuery, limit: int, offset: int, count_limit: int
) -> tuple[list[Record], int]:
    """A page of the entries an Audit.Query query finds, and their total
    (exact up to ``count_limit``, -2 beyond)."""
    params = list(query.params)
    n = len(params)
    rows = await db.fetch(
        f"SELECT a.* FROM audit_log a WHERE {query.where} ORDER BY {query.order}"
        f" LIMIT ${n + 1}::bigint OFFSET ${n + 2}::bigint",
        *params,
        limit,
        offset,
    )
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    total = int(
        await db.fetchval(
            f"SELECT count(*) FROM (SELECT 1 FROM audit_log a WHERE {query.where}"
            f" LIMIT ${n + 1}::bigint) AS matches",
            *params,
            count_limit + 1,
        )
    )
    return rows, total if total <= count_limit else -2
