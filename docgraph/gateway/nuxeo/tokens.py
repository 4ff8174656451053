"""Token authentication's two doors: Nuxeo's historical
``/nuxeo/authentication/token`` (the bare token as text) and ``/api/v1/token``
(JSON listing, creation, revocation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from docgraph.gateway.context import build_ctx
from docgraph.gateway.nuxeo.request import require_method
from docgraph.plugins import Call, Endpoint
from docgraph.resolvers import tokens
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.typesystem.coerce import format_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry

TOKEN_PATH = "/nuxeo/authentication/token"
_TEXT = "text/plain"


async def token_handler(request: web.Request) -> web.Response:
    """``GET|POST /authentication/token?applicationName=&deviceId=&permission=``:
    201 with the token as text (the same one again for the same device), or
    with ``revoke=true`` 202."""
    ctx = build_ctx(request)
    query = request.query
    application, device = query.get("applicationName"), query.get("deviceId")
    async with ctx.unit_of_work():
        if query.get("revoke", "").lower() == "true":
            await tokens.revoke_device(ctx, application, device)
            return web.Response(status=202, text="Token revoked", content_type=_TEXT)
        token, _ = await tokens.acquire(
            ctx, application, device, query.get("permission"), query.get("deviceDescription")
        )
    return web.Response(status=201, text=token.token, content_type=_TEXT)


def token_json(token: tokens.Token) -> dict[str, Any]:
    return {
        "entity-type": "token",
        "id": token.token,
        "username": token.username,
        "application": token.application,
        "deviceId": token.device_id,
        "deviceDescription": token.device_description,
        "permission": token.permission,
        "creationDate": format_date(token.created),
    }


async def token_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``GET /token[?application=]``, ``POST /token?...``, ``DELETE /token/{token}``."""
    query = call.query
    if args:
        require_method(call, frozenset({"DELETE"}), "token/{token}")
        await tokens.revoke(ctx, args[0])
        return None
    require_method(call, frozenset({"GET", "HEAD", "POST"}), "token")
    if call.method == "POST":
        token, _ = await tokens.acquire(
            ctx,
            query.get("application"),
            query.get("deviceId"),
            query.get("permission"),
            query.get("deviceDescription"),
        )
        return web.Response(status=201, text=token.token, content_type=_TEXT)
    found = await tokens.of_user(ctx, query.get("application"))
    return {"entity-type": "tokens", "entries": [token_json(t) for t in found]}


def register(registry: Registry) -> None:
    methods = frozenset({"GET", "HEAD", "POST", "DELETE"})
    registry.add_endpoint(Endpoint("token", token_endpoint, methods))
