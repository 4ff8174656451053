"""``/api/v1/conversions/{id}/poll`` and ``/result``: conversions scheduled
with ``POST @convert`` (``async=true``), as their owner sees them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import NotFound
from docgraph.gateway.nuxeo.json import json_response
from docgraph.plugins import Endpoint
from docgraph.resolvers import conversion_jobs
from docgraph.resolvers.context import RequestContext

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def conversions_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    match args:
        case (job_id, "poll"):
            job = await conversion_jobs.job(ctx, job_id)
            body = {
                "entity-type": "conversionStatus",
                "conversionId": str(job.id),
                "status": job.status,
                "resultURL": f"{ctx.base_url}api/v1/conversions/{job.id}/result",
            }
            if job.error:
                body["errorMessage"] = job.error
            return json_response(body)
        case (job_id, "result"):
            return await conversion_jobs.result(ctx, job_id)
    raise NotFound(f"No such conversion resource: {'/'.join(args)[:200]}")


def register(registry: Registry) -> None:
    registry.add_endpoint(Endpoint("conversions", conversions_endpoint))
