"""Pages of children written as JSON by PostgreSQL: a whole subtree of pages
in one statement, the permission filter in every listing.

A ``PageSpec`` says what each page shows (its paging fields, its entries'
fields, their own children's pages); ``resolvers/rendered.py`` builds it.
The statement nests one correlated subquery per level, the way the listing
statement (``children_pages``) finds a page: ids through the index in the
listing's order, then their rows. Rows never reach Python: each parent's
page comes back as one JSON text.

Every key and value is a parameter; the SQL text is built from this module's
fixed fragments and depends only on the spec's shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson

from docgraph.db.pool import Database

# What a document's JSON field is, by its name in Nuxeo's document JSON,
# written for the row aliased {d} whose properties are {p}. Each is what
# resolvers/model.py reports.
DOCUMENT_FIELDS = {
    "uid": "{d}.id",
    "repository": "{d}.repository",
    "path": "{d}.path",  # children are live documents: their own path
    "name": "{d}.name",
    "type": "{d}.type",
    "title": "coalesce(nullif({p}->>'dc:title', ''), nullif({d}.name, ''), {d}.id::text)",
    "state": "coalesce({d}.lifecycle_state, 'undefined')",
    "parentRef": "{d}.parent_id",
    "changeToken": "{d}.system_change || '-' || {d}.user_change",
    "isCheckedOut": "{d}.is_checked_out",
    "isVersion": "{d}.is_version",
    "isProxy": "{d}.proxy_target_id IS NOT NULL",
    "proxyTargetId": "{d}.proxy_target_id",
    "versionableId": "CASE WHEN {d}.is_version OR {d}.proxy_target_id IS NOT NULL"
    " THEN {d}.version_series_id END",
    "isTrashed": "{d}.is_trashed",
    "lockOwner": "{d}.lock_owner",
    "lockCreated": "to_char({d}.lock_created AT TIME ZONE 'UTC',"
    ' \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')',
}

# The document fields that may be NULL; the others never are.
_NULLABLE = frozenset(
    {"path", "parentRef", "proxyTargetId", "versionableId", "lockOwner", "lockCreated"}
)


def _may_be_null(field: DocumentField) -> bool:
    if isinstance(field, Column):
        return field.name in _NULLABLE
    return isinstance(field, TypeProperty | Constant | Children)


# A page's paging fields, from its entries {e} (a JSON array) and its total
# {t} counted up to the count limit + 1 (resolvers/model.py's Page).
PAGE_FIELDS = {
    "currentPageIndex": "{offset} / {size}",
    "currentPageOffset": "{offset}",
    "currentPageSize": "json_array_length({e})",
    "isPreviousPageAvailable": "{offset} > 0",
    "pageSize": "{asked}",
    "totalSize": "CASE WHEN {t} > {limit} THEN -2 ELSE {t} END",
    "numberOfPages": "CASE WHEN {t} > {limit} THEN 0"
    " WHEN {asked} <= 0 OR {t} <= 0 THEN 1 ELSE 1 + ({t} - 1) / {size} END",
    "isNextPageAvailable": "CASE WHEN {t} > {limit} THEN json_array_length({e}) >= {size}"
    " ELSE {t} > {offset} + json_array_length({e}) END",
}

# A schema's keys in order, each with whether it is a list.
PropertyKeys = tuple[tuple[str, bool], ...]

# Those that need the total: the others skip counting.
_COUNTED = frozenset({"totalSize", "numberOfPages", "isNextPageAvailable"})


@dataclass(frozen=True, slots=True)
class Column:
    """One of ``DOCUMENT_FIELDS``."""

    name: str


@dataclass(frozen=True, slots=True)
class Properties:
    """The properties of a few schemas: for each group of types that show the
    same keys, those keys in order, each with whether it is a list (``[]``
    when unset); ``otherwise`` for the other types."""

    groups: tuple[tuple[tuple[str, ...], PropertyKeys], ...]
    otherwise: PropertyKeys = ()


@dataclass(frozen=True, slots=True)
class TypeProperty:
    """A property that a document shows, or not (null), by its type alone:
    ``shown`` says which, for every type but the ``exceptions``."""

    key: str
    shown: bool
    exceptions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """The facets of the document's type (``otherwise`` for types not
    listed), then those it has of its own."""

    by_type: tuple[tuple[str, tuple[str, ...]], ...]
    otherwise: tuple[str, ...]


# [{name, prefix}] of a few schemas, in order.
SchemaList = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Schemas:
    """The schemas of the document's type (``otherwise`` for types not
    listed) as ``[{name, prefix}]``, then those its own facets add
    (``facets``: each facet's), each once."""

    by_type: tuple[tuple[str, SchemaList], ...]
    facets: tuple[tuple[str, SchemaList], ...]
    otherwise: SchemaList


@dataclass(frozen=True, slots=True)
class ByType:
    """A value that depends on the document's type alone; ``default`` for
    types not listed."""

    values: tuple[tuple[str, str], ...]
    default: str


@dataclass(frozen=True, slots=True)
class Constant:
    """The same value for every page or entry (a listing has no aggregations)."""

    value: str | int | bool | None


@dataclass(frozen=True, slots=True)
class Children:
    page: PageSpec


@dataclass(frozen=True, slots=True)
class Present:
    """``field``'s key is written only when its value is present: not null,
    nor a JSON null or an empty string (Nuxeo's proxyTargetId, lastModified)."""

    field: Column | TypeProperty


DocumentField = (
    Column | Properties | TypeProperty | Facets | Schemas | ByType | Constant | Children | Present
)


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """The fields of each entry, by the key they are written under."""

    fields: tuple[tuple[str, DocumentField], ...]


@dataclass(frozen=True, slots=True)
class Entries:
    """The page's entries, each written as the page's ``document`` says."""


@dataclass(frozen=True, slots=True)
class Paging:
    """One of ``PAGE_FIELDS``."""

    name: str


PageField = Entries | Paging | Constant


@dataclass(frozen=True, slots=True)
class PageSpec:
    """A page of children: ``limit`` entries from ``offset``, sorted by
    ``sort`` (up to three (system field or property key, ascending), checked
    by the engine), else in the listing's order (position in an Orderable
    folder, else title)."""

    fields: tuple[tuple[str, PageField], ...]
    document: DocumentSpec
    limit: int
    offset: int
    # As the client asked for it (0: no paging), reported in numberOfPages.
    asked_size: int
    sort: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class Listing:
    """What every page of a request leaves out: children the principals
    ``readers`` may not browse (None: no filter), ``hidden_types``; and
    which types order their children by position."""

    readers: Sequence[str] | None
    hidden_types: Sequence[str]
    orderable_types: Sequence[str]
    count_limit: int


async def children_pages(
    db: Database,
    parents: Sequence[tuple[UUID, bool]],
    page: PageSpec,
    listing: Listing,
) -> dict[UUID, str]:
    """Each parent's page (``parents``: id, whether ordered by position) as JSON text."""
    sql = _Statement(listing)
    text = sql.statement(page)
    args = [[p for p, _ in parents], [o for _, o in parents], *sql.args]
    return {r["parent_key"]: r["page"] for r in await db.fetch(text, *args)}


class _Statement:
    """The SQL text of one spec, and its parameters ($1, $2: the parents)."""

    def __init__(self, listing: Listing) -> None:
        self.args: list[Any] = []
        self._slots: dict[tuple[str, Any], str] = {}
        self.listing = listing
        # JSON values read once per statement, columns of ``known``.
        self._known: dict[str, str] = {}

    # The listing's values, each a parameter once used.
    @property
    def readers(self) -> str:
        readers = self.listing.readers
        return self.param(None if readers is None else list(readers), "text[]")

    @property
    def hidden(self) -> str:
        return self.param(list(self.listing.hidden_types), "text[]")

    @property
    def orderable(self) -> str:
        return self.param(list(self.listing.orderable_types), "text[]")

    @property
    def count_limit(self) -> str:
        return self.param(self.listing.count_limit, "bigint")

    def param(self, value: Any, cast: str) -> str:
        """A placeholder for ``value``; equal values share one."""
        key = (cast, tuple(value) if isinstance(value, list) else value)
        slot = self._slots.get(key)
        if slot is None:
            self.args.append(value)
            slot = self._slots[key] = f"${len(self.args) + 2}::{cast}"
        return slot

    def statement(self, page: PageSpec) -> str:
        top = self.page(page, "p.parent_key", lambda: "p.ordered", 0)
        known, from_known = "", ""
        if self._known:
            columns = ", ".join(f"{v}::jsonb AS {c}" for v, c in self._known.items())
            known, from_known = f", known AS MATERIALIZED (SELECT {columns})", " CROSS JOIN known"
        return (
            "WITH readable AS MATERIALIZED"
            f" (SELECT readable_acl_classes({self.readers}) AS classes){known}"
            f" SELECT p.parent_key, ({top})::text AS page FROM readable r{from_known}"
            " CROSS JOIN unnest($1::uuid[], $2::boolean[]) AS p (parent_key, ordered)"
        )

    def known(self, value: Any) -> str:
        """``value`` as JSON, parsed once per statement (not once per row, nor
        planned as a subquery of its own at each use): a column of ``known``."""
        slot = self.param(orjson.dumps(value).decode(), "text")
        column = self._known.get(slot)
        if column is None:
            column = self._known[slot] = f"j{len(self._known)}"
        return f"known.{column}"

    def page(self, page: PageSpec, parent: str, ordered: Callable[[], str], depth: int) -> str:
        """A scalar subquery: the JSON of the page of ``parent``'s children."""
        counted = any(isinstance(f, Paging) and f.name in _COUNTED for _, f in page.fields)
        # Each a parameter only when a field uses it: an unused one has no type.
        values = {
            "e": lambda: "x.e",
            "t": lambda: "x.t",
            "limit": lambda: self.count_limit,
            "asked": lambda: self.param(page.asked_size, "bigint"),
            "size": lambda: self.param(page.limit, "bigint"),
            "offset": lambda: self.param(page.offset, "bigint"),
        }
        pairs = []
        for key, field in page.fields:
            if isinstance(field, Entries):
                value = "x.e"
            elif isinstance(field, Paging):
                template = PAGE_FIELDS[field.name]
                used = {n: make() for n, make in values.items() if f"{{{n}}}" in template}
                value = template.format(**used)
            else:
                value = self.constant(field)
            pairs.append(f"{self.param(key, 'text')}, {value}")
        entries = self.entries(page, parent, ordered, depth)
        total = f"({self.count(parent, depth)})" if counted else "NULL::bigint"
        # OFFSET 0: the entries and the total are computed once. Pulled up,
        # each use of x.e would copy the subquery, and with it every level
        # below: planning grew exponentially with the depth.
        return (
            f"SELECT json_build_object({', '.join(pairs)})"
            f" FROM (SELECT ({entries}) AS e, {total} AS t OFFSET 0) AS x"
        )

    def orders_by_position(self, d: str) -> Callable[[], str]:
        """Whether the row ``d`` orders its children by position: asked only
        when a page is not sorted (an unused parameter has no type)."""
        return lambda: f"{d}.type = ANY({self.orderable})"

    def listable(self, alias: str, parent: str) -> str:
        return (
            f"{alias}.parent_id = {parent} AND NOT {alias}.is_trashed"
            f" AND NOT {alias}.type = ANY({self.hidden})"
            f" AND ({self.readers} IS NULL OR {alias}.read_acl_class = ANY(r.classes))"
        )

    def count(self, parent: str, depth: int) -> str:
        c = f"c{depth}"
        return (
            f"SELECT count(*) FROM (SELECT 1 FROM documents {c}"
            f" WHERE {self.listable(c, parent)} LIMIT {self.count_limit} + 1) AS n"
        )

    def entries(self, page: PageSpec, parent: str, ordered: Callable[[], str], depth: int) -> str:
        """The page's entries as a JSON array: their ids in the listing's
        order, through the index unless sorted by keys (of the two default
        orders one branch runs, the other's one-time filter is false), then
        their rows."""
        c, k, d, p = f"c{depth}", f"k{depth}", f"d{depth}", f"p{depth}"
        limit = self.param(page.limit, "bigint")
        offset = self.param(page.offset, "bigint")

        def ids(condition: str, order: str) -> str:
            return (
                f"(SELECT {c}.id, row_number() OVER (ORDER BY {order}) AS n"
                f" FROM documents {c} WHERE {condition} AND {self.listable(c, parent)}"
                f" ORDER BY {order} LIMIT {limit} OFFSET {offset})"
            )

        if page.sort:  # as children_order_by_keys: the keys, then the title and the name
            keys = [
                f"sort_key({c}, {self.param(key, 'text')}) {'ASC' if ascending else 'DESC'}"
                for key, ascending in page.sort
            ]
            found = ids("true", ", ".join([*keys, f"{c}.title_key", f"{c}.name"]))
        else:
            by_position = ids(ordered(), f"{c}.position")
            by_title = ids(f"NOT {ordered()}", f"{c}.title_key, {c}.name")
            found = f"{by_position} UNION ALL {by_title}"
        document = self.document(page.document, d, f"{p}.properties", depth)
        # The properties are read from their TOAST storage once per row, not
        # once per key: || returns the unpacked value (OFFSET 0 keeps it one).
        return (
            f"SELECT coalesce(json_agg({document} ORDER BY {k}.n), '[]'::json)"
            f" FROM ({found}) AS {k}"
            f" JOIN documents {d} ON {d}.id = {k}.id"
            f" CROSS JOIN LATERAL (SELECT {d}.properties || '{{}}'::jsonb AS properties"
            f" OFFSET 0) AS {p}"
        )

    def document(self, spec: DocumentSpec, d: str, properties: str, depth: int) -> str:
        """The JSON object of the row ``d``. When some keys are written only
        if present (``Present``), it is a ``json_object`` that leaves out
        the keys whose value is NULL: an absent ``Present`` value is NULL,
        any other value a JSON null at worst, so it stays."""
        pairs = []
        optional = any(isinstance(f, Present) for _, f in spec.fields)
        for key, field in spec.fields:
            if isinstance(field, Present):
                value = self.value(field.field, d, properties, depth)
                value = f"nullif(nullif(to_jsonb({value}), 'null'::jsonb), '\"\"'::jsonb)"
            elif optional and isinstance(field, Constant) and field.value is None:
                value = "'null'::json"
            else:
                value = self.value(field, d, properties, depth)
                if optional and _may_be_null(field):
                    value = f"coalesce(to_json({value}), 'null'::json)"
            pairs.append((self.param(key, "text"), value))
        if optional:
            keyed = ", ".join(f"{k} : {v}" for k, v in pairs)
            return f"json_object({keyed} ABSENT ON NULL RETURNING json)"
        return f"json_build_object({', '.join(f'{k}, {v}' for k, v in pairs)})"

    def value(self, field: DocumentField, d: str, properties: str, depth: int) -> str:
        if isinstance(field, Column):
            return DOCUMENT_FIELDS[field.name].format(d=d, p=properties)
        if isinstance(field, Properties):
            return self.properties(field, d, properties)
        if isinstance(field, TypeProperty):
            return self.type_property(field, d, properties)
        if isinstance(field, Facets):
            return self.facets(field, d)
        if isinstance(field, Schemas):
            return self.schemas(field, d)
        if isinstance(field, ByType):
            return self.by_type(field, d)
        if isinstance(field, Children):
            return f"({self.page(field.page, f'{d}.id', self.orders_by_position(d), depth + 1)})"
        if isinstance(field, Present):  # pragma: no cover - document() takes them apart
            raise TypeError("a Present field inside another")
        return self.constant(field)

    def properties(self, field: Properties, d: str, properties: str) -> str:
        def shown(keys: PropertyKeys) -> str:
            pairs = []
            for key, is_list in keys:
                slot = self.param(key, "text")
                value = f"{properties}->{slot}"
                if is_list:  # unset or null: an empty list
                    value = f"coalesce(nullif({value}, 'null'::jsonb), '[]'::jsonb)"
                pairs.append(f"{slot}, {value}")
            return f"json_build_object({', '.join(pairs)})"

        branches = [
            f"WHEN {d}.type = ANY({self.param(list(types), 'text[]')}) THEN {shown(keys)}"
            for types, keys in field.groups
        ]
        if not branches:
            return shown(field.otherwise)
        return f"CASE {' '.join(branches)} ELSE {shown(field.otherwise)} END"

    def type_property(self, field: TypeProperty, d: str, properties: str) -> str:
        exceptions = self.param(list(field.exceptions), "text[]")
        value = f"{properties}->{self.param(field.key, 'text')}"
        if field.shown:
            return f"CASE WHEN {d}.type = ANY({exceptions}) THEN NULL ELSE {value} END"
        return f"CASE WHEN {d}.type = ANY({exceptions}) THEN {value} END"

    def facets(self, field: Facets, d: str) -> str:
        by_type, otherwise = self.known(dict(field.by_type)), self.known(field.otherwise)
        own = f"coalesce({by_type} -> {d}.type, {otherwise})"
        return (
            f"CASE WHEN cardinality({d}.mixins) = 0 THEN {own}"
            f" ELSE {own} || (SELECT coalesce(jsonb_agg(u.m ORDER BY u.o), '[]'::jsonb)"
            f" FROM unnest({d}.mixins) WITH ORDINALITY AS u (m, o) WHERE NOT {own} ? u.m) END"
        )

    def schemas(self, field: Schemas, d: str) -> str:
        def listed(schemas: SchemaList) -> list[dict[str, str]]:
            return [{"name": name, "prefix": prefix} for name, prefix in schemas]

        by_type = {t: listed(found) for t, found in field.by_type}
        by_facet = {f: listed(found) for f, found in field.facets}
        facets_map = self.known(by_facet)
        own = f"coalesce({self.known(by_type)} -> {d}.type, {self.known(listed(field.otherwise))})"
        # A facet's schemas the type lacks, in the order of the facets, each once.
        added = (
            "SELECT coalesce(jsonb_agg(a.v ORDER BY a.o, a.i), '[]'::jsonb) FROM"
            " (SELECT DISTINCT ON (e.v) e.v, u.o, e.i"
            f" FROM unnest({d}.mixins) WITH ORDINALITY AS u (m, o)"
            f" CROSS JOIN LATERAL jsonb_array_elements({facets_map} -> u.m)"
            " WITH ORDINALITY AS e (v, i)"
            f" WHERE NOT {own} @> jsonb_build_array(e.v)"
            " ORDER BY e.v, u.o, e.i) AS a"
        )
        return f"CASE WHEN cardinality({d}.mixins) = 0 THEN {own} ELSE {own} || ({added}) END"

    def by_type(self, field: ByType, d: str) -> str:
        types = self.param([t for t, _ in field.values], "text[]")
        values = self.param([v for _, v in field.values], "text[]")
        default = self.param(field.default, "text")
        return f"coalesce(({values})[array_position({types}, {d}.type)], {default})"

    def constant(self, field: Constant) -> str:
        value = field.value
        if value is None:
            return "NULL::json"
        if isinstance(value, bool):
            return self.param(value, "boolean")
        if isinstance(value, int):
            return self.param(value, "bigint")
        return self.param(value, "text")
