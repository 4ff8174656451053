"""The REST executor: resolve the route's root, fold its steps, write the result.

Each adapter step receives the previous step's value (a document, a page of
documents, an operation's result); that is Nuxeo's piping. The HTTP method
applies to the last step; the steps before it are reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from docgraph.errors import BadRequest, MethodNotAllowed, NotFound
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.parse import IdRoot, PathRoot, Route
from docgraph.gateway.nuxeo.request import Call
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, DocumentList, IdRef, Page, PathRef


class WebAdapter(Protocol):
    """A ``@name`` adapter: which methods it answers and what it does."""

    name: str
    methods: frozenset[str]

    async def __call__(
        self, ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class Created:
    value: Any


async def resolve_root(ctx: RequestContext, root: IdRoot | PathRoot) -> Document:
    if isinstance(root, PathRoot):
        return await documents.get(ctx, PathRef(root.path))
    doc = await documents.get(ctx, IdRef(root.uid))
    for name in root.children:
        doc = await documents.get_child(ctx, doc, name)
    return doc


async def run(ctx: RequestContext, route: Route, request: web.Request) -> web.StreamResponse:
    assert isinstance(route.root, IdRoot | PathRoot)
    subject: Any = await resolve_root(ctx, route.root)
    if not route.steps:
        return write(ctx, await document_resource(ctx, subject, Call(request.method, request)))
    for index, step in enumerate(route.steps):
        adapter = ctx.registry.adapters.get(step.adapter)
        if adapter is None:
            raise NotFound(f"Type not found: @{step.adapter}")
        method = request.method if index == len(route.steps) - 1 else "GET"
        if method not in adapter.methods:
            raise MethodNotAllowed(f"Method {method} is not allowed on @{step.adapter}")
        subject = await adapter(ctx, subject, step.args, Call(method, request))
    return write(ctx, subject)


async def document_resource(ctx: RequestContext, doc: Document, call: Call) -> Any:
    if call.method in ("GET", "HEAD"):
        return doc
    if call.method == "DELETE":
        await documents.delete(ctx, doc)
        return None
    if call.method not in ("POST", "PUT"):
        raise MethodNotAllowed(f"Method {call.method} is not allowed on a document")
    body = await call.json()
    if not isinstance(body, dict) or body.get("entity-type") != "document":
        raise BadRequest("Json object does not contain an entity-type field as expected")
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise BadRequest("properties must be a JSON object")
    if call.method == "PUT":
        token = body.get("changeToken")
        return await documents.update(
            ctx, doc, properties, change_token=None if token is None else str(token)
        )
    type_name, name = body.get("type"), body.get("name")
    if not isinstance(type_name, str) or not isinstance(name, str) or not type_name or not name:
        raise BadRequest("type or name property is missing")
    return Created(
        await documents.create(ctx, doc, type_name=type_name, name=name, properties=properties)
    )


def write(ctx: RequestContext, value: Any) -> web.StreamResponse:
    """Render a step's result by its type."""
    status = 200
    if isinstance(value, Created):
        status, value = 201, value.value
    if isinstance(value, web.StreamResponse):
        return value
    if value is None:
        return web.Response(status=204)
    if isinstance(value, Document):
        return nx_json.json_response(nx_json.document(ctx, value), status)
    if isinstance(value, Page | DocumentList):
        return nx_json.json_response(nx_json.documents(ctx, value), status)
    return nx_json.json_response(nx_json.scalar(value), status)
