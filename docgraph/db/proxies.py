"""Proxy rows: create, find those of a version series, point at another target."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def insert(
    db: Database,
    *,
    id: UUID,
    target_id: UUID,
    parent_id: UUID,
    name: str,
    path: str,
    ancestors: Sequence[UUID],
    read_acl: Sequence[str],
) -> Record | None:
    """The new proxy; None when a sibling already has ``name``."""
    return await db.fetchrow(
        Q.proxies.insert, id, target_id, parent_id, name, path, list(ancestors), list(read_acl)
    )


async def of_series(db: Database, live_id: UUID, parent_id: UUID | None = None) -> list[Record]:
    """The proxies of a live document or of its versions (in ``parent_id``)."""
    return await db.fetch(Q.proxies.of_series, live_id, parent_id)


async def retarget(db: Database, proxy_id: UUID, target_id: UUID) -> Record | None:
    return await db.fetchrow(Q.proxies.retarget, proxy_id, target_id)


async def counts(db: Database, live_ids: Sequence[UUID]) -> dict[UUID, int]:
    rows = await db.fetch(Q.proxies.counts, list(live_ids))
    return {row["id"]: row["proxies"] for row in rows}
