"""Operations run in the background (``@async``): a run belongs to the user
who started it; its answer is kept until fetched once (or for a day)."""

from __future__ import annotations

from uuid import UUID, uuid4

from docgraph.db import automation_jobs as db_jobs
from docgraph.db.pool import Database, Record
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.owned import owned

KEPT = 24 * 3600.0


async def start(ctx: RequestContext) -> UUID:
    run_id = uuid4()
    await db_jobs.create(ctx.db, run_id, ctx.principal.username)
    return run_id


async def run(ctx: RequestContext, run_id: str) -> Record:
    """The user's own run; 404 for anyone else's or an unknown one."""
    return await owned(ctx, db_jobs.job, run_id, "asynchronous run")


async def finish(
    db: Database, run_id: UUID, *, failed: bool, http_status: int, content_type: str, body: bytes
) -> None:
    status = "failed" if failed else "completed"
    await db_jobs.finish(db, run_id, status, http_status, content_type, body)


async def forget(ctx: RequestContext, run_id: UUID) -> None:
    await db_jobs.forget(ctx.db, run_id, ctx.principal.username)


async def drop_old(db: Database) -> None:
    await db_jobs.drop_old(db, KEPT)
