"""The REST executor: resolve the route's root, fold its steps, write the result.

Each adapter step receives the previous step's value (a document, a page of
documents, an operation's result); that is Nuxeo's piping. The HTTP method
applies to the last step; the steps before it are reads. Whether an adapter
answers a method, and takes the value on its left, is checked here, once.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.parse import IdRoot, PathRoot, Route
from docgraph.gateway.nuxeo.request import Call, require_method
from docgraph.gateway.nuxeo.writers import Created, respond
from docgraph.plugins import Adapter
from docgraph.resolvers import documents, versions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, IdRef, PathRef

_DOCUMENT_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE"})


async def resolve_root(ctx: RequestContext, root: IdRoot | PathRoot) -> Document:
    # A request's root is the first thing it reads: nothing to batch it with.
    if isinstance(root, PathRoot):
        return await documents.get(ctx, PathRef(root.path), alone=True)
    doc = await documents.get(ctx, IdRef(root.uid), alone=True)
    for name in root.children:
        doc = await documents.get_child(ctx, doc, name)
    return doc


async def run_adapter(
    ctx: RequestContext, adapter: Adapter, subject: Any, args: tuple[str, ...], call: Call
) -> Any:
    require_method(call, adapter.methods, f"@{adapter.name}")
    if not isinstance(subject, adapter.accepts):
        kind = ctx.registry.operations.type_name(subject)
        raise BadRequest(f"@{adapter.name} does not apply to an input of type {kind}")
    return await adapter.handler(ctx, subject, args, call)


async def run(ctx: RequestContext, route: Route, request: web.Request) -> web.StreamResponse:
    assert isinstance(route.root, IdRoot | PathRoot)
    subject: Any = await resolve_root(ctx, route.root)
    if not route.steps:
        return await respond(
            ctx, await document_resource(ctx, subject, Call(request.method, request))
        )
    for index, step in enumerate(route.steps):
        adapter = ctx.registry.adapters.get(step.adapter)
        if adapter is None:
            raise NotFound(f"Type not found: @{step.adapter}")
        last = index == len(route.steps) - 1
        call = Call(request.method if last else "GET", request, piped=not last)
        subject = await run_adapter(ctx, adapter, subject, step.args, call)
    return await respond(ctx, subject)


async def document_resource(ctx: RequestContext, doc: Document, call: Call) -> Any:
    require_method(call, _DOCUMENT_METHODS, "a document")
    if call.method in ("GET", "HEAD"):
        return doc
    if call.method == "DELETE":
        await documents.delete(ctx, doc)
        return None
    body = await call.json()
    if not isinstance(body, dict) or body.get("entity-type") != "document":
        raise BadRequest("Json object does not contain an entity-type field as expected")
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise BadRequest("properties must be a JSON object")
    if call.method == "PUT":
        token = body.get("changeToken")
        option = versions.parse_option(call.headers.get("X-Versioning-Option"))
        updated = await documents.update(
            ctx,
            doc,
            properties,
            change_token=None if token is None else str(token),
            versioning=option,
            comment=call.headers.get("Update-Comment"),
        )
        # Checked in at the client's request, the answer is the new version;
        # a save that names its source (source-based versioning) answers
        # with the document's last version too, as Nuxeo does.
        if option in (versions.MAJOR, versions.MINOR) or "source" in call.headers:
            return await versions.last_version(ctx, updated) or updated
        return updated
    type_name, name = body.get("type"), body.get("name")
    if not isinstance(type_name, str) or not isinstance(name, str) or not type_name or not name:
        raise BadRequest("type or name property is missing")
    return Created(
        await documents.create(ctx, doc, type_name=type_name, name=name, properties=properties)
    )
