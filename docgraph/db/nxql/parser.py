"""NXQL text to a syntax tree, with lark (LALR, grammar in ``nxql.lark``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, VisitError

from docgraph.db.nxql import ast

# Queries longer than this are refused before parsing.
MAX_QUERY_CHARS = 20_000
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "'": "'", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


class QueryParseError(ValueError):
    """An NXQL text that is not a query (Nuxeo's QueryParseException)."""


@cache
def _parser() -> Lark:
    grammar = (resources.files("docgraph.db.nxql") / "nxql.lark").read_text()
    return Lark(grammar, parser="lalr", maybe_placeholders=False)


def _unquote(token: str) -> str:
    """A string literal's value: known backslash escapes decoded, an unknown
    one kept with its backslash (as Nuxeo's lexer does)."""
    body = token[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def _ref(token: str) -> ast.Ref:
    name, *path = token.split("/")
    return ast.Ref(name, tuple(path))


def _timestamp(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise QueryParseError(f"Invalid timestamp: {text}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _kw(items: list[Any], keyword: str) -> bool:
    return any(isinstance(i, Token) and i.type == keyword for i in items)


def _operands(items: list[Any]) -> list[Any]:
    return [i for i in items if not isinstance(i, Token)]


@v_args(inline=False)
class _ToAst(Transformer[Token, ast.Query]):
    def start(self, items: list[Any]) -> ast.Query:
        columns, types = items[1], items[3]
        where = next((i for i in items[4:] if isinstance(i, _Where)), None)
        order = next((i for i in items[4:] if isinstance(i, tuple)), ())
        limit = next((i for i in items[4:] if isinstance(i, _Limit)), None)
        return ast.Query(
            columns=columns,
            types=types,
            where=where.condition if where else None,
            order=order,
            limit=limit.limit if limit else None,
            offset=limit.offset if limit else None,
        )

    def select_all(self, items: list[Any]) -> None:
        return None

    def select_columns(self, items: list[Any]) -> tuple[ast.Column, ...]:
        return tuple(items)

    def select_item(self, items: list[Any]) -> ast.Column:
        alias = next((str(t) for t in items[1:] if isinstance(t, Token) and t.type == "REF"), None)
        return ast.Column(items[0], alias)

    def from_list(self, items: list[Any]) -> tuple[str, ...]:
        return tuple(i for i in items if isinstance(i, str) and not isinstance(i, Token))

    def from_item(self, items: list[Any]) -> str:
        return str(items[0])

    def where(self, items: list[Any]) -> _Where:
        return _Where(items[1])

    def order_by(self, items: list[Any]) -> tuple[ast.OrderItem, ...]:
        return tuple(i for i in items if isinstance(i, ast.OrderItem))

    def order_item(self, items: list[Any]) -> ast.OrderItem:
        ascending = len(items) < 2 or items[1]
        return ast.OrderItem(_ref(items[0]), ascending)

    def direction(self, items: list[Any]) -> bool:
        return bool(items[0].type == "ASC")

    def limit(self, items: list[Any]) -> _Limit:
        numbers = [_count(t) for t in items if t.type == "SIGNED_NUMBER"]
        return _Limit(numbers[0], numbers[1] if len(numbers) > 1 else None)

    def or_(self, items: list[Any]) -> ast.Condition:
        parts = _operands(items)
        return parts[0] if len(parts) == 1 else ast.Or(tuple(parts))

    def and_(self, items: list[Any]) -> ast.Condition:
        parts = _operands(items)
        return parts[0] if len(parts) == 1 else ast.And(tuple(parts))

    def not_(self, items: list[Any]) -> ast.Condition:
        return ast.Not(items[1])

    def compare(self, items: list[Any]) -> ast.Condition:
        left, op, right = items
        return ast.Compare(left, "<>" if op == "!=" else str(op), right)

    def like(self, items: list[Any]) -> ast.Condition:
        left, pattern = _operands(items)
        return ast.Like(left, pattern, _kw(items, "NOT"), insensitive=False)

    def ilike(self, items: list[Any]) -> ast.Condition:
        left, pattern = _operands(items)
        return ast.Like(left, pattern, _kw(items, "NOT"), insensitive=True)

    def in_(self, items: list[Any]) -> ast.Condition:
        left, *values = _operands(items)
        return ast.In(left, tuple(values), _kw(items, "NOT"))

    def between(self, items: list[Any]) -> ast.Condition:
        left, low, high = _operands(items)
        return ast.Between(left, low, high, _kw(items, "NOT"))

    def is_null(self, items: list[Any]) -> ast.Condition:
        return ast.IsNull(items[0], _kw(items, "NOT"))

    def startswith(self, items: list[Any]) -> ast.Condition:
        left, value = _operands(items)
        return ast.StartsWith(left, value)

    def reference(self, items: list[Any]) -> ast.Operand:
        return _ref(items[0])

    def function(self, items: list[Any]) -> ast.Operand:
        return ast.Function(str(items[0]).upper(), tuple(items[1:]))

    def date_of(self, items: list[Any]) -> ast.Operand:
        return ast.DateOf(_ref(items[1]))

    def string(self, items: list[Any]) -> ast.Literal:
        return ast.Literal(_unquote(items[0]), "string")

    def number(self, items: list[Any]) -> ast.Literal:
        text = str(items[0])
        if len(text) > 40:
            raise QueryParseError(f"Number too long: {text[:40]}...")
        value: int | float = float(text) if any(c in text for c in ".eE") else int(text)
        return ast.Literal(value, "number")

    def date(self, items: list[Any]) -> ast.Literal:
        text = _unquote(items[1])
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise QueryParseError(f"Invalid date: {text}") from None
        return ast.Literal(datetime(day.year, day.month, day.day, tzinfo=UTC), "date")

    def timestamp(self, items: list[Any]) -> ast.Literal:
        return ast.Literal(_timestamp(_unquote(items[1])), "timestamp")


class _Where:
    __slots__ = ("condition",)

    def __init__(self, condition: ast.Condition) -> None:
        self.condition = condition


class _Limit:
    __slots__ = ("limit", "offset")

    def __init__(self, limit: int, offset: int | None) -> None:
        self.limit, self.offset = limit, offset


def _count(token: Token) -> int:
    text = str(token)
    if not text.isdigit() or len(text) > 9:
        raise QueryParseError(f"LIMIT and OFFSET take a whole number, not {text}")
    return int(text)


def parse(text: str) -> ast.Query:
    """The syntax tree of an NXQL query; QueryParseError when it is not one."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryParseError(f"Query longer than {MAX_QUERY_CHARS} characters")
    try:
        tree = _parser().parse(text)
        query: ast.Query = _ToAst().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, QueryParseError):
            raise exc.orig_exc from None
        raise
    except LarkError as exc:
        raise QueryParseError(f"Syntax error in query: {_short(exc)}") from None
    return query


def _short(exc: LarkError) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return first[:200]
