"""Search: NXQL queries and page providers, filtered by permission in the SQL.

Both doors and automation call :func:`query` and :func:`run_provider`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from uuid import UUID

import orjson

from docgraph.db import search as db_search
from docgraph.db.nxql import ast
from docgraph.db.nxql.compiler import Compiled, Compiler
from docgraph.db.nxql.parser import QueryParseError, parse
from docgraph.errors import BadRequest, NotFound
from docgraph.plugins import PageProvider
from docgraph.resolvers import aggregates, documents, keyset, paging
from docgraph.resolvers.aggregates import Aggregate, Range
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, Page, PageRequest, ResultRow, SortKey
from docgraph.resolvers.permissions import browse_filter
from docgraph.resolvers.typesystem.coerce import format_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry


class InvalidQuery(BadRequest):
    """An NXQL text that cannot be run (Nuxeo's QueryParseException)."""


def quote(value: Any) -> str:
    """A parameter as NXQL text, the way Nuxeo quotes ``?`` parameters."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "(" + ", ".join(quote(v) for v in value) + ")"
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def expand(pattern: str, params: Sequence[Any], *, quoted: bool = True) -> str:
    """Each ``?`` of ``pattern`` outside string literals replaced by the next
    parameter; with ``quoted`` false (nxql_search) the parameter is NXQL text."""
    out: list[str] = []
    values = iter(params)
    in_string: str | None = None
    escaped = False
    for char in pattern:
        if in_string is not None:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == in_string:
                in_string = None
            continue
        if char in "'\"":
            in_string = char
        if char == "?":
            try:
                value = next(values)
            except StopIteration:
                out.append(char)  # as Nuxeo: left as is (a syntax error follows)
                continue
            out.append(quote(value) if quoted else str(value))
            continue
        out.append(char)
    return "".join(out)


async def query(
    ctx: RequestContext,
    nxql: str,
    page: PageRequest,
    params: Sequence[Any] = (),
    *,
    quoted: bool = True,
) -> Page[Document]:
    """A page of the documents an NXQL query finds that the user may browse.
    ``page.sort`` (REST ``sortBy``), when given, replaces the query's ORDER BY."""
    tree, compiled = compile_query(ctx, nxql, params, quoted=quoted, sort=page.sort)
    max_page_size = ctx.settings.max_page_size
    limit, offset = _window(page, tree, max_page_size)
    rows, total = await db_search.page(
        ctx.db,
        ctx.repository,
        compiled,
        browse=await browse_filter(ctx),
        limit=limit,
        offset=offset,
        count_limit=ctx.settings.search_count_limit,
        projection=page.projection,
    )
    partial = page.projection is not None
    docs = await documents.placed([Document.from_record(r, projected=partial) for r in rows], ctx)
    ctx.loaders.prime_all(docs)
    return paging.page_of(
        docs,
        total,
        page,
        limit,
        offset,
        max_page_size,
        count_limit=ctx.settings.search_count_limit,
    )


def _window(page: PageRequest, tree: ast.Query, max_page_size: int) -> tuple[int, int]:
    """The page's limit and offset; LIMIT and OFFSET in the text narrow it
    (LIMIT 0: no limit, as in Nuxeo)."""
    limit, offset = paging.window(page, max_page_size)
    if tree.limit:
        limit = min(limit, tree.limit)
    if tree.offset:
        offset += tree.offset
    return limit, offset


async def records(
    ctx: RequestContext,
    nxql: str,
    page: PageRequest,
    params: Sequence[Any] = (),
    *,
    quoted: bool = True,
) -> Page[ResultRow]:
    """A page of the rows of a column query (``SELECT dc:title, ecm:uuid
    FROM ...``, aggregates too) over the documents the user may browse: Nuxeo's
    result sets. A list element in the select list gives a row per element."""
    tree, text = _parsed(ctx, nxql, params, quoted=quoted, sort=page.sort)
    with _reported(text):
        compiled = Compiler(ctx.registry.types).compile_records(tree)
    max_page_size = ctx.settings.max_page_size
    limit, offset = _window(page, tree, max_page_size)
    rows, total = await db_search.records(
        ctx.db,
        ctx.repository,
        compiled,
        browse=await browse_filter(ctx),
        limit=limit,
        offset=offset,
        count_limit=ctx.settings.search_count_limit,
    )
    labels = [c.label for c in compiled.columns]
    convert = [_RECORD_VALUES[c.kind] for c in compiled.columns]
    entries = [
        ResultRow({label: f(v) for label, f, v in zip(labels, convert, row, strict=True)})
        for row in rows
    ]
    return paging.page_of(
        entries,
        total,
        page,
        limit,
        offset,
        max_page_size,
        count_limit=ctx.settings.search_count_limit,
        kind="recordSet",
    )


def _number(value: Any) -> Any:
    """A numeric aggregate (Decimal from PostgreSQL) as a JSON number."""
    if value is None or isinstance(value, int | float):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


# How a result set's column values become JSON values, by column kind.
_RECORD_VALUES: dict[str, Callable[[Any], Any]] = {
    "json": lambda v: v,
    "plain": lambda v: v,
    "uuid": lambda v: None if v is None else str(v),
    "timestamp": lambda v: format_date(v) if isinstance(v, datetime) else v,
    "number": _number,
}


@contextmanager
def _reported(text: str) -> Iterator[None]:
    """A query that does not parse or compile is the client's 400, naming it."""
    try:
        yield
    except QueryParseError as exc:
        raise InvalidQuery(f"Failed to execute query: {text}, {exc}") from None


def _parsed(
    ctx: RequestContext,
    nxql: str,
    params: Sequence[Any],
    *,
    quoted: bool,
    sort: Sequence[SortKey],
) -> tuple[ast.Query, str]:
    """The parsed query and its text with the ``?`` parameters in (400 if it
    does not parse); ``sort`` replaces its ORDER BY."""
    params = [_placeholder(ctx, p) for p in params]
    text = expand(nxql, params, quoted=quoted) if params else nxql
    with _reported(text):
        tree = parse(text)
    if sort:
        tree = replace(
            tree, order=tuple(ast.OrderItem(_sort_ref(k.field), k.ascending) for k in sort)
        )
    return tree, text


async def connection(
    ctx: RequestContext,
    nxql: str,
    params: Sequence[Any] = (),
    *,
    quoted: bool = True,
    sort: Sequence[SortKey] = (),
    count: int,
    cursor: str | None = None,
    backward: bool = False,
) -> keyset.Slice:
    """A keyset page of an NXQL query's documents (a Relay connection): up to
    ``count`` after ``cursor`` (before it, ``backward``) in the query's order.
    A cursor names the last document shown and the query it came from; a
    deep page costs what the first does when the order has an index."""
    if not 0 <= count <= ctx.settings.max_page_size:
        raise BadRequest(f"A page holds 0 to {ctx.settings.max_page_size} documents")
    tree, text = _parsed(ctx, nxql, params, quoted=quoted, sort=sort)
    with _reported(text):
        compiled = Compiler(ctx.registry.types).compile(tree)
    query_mark = _fingerprint(text, tree)
    after = None if cursor is None else _cursor_id(cursor, query_mark)
    rows = await db_search.keyset_page(
        ctx.db,
        ctx.repository,
        compiled,
        browse=await browse_filter(ctx),
        limit=count + 1,
        after=after,
        backward=backward,
    )
    if rows is None:
        raise BadRequest("The cursor's document no longer exists: start again from the first page")
    docs = await documents.placed([Document.from_record(r) for r in rows[:count]], ctx)
    ctx.loaders.prime_all(docs)
    if backward:
        docs.reverse()
    cursors = [cursor_of(query_mark, doc) for doc in docs]
    return keyset.Slice(docs, cursors, has_more=len(rows) > count)


def _fingerprint(text: str, tree: ast.Query) -> str:
    """Which query (and order) a cursor belongs to."""
    order = ";".join(f"{item.ref}:{item.ascending}" for item in tree.order)
    return hashlib.blake2b(f"{text}\x00{order}".encode(), digest_size=6).hexdigest()


def query_mark(
    ctx: RequestContext,
    nxql: str,
    params: Sequence[Any] = (),
    *,
    quoted: bool = True,
    sort: Sequence[SortKey] = (),
) -> str:
    """What a connection's cursors carry of their query (see :func:`cursor_of`)."""
    tree, text = _parsed(ctx, nxql, params, quoted=quoted, sort=sort)
    return _fingerprint(text, tree)


def cursor_of(query_mark: str, doc: Document) -> str:
    """The cursor after ``doc`` in the connection of the query ``query_mark``."""
    return base64.urlsafe_b64encode(orjson.dumps(["q", query_mark, doc.uid])).decode().rstrip("=")


def _cursor_id(cursor: str, query_mark: str) -> UUID:
    try:
        if len(cursor) > 200:
            raise ValueError
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        kind, mark, uid = raw
        if kind != "q" or not isinstance(uid, str):
            raise ValueError
        found = UUID(uid)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise BadRequest("Invalid cursor") from None
    if mark != query_mark:
        raise BadRequest("This cursor belongs to another query or order")
    return found


def compile_query(
    ctx: RequestContext,
    nxql: str,
    params: Sequence[Any] = (),
    *,
    quoted: bool = True,
    sort: Sequence[SortKey] = (),
) -> tuple[ast.Query, Compiled]:
    """The NXQL text with its ``?`` parameters, parsed and compiled (400 if
    it cannot be); ``sort`` replaces its ORDER BY."""
    tree, text = _parsed(ctx, nxql, params, quoted=quoted, sort=sort)
    with _reported(text):
        compiled = Compiler(ctx.registry.types).compile(tree)
    return tree, compiled


def checked_text(
    ctx: RequestContext, nxql: str, params: Sequence[Any] = (), *, quoted: bool = True
) -> str:
    """The NXQL text with its ``?`` parameters in, once known to compile (400
    if it does not): a query kept to run later (bulk commands)."""
    tree, text = _parsed(ctx, nxql, params, quoted=quoted, sort=())
    with _reported(text):
        Compiler(ctx.registry.types).compile(tree)
    return text


def _placeholder(ctx: RequestContext, value: Any) -> Any:
    """``$currentUser`` and ``$currentRepository`` stand for their values."""
    if value == "$currentUser":
        return ctx.principal.username
    if value == "$currentRepository":
        return ctx.repository
    return value


def _sort_ref(name: str) -> ast.Ref:
    head, *path = name.split("/")
    return ast.Ref(head, tuple(path))


# -- page providers ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryProvider:
    """A page provider defined by an NXQL pattern with ``?`` parameters."""

    name: str
    pattern: str
    sort: tuple[SortKey, ...] = ()
    page_size: int = 0
    quoted: bool = True

    async def __call__(
        self, ctx: RequestContext, params: Sequence[Any], page: PageRequest
    ) -> Page[Document]:
        if not page.sort and self.sort:
            page = replace(page, sort=self.sort)
        return await query(ctx, self.pattern, page, params, quoted=self.quoted)

    def definition(self) -> dict[str, Any]:
        return {
            "entity-type": "pageProvider",
            "name": self.name,
            "pattern": self.pattern,
            "sort": [{"sortColumn": k.field, "sortAscending": k.ascending} for k in self.sort],
            "pageSize": self.page_size,
            "quotePatternParameters": self.quoted,
        }


_LIVE = "ecm:isVersion = 0 AND ecm:isTrashed = 0"
_VISIBLE = f"ecm:mixinType != 'HiddenInNavigation' AND {_LIVE}"
_BY_TITLE = (SortKey("dc:title", True),)
STANDARD_PROVIDERS = (
    QueryProvider(
        "CURRENT_DOC_CHILDREN",
        f"SELECT * FROM Document WHERE ecm:parentId = ? AND {_VISIBLE}",
        _BY_TITLE,
        50,
    ),
    QueryProvider("REST_API_SEARCH_ADAPTER", "?", (), 0, quoted=False),
    QueryProvider(
        "tree_children",
        "SELECT * FROM Document WHERE ecm:parentId = ? AND ecm:isProxy = 0"
        f" AND ecm:mixinType = 'Folderish' AND {_VISIBLE}",
        (SortKey("ecm:pos", True), SortKey("dc:title", True)),
        50,
    ),
    QueryProvider(
        "document_content",
        f"SELECT * FROM Document WHERE ecm:parentId = ? AND {_VISIBLE}",
        _BY_TITLE,
        20,
    ),
    QueryProvider(
        "orderable_document_content",
        f"SELECT * FROM Document WHERE ecm:parentId = ? AND {_VISIBLE}",
        (SortKey("ecm:pos", True),),
        20,
    ),
    QueryProvider(
        "document_trash_content",
        "SELECT * FROM Document WHERE ecm:parentId = ? AND ecm:isVersion = 0"
        " AND ecm:mixinType != 'HiddenInNavigation' AND ecm:isTrashed = 1",
        _BY_TITLE,
        20,
    ),
    QueryProvider(
        "section_content",
        f"SELECT * FROM Document WHERE ecm:parentId = ? AND {_VISIBLE}",
        _BY_TITLE,
        20,
    ),
    QueryProvider(
        "domain_documents",
        "SELECT * FROM Document WHERE ecm:path STARTSWITH ? AND ecm:mixinType != 'Folderish'"
        " AND ecm:mixinType != 'SystemDocument' AND ecm:mixinType != 'HiddenInNavigation'"
        " AND ecm:isVersion = 0 AND ecm:isProxy = 0 AND ecm:isTrashed = 0",
        (SortKey("dc:modified", False),),
        5,
    ),
    QueryProvider(
        "simple_search",
        f"SELECT * FROM Document WHERE ecm:fulltext = ? AND {_VISIBLE}"
        " AND ecm:parentId IS NOT NULL",
        (),
        20,
    ),
    QueryProvider("nxql_search", "?", (), 20, quoted=False),
    QueryProvider(
        "default_document_suggestion",
        f"SELECT * FROM Document WHERE ecm:fulltext LIKE ? AND {_VISIBLE}",
        (),
        5,
    ),
)


@dataclass(frozen=True, slots=True)
class Predicate:
    """A search form's field: named parameter ``parameter`` narrows the search
    by ``clause``, an NXQL condition whose ``?`` takes the value (``(?)``: a
    list of values)."""

    parameter: str
    clause: str
    is_list: bool = False


@dataclass(frozen=True, slots=True)
class FormProvider:
    """A page provider defined by a fixed clause and the fields of a search
    form (Nuxeo's whereClause providers, such as default_search), with
    aggregates; filled from named parameters (``defaults:dc_nature``)."""

    name: str
    fixed: str
    predicates: tuple[Predicate, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
    # The prefix of the parameters selecting an aggregate's buckets.
    prefix: str = ""
    sort: tuple[SortKey, ...] = ()
    page_size: int = 20

    async def __call__(
        self,
        ctx: RequestContext,
        params: Sequence[Any],
        page: PageRequest,
        named: Mapping[str, Any] | None = None,
    ) -> Page[Document]:
        named = named or {}
        clauses, values = [self.fixed], []
        for predicate in self.predicates:
            given = _values(named.get(predicate.parameter), predicate.is_list)
            if not given:
                continue
            if predicate.is_list:
                clauses.append(predicate.clause.replace("(?)", f"({_marks(given)})"))
                values.extend(given)
            else:
                clauses.append(predicate.clause)
                values.append(given[0])
        selections = {
            a.id: _values(named.get(f"{self.prefix}{a.id}"), True) for a in self.aggregates
        }
        selected = {a.id: a.selection_clause(selections[a.id]) for a in self.aggregates}
        selected = {k: v for k, v in selected.items() if selections[k]}

        def text(without: str | None = None) -> tuple[str, list[Any]]:
            parts, bound = list(clauses), list(values)
            for key, (clause, more) in selected.items():
                if key != without:
                    parts.append(clause)
                    bound.extend(more)
            return "SELECT * FROM Document WHERE " + " AND ".join(parts), bound

        if not page.sort and self.sort:
            page = replace(page, sort=self.sort)
        nxql, bound = text()
        found = await query(ctx, nxql, page, bound)
        # Aggregates without a selection of their own count over the same
        # documents: one statement for all of them (and one per other).
        groups: dict[tuple[str, tuple[Any, ...]], list[Aggregate]] = {}
        for aggregate in self.aggregates:
            nxql, bound = text(without=aggregate.id)
            groups.setdefault((nxql, tuple(bound)), []).append(aggregate)
        computed: dict[str, Any] = {}
        for (nxql, bound_group), members in groups.items():
            _, compiled = compile_query(ctx, nxql, list(bound_group))
            wanted = [(a, selections[a.id], _is_list(ctx, a)) for a in members]
            computed.update(await aggregates.compute(ctx, compiled, wanted))
        computed = {a.id: computed[a.id] for a in self.aggregates}
        return replace(found, aggregations=computed or None)

    def definition(self) -> dict[str, Any]:
        return {
            "entity-type": "pageProvider",
            "name": self.name,
            "whereClause": {
                "fixedPart": self.fixed,
                "predicates": [
                    {"parameter": p.parameter, "clause": p.clause} for p in self.predicates
                ],
            },
            "aggregates": [{"id": a.id, "type": a.type, "field": a.field} for a in self.aggregates],
            "sort": [{"sortColumn": k.field, "sortAscending": k.ascending} for k in self.sort],
            "pageSize": self.page_size,
        }


MAX_NAMED_VALUES = 100


def _values(raw: Any, is_list: bool) -> list[Any]:
    """A named parameter's values: a JSON array (as Nuxeo takes list fields),
    a list, or one value; none for empty ones."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str) and is_list and raw.lstrip().startswith("["):
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise BadRequest(f"Not a JSON array: {raw[:60]!r}") from None
    found = raw if isinstance(raw, list) else [raw]
    if len(found) > MAX_NAMED_VALUES or not all(isinstance(v, str | int | float) for v in found):
        raise BadRequest(f"A search field takes at most {MAX_NAMED_VALUES} plain values")
    return [v for v in found if v != ""]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _is_list(ctx: RequestContext, aggregate: Aggregate) -> bool:
    prefix, _, name = aggregate.field.partition(":")
    schema = ctx.registry.types.schema_by_key(prefix)
    spec = schema.field(name) if schema is not None and "/" not in name else None
    return bool(spec is not None and spec.type.is_list)


_RECENT = (
    Range("last24h", timedelta(days=1), None),
    Range("lastWeek", timedelta(days=7), None),
    Range("lastMonth", timedelta(days=31), None),
    Range("lastYear", timedelta(days=365), None),
    Range("priorToLastYear", None, timedelta(days=365)),
)
_KB, _MB = 1024, 1024 * 1024
_SIZES = (
    Range("tiny", None, 100 * _KB),
    Range("small", 100 * _KB, _MB),
    Range("medium", _MB, 10 * _MB),
    Range("big", 10 * _MB, 100 * _MB),
    Range("huge", 100 * _MB, None),
)
DEFAULT_SEARCH = FormProvider(
    "default_search",
    "ecm:primaryType NOT IN ('Domain', 'SectionRoot', 'TemplateRoot', 'WorkspaceRoot',"
    f" 'Favorites') AND {_VISIBLE} AND ecm:parentId IS NOT NULL",
    predicates=(
        Predicate("defaults:ecm_fulltext", "ecm:fulltext = ?"),
        Predicate("defaults:dc_creator", "dc:creator IN (?)", is_list=True),
        Predicate("defaults:dc_created_min", "dc:created >= ?"),
        Predicate("defaults:dc_created_max", "dc:created <= ?"),
        Predicate("defaults:dc_modified_min", "dc:modified >= ?"),
        Predicate("defaults:dc_modified_max", "dc:modified <= ?"),
        Predicate("defaults:dc_nature", "dc:nature IN (?)", is_list=True),
        Predicate("defaults:dc_subjects", "dc:subjects IN (?)", is_list=True),
        Predicate("defaults:dc_coverage", "dc:coverage IN (?)", is_list=True),
        Predicate("defaults:ecm_path", "ecm:path STARTSWITH ?"),
        Predicate("defaults:ecm_tags", "ecm:tag IN (?)", is_list=True),
    ),
    aggregates=(
        Aggregate("dc_nature_agg", aggregates.TERMS, "dc:nature"),
        Aggregate("dc_subjects_agg", aggregates.TERMS, "dc:subjects"),
        Aggregate("dc_coverage_agg", aggregates.TERMS, "dc:coverage"),
        Aggregate("dc_creator_agg", aggregates.TERMS, "dc:creator"),
        Aggregate("common_size_agg", aggregates.RANGE, "file:content/length", ranges=_SIZES),
        Aggregate("dc_modified_agg", aggregates.DATE_RANGE, "dc:modified", ranges=_RECENT),
    ),
    prefix="defaults:",
    sort=(SortKey("dc:title", True),),
)


@runtime_checkable
class CustomProvider(Protocol):
    """A page provider written in Python rather than NXQL (collection members):
    called like a QueryProvider, described by ``definition``."""

    @property
    def page_size(self) -> int: ...

    def definition(self) -> dict[str, Any]: ...

    async def __call__(
        self, ctx: RequestContext, params: Sequence[Any], page: PageRequest
    ) -> Page[Document]: ...


AnyProvider = QueryProvider | FormProvider | CustomProvider


def provider(ctx: RequestContext, name: str) -> AnyProvider:
    found = ctx.registry.page_providers.get(name)
    if found is None or not isinstance(found.func, QueryProvider | FormProvider | CustomProvider):
        raise NotFound(f"Could not resolve page provider with name '{name}'")
    return found.func


async def run_provider(
    ctx: RequestContext,
    name: str,
    params: Sequence[Any],
    page: PageRequest,
    *,
    sized: bool = True,
    named: Mapping[str, Any] | None = None,
) -> Page[Document]:
    """Run the page provider ``name`` (``named``: a search form's fields);
    without ``sized`` (the request gave no page size) the provider's own page
    size applies."""
    found = provider(ctx, name)
    if not sized:
        page = replace(page, page_size=found.page_size)
    if isinstance(found, FormProvider):
        return await found(ctx, params, page, named)
    return await found(ctx, params, page)


async def provider_records(
    ctx: RequestContext,
    name: str,
    params: Sequence[Any],
    page: PageRequest,
    *,
    sized: bool = True,
) -> Page[ResultRow]:
    """The page provider ``name``'s query read as a result set: an NXQL
    provider only (a search form or a Python provider has no one query)."""
    found = provider(ctx, name)
    if not isinstance(found, QueryProvider):
        raise BadRequest(f"The page provider {name} cannot be read as a result set")
    if not sized:
        page = replace(page, page_size=found.page_size)
    if not page.sort and found.sort:
        page = replace(page, sort=found.sort)
    return await records(ctx, found.pattern, page, params, quoted=found.quoted)


async def within(
    ctx: RequestContext,
    subject: Document,
    page: PageRequest,
    *,
    full_text: str | None = None,
) -> Page[Document]:
    """Nuxeo's search adapter: the live documents of ``subject``'s subtree
    (of its parent's, for a non-folder), optionally narrowed by full text."""
    root = subject
    if not ctx.registry.types.of(subject.type).has_facet("Folderish"):
        root = await documents.parent(ctx, subject) or subject
    text = "SELECT * FROM Document WHERE ecm:path STARTSWITH ? AND ecm:isVersion = 0"
    params: list[Any] = [root.path or "/"]
    if full_text:
        text += " AND ecm:fulltext = ?"
        params.append(full_text)
    return await query(ctx, text, page, params)


async def run_provider_on(
    ctx: RequestContext,
    subject: Document,
    name: str,
    params: Sequence[Any],
    page: PageRequest,
    *,
    sized: bool = True,
    named: Mapping[str, Any] | None = None,
) -> Page[Document]:
    """A page provider run on a document: its id is the first parameter."""
    return await run_provider(ctx, name, [subject.uid, *params], page, sized=sized, named=named)


def register(registry: Registry) -> None:
    for item in STANDARD_PROVIDERS:
        registry.add_page_provider(PageProvider(item.name, item, item.pattern))
    registry.add_page_provider(
        PageProvider(
            DEFAULT_SEARCH.name, DEFAULT_SEARCH, "the default search form, with aggregates"
        )
    )
