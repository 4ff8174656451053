"""Search in GraphQL: the same engine as /query and Repository.Query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON

from docgraph.errors import BadRequest
from docgraph.resolvers import documents, saved_searches, search
from docgraph.schema.arguments import (
    FullText,
    PageIndex,
    PageSize,
    QueryParams,
    SortBy,
    SortOrder,
    page_request,
)
from docgraph.schema.documents import (
    Context,
    DocumentConnection,
    Documents,
    connection_window,
)

if TYPE_CHECKING:
    from docgraph.plugins import Registry

Provider = Annotated[str | None, strawberry.argument(name="pageProvider")]

# What fullText searches: live documents listed in navigation.
FULL_TEXT = (
    "SELECT * FROM Document WHERE ecm:fulltext = ? AND ecm:isVersion = 0"
    " AND ecm:isTrashed = 0 AND ecm:mixinType != 'HiddenInNavigation'"
)


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="A page of documents: an NXQL query (? = queryParams), a page "
        "provider, full-text words, or a saved search run again (its id; the paging and "
        "sorting given here win over the saved ones); exactly one of query, pageProvider, "
        "fullText, savedSearch."
    )
    async def search(
        self,
        info: Context,
        query: str | None = None,
        page_provider: Provider = None,
        full_text: FullText = None,
        saved_search: Annotated[str | None, strawberry.argument(name="savedSearch")] = None,
        query_params: QueryParams = None,
        current_page_index: PageIndex = 0,
        page_size: PageSize = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
        named_parameters: Annotated[
            JSON | None,
            strawberry.argument(
                name="namedParameters",
                description='A search form\'s fields: {"defaults:dc_nature": ["article"]}',
            ),
        ] = None,
    ) -> Documents:
        ctx = info.context
        if sum(x is not None for x in (query, page_provider, full_text, saved_search)) != 1:
            raise BadRequest("Give exactly one of query, pageProvider, fullText and savedSearch")
        if named_parameters is not None and not isinstance(named_parameters, dict):
            raise BadRequest("namedParameters must be a JSON object")
        page = page_request(ctx, current_page_index, page_size, sort_by, sort_order)
        params = list(query_params or [])
        if page_provider is not None:
            result = await search.run_provider(
                ctx,
                page_provider,
                params,
                page,
                sized=page_size is not None,
                named=named_parameters,
            )
        elif full_text is not None:
            result = await search.query(ctx, FULL_TEXT, page, [full_text])
        elif saved_search is not None:
            result = await saved_searches.execute(ctx, saved_search, page)
        else:
            assert query is not None
            result = await search.query(ctx, query, page, params)
        return Documents.of(ctx, result)

    @strawberry.field(
        name="savedSearches",
        description="The saved searches (SavedSearch documents) the user may read, by "
        "title; run one with search(savedSearch:).",
    )
    async def saved_searches(
        self,
        info: Context,
        current_page_index: PageIndex = 0,
        page_size: PageSize = None,
    ) -> Documents:
        ctx = info.context
        page = page_request(ctx, current_page_index, page_size, None, None)
        return Documents.of(ctx, await saved_searches.documents_page(ctx, page))

    @strawberry.field(
        name="searchConnection",
        description="The documents of an NXQL query (? = queryParams) or of an NXQL page "
        "provider as a Relay connection: keyset pages in the query's order (sortBy and "
        "sortOrder replace it), any page costing what the first does when the order has an "
        "index; first/after forward, last/before back. No total: use search for that.",
    )
    async def search_connection(
        self,
        info: Context,
        query: str | None = None,
        page_provider: Provider = None,
        query_params: QueryParams = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> DocumentConnection:
        ctx = info.context
        if (query is None) == (page_provider is None):
            raise BadRequest("Give exactly one of query and pageProvider")
        count, cursor, backward = connection_window(ctx, first, after, last, before)
        text, quoted, sort = query or "", True, documents.parse_sort(sort_by, sort_order)
        if page_provider is not None:
            named = search.provider(ctx, page_provider)
            if not isinstance(named, search.QueryProvider):
                raise BadRequest(f"The page provider {page_provider} has no one NXQL query")
            text, quoted, sort = named.pattern, named.quoted, sort or named.sort
        found = await search.connection(
            ctx,
            text,
            list(query_params or []),
            quoted=quoted,
            sort=sort,
            count=count,
            cursor=cursor,
            backward=backward,
        )
        return DocumentConnection.of(ctx, found, cursor, backward)


@strawberry.type(
    name="ResultSet",
    description="Rows of an NXQL column query (Repository.ResultSetQuery): each entry maps a "
    "selected column's label (its text, or its AS alias) to its value.",
)
class ResultSet:
    entries: list[JSON]
    total_size: int = strawberry.field(name="totalSize")
    current_page_index: int = strawberry.field(name="currentPageIndex")
    page_size: int = strawberry.field(name="pageSize")
    number_of_pages: int = strawberry.field(name="numberOfPages")
    is_next_page_available: bool = strawberry.field(name="isNextPageAvailable")


@strawberry.type
class ResultSetQuery:
    @strawberry.field(
        name="resultSet",
        description="The rows of an NXQL column query (SELECT dc:title, ecm:uuid FROM ...; "
        "dc:subjects/* gives a row per element; COUNT, MIN, MAX, SUM, AVG one row), "
        "filtered by permission: what dashboards count and list.",
    )
    async def result_set(
        self,
        info: Context,
        query: str,
        query_params: QueryParams = None,
        current_page_index: PageIndex = 0,
        page_size: PageSize = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
    ) -> ResultSet:
        ctx = info.context
        page = page_request(ctx, current_page_index, page_size, sort_by, sort_order)
        found = await search.records(ctx, query, page, list(query_params or []))
        return ResultSet(
            entries=[cast(JSON, dict(row.values)) for row in found.entries],
            total_size=found.total_size,
            current_page_index=found.page_index,
            page_size=found.page_size,
            number_of_pages=found.number_of_pages,
            is_next_page_available=found.is_next_page_available,
        )


def register(registry: Registry) -> None:
    registry.add_graphql(query=SearchQuery)
    registry.add_graphql(query=ResultSetQuery)
