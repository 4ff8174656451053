"""Asynchronous conversions (see migration 0016)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def schedule(
    db: Database,
    job_id: UUID,
    owner: str,
    source: Mapping[str, Any],
    *,
    converter: str | None,
    mime_type: str | None,
    format: str | None,
    params: Mapping[str, str],
) -> None:
    await db.execute(
        Q.conversion_jobs.schedule,
        job_id,
        owner,
        dict(source),
        converter,
        mime_type,
        format,
        dict(params),
    )


async def job(db: Database, job_id: UUID, owner: str) -> Record | None:
    return await db.fetchrow(Q.conversion_jobs.job, job_id, owner)


async def claim(db: Database, limit: int, lease: float) -> list[Record]:
    return await db.fetch(Q.conversion_jobs.claim, limit, lease)


async def complete(db: Database, job_id: UUID, result: Mapping[str, Any]) -> None:
    await db.execute(Q.conversion_jobs.complete, job_id, dict(result))


async def fail(db: Database, job_id: UUID, error: str) -> None:
    await db.execute(Q.conversion_jobs.fail, job_id, error)


async def drop_old(db: Database, age: float) -> None:
    await db.execute(Q.conversion_jobs.drop_old, age)
