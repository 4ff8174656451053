"""Search in GraphQL: the same engine as /query and Repository.Query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from docgraph.resolvers import documents, search
from docgraph.resolvers.model import PageRequest
from docgraph.schema.documents import Context, Documents

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@strawberry.type
class SearchQuery:
    @strawberry.field(description="A page of the documents an NXQL query finds (? = queryParams).")
    async def search(
        self,
        info: Context,
        query: str,
        query_params: Annotated[list[str] | None, strawberry.argument(name="queryParams")] = None,
        current_page_index: Annotated[int, strawberry.argument(name="currentPageIndex")] = 0,
        page_size: Annotated[int | None, strawberry.argument(name="pageSize")] = None,
        sort_by: Annotated[str | None, strawberry.argument(name="sortBy")] = None,
        sort_order: Annotated[str | None, strawberry.argument(name="sortOrder")] = None,
    ) -> Documents:
        ctx = info.context
        page = PageRequest(
            current_page_index,
            ctx.settings.default_page_size if page_size is None else page_size,
            documents.parse_sort(sort_by, sort_order),
        )
        return Documents.of(ctx, await search.query(ctx, query, page, query_params or []))


def register(registry: Registry) -> None:
    registry.add_graphql(query=SearchQuery)
