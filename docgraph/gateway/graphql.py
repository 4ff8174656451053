"""The GraphQL door: GraphQL over HTTP (POST JSON, GET for queries) and the
GraphiQL page, on docgraph's request context and ``schema.pipeline``;
subscriptions over WebSocket (``graphql_ws``).

A malformed request (not JSON, no query, variables that are not an object)
is answered 400 in GraphQL's error format; a mutation sent with GET, 405.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from graphql import ExecutionResult

from docgraph.errors import (
    BadRequest,
    DocGraphError,
    MethodNotAllowed,
    ServiceUnavailable,
    UnsupportedMediaType,
)
from docgraph.gateway import graphql_multipart as multipart
from docgraph.gateway import graphql_ws
from docgraph.gateway.bodies import read_body
from docgraph.gateway.context import build_ctx
from docgraph.schema.pipeline import EVERY_OPERATION, QUERIES_ONLY, Pipeline

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
_JSON_TYPES = frozenset({"application/json", "application/graphql-response+json"})
_METHODS = frozenset({"GET", "POST"})
_JSON_HEADERS = {"Content-Type": "application/json"}


class GraphQLDoor:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await graphql_ws.serve(request, self.pipeline)
        if request.method == "GET" and "query" not in request.query:
            if "text/html" in request.headers.get("Accept", ""):
                return _graphiql()
        try:
            query, variables, operation_name, extensions = await _read(request)
        except DocGraphError as exc:
            if exc.status >= 500:
                raise
            return _refusal(exc.status, exc.code, exc.message, exc.headers())
        allowed = QUERIES_ONLY if request.method == "GET" else EVERY_OPERATION
        try:
            result = await self.pipeline.run(
                build_ctx(request, rendering=False),
                query,
                variables,
                operation_name,
                allowed,
                extensions,
            )
        except DocGraphError as exc:
            # Outside any field: an unknown repository (404), no connection
            # for a mutation's unit of work (503).
            if exc.status >= 500 and not isinstance(exc, ServiceUnavailable):
                raise
            return _refusal(exc.status, exc.code, exc.message, exc.headers())
        refused = result.errors and (result.errors[0].extensions or {}).get("code")
        return _answer(result, 405 if refused == "operation_not_allowed" else 200)


async def _read(
    request: web.Request,
) -> tuple[str | None, dict[str, Any] | None, str | None, dict[str, Any] | None]:
    """The query, variables, operation name and extensions of a GET or a POST."""
    if request.method == "GET":
        params: Mapping[str, Any] = request.query
        variables, extensions = (
            _json(raw) if (raw := params.get(name)) else None
            for name in ("variables", "extensions")
        )
    elif request.method == "POST" and request.content_type == "multipart/form-data":
        params, variables, extensions = await multipart.read(request)
    elif request.method == "POST":
        if request.content_type not in _JSON_TYPES:
            raise UnsupportedMediaType(
                f"Unsupported content type: {request.content_type}; send application/json"
            )
        body = _json(await read_body(request))
        if not isinstance(body, dict):
            raise BadRequest("The body must be a JSON object with a query")
        params, variables, extensions = body, body.get("variables"), body.get("extensions")
    else:
        raise MethodNotAllowed(f"Method {request.method} is not allowed on GraphQL", _METHODS)
    query, operation_name = params.get("query"), params.get("operationName")
    if query is None and extensions is None:
        raise BadRequest("No GraphQL query found in the request")
    if query is not None and not isinstance(query, str):
        raise BadRequest("query must be a string")
    for name, value in (("variables", variables), ("extensions", extensions)):
        if value is not None and not isinstance(value, dict):
            raise BadRequest(f"{name} must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("operationName must be a string")
    return query, variables, operation_name, extensions


def _json(data: str | bytes) -> Any:
    try:
        # orjson refuses nesting beyond 1,024 levels where the standard
        # library would exhaust the stack.
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON: {exc}") from exc


def _answer(result: ExecutionResult, status: int = 200) -> web.Response:
    return _json_response(dict(result.formatted), status)


def _refusal(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    error = {"message": message, "extensions": {"code": code}}
    return _json_response({"data": None, "errors": [error]}, status, headers)


def _json_response(
    body: dict[str, Any], status: int, headers: dict[str, str] | None = None
) -> web.Response:
    if status == 405:
        headers = {**(headers or {}), "Allow": ", ".join(sorted(_METHODS))}
    # The header given whole: aiohttp would otherwise parse it back per response.
    return web.Response(
        body=orjson.dumps(body),
        status=status,
        headers={**_JSON_HEADERS, **headers} if headers else _JSON_HEADERS,
    )


def _graphiql() -> web.Response:
    """GraphiQL, served with its assets by docgraph itself: it works offline."""
    return web.Response(
        text=(STATIC / "graphiql.html").read_text(),
        content_type="text/html",
        headers={"Content-Security-Policy": GRAPHIQL_POLICY},
    )
