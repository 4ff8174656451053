"""The NXQL syntax tree: what the parser produces and the compiler reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Union


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference: ``dc:title``, ``ecm:path``, ``files:files/*1/file/name``."""

    name: str
    path: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "/".join((self.name, *self.path))


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | int | float | datetime
    kind: str  # "string", "number", "date", "timestamp"


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class DateOf:
    """``DATE(ref)``: the date part of a timestamp property."""

    ref: Ref


Operand = Union[Ref, Literal, Function, DateOf]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True, slots=True)
class Compare:
    left: Operand
    op: str  # = <> < <= > >= (!= is read as <>)
    right: Operand


@dataclass(frozen=True, slots=True)
class Like:
    left: Operand
    pattern: Operand
    negated: bool
    insensitive: bool


@dataclass(frozen=True, slots=True)
class In:
    left: Operand
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Between:
    left: Operand
    low: Operand
    high: Operand
    negated: bool


@dataclass(frozen=True, slots=True)
class IsNull:
    left: Operand
    negated: bool


@dataclass(frozen=True, slots=True)
class StartsWith:
    left: Operand
    value: Operand


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Union[Compare, Like, In, Between, IsNull, StartsWith, And, Or, Not]  # noqa: UP007


@dataclass(frozen=True, slots=True)
class OrderItem:
    ref: Ref
    ascending: bool = True


@dataclass(frozen=True, slots=True)
class Column:
    """A select-list item: ``dc:title``, ``COUNT(ecm:uuid) AS n``."""

    operand: Operand
    alias: str | None = None

    @property
    def label(self) -> str:
        """The item's key in a result set's rows: its alias, else its text."""
        if self.alias is not None:
            return self.alias
        if isinstance(self.operand, Function):
            return f"{self.operand.name}({', '.join(map(str, self.operand.args))})"
        return str(self.operand)


@dataclass(frozen=True, slots=True)
class Query:
    # None: SELECT *.
    columns: tuple[Column, ...] | None
    types: tuple[str, ...]
    where: Condition | None = None
    order: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
