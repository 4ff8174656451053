"""The aiohttp routes of the Nuxeo door.

A mutating request (any method but GET, HEAD, OPTIONS) runs in one unit of
work, opened only once its body has been read: a client trickling a body in
holds no database connection meanwhile.
"""

from __future__ import annotations

from aiohttp import web

from docgraph import NUXEO_API_VERSION, __version__
from docgraph.errors import NotFound
from docgraph.gateway import keys
from docgraph.gateway.context import build_ctx
from docgraph.gateway.nuxeo import execute, invitations
from docgraph.gateway.nuxeo.json import json_response
from docgraph.gateway.nuxeo.nxfile import NXFILE_ROOT, nxfile_handler
from docgraph.gateway.nuxeo.parse import EndpointRoot, Route, parse, split_segments
from docgraph.gateway.nuxeo.request import Call, require_method
from docgraph.gateway.nuxeo.tokens import TOKEN_PATH, token_handler
from docgraph.gateway.nuxeo.units import in_unit
from docgraph.gateway.nuxeo.writers import respond
from docgraph.plugins import Endpoint
from docgraph.resolvers.context import RequestContext

API_ROOTS = ("/nuxeo/api/v1", "/nuxeo/site/api/v1")
AUTOMATION_ROOT = "/nuxeo/site/automation"
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _raw_tail(request: web.Request, root: str) -> str:
    """The still-encoded path after ``root``: decoding happens per segment."""
    raw = request.raw_path.split("?", 1)[0]
    return raw[len(root) :] if raw.startswith(root) else raw


async def api_handler(request: web.Request) -> web.StreamResponse:
    root = next(r for r in API_ROOTS if request.raw_path.startswith(r))
    route = parse(_raw_tail(request, root))
    ctx = build_ctx(request, route.repository)
    if not isinstance(route.root, EndpointRoot):
        if _streams(ctx, route):
            return await execute.run(ctx, route, request)
        return await in_unit(ctx, request, lambda: execute.run(ctx, route, request))
    endpoint = ctx.registry.endpoints.get(route.root.name)
    if endpoint is None:
        raise NotFound(f"Type not found: {route.root.name}")
    return await _serve(ctx, endpoint, route.root.args, request)


def _streams(ctx: RequestContext, route: Route) -> bool:
    """A route ending with a streaming adapter reads its own body."""
    if not route.steps:
        return False
    adapter = ctx.registry.adapters.get(route.steps[-1].adapter)
    return adapter is not None and adapter.streaming


async def site_automation_handler(request: web.Request) -> web.StreamResponse:
    """``/site/automation``: the automation endpoint at its historical root."""
    ctx = build_ctx(request)
    args = tuple(split_segments(_raw_tail(request, AUTOMATION_ROOT)))
    return await _serve(ctx, ctx.registry.endpoints["automation"], args, request)


async def _serve(
    ctx: RequestContext, endpoint: Endpoint, args: tuple[str, ...], request: web.Request
) -> web.StreamResponse:
    call = Call(request.method, request)
    require_method(call, endpoint.methods, endpoint.name)

    async def handle() -> web.StreamResponse:
        return await respond(ctx, await endpoint.handler(ctx, args, call))

    if endpoint.streaming:
        return await handle()
    return await in_unit(ctx, request, handle)


async def cmis_handler(request: web.Request) -> web.Response:
    return json_response(
        {
            "default": {
                "repositoryId": "default",
                "repositoryName": "default",
                "productName": "docgraph",
                "productVersion": NUXEO_API_VERSION,
                "vendorName": "docgraph",
                "docgraphVersion": __version__,
            }
        }
    )


async def running_status_handler(request: web.Request) -> web.Response:
    """Ready unless more requests wait for a database connection than the pool
    holds: a load balancer should then send traffic elsewhere."""
    if request.app[keys.DATABASE].gate.saturated:
        return web.Response(text="Saturated", status=503, headers={"Retry-After": "1"})
    return web.Response(text="Ok", content_type="text/plain")


def add_routes(app: web.Application) -> None:
    tail = r"{tail:(/.*)?}"
    for root in API_ROOTS:
        app.router.add_route("*", root + tail, api_handler)
    app.router.add_route("*", AUTOMATION_ROOT + tail, site_automation_handler)
    slash = "{slash:/?}"
    app.router.add_route("GET", TOKEN_PATH + slash, token_handler)
    app.router.add_route("POST", TOKEN_PATH + slash, token_handler)
    app.router.add_get("/nuxeo/json/cmis" + slash, cmis_handler)
    app.router.add_get("/nuxeo/runningstatus" + slash, running_status_handler)
    invitations.add_routes(app)
    app.router.add_get(NXFILE_ROOT + "/{tail:.*}", nxfile_handler)
