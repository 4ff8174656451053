"""Operations and chains as data: what a module declares and the registry holds.

An operation is a module-level ``async def f(call, input, *, <params>)``
decorated with :func:`operation`; the decorator only attaches the declaration,
and the registry collects it (``Registry.add_operations(module)``), checking
the declared parameters against the function's signature so that a mismatch
stops start-up instead of failing a request.

Signatures are (input type, output type) pairs with Nuxeo's type names
(``void``, ``document``, ``documents``, ``string``, ...). A *collector* written
for one document also takes ``documents``: it runs once per document and its
results are gathered into a list.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

OperationFunc = Callable[..., Awaitable[Any]]
# Converts a request's raw parameter value (JSON) to what the function takes.
ParamCoercer = Callable[[Any, Any], Awaitable[Any]]


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
    # The Python keyword argument; defaults to ``name``.
    arg: str | None = None

    @property
    def keyword(self) -> str:
        return self.arg or self.name


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
    # Writes its input document: run over a list, the rows are locked first,
    # in one stable order, so that two crossed lists cannot deadlock.
    writes: bool = False
    # Others neither see it in the catalogue nor run it (404, as for an
    # unknown operation, like Nuxeo's REST bindings).
    administrators_only: bool = False
    # Waits for work done elsewhere and writes nothing itself: called alone
    # over automation, it runs outside a unit of work, so that a waiting
    # client holds no database connection.
    waits: bool = False

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

    def check_signature(self) -> None:
        """The declared parameters are exactly the function's keyword arguments."""
        if not inspect.iscoroutinefunction(self.func):
            raise TypeError(f"operation {self.id}: {self.func.__qualname__} must be async")
        parameters = list(inspect.signature(self.func).parameters.values())
        if len(parameters) < 2 or any(
            p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters[:2]
        ):
            raise TypeError(f"operation {self.id}: the function must take (call, input, *, ...)")
        declared = {p.keyword for p in self.params}
        accepted = {p.name for p in parameters[2:] if p.kind is not p.VAR_KEYWORD}
        if declared != accepted:
            raise TypeError(
                f"operation {self.id}: params {sorted(declared)} do not match the "
                f"keyword arguments {sorted(accepted)} of {self.func.__qualname__}"
            )


@dataclass(frozen=True, slots=True)
class ChainStep:
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chain:
    """Operations run in order, each one's output the next one's input."""

    id: str
    steps: tuple[ChainStep, ...]
    description: str = ""


def operation(
    op_id: str,
    *,
    signature: Iterable[tuple[str, str]],
    params: Iterable[Param] = (),
    aliases: Iterable[str] = (),
    category: str = "Document",
    label: str | None = None,
    description: str = "",
    collector: bool = False,
    writes: bool = False,
    administrators_only: bool = False,
    waits: bool = False,
) -> Callable[[OperationFunc], OperationFunc]:
    """Declare ``async def op(call, input, **params)`` as an operation."""

    def declare(func: OperationFunc) -> OperationFunc:
        func.__operation__ = Operation(  # type: ignore[attr-defined]
            op_id,
            func,
            tuple(signature),
            tuple(params),
            tuple(aliases),
            category,
            label,
            description,
            collector,
            writes,
            administrators_only,
            waits,
        )
        return func

    return declare


def declared_in(source: ModuleType | Iterable[OperationFunc]) -> list[Operation]:
    """The operations declared in a module (in source order) or a list of functions."""
    items: Iterable[Any] = vars(source).values() if isinstance(source, ModuleType) else source
    return [
        op for item in items if isinstance(op := getattr(item, "__operation__", None), Operation)
    ]


class OperationRegistry:
    """Operations by id and alias, chains, and the parameter and input types."""

    def __init__(self) -> None:
        self._ops: dict[str, Operation] = {}
        self._aliases: dict[str, str] = {}
        self.chains: dict[str, Chain] = {}
        self.param_types: dict[str, ParamCoercer] = {}
        # Nuxeo input type name -> the Python types it covers, for dispatch.
        self.input_types: dict[str, tuple[type, ...]] = {}

    def add(self, op: Operation) -> None:
        op.check_signature()
        for alias in op.aliases:
            self._aliases[alias] = op.id
        self._ops[op.id] = op

    def remove(self, op_id: str) -> None:
        op = self._ops.pop(op_id)
        for alias in op.aliases:
            self._aliases.pop(alias, None)

    def get(self, op_id: str) -> Operation | None:
        return self._ops.get(op_id) or self._ops.get(self._aliases.get(op_id, ""))

    def names(self, op: Operation) -> tuple[str, ...]:
        return (op.id, *op.aliases)

    def catalogue(self) -> list[Operation]:
        """Every operation, sorted by label as Nuxeo lists them."""
        return sorted(self._ops.values(), key=lambda o: o.label or o.id)

    def type_name(self, value: Any) -> str:
        """The Nuxeo input type of an engine value (``void`` for None)."""
        if value is None:
            return "void"
        for name, types in self.input_types.items():
            if isinstance(value, types):
                return name
        return type(value).__name__.lower()

    def check(self) -> None:
        """Cross-references, once every contribution is in: parameter types and
        chain steps exist."""
        for op in self._ops.values():
            for param in op.params:
                if param.type not in self.param_types:
                    raise TypeError(f"operation {op.id}: unknown parameter type {param.type!r}")
        for chain in self.chains.values():
            for step in chain.steps:
                if self.get(step.operation) is None and step.operation not in self.chains:
                    raise TypeError(f"chain {chain.id}: unknown operation {step.operation!r}")
