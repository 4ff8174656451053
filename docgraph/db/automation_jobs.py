"""Asynchronous automation runs (see migration 0017)."""

from __future__ import annotations

from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def create(db: Database, job_id: UUID, owner: str) -> None:
    await db.execute(Q.automation_jobs.create, job_id, owner)


async def job(db: Database, job_id: UUID, owner: str) -> Record | None:
    return await db.fetchrow(Q.automation_jobs.job, job_id, owner)


async def finish(
    db: Database, job_id: UUID, status: str, http_status: int, content_type: str, body: bytes
) -> None:
    await db.execute(Q.automation_jobs.finish, job_id, status, http_status, content_type, body)


async def forget(db: Database, job_id: UUID, owner: str) -> bool:
    return await db.fetchval(Q.automation_jobs.forget, job_id, owner) is not None


async def drop_old(db: Database, age: float) -> None:
    await db.execute(Q.automation_jobs.drop_old, age)
