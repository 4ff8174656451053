"""The query language of ``Audit.Query``: the subset of JPQL over Nuxeo's
``LogEntry`` that clients write (``from LogEntry log where log.eventId =
'documentCreated' and log.eventDate > '2026-01-01' order by log.eventDate
desc``), parsed with lark and compiled to parameterised SQL over
``audit_log``: literals are bound, fields looked up in a fixed table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lark import Lark, LarkError, Token, Tree

MAX_QUERY = 10_000
MAX_CONDITIONS = 100
MAX_LISTED = 1000

_GRAMMAR = r"""
start: "from"i NAME NAME? where? order?
where: "where"i _expr
order: "order"i "by"i sort ("," sort)*
sort: field DIRECTION?
DIRECTION: /asc|desc/i

_expr: or_
?or_: and_ ("or"i and_)*
?and_: not_ ("and"i not_)*
?not_: "not"i not_ -> negation
     | "(" or_ ")"
     | condition
condition: field OP value                      -> compare
         | field "in"i "(" value ("," value)* ")" -> among
         | field "not"i "in"i "(" value ("," value)* ")" -> not_among
         | field "like"i value                  -> like
         | field "is"i "null"i                  -> is_null
         | field "is"i "not"i "null"i           -> not_null
field: NAME ("." NAME)?
value: STRING | NUMBER
OP: "<>" | "!=" | "<=" | ">=" | "=" | "<" | ">"
STRING: /'(?:[^']|'')*'/
NUMBER: /-?\d+(\.\d+)?/
NAME: /[A-Za-z_][A-Za-z_0-9]*/
%ignore /\s+/
"""

_PARSER = Lark(_GRAMMAR, parser="lalr")

# LogEntry fields -> (column, kind).
FIELDS = {
    "id": ("a.id", "number"),
    "eventId": ("a.event_id", "text"),
    "category": ("a.category", "text"),
    "principalName": ("a.principal", "text"),
    "comment": ("a.comment", "text"),
    "docLifeCycle": ("a.doc_lifecycle", "text"),
    "docPath": ("a.doc_path", "text"),
    "docType": ("a.doc_type", "text"),
    "docUUID": ("a.doc_uuid::text", "text"),
    "repositoryId": ("a.repository", "text"),
    "eventDate": ("a.event_date", "date"),
    "logDate": ("a.log_date", "date"),
}
_OPS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class AuditQueryError(ValueError):
    """A query that cannot be run: the message says what and where."""


@dataclass(frozen=True, slots=True)
class CompiledAuditQuery:
    where: str
    order: str
    params: tuple[Any, ...]


class _Compiler:
    def __init__(self) -> None:
        self.params: list[Any] = []
        self.conditions = 0

    def bind(self, value: Any, cast: str) -> str:
        self.params.append(value)
        return f"${len(self.params)}{cast}"

    def field(self, tree: Any) -> tuple[str, str]:
        names = [str(t) for t in tree.children]
        name = names[-1]
        if name not in FIELDS:
            raise AuditQueryError(f"Unknown LogEntry field: {name[:64]}")
        return FIELDS[name]

    def value(self, tree: Any, kind: str) -> str:
        token = tree.children[0]
        assert isinstance(token, Token)
        if token.type == "STRING":
            text = str(token)[1:-1].replace("''", "'")
            if kind == "date":
                try:
                    parsed = datetime.fromisoformat(text.strip())
                    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
                    return self.bind(parsed, "::timestamptz")
                except ValueError:
                    raise AuditQueryError(f"Not a date: {text[:64]!r}") from None
            if kind == "number":
                raise AuditQueryError("id compares with a number")
            return self.bind(text, "::text")
        if kind != "number":
            raise AuditQueryError(f"A number where text or a date is expected: {token}")
        return self.bind(int(float(str(token))), "::bigint")

    def expr(self, tree: Any) -> str:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise AuditQueryError(f"At most {MAX_CONDITIONS} conditions")
        kind = tree.data
        if kind in ("or_", "and_"):
            joiner = " OR " if kind == "or_" else " AND "
            return "(" + joiner.join(self.expr(c) for c in tree.children) + ")"
        if kind == "negation":
            return f"NOT ({self.expr(tree.children[0])})"
        column, field_kind = self.field(tree.children[0])
        if kind == "compare":
            op = _OPS[str(tree.children[1])]
            return f"{column} {op} {self.value(tree.children[2], field_kind)}"
        if kind in ("among", "not_among"):
            if len(tree.children) - 1 > MAX_LISTED:
                raise AuditQueryError(f"An IN list has at most {MAX_LISTED} values")
            values = ", ".join(self.value(v, field_kind) for v in tree.children[1:])
            return f"{column} {'NOT ' if kind == 'not_among' else ''}IN ({values})"
        if kind == "like":
            if field_kind != "text":
                raise AuditQueryError("LIKE applies to text fields")
            return f"{column} LIKE {self.value(tree.children[1], field_kind)}"
        if kind == "is_null":
            return f"{column} IS NULL"
        if kind == "not_null":
            return f"{column} IS NOT NULL"
        raise AuditQueryError(f"Unsupported condition: {kind}")


def compile_audit_query(text: str) -> CompiledAuditQuery:
    """``text`` as SQL (a WHERE clause and an ORDER BY over ``audit_log a``)
    with its parameters; AuditQueryError when it cannot be."""
    if len(text) > MAX_QUERY:
        raise AuditQueryError(f"A query has at most {MAX_QUERY} characters")
    try:
        tree = _PARSER.parse(text)
    except LarkError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AuditQueryError(f"Invalid audit query: {first[:200]}") from None
    entity = str(tree.children[0])
    if entity != "LogEntry":
        raise AuditQueryError(f"Queries are over LogEntry, not {entity[:64]}")
    compiler = _Compiler()
    where, order = "true", "a.event_date DESC, a.id DESC"
    for part in tree.children[1:]:
        if not isinstance(part, Tree):
            continue  # the entity's alias
        if part.data == "where":
            where = compiler.expr(part.children[0])
        elif part.data == "order":
            keys = []
            sort: Any
            for sort in part.children:
                column, _ = compiler.field(sort.children[0])
                direction = str(sort.children[1]).upper() if len(sort.children) > 1 else "ASC"
                keys.append(f"{column} {direction}")
            order = ", ".join([*keys, "a.id DESC"])
    return CompiledAuditQuery(where, order, tuple(compiler.params))
