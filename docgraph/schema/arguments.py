"""Arguments several fields share, named as Nuxeo's REST parameters are."""

from __future__ import annotations

from typing import Annotated

import strawberry

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
