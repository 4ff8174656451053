"""Aggregates: counts of a search's documents by a property's values (terms)
or by ranges of a number or a date, computed in PostgreSQL over the same
permission-filtered query — what Nuxeo offers only with Elasticsearch.

A search selects buckets through the aggregate's parameter (``defaults:
dc_nature_agg=["article"]``): the documents are narrowed to them, and each
aggregate counts with every selection but its own, so that its other buckets
stay visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from docgraph.db import search as db_search
from docgraph.db.nxql.compiler import Compiled
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.permissions import browse_filter

TERMS = "terms"
RANGE = "range"
DATE_RANGE = "date_range"


@dataclass(frozen=True, slots=True)
class Range:
    key: str
    # Bounds: numbers for a range, for a date range timedeltas back from now
    # (None: open).
    low: Any = None
    high: Any = None


@dataclass(frozen=True, slots=True)
class Aggregate:
    id: str
    type: str
    # The NXQL property counted (a blob sub-field as file:content/length).
    field: str
    size: int = 10
    ranges: tuple[Range, ...] = ()

    @property
    def path(self) -> list[str]:
        return self.field.split("/")

    def selection_clause(self, selected: Sequence[str]) -> tuple[str, list[Any]]:
        """The NXQL condition (with its ``?`` values) selecting these buckets."""
        if self.type == TERMS:
            marks = ", ".join("?" for _ in selected)
            return f"{self.field} IN ({marks})", list(selected)
        clauses, values = [], []
        now = datetime.now(UTC)
        for bucket in self.ranges:
            if bucket.key not in selected:
                continue
            tests = []
            for bound, operator in ((bucket.low, ">="), (bucket.high, "<")):
                if bound is None:
                    continue
                tests.append(f"{self.field} {operator} ?")
                values.append((now - bound).isoformat() if self.type == DATE_RANGE else bound)
            clauses.append("(" + (" AND ".join(tests) or f"{self.field} IS NOT NULL") + ")")
        return "(" + (" OR ".join(clauses) or "1 = 0") + ")", values


async def compute(
    ctx: RequestContext,
    aggregate: Aggregate,
    compiled: Compiled,
    selection: Sequence[str],
    is_list: bool,
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """The aggregate's JSON (Nuxeo's ``aggregate`` entity) over ``compiled``;
    ``partial``: the search found more documents than an aggregate counts
    (``aggregate_limit``), which its properties say."""
    browse = await browse_filter(ctx)
    if aggregate.type == TERMS:
        counted = await db_search.aggregate_terms(
            ctx.db,
            ctx.repository,
            compiled,
            browse=browse,
            key=aggregate.field,
            is_list=is_list,
            size=aggregate.size,
            limit=ctx.settings.aggregate_limit,
        )
        buckets = [{"key": key, "docCount": n} for key, n in counted]
        extended = buckets + [
            {"key": key, "docCount": 0}
            for key in selection
            if key not in {b["key"] for b in buckets}
        ]
    else:
        now = datetime.now(UTC)
        bounds = [
            (
                _bound(now, bucket.low, aggregate.type),
                _bound(now, bucket.high, aggregate.type),
            )
            for bucket in aggregate.ranges
        ]
        counts = await db_search.aggregate_ranges(
            ctx.db,
            ctx.repository,
            compiled,
            browse=browse,
            key=aggregate.path if aggregate.type == RANGE else [aggregate.field],
            kind="date" if aggregate.type == DATE_RANGE else "number",
            ranges=bounds,
            limit=ctx.settings.aggregate_limit,
        )
        buckets = [
            _range_bucket(bucket, n, low, high, aggregate.type)
            for bucket, n, (low, high) in zip(aggregate.ranges, counts, bounds, strict=True)
        ]
        extended = buckets
    return {
        "entity-type": "aggregate",
        "id": aggregate.id,
        "field": aggregate.field,
        "properties": {
            **({"size": str(aggregate.size)} if aggregate.type == TERMS else {}),
            **({"countedDocuments": str(ctx.settings.aggregate_limit)} if partial else {}),
        },
        "ranges": [
            {"key": r.key, "from": _plain(r.low), "to": _plain(r.high)} for r in aggregate.ranges
        ],
        "selection": list(selection),
        "type": aggregate.type,
        "buckets": buckets,
        "extendedBuckets": extended,
    }


def _bound(now: datetime, value: Any, kind: str) -> Any:
    if value is None or kind != DATE_RANGE:
        return value
    assert isinstance(value, timedelta)
    return now - value


def _plain(value: Any) -> Any:
    return f"now-{int(value.total_seconds())}s" if isinstance(value, timedelta) else value


def _range_bucket(bucket: Range, count: int, low: Any, high: Any, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": bucket.key, "docCount": count, "from": None, "to": None}
    if kind == DATE_RANGE:
        out["from"] = None if low is None else int(low.timestamp() * 1000)
        out["to"] = None if high is None else int(high.timestamp() * 1000)
        out["fromAsDate"] = None if low is None else low.isoformat()
        out["toAsDate"] = None if high is None else high.isoformat()
    else:
        out["from"], out["to"] = low, high
    return out


async def exceeds_limit(ctx: RequestContext, compiled: Compiled) -> bool:
    """Whether the search finds more documents than an aggregate counts."""
    limit = ctx.settings.aggregate_limit
    counted = await db_search.count_up_to(
        ctx.db, ctx.repository, compiled, browse=await browse_filter(ctx), limit=limit + 1
    )
    return counted > limit
