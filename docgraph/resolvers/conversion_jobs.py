"""Conversions run in the background (``POST @convert`` with ``async=true``):
scheduled in a table, run by any server process, polled and fetched by the
user who asked. The conversion itself is ``conversions.convert``, cached as
any other."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID, uuid4

from docgraph.db import conversion_jobs as db_jobs
from docgraph.db.pool import Database, Record
from docgraph.errors import BadRequest, DocGraphError, NotFound
from docgraph.plugins import Registry
from docgraph.resolvers import conversions
from docgraph.resolvers.context import DEFAULT_REPOSITORY, Principal, RequestContext
from docgraph.resolvers.model import Blob
from docgraph.resolvers.owned import owned
from docgraph.settings import Settings

log = logging.getLogger(__name__)

LEASE = 600.0
MAX_ATTEMPTS = 3
BATCH = 2
# Jobs and what they say are forgotten after a day.
KEPT = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Job:
    id: UUID
    # scheduled, running, completed or failed
    status: str
    error: str | None
    result: Blob | None


def _job(row: Record) -> Job:
    result = None if row["result"] is None else Blob.from_stored(row["result"])
    return Job(row["id"], row["status"], row["error"], result)


async def schedule(
    ctx: RequestContext,
    blob: Blob,
    *,
    converter: str | None,
    mime_type: str | None,
    format: str | None,
    params: Mapping[str, str],
) -> Job:
    """Check what is asked (as a synchronous conversion would), then leave
    the work to the background."""
    if sum(x is not None for x in (converter, mime_type, format)) != 1:
        raise BadRequest("No converter, type or format parameter specified")
    conversions.choose(
        ctx,
        blob,
        converter=converter,
        mime_type=conversions.mime_of_format(format) if format else mime_type,
    )
    job_id = uuid4()
    await db_jobs.schedule(
        ctx.db,
        job_id,
        ctx.principal.username,
        blob.stored(),
        converter=converter,
        mime_type=mime_type,
        format=format,
        params=params,
    )
    return Job(job_id, "scheduled", None, None)


async def job(ctx: RequestContext, job_id: str) -> Job:
    """The user's own job; 404 for anyone else's or an unknown one."""
    return _job(await owned(ctx, db_jobs.job, job_id, "conversion"))


async def result(ctx: RequestContext, job_id: str) -> Blob:
    found = await job(ctx, job_id)
    if found.result is None or await ctx.blobs.length(found.result.key) is None:
        raise NotFound(f"Conversion {job_id[:40]} has no result ({found.status})")
    return found.result


async def _run(ctx: RequestContext, row: Record) -> None:
    try:
        converted = await conversions.convert(
            ctx,
            Blob.from_stored(row["source"]),
            converter=row["converter"],
            mime_type=row["mime_type"],
            format=row["format"],
            params=row["params"],
        )
    except DocGraphError as exc:  # the client's mistake or a missing tool: final
        await db_jobs.fail(ctx.db, row["id"], exc.message)
        return
    except Exception as exc:
        if row["attempts"] < MAX_ATTEMPTS:
            log.warning("conversion %s failed (%s); it will be retried", row["id"], exc)
            return
        await db_jobs.fail(ctx.db, row["id"], "The conversion failed")
        return
    await db_jobs.complete(ctx.db, row["id"], converted.stored())


async def run_due(ctx: RequestContext, limit: int = BATCH) -> int:
    """Run up to ``limit`` due jobs; how many were taken."""
    rows = await db_jobs.claim(ctx.db, limit, LEASE)
    for row in rows:
        await _run(ctx, row)
    return len(rows)


async def work_forever(
    database: Database, registry: Registry, settings: Settings, interval: float
) -> None:
    ctx = RequestContext(
        Principal("system", is_administrator=True), DEFAULT_REPOSITORY, database, registry, settings
    )
    while True:
        try:
            taken = await run_due(ctx)
            await db_jobs.drop_old(database, KEPT)
        except Exception:  # the database may be away for a while
            log.exception("background conversions failed; retrying later")
            taken = 0
        if taken < BATCH:
            await asyncio.sleep(interval)
