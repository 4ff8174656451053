"""Vocabulary-backed properties (``dc:nature``, ``dc:subjects``,
``dc:coverage``, and any field a schema ties to a directory): a value written
must be an entry of its directory, ``parent/child`` in a hierarchical one
(``art/architecture``, ``europe/France``), as Nuxeo's directory resolvers
check when a document is created or saved. Only the values a write changes
are checked, so documents holding older values stay editable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from docgraph.db import directories as db_directories
from docgraph.errors import DocumentValidation, Violation
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.typesystem.model import ResolvedType

CONSTRAINT = "ObjectResolverConstraint"
# A hierarchical value's segments.
SEPARATOR = "/"


def _values(key: str, value: Any) -> list[tuple[int | None, str]]:
    """(list index or None, text) of each value to check; empty ones clear."""
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str) and v]
    return [(None, value)] if isinstance(value, str) and value else []


async def check(ctx: RequestContext, doctype: ResolvedType, changes: Mapping[str, Any]) -> None:
    """A 400 validation report unless every vocabulary value in ``changes``
    names entries of its directory (one statement per directory used)."""
    if not ctx.settings.validate_vocabularies:
        return
    wanted: list[tuple[str, int | None, str, str]] = []
    for schema in doctype.schemas:
        for key, directory in schema.directories.items():
            if key in changes:
                wanted += [(key, i, v, directory) for i, v in _values(key, changes[key])]
    if not wanted:
        return
    segments: dict[str, set[str]] = defaultdict(set)
    for _, _, value, directory in wanted:
        segments[directory].update(value.split(SEPARATOR))
    parents: dict[str, dict[str, str | None]] = {}
    for directory, ids in segments.items():
        rows = await db_directories.by_ids(ctx.db, directory, sorted(ids))
        parents[directory] = {r["id"]: r["properties"].get("parent") or None for r in rows}
    violations = [
        Violation(
            key,
            value,
            CONSTRAINT,
            {"directory": directory},
            f"{value!r} is not an entry of the directory {directory}",
            index,
        )
        for key, index, value, directory in wanted
        if not _resolves(value, parents[directory])
    ]
    if violations:
        raise DocumentValidation(violations)


def _resolves(value: str, parents: Mapping[str, str | None]) -> bool:
    """Every segment is an entry, each the parent of the next."""
    chain = value.split(SEPARATOR)
    if any(segment not in parents for segment in chain):
        return False
    return all(parents[child] == parent for parent, child in zip(chain, chain[1:], strict=False))
