"""The aiohttp routes of the Nuxeo door."""

from __future__ import annotations

from aiohttp import web

from docgraph import NUXEO_API_VERSION, __version__
from docgraph.errors import NotFound
from docgraph.gateway.context import build_ctx
from docgraph.gateway.nuxeo import execute
from docgraph.gateway.nuxeo.automation import automation_endpoint
from docgraph.gateway.nuxeo.json import json_response
from docgraph.gateway.nuxeo.parse import EndpointRoot, parse, split_segments

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
    if isinstance(route.root, EndpointRoot):
        endpoint = ctx.registry.endpoints.get(route.root.name)
        if endpoint is None:
            raise NotFound(f"Type not found: {route.root.name}")
        return await endpoint(ctx, request, route.root.args)
    if request.method in _READS:
        return await execute.run(ctx, route, request)
    # One transaction per mutating request: a pipe commits or fails as a whole.
    async with ctx.transaction():
        return await execute.run(ctx, route, request)


async def site_automation_handler(request: web.Request) -> web.StreamResponse:
    args = tuple(split_segments(_raw_tail(request, AUTOMATION_ROOT)))
    return await automation_endpoint(build_ctx(request), request, args)


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
    return web.Response(text="Ok", content_type="text/plain")


def add_routes(app: web.Application) -> None:
    tail = r"{tail:(/.*)?}"
    for root in API_ROOTS:
        app.router.add_route("*", root + tail, api_handler)
    app.router.add_route("*", AUTOMATION_ROOT + tail, site_automation_handler)
    slash = "{slash:/?}"
    app.router.add_get("/nuxeo/json/cmis" + slash, cmis_handler)
    app.router.add_get("/nuxeo/runningstatus" + slash, running_status_handler)
