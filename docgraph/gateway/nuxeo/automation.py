"""Automation over HTTP: the catalogue, and the execution request and response."""

from __future__ import annotations

from typing import Any

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.request import require_method
from docgraph.plugins import Call, Registry
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.operations.decode import decode_input
from docgraph.resolvers.operations.execute import execute, require
from docgraph.resolvers.operations.model import Chain, Operation

# ``input`` absent from the request: for @op the subject on the left is the input.
NO_INPUT: Any = object()
_READ = frozenset({"GET", "HEAD"})
_POST = frozenset({"POST"})


def operation_json(op: Operation | Chain) -> dict[str, Any]:
    if isinstance(op, Chain):
        return chain_json(op)
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


def chain_json(chain: Chain) -> dict[str, Any]:
    return {
        "id": f"Chain.{chain.id}",
        "label": chain.id,
        "category": "Chain",
        "requires": None,
        "description": chain.description,
        "url": f"Chain.{chain.id}",
        "signature": ["void", "void"],
        "params": [],
    }


def catalogue_json(registry: Registry) -> dict[str, Any]:
    return {
        "paths": {"login": "login"},
        "codecs": [],
        "operations": [operation_json(op) for op in registry.operations.catalogue()],
        "chains": [chain_json(c) for c in registry.operations.chains.values()],
    }


async def execute_request(
    ctx: RequestContext, op_id: str, call: Call, implicit_input: Any = NO_INPUT
) -> Any:
    """Run the operation of an automation request; its result, or ``None``
    when the client asked for none (``X-NXVoidOperation: true``)."""
    require(ctx, op_id)  # an unknown operation is a 404 whatever the body
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The automation request must be a JSON object")
    params = body.get("params") or {}
    context = body.get("context") or {}
    if not isinstance(params, dict) or not isinstance(context, dict):
        raise BadRequest("params and context must be JSON objects")
    value = decode_input(body.get("input")) if implicit_input is NO_INPUT else implicit_input
    result = await execute(ctx, op_id, value, params, context)
    if call.headers.get("X-NXVoidOperation", "").lower() == "true":
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


async def automation_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/automation``, ``/automation/{opId}``, ``/automation/login``."""
    if not args:
        require_method(call, _READ, "automation")
        return nx_json.json_response(catalogue_json(ctx.registry))
    if len(args) > 1:
        raise NotFound(f"No such automation resource: {'/'.join(args)}")
    op_id = args[0].removeprefix("Chain.")
    if op_id == "login":
        require_method(call, _POST, "automation/login")
        return login_json(ctx)
    if call.method == "POST":
        return await execute_request(ctx, op_id, call)
    require_method(call, _READ, f"automation/{op_id}")
    return nx_json.json_response(operation_json(require(ctx, op_id)))
