"""``POST /automation/{op}/@async``: an operation run in the background.

202 with ``Location: .../@async/{id}/status``; the status answers
``{"entity-type": "string", "value": "RUNNING"}`` while it runs, then
redirects (303) to ``.../@async/{id}``, which answers what the operation
answered, once. ``DELETE .../@async/{id}`` stops a run and forgets it.

The run happens in the process that received it, on a context of its own
(the request's ends with the request), in one unit of work; its answer is
kept in the database, so that any process can serve the status and result.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from aiohttp import web

from docgraph.errors import BadRequest, DocGraphError
from docgraph.gateway import keys
from docgraph.gateway.bodies import read_body
from docgraph.gateway.nuxeo.json import exception_response, json_response
from docgraph.gateway.nuxeo.request import request_of
from docgraph.gateway.nuxeo.writers import respond
from docgraph.plugins import Call
from docgraph.resolvers import automation_runs
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.operations.decode import decode_input
from docgraph.resolvers.operations.execute import execute, require

log = logging.getLogger(__name__)


async def start(ctx: RequestContext, op_id: str, call: Call) -> web.Response:
    require(ctx, op_id)
    request = request_of(call)
    await read_body(request)
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The automation request must be a JSON object")
    params, context = body.get("params") or {}, body.get("context") or {}
    if not isinstance(params, dict) or not isinstance(context, dict):
        raise BadRequest("params and context must be JSON objects")
    value = decode_input(body.get("input"))
    void = call.headers.get("X-NXVoidOperation", "").lower() == "true"
    run_id = await automation_runs.start(ctx)
    app = request.app
    own = RequestContext(
        ctx.principal,
        ctx.repository,
        app[keys.DATABASE].session(),
        ctx.registry,
        ctx.settings,
        rendering=ctx.rendering,
        authenticator=ctx.authenticator,
        changes=ctx.changes,
        base_url=ctx.base_url,
    )
    app[keys.ASYNC_RUNS].spawn(run_id, _run(own, run_id, op_id, value, params, context, void))
    location = f"{ctx.base_url}api/v1/automation/{op_id}/@async/{run_id}/status"
    return web.Response(status=202, headers={"Location": location})


async def _run(
    ctx: RequestContext,
    run_id: UUID,
    op_id: str,
    value: Any,
    params: dict[str, Any],
    context: dict[str, Any],
    void: bool,
) -> None:
    try:
        try:
            async with ctx.unit_of_work():
                result = await execute(ctx, op_id, value, params, context)
            answer = await respond(ctx, None if void else result)
        except DocGraphError as exc:
            answer = exception_response(exc.status, exc.message)
        except Exception:
            log.exception("asynchronous run %s of %s failed", run_id, op_id)
            answer = exception_response(500, f"Internal Server Error (run {run_id})")
        kept = answer.body if isinstance(answer, web.Response) else None
        if isinstance(answer, web.Response) and (kept is None or isinstance(kept, bytes)):
            body = kept or b""
        else:  # a stream (a blob): there is nothing to keep
            answer = exception_response(
                400, "This operation's result is a file: run the operation directly"
            )
            body = bytes(answer.body) if isinstance(answer.body, bytes) else b""
        await automation_runs.finish(
            ctx.database,
            run_id,
            failed=answer.status >= 400,
            http_status=answer.status,
            content_type=answer.headers.get("Content-Type", "application/json"),
            body=body,
        )
    finally:
        await ctx.close()


async def follow(ctx: RequestContext, op_id: str, args: tuple[str, ...], call: Call) -> Any:
    """``.../@async/{id}/status``, ``.../@async/{id}`` (GET, DELETE)."""
    run_id, *rest = args
    found = await automation_runs.run(ctx, run_id)
    base = f"{ctx.base_url}api/v1/automation/{op_id}/@async/{run_id}"
    if rest == ["status"]:
        if found["status"] == "running":
            return json_response({"entity-type": "string", "value": "RUNNING"})
        return web.Response(status=303, headers={"Location": base})
    if rest:
        raise BadRequest(f"No such asynchronous resource: {'/'.join(rest)[:80]}")
    if call.method == "DELETE":
        request_of(call).app[keys.ASYNC_RUNS].stop(found["id"])
        await automation_runs.forget(ctx, found["id"])
        return None
    if found["status"] == "running":
        return json_response({"entity-type": "string", "value": "RUNNING"}, 404)
    await automation_runs.forget(ctx, found["id"])
    return web.Response(
        status=found["http_status"],
        body=found["body"],
        headers={"Content-Type": found["content_type"]},
    )
