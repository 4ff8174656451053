"""An NXQL syntax tree to parameterised SQL over the ``documents`` table (alias ``d``).

Nothing the user wrote reaches the SQL as text: literals, property keys and
type names are bound parameters; references are looked up in the type
registry and become known columns or jsonb paths. What cannot be compiled
raises :class:`QueryError` (a 400 for the client).
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from docgraph.db.nxql import ast
from docgraph.db.nxql.fulltext import to_tsquery
from docgraph.db.nxql.parser import QueryParseError


# What the compiler reads of the engine's type registry (the db layer does not
# import the engine): types with their parent, schemas by key prefix, facets.
class FieldType(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def is_list(self) -> bool: ...
    @property
    def fields(self) -> Mapping[str, FieldType] | None: ...
    @property
    def item(self) -> FieldType: ...


class SchemaInfo(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def fields(self) -> Mapping[str, FieldType]: ...


class TypeInfo(Protocol):
    @property
    def extends(self) -> str | None: ...


class TypeRegistry(Protocol):
    @property
    def types(self) -> Mapping[str, TypeInfo]: ...
    @property
    def schemas(self) -> Mapping[str, SchemaInfo]: ...
    def schema_by_key(self, key_prefix: str) -> SchemaInfo | None: ...
    def types_with_facet(self, facet: str) -> list[str]: ...


class QueryError(QueryParseError):
    """A well-formed query that cannot be answered (unknown type or property,
    an operator a property does not take, ...)."""


# ecm: references that are plain columns: (SQL, kind).
_COLUMNS: dict[str, tuple[str, str]] = {
    "ecm:uuid": ("d.id", "uuid"),
    "ecm:id": ("d.id", "uuid"),
    "ecm:parentId": ("d.parent_id", "uuid"),
    "ecm:name": ("d.name", "text"),
    "ecm:path": ("d.path", "path"),
    "ecm:primaryType": ("d.type", "text"),
    "ecm:currentLifeCycleState": ("d.lifecycle_state", "text"),
    "ecm:lockOwner": ("d.lock_owner", "text"),
    "ecm:lockCreated": ("d.lock_created", "timestamp"),
    "ecm:pos": ("d.position", "number"),
    "ecm:versionLabel": ("d.version_label", "text"),
    "ecm:versionVersionableId": ("d.version_series_id", "uuid"),
    "ecm:proxyTargetId": ("d.proxy_target_id", "uuid"),
    "ecm:isProxy": ("(d.proxy_target_id IS NOT NULL)", "flag"),
    "ecm:isVersion": ("d.is_version", "flag"),
    "ecm:isCheckedInVersion": ("d.is_version", "flag"),
    "ecm:isCheckedIn": ("(NOT d.is_checked_out)", "flag"),
    "ecm:isTrashed": ("d.is_trashed", "flag"),
    # The last version of its series (the last major one: numbered N.0).
    "ecm:isLatestVersion": (
        "(d.is_version AND NOT EXISTS (SELECT 1 FROM documents n"
        " WHERE n.version_series_id = d.version_series_id AND n.is_version"
        " AND (n.major_version, n.minor_version) > (d.major_version, d.minor_version)))",
        "flag",
    ),
    "ecm:isLatestMajorVersion": (
        "(d.is_version AND d.minor_version = 0 AND NOT EXISTS (SELECT 1 FROM documents n"
        " WHERE n.version_series_id = d.version_series_id AND n.is_version"
        " AND n.minor_version = 0 AND n.major_version > d.major_version))",
        "flag",
    ),
    # No records or holds exist: these are false for every document.
    "ecm:isRecord": ("false", "flag"),
    "ecm:hasLegalHold": ("false", "flag"),
}
_SPECIAL = {"ecm:mixinType", "ecm:ancestorId", "ecm:fulltext", "ecm:tag"}
# Sub-fields of a blob value (file:content/name, ...).
_BLOB_FIELDS = {
    "name": "text",
    "mime-type": "text",
    "encoding": "text",
    "digest": "text",
    "length": "number",
}
_KINDS = {
    "string": "text",
    "date": "timestamp",
    "long": "number",
    "integer": "number",
    "double": "number",
    "boolean": "boolean",
    "binary": "text",
}
_PERIOD = re.compile(
    r"^-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_NEGATED_OPS = {"<>"}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.\-]*")


@dataclass(slots=True)
class _Value:
    """A compiled reference: its SQL expression and kind; ``expansions`` are
    the list elements (alias, jsonb array) it ranges over, if any."""

    sql: str
    kind: str
    expansions: list[tuple[str, str]] = field(default_factory=list)
    # For a whole list without a path: the array, to test emptiness.
    array: str | None = None
    # For an element of a list of scalars (dc:subjects, dc:subjects/*): the list.
    element_of: str | None = None
    # The value as text, before any cast: dates (ISO 8601, UTC, one format)
    # sort as text, which an expression index on the property can serve.
    text: str | None = None
    # The value as stored (jsonb): what a result set's column returns.
    json: str | None = None


@dataclass(frozen=True, slots=True)
class PathAnchor:
    """A parameter standing for the id of the document at ``path``, looked up
    just before the statement runs (``db.search.anchored``). Bound as a value,
    the planner estimates the subtree's size from the ancestors' statistics: a
    subquery in its place hides it, and a million-document subtree was then
    planned as a small one (2 s for a first page instead of 2 ms)."""

    path: str


# Text sorts on its first SORT_PREFIX characters, then the id: a btree entry
# holds about 2.7 kB, so an index can hold a title's prefix, not every title.
SORT_PREFIX = 200


@dataclass(slots=True)
class Compiled:
    where: str
    # ORDER BY terms ("expr ASC"), and the same as (expression, ascending).
    order: list[str]
    params: list[Any]
    keys: list[tuple[str, bool]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordColumn:
    """A result set's column: its key in the rows, its SQL, and how its value
    comes back (``json``: a stored value as is; ``uuid``, ``timestamp``,
    ``number``: to convert; ``plain``: as the driver gives it)."""

    label: str
    sql: str
    kind: str


@dataclass(slots=True)
class CompiledRecords:
    """A column query (``SELECT dc:title, ecm:uuid ...``): the select list,
    the lateral joins that make one row per list element it names, the
    conditions and order. ``aggregated``: one row of aggregates."""

    columns: list[RecordColumn]
    joins: list[str]
    # The joined list elements' aliases (each has an ordinal ``n``).
    elements: list[str]
    where: str
    order: list[str]
    params: list[Any]
    aggregated: bool


_AGGREGATES = {"COUNT", "AVG", "SUM", "MIN", "MAX"}
MAX_SELECTED_LISTS = 2
# How the plain columns of _COLUMNS come back in a result set.
_RECORD_KINDS = {"uuid": "uuid", "timestamp": "timestamp", "number": "plain"}


class Compiler:
    def __init__(self, types: TypeRegistry, params: list[Any] | None = None) -> None:
        self.types = types
        self.params: list[Any] = params if params is not None else []
        self._aliases = 0
        # (list reference, "*N") -> the alias of its element.
        self._correlated: dict[tuple[str, str], str] = {}

    # -- parameters ------------------------------------------------------------
    def bind(self, value: Any, cast: str = "") -> str:
        self.params.append(value)
        return f"${len(self.params)}{cast}"

    @staticmethod
    def bind_name(name: str) -> str:
        """A property key or sub-field name, as an SQL literal. These come from
        the type registry (the query's text was only looked up in it), and
        written out they let PostgreSQL use expression indexes on them."""
        if not _NAME.fullmatch(name):
            raise QueryError(f"Unsupported property name: {name}")
        return f"'{name}'"

    # -- the statement -----------------------------------------------------------
    def compile(self, query: ast.Query) -> Compiled:
        if query.columns is not None and not all(
            isinstance(c.operand, ast.Ref) and c.operand.name in ("ecm:uuid", "ecm:id")
            for c in query.columns
        ):
            raise QueryError("Only SELECT * (or SELECT ecm:uuid) returns documents")
        return self._compile(query)

    def _compile(self, query: ast.Query) -> Compiled:
        parts = [self._from(query.types)]
        if query.where is not None:
            parts.append(self.condition(query.where))
        keys = [self._order_key(item) for item in query.order]
        order = [f"{sql} {'ASC' if ascending else 'DESC'}" for sql, ascending in keys]
        return Compiled(" AND ".join(f"({p})" for p in parts if p), order, self.params, keys)

    def compile_records(self, query: ast.Query) -> CompiledRecords:
        """A query read as a result set: ``SELECT *`` gives ``ecm:uuid``."""
        items = query.columns or (ast.Column(ast.Ref("ecm:uuid")),)
        aggregates = [isinstance(c.operand, ast.Function) for c in items]
        if any(aggregates) and not all(aggregates):
            raise QueryError("Aggregates and plain columns cannot be mixed (there is no GROUP BY)")
        if any(aggregates) and query.order:
            raise QueryError("A query of aggregates has no ORDER BY")
        if len({c.label for c in items}) < len(items):
            raise QueryError("A column is selected twice: name one with AS")
        joins: dict[str, str] = {}
        columns = [self._record_column(c, joins) for c in items]
        if len(joins) > MAX_SELECTED_LISTS:
            # Each joined list multiplies the rows: their product could be huge.
            raise QueryError(f"At most {MAX_SELECTED_LISTS} list elements (/*) can be selected")
        compiled = self._compile(query)
        return CompiledRecords(
            columns,
            list(joins.values()),
            list(joins),
            compiled.where,
            compiled.order,
            self.params,
            all(aggregates),
        )

    def _record_column(self, column: ast.Column, joins: dict[str, str]) -> RecordColumn:
        operand = column.operand
        if isinstance(operand, ast.Function):
            return self._aggregate(column.label, operand, joins)
        if not isinstance(operand, ast.Ref):
            raise QueryError(f"Cannot select {column.label}: name a property")
        if operand.name in _COLUMNS and not operand.path:
            sql, kind = _COLUMNS[operand.name]
            return RecordColumn(column.label, sql, _RECORD_KINDS.get(kind, "plain"))
        if operand.name.startswith("ecm:"):
            raise QueryError(f"Cannot select {operand}")
        key = self._property_key(operand.name)
        if not operand.path:
            # A whole value, list or complex included, as it is stored.
            return RecordColumn(column.label, f"(d.properties -> {self.bind_name(key)})", "json")
        value = self._joined(operand, joins)
        assert value.json is not None
        return RecordColumn(column.label, value.json, "json")

    def _joined(self, ref: ast.Ref, joins: dict[str, str]) -> _Value:
        """A reference, its list elements joined laterally: a row per element."""
        value = self.reference(ref)
        for alias, src in value.expansions:
            joins.setdefault(
                alias,
                "CROSS JOIN LATERAL jsonb_array_elements("
                f"CASE WHEN jsonb_typeof({src}) = 'array' THEN {src} END)"
                f" WITH ORDINALITY AS {alias} (v, n)",
            )
        return value

    def _aggregate(self, label: str, func: ast.Function, joins: dict[str, str]) -> RecordColumn:
        if func.name not in _AGGREGATES:
            raise QueryError(f"Function not supported in SELECT: {func.name}")
        if len(func.args) != 1 or not isinstance(func.args[0], ast.Ref):
            raise QueryError(f"{func.name} takes one property")
        ref = func.args[0]
        if ref.name in _COLUMNS and not ref.path:
            sql, kind = _COLUMNS[ref.name]
        elif ref.name.startswith("ecm:"):
            raise QueryError(f"Cannot aggregate {ref}")
        else:
            value = self._joined(ref, joins)
            sql, kind = value.sql, value.kind
            if kind in ("text", "timestamp") and value.text is not None:
                sql = value.text  # ISO dates order as text
        if func.name == "COUNT":
            return RecordColumn(label, f"count({sql})", "plain")
        if func.name in ("SUM", "AVG") and kind != "number":
            raise QueryError(f"{func.name} takes a number property, not {ref}")
        result_kind = "number" if kind == "number" else _RECORD_KINDS.get(kind, "plain")
        return RecordColumn(label, f"{func.name.lower()}({sql})", result_kind)

    def _from(self, names: Sequence[str]) -> str:
        """A type means it and its subtypes; Document means all. Root never."""
        if any(n.lower() == "document" for n in names):
            return f"d.type <> {self.bind('Root')}"
        wanted: set[str] = set()
        for name in names:
            if name not in self.types.types:
                raise QueryError(f"Unknown type: {name}")
            wanted.update(self._with_subtypes(name))
        wanted.discard("Root")
        return f"d.type = ANY({self.bind(sorted(wanted), '::text[]')})"

    def _with_subtypes(self, name: str) -> set[str]:
        found = set()
        for candidate in self.types.types:
            current: str | None = candidate
            while current is not None:
                if current == name:
                    found.add(candidate)
                    break
                current = self.types.types[current].extends if current in self.types.types else None
        return found

    def _order_key(self, item: ast.OrderItem) -> tuple[str, bool]:
        if item.ref.name in _COLUMNS and not item.ref.path:
            return _COLUMNS[item.ref.name][0], item.ascending
        if item.ref.name.startswith("ecm:"):
            raise QueryError(f"Cannot order by {item.ref}")
        value = self.reference(item.ref)
        if value.expansions:
            raise QueryError(f"Cannot order by a list element: {item.ref}")
        if value.kind in ("text", "timestamp") and value.text is not None:
            value.sql = value.text
        if value.kind == "text":
            value.sql = f"left({value.sql}, {SORT_PREFIX})"
        # PostgreSQL's default null order (last ascending, first descending):
        # the one an index on the property provides.
        return value.sql, item.ascending

    # -- conditions --------------------------------------------------------------
    def condition(self, node: ast.Condition) -> str:
        if isinstance(node, ast.And):
            return self._conjunction(node.items)
        if isinstance(node, ast.Or):
            return " OR ".join(f"({self.condition(i)})" for i in node.items)
        if isinstance(node, ast.Not):
            return f"NOT ({self.condition(node.item)})"
        left = node.left
        if isinstance(left, ast.Ref) and left.name.split(".")[0] in _SPECIAL:
            return self._special(left, node)
        if isinstance(left, ast.DateOf):
            return self._date_of(left, node)
        if not isinstance(left, ast.Ref):
            raise QueryError("The left side of a condition must be a property")
        value = self.reference(left)
        if isinstance(node, ast.IsNull):
            return self._is_null(value, node.negated)
        if value.element_of is not None and value.kind == "text":
            contained = self._contains(value.element_of, node)
            if contained is not None:
                return contained
        if value.expansions:
            # On a list: "=" holds if any element matches, "<>" if none does.
            exists = self._exists(value.expansions, self._scalar(value, _positive(node)))
            return f"NOT {exists}" if _is_negated(node) else exists
        return self._scalar(value, node)

    def _contains(self, array: str, node: ast.Condition) -> str | None:
        """Equality and IN on the elements of a list of strings, written as
        jsonb containment, which a GIN index on the property can serve."""
        if isinstance(node, ast.Compare) and node.op in ("=", "<>"):
            item = self._literal_value(node.right, "text")
            test = f"{array} @> jsonb_build_array({self.bind(item, '::text')})"
            # A missing list contains nothing: "<>" holds for it.
            return test if node.op == "=" else f"NOT coalesce({test}, false)"
        if isinstance(node, ast.In):
            items = [self._literal_value(v, "text") for v in node.values]
            test = f"{array} ?| {self.bind(items, '::text[]')}"
            return f"NOT coalesce({test}, false)" if node.negated else test
        return None

    def _conjunction(self, items: Sequence[ast.Condition]) -> str:
        """AND, where the conditions on the same correlated element (``*1``)
        share one EXISTS: they hold for one and the same list element."""
        parts: list[str] = []
        groups: dict[tuple[str, ...], tuple[list[tuple[str, str]], list[str]]] = {}
        for item in items:
            correlated = self._correlated_leaf(item)
            if correlated is None:
                parts.append(self.condition(item))
                continue
            expansions, test = correlated
            key = tuple(alias for alias, _ in expansions)
            groups.setdefault(key, (expansions, []))[1].append(test)
        for expansions, tests in groups.values():
            parts.append(self._exists(expansions, " AND ".join(f"({t})" for t in tests)))
        return " AND ".join(f"({p})" for p in parts)

    def _correlated_leaf(self, node: ast.Condition) -> tuple[list[tuple[str, str]], str] | None:
        """A positive condition on a correlated element: its lists and its test."""
        left = getattr(node, "left", None)
        if not (isinstance(left, ast.Ref) and any(re.fullmatch(r"\*\d+", p) for p in left.path)):
            return None
        if isinstance(node, ast.IsNull) or _is_negated(node):
            return None
        value = self.reference(left)
        return value.expansions, self._scalar(value, node)

    @staticmethod
    def _exists(expansions: Sequence[tuple[str, str]], test: str) -> str:
        sources = ", ".join(
            f"jsonb_array_elements(CASE WHEN jsonb_typeof({src}) = 'array' THEN {src} END)"
            f" AS {alias} (v)"
            for alias, src in expansions
        )
        return f"EXISTS (SELECT 1 FROM {sources} WHERE {test})"

    def _scalar(self, value: _Value, node: ast.Condition) -> str:
        lhs, kind = value.sql, value.kind
        if isinstance(node, ast.Compare):
            if kind == "flag":
                flag = self._flag(node.right)
                sql = lhs if flag else f"NOT {lhs}"
                return (
                    sql if node.op == "=" else f"NOT ({sql})" if node.op == "<>" else _bad_op(node)
                )
            if kind == "uuid":
                return self._uuid_compare(lhs, node.op, node.right)
            return f"{lhs} {node.op} {self._literal(node.right, kind)}"
        if isinstance(node, ast.Like):
            if kind not in ("text", "path"):
                raise QueryError("LIKE applies to text properties")
            op = "ILIKE" if node.insensitive else "LIKE"
            expr = f"{lhs} {op} {self._literal(node.pattern, 'text')}"
            return f"NOT ({expr})" if node.negated else expr
        if isinstance(node, ast.In):
            if kind == "flag":
                raise QueryError("IN does not apply to 0/1 properties")
            if kind == "uuid":
                ids = [u for v in node.values if (u := _as_uuid(v)) is not None]
                expr = f"{lhs} = ANY({self.bind(ids, '::uuid[]')})"
            else:
                cast = {"text": "::text[]", "path": "::text[]", "number": "::numeric[]",
                        "timestamp": "::timestamptz[]", "boolean": "::boolean[]"}[kind]  # fmt: skip
                items = [self._literal_value(v, kind) for v in node.values]
                expr = f"{lhs} = ANY({self.bind(items, cast)})"
            return f"NOT ({expr})" if node.negated else expr
        if isinstance(node, ast.Between):
            if kind in ("flag", "uuid"):
                raise QueryError("BETWEEN does not apply to this property")
            low, high = self._literal(node.low, kind), self._literal(node.high, kind)
            expr = f"{lhs} BETWEEN {low} AND {high}"
            return f"NOT ({expr})" if node.negated else expr
        if isinstance(node, ast.StartsWith):
            if kind == "path":
                return self._path_startswith(node.value)
            if kind != "text":
                raise QueryError("STARTSWITH applies to text properties")
            text = self._literal_value(node.value, "text")
            return (
                f"({lhs} = {self.bind(text, '::text')}"
                f" OR starts_with({lhs}, {self.bind(text.rstrip('/') + '/', '::text')}))"
            )
        raise QueryError("Unsupported condition")

    def _is_null(self, value: _Value, negated: bool) -> str:
        if value.array is not None:
            # An empty list is stored as null: both match IS NULL.
            empty = (
                f"coalesce(jsonb_array_length(CASE WHEN jsonb_typeof({value.array}) = 'array'"
                f" THEN {value.array} END), 0) = 0"
            )
            return f"NOT ({empty})" if negated else empty
        if value.expansions:
            raise QueryError("IS NULL does not apply to list elements")
        return f"{value.sql} IS {'NOT ' if negated else ''}NULL"

    def _path_startswith(self, operand: ast.Operand) -> str:
        """Strict descendants of the document at that path (none if there is none)."""
        path = self._literal_value(operand, "text")
        normalized = "/" + "/".join(s for s in path.split("/") if s)
        anchor = self.bind(PathAnchor(normalized), "::uuid")
        # Versions keep their live document in their ancestors (for its ACLs)
        # but are not in the tree.
        return f"d.ancestors @> ARRAY[{anchor}]::uuid[] AND NOT d.is_version"

    def _uuid_compare(self, lhs: str, op: str, right: ast.Operand) -> str:
        if op not in ("=", "<>"):
            raise QueryError(f"Operator {op} does not apply to ids")
        found = _as_uuid(right)
        if found is None:  # not an id: equal to nothing
            return "false" if op == "=" else f"{lhs} IS NOT NULL"
        return f"{lhs} {op} {self.bind(found, '::uuid')}"

    def _special(self, ref: ast.Ref, node: ast.Condition) -> str:
        base = ref.name.split(".")[0]
        if base == "ecm:fulltext":
            return self._fulltext(ref, node)
        if base == "ecm:ancestorId":
            if not isinstance(node, ast.Compare) or node.op not in ("=", "<>"):
                raise QueryError("ecm:ancestorId takes = or <> only")
            found = _as_uuid(node.right)
            test = (
                "false"
                if found is None
                else f"d.ancestors @> ARRAY[{self.bind(found, '::uuid')}] AND NOT d.is_version"
            )
            return test if node.op == "=" else f"NOT ({test})"
        if base == "ecm:tag":
            return self._tag(node)
        # ecm:mixinType: the type's facets and the document's own.
        if isinstance(node, ast.Compare) and node.op in ("=", "<>"):
            test = self._has_facet(self._literal_value(node.right, "text"))
            return test if node.op == "=" else f"NOT ({test})"
        if isinstance(node, ast.In):
            tests = [self._has_facet(self._literal_value(v, "text")) for v in node.values]
            anyof = " OR ".join(f"({t})" for t in tests) or "false"
            return f"NOT ({anyof})" if node.negated else anyof
        raise QueryError("ecm:mixinType takes =, <>, IN or NOT IN")

    def _tag(self, node: ast.Condition) -> str:
        """A tag label among the document's (nxtag:tags holds {label, username})."""

        def has(operand: ast.Operand) -> str:
            label = self._literal_value(operand, "text")
            return f"d.properties -> 'nxtag:tags' @> {self.bind([{'label': label}], '::jsonb')}"

        if isinstance(node, ast.Compare) and node.op in ("=", "<>"):
            test = has(node.right)
            return test if node.op == "=" else f"NOT ({test})"
        if isinstance(node, ast.In):
            anyof = " OR ".join(f"({has(v)})" for v in node.values) or "false"
            return f"NOT ({anyof})" if node.negated else anyof
        raise QueryError("ecm:tag takes =, <>, IN or NOT IN")

    def _has_facet(self, facet: str) -> str:
        types = self.types.types_with_facet(facet)
        return (
            f"(d.type = ANY({self.bind(types, '::text[]')})"
            f" OR {self.bind(facet, '::text')} = ANY(d.mixins))"
        )

    def _fulltext(self, ref: ast.Ref, node: ast.Condition) -> str:
        if not (
            (isinstance(node, ast.Compare) and node.op == "=")
            or (isinstance(node, ast.Like) and not node.negated)
        ):
            raise QueryError("ecm:fulltext takes = (or LIKE) and a string")
        right = node.right if isinstance(node, ast.Compare) else node.pattern
        if not isinstance(right, ast.Literal) or right.kind != "string":
            raise QueryError("ecm:fulltext takes a string")
        query = to_tsquery(str(right.value))
        if query is None:
            return "false"
        tsquery = f"to_tsquery('docgraph_text', {self.bind(query, '::text')})"
        _, _, field_name = ref.name.partition(".")
        if not field_name:
            # The matches found once through the GIN index (an uncorrelated
            # ARRAY() runs first, whatever plan the rest gets), then read by id.
            return (
                f"d.id = ANY(ARRAY(SELECT f.id FROM document_fulltext f WHERE f.tsv @@ {tsquery}))"
            )
        key = self.bind(self._property_key(field_name), "::text")
        return f"to_tsvector('docgraph_text', coalesce(d.properties ->> {key}, '')) @@ {tsquery}"

    def _date_of(self, left: ast.DateOf, node: ast.Condition) -> str:
        value = self.reference(left.ref)
        if value.kind != "timestamp" or value.expansions:
            raise QueryError("DATE() applies to a date property")
        lhs = f"(({value.sql}) AT TIME ZONE 'UTC')::date"
        if isinstance(node, ast.Compare):
            return f"{lhs} {node.op} {self._date_literal(node.right)}"
        if isinstance(node, ast.Between):
            expr = (
                f"{lhs} BETWEEN {self._date_literal(node.low)} AND {self._date_literal(node.high)}"
            )
            return f"NOT ({expr})" if node.negated else expr
        raise QueryError("DATE() takes comparisons and BETWEEN")

    def _date_literal(self, operand: ast.Operand) -> str:
        if not isinstance(operand, ast.Literal) or operand.kind != "date":
            raise QueryError("DATE() must be compared with a DATE literal")
        assert isinstance(operand.value, datetime)
        return self.bind(operand.value.date(), "::date")

    # -- references ----------------------------------------------------------------
    def reference(self, ref: ast.Ref) -> _Value:
        if ref.name in _COLUMNS:
            if ref.path:
                raise QueryError(f"No such property: {ref}")
            sql, kind = _COLUMNS[ref.name]
            return _Value(sql, kind)
        if ref.name.startswith("ecm:"):
            raise QueryError(f"No such property: {ref}")
        key = self._property_key(ref.name)
        prefix, _, name = key.partition(":")
        schema = self.types.schema_by_key(prefix)
        assert schema is not None
        ftype = schema.fields[name]
        expr = f"(d.properties -> {self.bind_name(key)})"
        return self._walk(expr, ftype, list(ref.path), str(ref))

    def _property_key(self, name: str) -> str:
        prefix, sep, field_name = name.partition(":")
        if sep:
            schema = self.types.schema_by_key(prefix)
        else:
            # A bare name is a field of a schema without a prefix of its own
            # (uid, file, note, ...), as Nuxeo resolves it.
            field_name = name
            schema = next(
                (s for s in self.types.schemas.values() if s.prefix == s.name and name in s.fields),
                None,
            )
        if schema is None or field_name not in schema.fields:
            raise QueryError(f"No such property: {name}")
        return f"{schema.prefix}:{field_name}"

    def _walk(self, expr: str, ftype: FieldType, path: list[str], whole: str) -> _Value:
        expansions: list[tuple[str, str]] = []
        array = None
        while True:
            if ftype.is_list:
                if not path:
                    if not expansions:
                        array = expr
                    if ftype.kind == "complex":
                        raise QueryError(f"{whole} is a list of complex values: name a sub-field")
                    path = ["*"]
                segment = path.pop(0)
                if segment.isdigit():
                    expr = f"({expr} -> {int(segment)})"
                elif segment == "*":
                    alias = self._alias()
                    expansions.append((alias, expr))
                    expr = f"{alias}.v"
                elif re.fullmatch(r"\*\d+", segment):
                    # *N: every reference with the same list and N ranges over
                    # the same element (see _conjunction).
                    key = (whole.split(segment, 1)[0], segment)
                    if key not in self._correlated:
                        self._correlated[key] = self._alias()
                    alias = self._correlated[key]
                    expansions.append((alias, expr))
                    expr = f"{alias}.v"
                else:
                    raise QueryError(f"No such property: {whole}")
                ftype = ftype.item
                continue
            if ftype.kind == "complex":
                if not path:
                    raise QueryError(f"{whole} is a complex value: name a sub-field")
                segment = path.pop(0)
                name, _, index = segment.partition("[")
                assert ftype.fields is not None
                sub = ftype.fields.get(name)
                if sub is None:
                    raise QueryError(f"No such property: {whole}")
                expr = f"({expr} -> {self.bind_name(name)})"
                ftype = sub
                if index:
                    path.insert(0, index.rstrip("]"))
                continue
            if ftype.kind == "blob":
                if not path:
                    raise QueryError(f"{whole} is a blob: name a sub-field (name, length, ...)")
                segment = path.pop(0)
                kind = _BLOB_FIELDS.get(segment)
                if kind is None or path:
                    raise QueryError(f"No such property: {whole}")
                text = f"({expr} ->> {self.bind_name(segment)})"
                stored = f"({expr} -> {self.bind_name(segment)})"
                return _Value(_typed(text, kind), kind, expansions, array, text=text, json=stored)
            if path:
                raise QueryError(f"No such property: {whole}")
            kind = _KINDS[ftype.kind]
            # (a -> 'k') #>> '{}' is written a ->> 'k', the form indexes use.
            keyed = re.fullmatch(r"\((.+) -> ('[^']+')\)", expr)
            text = f"({keyed[1]} ->> {keyed[2]})" if keyed else f"({expr} #>> '{{}}')"
            value = _Value(_typed(text, kind), kind, expansions, array, text=text, json=expr)
            if len(expansions) == 1 and expr == f"{expansions[0][0]}.v":
                value.element_of = expansions[0][1]  # an element of a list of scalars
            return value

    def _alias(self) -> str:
        self._aliases += 1
        return f"e{self._aliases}"

    # -- literals --------------------------------------------------------------------
    def _literal(self, operand: ast.Operand, kind: str) -> str:
        if isinstance(operand, ast.Function):
            return self._function(operand, kind)
        cast = {"text": "::text", "path": "::text", "number": "::numeric",
                "timestamp": "::timestamptz", "boolean": "::boolean"}[kind]  # fmt: skip
        return self.bind(self._literal_value(operand, kind), cast)

    def _literal_value(self, operand: ast.Operand, kind: str) -> Any:
        if not isinstance(operand, ast.Literal):
            raise QueryError("Expected a literal value")
        value = operand.value
        if kind in ("text", "path"):
            if isinstance(value, datetime):
                raise QueryError("A date is compared with a date property")
            return value if isinstance(value, str) else str(value)
        if kind == "number":
            if not isinstance(value, int | float):
                raise QueryError(f"Expected a number, not {value!r}")
            return value
        if kind == "timestamp":
            if isinstance(value, datetime):
                return value
            if isinstance(value, str):
                try:
                    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    raise QueryError(f"Expected a date, not {value!r}") from None
                return parsed
            raise QueryError(f"Expected a date, not {value!r}")
        if kind == "boolean":
            return self._flag(operand)
        raise QueryError("Unsupported value")

    def _flag(self, operand: ast.Operand) -> bool:
        if (
            isinstance(operand, ast.Literal)
            and operand.value in (0, 1)
            and operand.kind == "number"
        ):
            return bool(operand.value)
        raise QueryError("requires literal 0 or 1 as right argument")

    def _function(self, func: ast.Function, kind: str) -> str:
        if func.name != "NOW":
            raise QueryError(f"Function not supported in WHERE clause: {func.name}")
        if kind != "timestamp":
            raise QueryError("NOW() is compared with a date property")
        if not func.args:
            return "now()"
        (period,) = func.args
        if not (
            isinstance(period, ast.Literal)
            and isinstance(period.value, str)
            and _PERIOD.match(period.value)
        ):
            raise QueryError("NOW() takes an ISO 8601 period such as '-P7D'")
        text = period.value
        sign = "-" if text.startswith("-") else "+"
        return f"(now() {sign} {self.bind(text.lstrip('-'), '::text')}::interval)"


def _typed(text_expr: str, kind: str) -> str:
    if kind == "number":
        return f"{text_expr}::numeric"
    if kind == "timestamp":
        return f"{text_expr}::timestamptz"
    if kind == "boolean":
        return f"{text_expr}::boolean"
    return text_expr


def _is_negated(node: ast.Condition) -> bool:
    return (isinstance(node, ast.Compare) and node.op in _NEGATED_OPS) or (
        isinstance(node, ast.Like | ast.In | ast.Between) and node.negated
    )


def _positive(node: ast.Condition) -> ast.Condition:
    """The same condition without its negation (applied outside EXISTS)."""
    if isinstance(node, ast.Compare) and node.op == "<>":
        return ast.Compare(node.left, "=", node.right)
    if isinstance(node, ast.Like | ast.In | ast.Between) and node.negated:
        return dataclasses.replace(node, negated=False)
    return node


def _as_uuid(operand: ast.Operand) -> uuid.UUID | None:
    if not isinstance(operand, ast.Literal) or not isinstance(operand.value, str):
        return None
    try:
        return uuid.UUID(operand.value)
    except ValueError:
        return None


def _bad_op(node: ast.Compare) -> str:
    raise QueryError(f"Operator {node.op} does not apply to 0/1 properties")
