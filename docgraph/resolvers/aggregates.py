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
from docgraph.resolvers.typesystem.coerce import format_date

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
    compiled: Compiled,
    wanted: Sequence[tuple[Aggregate, Sequence[str], bool]],
) -> dict[str, dict[str, Any]]:
    """The JSON (Nuxeo's ``aggregate`` entity) of each of the ``wanted``
    (aggregate, its selection, whether its property is a list) over
    ``compiled``, all in one statement. An aggregate counts at most
    ``aggregate_limit`` documents; when it stopped there, its properties say
    so (``countedDocuments``)."""
    now = datetime.now(UTC)
    bounds = [
        tuple(
            (_bound(now, r.low, aggregate.type), _bound(now, r.high, aggregate.type))
            for r in aggregate.ranges
        )
        for aggregate, _, _ in wanted
    ]
    counted = [
        db_search.Counted(
            kind="terms" if aggregate.type == TERMS else "ranges",
            path=tuple(aggregate.path),
            is_list=is_list,
            size=aggregate.size,
            numeric=aggregate.type == RANGE,
            # Dates compare as they are stored (UTC ISO texts order as the dates do).
            ranges=tuple((_stored(low), _stored(high)) for low, high in ranges),
        )
        for (aggregate, _, is_list), ranges in zip(wanted, bounds, strict=True)
    ]
    limit = ctx.settings.aggregate_limit
    found, total = await db_search.aggregate(
        ctx.db,
        ctx.repository,
        compiled,
        browse=await browse_filter(ctx),
        counted=counted,
        limit=limit,
    )
    out = {}
    for (aggregate, selection, _), ranges, pairs in zip(wanted, bounds, found, strict=True):
        if aggregate.type == TERMS:
            buckets = [{"key": key, "docCount": n} for key, n in pairs]
            seen = {b["key"] for b in buckets}
            extended = buckets + [{"key": k, "docCount": 0} for k in selection if k not in seen]
        else:
            counts = {int(key): n for key, n in pairs}
            buckets = [
                _range_bucket(bucket, counts.get(j, 0), low, high, aggregate.type)
                for j, (bucket, (low, high)) in enumerate(
                    zip(aggregate.ranges, ranges, strict=True)
                )
            ]
            extended = buckets
        properties: dict[str, str] = {}
        if aggregate.type == TERMS:
            properties["size"] = str(aggregate.size)
        if total > limit:
            properties["countedDocuments"] = str(limit)
        out[aggregate.id] = {
            "entity-type": "aggregate",
            "id": aggregate.id,
            "field": aggregate.field,
            "properties": properties,
            "ranges": [
                {"key": r.key, "from": _plain(r.low), "to": _plain(r.high)}
                for r in aggregate.ranges
            ],
            "selection": list(selection),
            "type": aggregate.type,
            "buckets": buckets,
            "extendedBuckets": extended,
        }
    return out


def _bound(now: datetime, value: Any, kind: str) -> Any:
    if value is None or kind != DATE_RANGE:
        return value
    assert isinstance(value, timedelta)
    return now - value


def _stored(value: Any) -> Any:
    return format_date(value) if isinstance(value, datetime) else value


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
