"""The GraphQL door: strawberry's aiohttp view with docgraph's request context."""

from __future__ import annotations

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView as StrawberryView

from docgraph.gateway.context import build_ctx
from docgraph.resolvers.context import RequestContext


class GraphQLView(StrawberryView):
    async def get_context(
        self, request: web.Request, response: web.Response | web.WebSocketResponse
    ) -> RequestContext:
        return build_ctx(request)
