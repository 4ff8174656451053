"""Root endpoints of ``/api/v1`` other than documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import NotFound
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.automation import automation_endpoint
from docgraph.plugins import Call, Endpoint
from docgraph.resolvers.context import RequestContext

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def me_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> dict[str, Any]:
    if args:
        raise NotFound(f"No such resource: me/{'/'.join(args)}")
    return nx_json.user(ctx.principal)


def register(registry: Registry) -> None:
    registry.add_endpoint(
        Endpoint("automation", automation_endpoint, frozenset({"GET", "HEAD", "POST"}))
    )
    registry.add_endpoint(Endpoint("me", me_endpoint))
