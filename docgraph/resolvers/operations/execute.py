"""The executor: resolve the input, coerce the parameters, dispatch by input type.

Chains run here too, in the engine, so that every door gets them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from docgraph.db.blobs.base import TooLarge
from docgraph.errors import BadRequest, DocGraphError, OperationNotFound, PayloadTooLarge
from docgraph.resolvers import documents
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import (
    Blob,
    Document,
    DocumentList,
    GeneratedFile,
    IdRef,
    Page,
    PathRef,
)
from docgraph.resolvers.operations import expressions
from docgraph.resolvers.operations.model import Chain, Operation

# Chains calling chains: deep enough for any real chain, short of a loop.
MAX_CHAIN_DEPTH = 16


@dataclass(slots=True)
class OperationCall:
    """What an operation function receives besides its input and parameters."""

    ctx: RequestContext
    # Automation context variables (the request's "context" object).
    vars: dict[str, Any] = field(default_factory=dict)
    # How deep in chains and RunOperation calls this call runs.
    depth: int = 0
    # Who ran before each Auth.LoginAs (Auth.Logout goes back one).
    logins: list[Principal] = field(default_factory=list)


def require(ctx: RequestContext, op_id: str) -> Operation | Chain:
    """The operation or chain with this id or alias; raises OperationNotFound."""
    ops = ctx.registry.operations
    found = ops.get(op_id) or ops.chains.get(op_id)
    if found is None or not visible(ctx, found):
        raise OperationNotFound(f"No operation with id {op_id}")
    return found


def visible(ctx: RequestContext, target: Operation | Chain) -> bool:
    """Whether the request's user may see and run it."""
    restricted = isinstance(target, Operation) and target.administrators_only
    return not restricted or ctx.principal.is_administrator


async def resolve_input(ctx: RequestContext, value: Any) -> Any:
    if isinstance(value, IdRef | PathRef):
        return await documents.get(ctx, value)
    if isinstance(value, list):
        if len(value) > ctx.settings.max_input_documents:
            raise BadRequest(
                f"An input list holds at most {ctx.settings.max_input_documents} documents"
            )
        resolved = [await resolve_input(ctx, v) for v in value]
        if all(isinstance(v, Document) for v in resolved):
            return DocumentList(resolved)
        raise BadRequest("A list input must hold documents")
    return value


async def execute(
    ctx: RequestContext,
    op_id: str,
    input: Any = None,
    params: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> Any:
    """Run an operation or chain; errors name the operation, as Nuxeo's do."""
    target = require(ctx, op_id)
    call = OperationCall(ctx, dict(context or {}))
    try:
        value = await resolve_input(ctx, input)
        return await _run(call, target, value, params or {}, depth=0)
    except DocGraphError as exc:
        raise exc.with_message(f"Failed to invoke operation: {target.id}, {exc.message}") from exc


async def _run(
    call: OperationCall,
    target: Operation | Chain,
    value: Any,
    params: Mapping[str, Any],
    depth: int,
) -> Any:
    if isinstance(target, Operation):
        kwargs = await _coerce_params(call.ctx, target, params)
        return await _dispatch(call, target, value, kwargs)
    if depth >= MAX_CHAIN_DEPTH:
        raise BadRequest(f"Chain {target.id} nests deeper than {MAX_CHAIN_DEPTH} levels")
    user = call.ctx.principal.username
    for step in target.steps:
        # Steps see the chain's own parameters through their expressions.
        step_params = expressions.resolve(step.params, params, call.vars, user)
        value = await _run(call, require(call.ctx, step.operation), value, step_params, depth + 1)
    return value


async def run_nested(
    call: OperationCall,
    op_id: str,
    value: Any,
    params: Mapping[str, Any],
    *,
    isolate: bool = False,
) -> Any:
    """Run an operation or chain from inside another (``RunOperation``): the
    same variables (a copy with ``isolate``), one level deeper."""
    inner = OperationCall(call.ctx, dict(call.vars) if isolate else call.vars, call.depth + 1)
    if inner.depth > MAX_CHAIN_DEPTH:
        raise BadRequest(f"Operations call each other deeper than {MAX_CHAIN_DEPTH} levels")
    return await _run(inner, require(call.ctx, op_id), value, params, depth=inner.depth)


async def _dispatch(call: OperationCall, op: Operation, value: Any, kwargs: dict[str, Any]) -> Any:
    inputs = {inp for inp, _ in op.signature}
    if isinstance(value, GeneratedFile) and "blob" in inputs:
        value = await _kept(call, value)
    kind = call.ctx.registry.operations.type_name(value)
    if kind in inputs:
        return await op.func(call, value, **kwargs)
    if kind == "documents" and op.collector and "document" in inputs:
        return await _collect(call, op, value, kwargs)
    if "void" in inputs:
        return await op.func(call, None, **kwargs)
    raise BadRequest(f"Operation {op.id} does not accept an input of type {kind}")


async def _kept(call: OperationCall, generated: GeneratedFile) -> Blob:
    """A file made on request (a rendition, an export), piped into an
    operation on blobs: streamed into the blob store first, so the operation
    gets a blob like any other."""
    store = call.ctx.blobs
    limit = call.ctx.settings.max_upload_size
    try:
        stored = await store.put(generated.chunks, max_length=limit)
    except TooLarge as exc:
        raise PayloadTooLarge(f"{generated.name} is larger than the {limit}-byte limit") from exc
    return Blob(
        name=generated.name,
        mime_type=generated.mime_type,
        key=stored.key,
        digest=stored.md5,
        length=stored.length,
    )


async def _collect(
    call: OperationCall, op: Operation, docs: DocumentList | Page[Document], kwargs: dict[str, Any]
) -> DocumentList | None:
    """Run a one-document operation over each input; gather what they return,
    up to ``max_result_documents`` (beyond, the request is refused: page it)."""
    limit = call.ctx.settings.max_result_documents
    if op.writes:
        await documents.lock_in_order(call.ctx, docs)
    gathered: list[Document] = []
    void = True
    for doc in docs:
        result = await op.func(call, doc, **kwargs)
        if result is None:
            continue
        void = False
        if isinstance(result, Document):
            gathered.append(result)
        elif isinstance(result, DocumentList | Page):
            gathered.extend(result)
        if len(gathered) > limit:
            raise BadRequest(
                f"Operation {op.id} would return more than {limit} documents: "
                "page the inputs or the operation"
            )
    return None if void else DocumentList(gathered)


async def _coerce_params(
    ctx: RequestContext, op: Operation, given: Mapping[str, Any]
) -> dict[str, Any]:
    coercers = ctx.registry.operations.param_types
    kwargs: dict[str, Any] = {}
    for param in op.params:
        names = (param.name, *param.aliases)
        present = [n for n in names if n in given and given[n] is not None]
        if not present:
            if param.required:
                raise BadRequest(f"Missing required parameter: {param.name}")
            kwargs[param.keyword] = param.default
            continue
        raw = given[present[0]]
        try:
            kwargs[param.keyword] = await coercers[param.type](ctx, raw)
        except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
            raise BadRequest(
                f"Parameter {param.name} is not a valid {param.type}: {raw!r}"
            ) from exc
    return kwargs
