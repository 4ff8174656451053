"""Version rows: check in, check out, list a series, restore."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def check_in(
    db: Database,
    live_id: UUID,
    version_id: UUID,
    major: int,
    minor: int,
    properties: dict[str, Any],
) -> Record | None:
    """The new version's row (None if the live document is gone)."""
    return await db.fetchrow(Q.versions.check_in, live_id, version_id, major, minor, properties)


async def check_out(db: Database, live_id: UUID) -> Record | None:
    return await db.fetchrow(Q.versions.check_out, live_id)


async def of_series(db: Database, live_ids: Sequence[UUID]) -> list[Record]:
    """The versions of each live document, oldest first."""
    return await db.fetch(Q.versions.of_series, list(live_ids))


async def restore(
    db: Database, live_id: UUID, version_id: UUID, properties: dict[str, Any]
) -> Record | None:
    return await db.fetchrow(Q.versions.restore, live_id, version_id, properties)
