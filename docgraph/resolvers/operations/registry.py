"""Operations as data, and the executor that runs one on an input.

An operation declares its signature as (input type, output type) pairs with
Nuxeo's type names (``void``, ``document``, ``documents``, ``string``, ...).
A *collector* written for one document also takes ``documents``: it runs once
per document and its results are gathered into a list.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from docgraph.errors import BadRequest, DocGraphError, OperationNotFound
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import (
    DocRef,
    Document,
    DocumentList,
    IdRef,
    Page,
    PathRef,
    parse_ref,
)
from docgraph.resolvers.typesystem.coerce import format_date, parse_date

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str = "string"
    required: bool = False
    default: Any = None
    description: str = ""
    order: int = 0
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()


@dataclass(slots=True)
class OperationCall:
    """What an operation function receives besides its input and parameters."""

    ctx: RequestContext
    # Automation context variables (the request's "context" object).
    vars: dict[str, Any] = field(default_factory=dict)


OperationFunc = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Operation:
    id: str
    func: OperationFunc
    signature: tuple[tuple[str, str], ...]
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    category: str = "Document"
    label: str | None = None
    description: str = ""
    collector: bool = False

    @property
    def flat_signature(self) -> list[str]:
        pairs = list(self.signature)
        if self.collector:
            pairs += [
                ("documents", "documents" if out != "void" else "void")
                for inp, out in self.signature
                if inp == "document"
            ]
        flat: list[str] = []
        seen = set()
        for pair in pairs:
            if pair not in seen:
                seen.add(pair)
                flat.extend(pair)
        return flat


class OperationRegistry:
    def __init__(self) -> None:
        self._ops: dict[str, Operation] = {}
        self._aliases: dict[str, str] = {}

    def add(self, operation: Operation) -> None:
        self._ops[operation.id] = operation
        for alias in operation.aliases:
            self._aliases[alias] = operation.id

    def get(self, op_id: str) -> Operation | None:
        return self._ops.get(op_id) or self._ops.get(self._aliases.get(op_id, ""))

    def catalogue(self) -> list[Operation]:
        """Every operation, sorted by label as Nuxeo lists them."""
        return sorted(self._ops.values(), key=lambda o: o.label or o.id)


def operation(
    registry: OperationRegistry,
    op_id: str,
    *,
    signature: Iterable[tuple[str, str]],
    params: Iterable[Param] = (),
    aliases: Iterable[str] = (),
    category: str = "Document",
    label: str | None = None,
    description: str = "",
    collector: bool = False,
) -> Callable[[OperationFunc], OperationFunc]:
    """Decorator registering ``async def op(call, input, **params)``."""

    def register(func: OperationFunc) -> OperationFunc:
        registry.add(
            Operation(
                op_id,
                func,
                tuple(signature),
                tuple(params),
                tuple(aliases),
                category,
                label,
                description,
                collector,
            )
        )
        return func

    return register


def decode_input(value: Any) -> Any:
    """The automation request's ``input`` as engine values: ``doc:ref``,
    ``docs:a,b``, a bare id or path, a list of refs, a document object; any
    other string stays a string."""
    if value is None:
        return None
    if isinstance(value, list):
        return [decode_input(v) if isinstance(v, str | dict) else v for v in value]
    if isinstance(value, dict):
        if value.get("entity-type") == "document" and isinstance(value.get("uid"), str):
            return IdRef(value["uid"])
        if value.get("entity-type") == "string":
            return str(value.get("value"))
        raise BadRequest("Unsupported input object")
    if not isinstance(value, str):
        raise BadRequest("Unsupported input value")
    if value.startswith("doc:"):
        return parse_ref(value[4:])
    if value.startswith("docs:"):
        return [parse_ref(ref.strip()) for ref in value[5:].split(",") if ref.strip()]
    if value.startswith("/") or _UUID.match(value):
        return parse_ref(value)
    return value


async def _resolve_input(ctx: RequestContext, value: Any) -> Any:
    if isinstance(value, IdRef | PathRef):
        return await documents.get(ctx, value)
    if isinstance(value, list):
        resolved = [await _resolve_input(ctx, v) for v in value]
        if all(isinstance(v, Document) for v in resolved):
            return DocumentList(resolved)
        raise BadRequest("A list input must hold documents")
    return value


def _type_of(value: Any) -> str:
    if value is None:
        return "void"
    if isinstance(value, Document):
        return "document"
    if isinstance(value, DocumentList | Page):
        return "documents"
    if isinstance(value, str):
        return "string"
    return type(value).__name__.lower()


def require(ctx: RequestContext, op_id: str) -> Operation:
    """The operation with this id or alias; raises OperationNotFound."""
    op = ctx.registry.operations.get(op_id)
    if op is None:
        raise OperationNotFound(f"No operation with id {op_id}")
    return op


async def execute(
    ctx: RequestContext,
    op_id: str,
    input: Any = None,
    params: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> Any:
    op = require(ctx, op_id)
    try:
        value = await _resolve_input(ctx, input)
        kwargs = await _coerce_params(ctx, op, params or {})
        call = OperationCall(ctx, dict(context or {}))
        return await _dispatch(call, op, value, kwargs)
    except DocGraphError as exc:
        raise type(exc)(f"Failed to invoke operation: {op.id}, {exc.message}") from exc


async def _dispatch(call: OperationCall, op: Operation, value: Any, kwargs: dict[str, Any]) -> Any:
    kind = _type_of(value)
    inputs = {inp for inp, _ in op.signature}
    if kind in inputs:
        return await op.func(call, value, **kwargs)
    if kind == "documents" and op.collector and "document" in inputs:
        results = [await op.func(call, doc, **kwargs) for doc in value]
        if all(r is None for r in results):
            return None
        gathered: list[Document] = []
        for result in results:
            if isinstance(result, Document):
                gathered.append(result)
            elif isinstance(result, DocumentList | Page):
                gathered.extend(result)
        return DocumentList(gathered)
    if "void" in inputs:
        return await op.func(call, None, **kwargs)
    raise BadRequest(f"Operation {op.id} does not accept an input of type {kind}")


async def _coerce_params(
    ctx: RequestContext, op: Operation, given: Mapping[str, Any]
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for param in op.params:
        names = (param.name, *param.aliases)
        present = [n for n in names if n in given and given[n] is not None]
        key = param.name.replace(" ", "_")
        if not present:
            if param.required:
                raise BadRequest(f"Missing required parameter: {param.name}")
            kwargs[key] = param.default
            continue
        try:
            kwargs[key] = await _COERCERS[param.type](ctx, given[present[0]])
        except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
            raise BadRequest(
                f"Parameter {param.name} is not a valid {param.type}: {given[present[0]]!r}"
            ) from exc
    return kwargs


async def _as_string(_: RequestContext, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    raise TypeError("a string is expected")


async def _as_boolean(_: RequestContext, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TypeError("a boolean is expected")


async def _as_integer(_: RequestContext, value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("an integer is expected")
    return int(value)


async def _as_document(ctx: RequestContext, value: Any) -> Document:
    ref = decode_input(value)
    if isinstance(ref, str):
        ref = parse_ref(ref)
    if isinstance(ref, list):
        raise TypeError("one document is expected")
    return await documents.get(ctx, ref)


async def _as_documents(ctx: RequestContext, value: Any) -> DocumentList:
    refs: list[DocRef] = []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise TypeError("a list of documents is expected")
    for item in items:
        ref = decode_input(item.strip() if isinstance(item, str) else item)
        refs.append(parse_ref(ref) if isinstance(ref, str) else ref)
    return DocumentList([await documents.get(ctx, ref) for ref in refs])


async def _as_stringlist(_: RequestContext, value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.replace("\\,", ",") for v in re.split(r"(?<!\\),", value) if v != ""]
    raise TypeError("a list of strings is expected")


async def _as_properties(_: RequestContext, value: Any) -> dict[str, Any]:
    """A JSON object, or Java-properties text (``key=value`` lines)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return parse_properties_text(value)
    raise TypeError("properties are expected")


async def _as_date(_: RequestContext, value: Any) -> str:
    if isinstance(value, str):
        return format_date(parse_date(value))
    raise TypeError("a date is expected")


async def _as_is(_: RequestContext, value: Any) -> Any:
    return value


def parse_properties_text(text: str) -> dict[str, str]:
    """``key=value`` lines; a line ending with a backslash continues on the next."""
    result: dict[str, str] = {}
    pending = ""
    for raw in text.splitlines():
        line = pending + raw
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1] + "\n"
            continue
        pending = ""
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, val = line.partition("=")
        if not sep:
            raise ValueError(f"not a key=value line: {line!r}")
        result[key.strip()] = val
    return result


_COERCERS: dict[str, Callable[[RequestContext, Any], Awaitable[Any]]] = {
    "string": _as_string,
    "boolean": _as_boolean,
    "integer": _as_integer,
    "long": _as_integer,
    "document": _as_document,
    "documents": _as_documents,
    "stringlist": _as_stringlist,
    "properties": _as_properties,
    "date": _as_date,
    "object": _as_is,
    "serializable": _as_is,
}
