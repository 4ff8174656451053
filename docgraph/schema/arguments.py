"""Arguments several fields share, named as Nuxeo's REST parameters are, and
the page they ask for."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Page, PageRequest

PageIndex = Annotated[int, strawberry.argument(name="currentPageIndex")]
PageSize = Annotated[int | None, strawberry.argument(name="pageSize")]
SortBy = Annotated[
    str | None,
    strawberry.argument(
        name="sortBy", description="Comma list of fields: dc:title, dc:modified, ecm:name, ..."
    ),
]
SortOrder = Annotated[
    str | None, strawberry.argument(name="sortOrder", description="Comma list of asc or desc")
]
QueryParams = Annotated[list[str] | None, strawberry.argument(name="queryParams")]
FullText = Annotated[
    str | None, strawberry.argument(name="fullText", description='words, -word, OR, "phrase"')
]


def page_request(
    ctx: RequestContext,
    index: int,
    size: int | None,
    sort_by: str | None,
    sort_order: str | None,
    offset: int | None = None,
) -> PageRequest:
    """The page the paging arguments ask for (the default size when none)."""
    return PageRequest(
        index,
        ctx.settings.default_page_size if size is None else size,
        documents.parse_sort(sort_by, sort_order),
        offset,
    )


def page_fields(page: Page[Any]) -> dict[str, int]:
    """The paging fields of a GraphQL page type (Users, Groups, ...)."""
    return {
        "total_size": page.total_size,
        "current_page_index": page.page_index,
        "page_size": page.page_size,
        "number_of_pages": page.number_of_pages,
    }
