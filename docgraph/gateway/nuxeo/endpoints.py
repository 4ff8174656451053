"""Root endpoints of ``/api/v1`` other than documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from docgraph.errors import MethodNotAllowed, NotFound
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.automation import automation_endpoint
from docgraph.resolvers.context import RequestContext

if TYPE_CHECKING:
    from docgraph.plugins import Registry


async def me_endpoint(
    ctx: RequestContext, request: web.Request, args: tuple[str, ...]
) -> web.StreamResponse:
    if args:
        raise NotFound(f"No such resource: me/{'/'.join(args)}")
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed(f"Method {request.method} is not allowed on me")
    return nx_json.json_response(nx_json.user(ctx.principal))


def register(registry: Registry) -> None:
    registry.add_endpoint("automation", automation_endpoint)
    registry.add_endpoint("me", me_endpoint)
