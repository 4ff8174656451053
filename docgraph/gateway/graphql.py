"""The GraphQL door: strawberry's aiohttp view with docgraph's request context."""

from __future__ import annotations

from pathlib import Path

import orjson
from aiohttp import web
from strawberry.aiohttp.views import GraphQLView as StrawberryView
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from docgraph.gateway.context import build_ctx
from docgraph.resolvers.context import RequestContext
from docgraph.schema.errors import with_code

STATIC = Path(__file__).with_name("static")
# Everything the page loads comes from this server.
GRAPHIQL_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # React and CodeMirror set style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ]
)


class GraphQLView(StrawberryView[RequestContext, None]):
    async def render_graphql_ide(self, request: web.Request) -> web.Response:
        """GraphiQL, served with its assets by docgraph itself: it works offline."""
        return web.Response(
            text=(STATIC / "graphiql.html").read_text(),
            content_type="text/html",
            headers={"Content-Security-Policy": GRAPHIQL_POLICY},
        )

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses nesting beyond 1,024 levels with a JSONDecodeError (a
        # 400) where the standard library would exhaust the stack.
        return orjson.loads(data)

    async def process_result(
        self, request: web.Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Parse errors never reach the schema's extensions: code them here too.
        if result.errors:
            result.errors = [with_code(e) for e in result.errors]
        return await super().process_result(request, result)

    async def get_context(
        self, request: web.Request, response: web.Response | web.WebSocketResponse
    ) -> RequestContext:
        return build_ctx(request)
