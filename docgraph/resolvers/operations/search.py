"""Search operations: NXQL queries, page providers, documents by property."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from docgraph.errors import BadRequest
from docgraph.resolvers import documents, search
from docgraph.resolvers.model import Document, Page, PageRequest, ResultRow
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_PROPERTY = re.compile(r"[A-Za-z][A-Za-z0-9_:.\-]*(/[A-Za-z0-9_*\-]+)*")
_PAGING = [
    Param("pageSize", type="integer", default=-1, arg="page_size"),
    Param("currentPageIndex", type="integer", default=0, arg="page_index"),
    Param("sortBy", arg="sort_by", description="comma list of properties"),
    Param("sortOrder", arg="sort_order", description="comma list of asc or desc"),
    Param("queryParams", type="stringlist", arg="query_params", description="values of ?"),
]


def _page(call: OperationCall, page_size: int, page_index: int, sort_by: str | None,
          sort_order: str | None) -> PageRequest:  # fmt: skip
    size = call.ctx.settings.default_page_size if page_size < 0 else page_size
    return PageRequest(page_index, size, documents.parse_sort(sort_by, sort_order))


@operation(
    "Repository.Query",
    aliases=["Document.Query"],
    label="Query",
    category="Fetch",
    signature=[("void", "documents")],
    params=[
        Param("query", required=True, description="NXQL"),
        Param("language", default="NXQL", values=("NXQL",)),
        *_PAGING,
    ],
    description="A page of the documents an NXQL query finds.",
)
async def query(
    call: OperationCall,
    _input: None,
    *,
    query: str,
    language: str,
    page_size: int,
    page_index: int,
    sort_by: str | None,
    sort_order: str | None,
    query_params: list[str] | None,
) -> Page[Document]:
    page = _page(call, page_size, page_index, sort_by, sort_order)
    return await search.query(call.ctx, query, page, query_params or [])


@operation(
    "Repository.PageProvider",
    aliases=["Document.PageProvider"],
    label="PageProvider",
    category="Fetch",
    signature=[("void", "documents")],
    params=[Param("providerName", required=True, arg="provider_name"), *_PAGING],
    description="A page of a named page provider's results.",
)
async def page_provider(
    call: OperationCall,
    _input: None,
    *,
    provider_name: str,
    page_size: int,
    page_index: int,
    sort_by: str | None,
    sort_order: str | None,
    query_params: list[str] | None,
) -> Page[Document]:
    page = _page(call, page_size, page_index, sort_by, sort_order)
    return await search.run_provider(
        call.ctx, provider_name, query_params or [], page, sized=page_size >= 0
    )


@operation(
    "Repository.ResultSetQuery",
    aliases=["ResultSet.PaginatedQuery"],
    label="ResultSet Query",
    category="Fetch",
    signature=[("void", "recordSet")],
    params=[
        Param("query", required=True, description="NXQL with a column list, or aggregates"),
        Param("language", default="NXQL", values=("NXQL",)),
        *_PAGING,
    ],
    description="A page of the rows of an NXQL column query (SELECT dc:title, ecm:uuid FROM ...).",
)
async def result_set_query(
    call: OperationCall,
    _input: None,
    *,
    query: str,
    language: str,
    page_size: int,
    page_index: int,
    sort_by: str | None,
    sort_order: str | None,
    query_params: list[str] | None,
) -> Page[ResultRow]:
    page = _page(call, page_size, page_index, sort_by, sort_order)
    return await search.records(call.ctx, query, page, query_params or [])


@operation(
    "Repository.ResultSetPageProvider",
    aliases=["Resultset.PageProvider"],
    label="ResultSet PageProvider",
    category="Fetch",
    signature=[("void", "recordSet")],
    params=[
        Param("providerName", arg="provider_name", description="an NXQL page provider"),
        Param("query", description="NXQL, when no provider is named"),
        Param("language", default="NXQL", values=("NXQL",)),
        *_PAGING,
    ],
    description="A page of rows from a page provider's query, or from a query.",
)
async def result_set_page_provider(
    call: OperationCall,
    _input: None,
    *,
    provider_name: str | None,
    query: str | None,
    language: str,
    page_size: int,
    page_index: int,
    sort_by: str | None,
    sort_order: str | None,
    query_params: list[str] | None,
) -> Page[ResultRow]:
    page = _page(call, page_size, page_index, sort_by, sort_order)
    if provider_name is None:
        if query is None:
            raise BadRequest("Either providerName or query is required")
        return await search.records(call.ctx, query, page, query_params or [])
    return await search.provider_records(
        call.ctx, provider_name, query_params or [], page, sized=page_size >= 0
    )


@operation(
    "Document.FetchByProperty",
    label="Fetch By Property",
    category="Fetch",
    signature=[("void", "documents")],
    params=[
        Param("property", required=True, description="e.g. dc:title"),
        Param("values", type="stringlist", required=True),
        Param("query", description="an extra NXQL WHERE clause, ANDed"),
    ],
    description="The documents whose property has one of the values.",
)
async def fetch_by_property(
    call: OperationCall, _input: None, *, property: str, values: list[str], query: str | None
) -> Page[Document]:
    # A name, not NXQL: the compiler then checks it against the type registry.
    if not _PROPERTY.fullmatch(property):
        raise BadRequest(f"Not a property name: {property}")
    if not values:
        return await search.query(
            call.ctx, "SELECT * FROM Document WHERE ecm:uuid IS NULL", PageRequest()
        )
    nxql = f"SELECT * FROM Document WHERE {property} IN ?"
    if query:
        nxql += f" AND ({query})"
    return await search.query(call.ctx, nxql, PageRequest(0, 0), [values])


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
