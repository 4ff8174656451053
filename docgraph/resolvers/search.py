"""Search: NXQL queries and page providers, filtered by permission in the SQL.

Both doors and automation call :func:`query` and :func:`run_provider`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from docgraph.db import search as db_search
from docgraph.db.nxql import ast
from docgraph.db.nxql.compiler import Compiler
from docgraph.db.nxql.parser import QueryParseError, parse
from docgraph.errors import BadRequest, NotFound
from docgraph.plugins import PageProvider
from docgraph.resolvers import documents, paging
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, Page, PageRequest, SortKey
from docgraph.resolvers.permissions import browse_filter

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
    params = [_placeholder(ctx, p) for p in params]
    text = expand(nxql, params, quoted=quoted) if params else nxql
    try:
        tree = parse(text)
        if page.sort:
            tree = replace(
                tree,
                order=tuple(ast.OrderItem(_sort_ref(k.field), k.ascending) for k in page.sort),
            )
        compiled = Compiler(ctx.registry.types, repository=ctx.repository).compile(tree)
    except QueryParseError as exc:
        raise InvalidQuery(f"Failed to execute query: {text}, {exc}") from None
    max_page_size = ctx.settings.max_page_size
    limit, offset = paging.window(page, max_page_size)
    # LIMIT and OFFSET in the text narrow the page (LIMIT 0: no limit, as in Nuxeo).
    if tree.limit:
        limit = min(limit, tree.limit)
    if tree.offset:
        offset += tree.offset
    rows, total = await db_search.page(
        ctx.db,
        ctx.repository,
        compiled,
        browse=await browse_filter(ctx),
        limit=limit,
        offset=offset,
        count_limit=ctx.settings.search_count_limit,
    )
    docs = [Document.from_record(r) for r in rows]
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


def provider(ctx: RequestContext, name: str) -> QueryProvider:
    found = ctx.registry.page_providers.get(name)
    if found is None or not isinstance(found.func, QueryProvider):
        raise NotFound(f"Could not resolve page provider with name '{name}'")
    return found.func


async def run_provider(
    ctx: RequestContext,
    name: str,
    params: Sequence[Any],
    page: PageRequest,
    *,
    sized: bool = True,
) -> Page[Document]:
    """Run the page provider ``name``; without ``sized`` (the request gave no
    page size) the provider's own page size applies."""
    found = provider(ctx, name)
    if not sized:
        page = replace(page, page_size=found.page_size)
    return await found(ctx, params, page)


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
) -> Page[Document]:
    """A page provider run on a document: its id is the first parameter."""
    return await run_provider(ctx, name, [subject.uid, *params], page, sized=sized)


def register(registry: Registry) -> None:
    for item in STANDARD_PROVIDERS:
        registry.add_page_provider(PageProvider(item.name, item, item.pattern))
