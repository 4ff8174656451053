"""Document rows: reads, page queries and writes. Tables, not permissions:
callers pass the principals filter that goes into the SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def by_ids(db: Database, ids: Sequence[UUID]) -> list[Record]:
    return await db.fetch(Q.documents.by_ids, list(ids))


async def by_paths(db: Database, repository: str, paths: Sequence[str]) -> list[Record]:
    return await db.fetch(Q.documents.by_paths, repository, list(paths))


async def lock_for_update(db: Database, doc_id: UUID) -> Record | None:
    return await db.fetchrow(Q.documents.by_id_for_update, doc_id)


# Sort slots of the listing queries.
MAX_SORT_KEYS = 3


async def lock_rows(db: Database, ids: Sequence[UUID]) -> None:
    """``FOR UPDATE`` locks on the rows, taken in the order of ``ids``."""
    await db.execute(Q.documents.lock_rows, list(ids))


@dataclass(frozen=True, slots=True)
class ChildrenPage:
    total: int
    rows: list[Record]


async def children_pages(
    db: Database,
    parents: Sequence[tuple[UUID, bool]],
    *,
    principals: Sequence[str] | None,
    hidden_types: Sequence[str],
    limit: int,
    offset: int,
    sort: Sequence[tuple[str, bool]] = (),
) -> dict[UUID, ChildrenPage]:
    """A page of children for each ``(parent id, ordered)``, in one statement;
    ``sort``: up to three (system field or property key, ascending)."""
    if len(sort) > MAX_SORT_KEYS:
        raise ValueError(f"at most {MAX_SORT_KEYS} sort keys")
    slots = [*sort, *[(None, True)] * (MAX_SORT_KEYS - len(sort))]
    records = await db.fetch(
        Q.documents.children_pages,
        [p for p, _ in parents],
        [o for _, o in parents],
        None if principals is None else list(principals),
        list(hidden_types),
        limit,
        offset,
        *[value for slot in slots for value in slot],
        None if principals is None else [f"-{p}" for p in principals],
    )
    pages: dict[UUID, ChildrenPage] = {}
    for record in records:
        key = record["parent_key"]
        page = pages.setdefault(key, ChildrenPage(record["total"], []))
        if record["id"] is not None:
            page.rows.append(record)
    return pages


async def insert(
    db: Database,
    *,
    id: UUID,
    repository: str,
    parent_id: UUID | None,
    name: str,
    path: str,
    type: str,
    lifecycle_state: str | None,
    properties: dict[str, Any],
    ancestors: Sequence[UUID],
    read_acl: Sequence[str],
    now: datetime,
) -> Record | None:
    """Insert a document; ``None`` when a sibling already has ``name``."""
    return await db.fetchrow(
        Q.documents.insert,
        id,
        repository,
        parent_id,
        name,
        path,
        type,
        lifecycle_state,
        properties,
        list(ancestors),
        list(read_acl),
        now,
    )


async def update_properties(
    db: Database,
    doc_id: UUID,
    properties: dict[str, Any],
    *,
    now: datetime,
    user_change: bool,
) -> Record | None:
    return await db.fetchrow(
        Q.documents.update_properties, doc_id, properties, now, 1 if user_change else 0
    )


async def set_lock(db: Database, doc_id: UUID, owner: str | None, now: datetime) -> Record | None:
    """Lock for ``owner``, or unlock with None."""
    return await db.fetchrow(Q.documents.set_lock, doc_id, owner, now)


async def rename_subtree(
    db: Database, doc_id: UUID, name: str, new_path: str, old_path: str, trashed: bool
) -> list[Record]:
    """Rename a document, move its subtree's paths, set their trashed flag."""
    return await db.fetch(Q.documents.rename_subtree, doc_id, name, new_path, old_path, trashed)


async def child_named(db: Database, parent_id: UUID, name: str) -> bool:
    return await db.fetchval(Q.documents.child_named, parent_id, name) is not None


async def set_lifecycle_state(db: Database, doc_id: UUID, state: str) -> Record | None:
    return await db.fetchrow(Q.documents.set_lifecycle_state, doc_id, state)


async def trashed_children(db: Database, parent_id: UUID) -> list[Record]:
    return await db.fetch(Q.documents.trashed_children, parent_id)


async def delete_subtree(db: Database, doc_id: UUID) -> int:
    status = await db.execute(Q.documents.delete_subtree, doc_id)
    return int(status.split()[-1])


async def parents_with_children(
    db: Database,
    ids: Sequence[UUID],
    *,
    hidden_types: Sequence[str],
    principals: Sequence[str] | None,
    types: Sequence[str] | None = None,
) -> set[UUID]:
    """Those of ``ids`` with a listable child ``principals`` may browse (of
    ``types`` if given), in one statement."""
    rows = await db.fetch(
        Q.documents.parents_with_children,
        list(ids),
        list(hidden_types),
        None if principals is None else list(principals),
        None if principals is None else [f"-{p}" for p in principals],
        None if types is None else list(types),
    )
    return {row["id"] for row in rows}
