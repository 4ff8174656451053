"""Automation over HTTP: the catalogue, and the execution request and response."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.bodies import file_part, json_part, read_body
from docgraph.gateway.nuxeo import async_automation
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.request import request_of, require_method
from docgraph.gateway.nuxeo.units import in_unit
from docgraph.plugins import Call
from docgraph.resolvers import blobs, documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, BlobList, IdRef
from docgraph.resolvers.operations.decode import decode_input
from docgraph.resolvers.operations.execute import execute, require, visible
from docgraph.resolvers.operations.model import Chain, Operation

# ``input`` absent from the request: for @op the subject on the left is the input.
NO_INPUT: Any = object()
_READ = frozenset({"GET", "HEAD"})
_POST = frozenset({"POST"})
_ASYNC_FOLLOW = frozenset({"GET", "HEAD", "DELETE"})


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


def catalogue_json(ctx: RequestContext) -> dict[str, Any]:
    """The operations and chains the request's user may run."""
    operations = ctx.registry.operations
    return {
        "paths": {"login": "login"},
        "codecs": [],
        "operations": [operation_json(op) for op in operations.catalogue() if visible(ctx, op)],
        "chains": [chain_json(c) for c in operations.chains.values()],
    }


async def execute_request(
    ctx: RequestContext,
    op_id: str,
    call: Call,
    implicit_input: Any = NO_INPUT,
    body: Any = None,
) -> Any:
    """Run the operation of an automation request (``body``: its JSON, when
    already read); its result, or ``None`` when the client asked for none
    (``X-NXVoidOperation: true``)."""
    require(ctx, op_id)  # an unknown operation is a 404 whatever the body
    if body is None:
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
        return nx_json.json_response(catalogue_json(ctx))
    if args[0] == "files" and len(args) == 2:
        require_method(call, _READ, "automation/files")
        return await _files(ctx, args[1], call.query.get("path") or "blobholder:0")
    op_id = args[0].removeprefix("Chain.")
    if len(args) > 1 and args[1] == "@async":
        if len(args) == 2:
            require_method(call, _POST, f"automation/{op_id}/@async")
            return await async_automation.start(ctx, op_id, call)
        require_method(call, _ASYNC_FOLLOW, f"automation/{op_id}/@async")
        return await async_automation.follow(ctx, op_id, args[2:], call)
    if len(args) > 1:
        raise NotFound(f"No such automation resource: {'/'.join(args)}")
    if op_id == "login":
        require_method(call, _POST, "automation/login")
        return login_json(ctx)
    if call.method == "POST":
        return await _posted(ctx, op_id, call)
    require_method(call, _READ, f"automation/{op_id}")
    return nx_json.json_response(operation_json(require(ctx, op_id)))


_MULTIPART = frozenset({"multipart/form-data", "multipart/related"})


async def _posted(ctx: RequestContext, op_id: str, call: Call) -> Any:
    """An execution request: JSON, or multipart with blobs as the input
    (streamed into the store first), run in one unit of work."""
    request = request_of(call)
    target = require(ctx, op_id)
    body: Any = None
    value: Any = NO_INPUT
    if request.content_type in _MULTIPART:
        body, value = await _multipart(ctx, request)
    if isinstance(target, Operation) and target.waits:
        await read_body(request)
        return await execute_request(ctx, op_id, call, value, body)
    return await in_unit(ctx, request, lambda: execute_request(ctx, op_id, call, value, body))


async def _multipart(ctx: RequestContext, request: web.Request) -> tuple[Any, Any]:
    """The JavaScript client's form (a ``params`` part, then ``input`` or
    ``input#0``, ``input#1``... files) or the older ``multipart/related``
    (the JSON request first, then the files): the request and its input."""
    reader = await request.multipart()
    settings = ctx.settings
    body: Any = None
    blobs: list[Blob] = []
    listed = False
    await ctx.release_if_idle()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise BadRequest("Nested multipart bodies are not supported")
        name = part.name or ""
        if body is None and not blobs and (name in ("params", "request") or not part.filename):
            body = await json_part(part, settings.max_json_body)
        elif name == "input" or name.startswith("input#") or part.filename:
            listed = listed or name.startswith("input#")
            if len(blobs) >= settings.max_batch_files:
                raise BadRequest(f"At most {settings.max_batch_files} files in one request")
            blobs.append(await file_part(ctx.blobs, part, settings))
        else:
            raise BadRequest(f"Unexpected part in the automation request: {name[:80]}")
    if body is None:
        raise BadRequest("The multipart automation request has no params part")
    if not blobs:
        raise BadRequest("Received only 1 part in a multipart request")
    value = blobs[0] if len(blobs) == 1 and not listed else BlobList(blobs)
    return body, value


async def _files(ctx: RequestContext, doc_id: str, xpath: str) -> Blob | BlobList:
    """``/automation/files/{docId}?path=``: the blob at ``path``, or the blobs
    of a list property (``files:files``); 404 when there is none."""
    doc = await documents.get(ctx, IdRef(doc_id))
    canonical, ftype, _ = blobs.at_xpath(ctx, doc, xpath)
    if ftype.is_list:
        found = [b for b in blobs.all_of(ctx, doc) if (b.xpath or "").startswith(canonical + "/")]
        if not found:
            raise NotFound(f"No blob in {canonical} of document {doc.uid}")
        return BlobList(found)
    return blobs.get(ctx, doc, canonical)
