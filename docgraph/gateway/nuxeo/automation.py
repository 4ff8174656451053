"""Automation over HTTP: the catalogue, and the execution request and response."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from docgraph.errors import BadRequest, MethodNotAllowed, NotFound
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.execute import write
from docgraph.gateway.nuxeo.request import read_json
from docgraph.plugins import Registry
from docgraph.resolvers import operations
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.operations import Operation

# ``input`` absent from the request: for @op the subject on the left is the input.
NO_INPUT: Any = object()


def operation_json(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"id": op.id}
    if op.aliases:
        out["aliases"] = list(op.aliases)
    params = sorted(op.params, key=lambda p: (p.order, not p.required, p.name))
    out.update(
        {
            "label": op.label or op.id,
            "category": op.category,
            "requires": None,
            "description": op.description,
            "url": op.id,
            "signature": op.flat_signature,
            "params": [
                {
                    "name": p.name,
                    "description": p.description,
                    "type": p.type,
                    "required": p.required,
                    "widget": None,
                    "order": p.order,
                    "values": list(p.values),
                }
                for p in params
            ],
        }
    )
    return out


def catalogue_json(registry: Registry) -> dict[str, Any]:
    return {
        "paths": {"login": "login"},
        "codecs": [],
        "operations": [operation_json(op) for op in registry.operations.catalogue()],
        "chains": [],
    }


async def execute_request(
    ctx: RequestContext, op_id: str, request: web.Request, implicit_input: Any = NO_INPUT
) -> Any:
    """Run the operation of an automation request; its result, or ``None``
    when the client asked for none (``X-NXVoidOperation: true``)."""
    operations.require(ctx, op_id)  # an unknown operation is a 404 whatever the body
    body = await read_json(request)
    if not isinstance(body, dict):
        raise BadRequest("The automation request must be a JSON object")
    params = body.get("params") or {}
    context = body.get("context") or {}
    if not isinstance(params, dict) or not isinstance(context, dict):
        raise BadRequest("params and context must be JSON objects")
    if implicit_input is NO_INPUT:
        value = operations.decode_input(body.get("input"))
    else:
        value = implicit_input
    async with ctx.transaction():
        result = await operations.execute(ctx, op_id, value, params, context)
    if request.headers.get("X-NXVoidOperation", "").lower() == "true":
        return None
    return result


def login_json(ctx: RequestContext) -> dict[str, Any]:
    principal = ctx.principal
    return {
        "entity-type": "login",
        "id": principal.username,
        "name": principal.username,
        "username": principal.username,
        "isAdministrator": principal.is_administrator,
        "groups": list(principal.groups),
    }


def _allow(request: web.Request, *methods: str) -> None:
    if request.method not in methods:
        raise MethodNotAllowed(f"Method {request.method} is not allowed here")


async def automation_endpoint(
    ctx: RequestContext, request: web.Request, args: tuple[str, ...]
) -> web.StreamResponse:
    """``/automation``, ``/automation/{opId}``, ``/automation/login``."""
    if not args:
        _allow(request, "GET", "HEAD")
        return nx_json.json_response(catalogue_json(ctx.registry))
    if len(args) > 1:
        raise NotFound(f"No such automation resource: {'/'.join(args)}")
    op_id = args[0].removeprefix("Chain.")
    if op_id == "login":
        _allow(request, "POST")
        return nx_json.json_response(login_json(ctx))
    _allow(request, "GET", "HEAD", "POST")
    if request.method == "POST":
        return write(ctx, await execute_request(ctx, op_id, request))
    return nx_json.json_response(operation_json(operations.require(ctx, op_id)))
