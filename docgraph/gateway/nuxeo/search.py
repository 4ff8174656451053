"""The search doors of the REST API: ``/query``, ``/search``, ``@search``, ``@pp``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo import bulk
from docgraph.gateway.nuxeo.request import (
    documents_page,
    entity_body,
    page_request,
    query_values,
    require_method,
)
from docgraph.gateway.nuxeo.writers import Created
from docgraph.plugins import Adapter, Call, Endpoint, Output, Writer
from docgraph.resolvers import documents, saved_searches, search
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, Page

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_READ = frozenset({"GET", "HEAD"})
_ALL_DOCUMENTS = "SELECT * FROM Document"


def _params(call: Call) -> list[str]:
    values = query_values(call.query, "queryParams")
    # Nuxeo reads one queryParams value as a comma list as well.
    if len(values) == 1 and "," in values[0]:
        return [v.strip() for v in values[0].split(",")]
    return values


async def _nxql(ctx: RequestContext, call: Call) -> Page[Document]:
    text = call.query.get("query") or _ALL_DOCUMENTS
    return await search.query(ctx, text, documents_page(ctx, call), _params(call))


# Query parameters that are not a search form's fields.
_NOT_NAMED = frozenset(
    {
        "query",
        "queryParams",
        "pageSize",
        "currentPageIndex",
        "page",
        "offset",
        "maxResults",
        "sortBy",
        "sortOrder",
        "quickFilters",
        "orderBy",
        "properties",
        "depth",
        "highlight",
        "scroll",
        "queryLimit",
    }
)
_RENDERING = ("enrichers", "fetch", "translate", "x-nx")


def _named(call: Call) -> dict[str, str]:
    """Any other parameter names a field of the provider's search form."""
    return {
        key: value
        for key, value in call.query.items()
        if key not in _NOT_NAMED and not key.lower().startswith(_RENDERING)
    }


async def _provider(ctx: RequestContext, name: str, call: Call) -> Page[Document]:
    page = documents_page(ctx, call)
    return await search.run_provider(
        ctx, name, _params(call), page, sized="pageSize" in call.query, named=_named(call)
    )


async def query_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/query?query=``, ``/query/NXQL?query=``, ``/query/{provider}``."""
    require_method(call, _READ, "query")
    if not args or args == ("NXQL",):
        return await _nxql(ctx, call)
    if len(args) == 1:
        return await _provider(ctx, args[0], call)
    raise NotFound(f"No such resource: query/{'/'.join(args)}")


async def search_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/search/execute``, ``/search/lang/NXQL/execute``,
    ``/search/pp/{provider}/execute``, ``/search/pp/{provider}`` (its
    definition), the saved searches under ``/search/saved`` and bulk commands
    (``/search[/pp/{provider}]/bulk/{action}``)."""
    if args[:1] == ("saved",):
        return await _saved(ctx, args[1:], call)
    if len(args) == 2 and args[0] == "bulk":
        return await bulk.submit_from_search(ctx, args[1], None, call)
    if len(args) == 4 and args[0] == "pp" and args[2] == "bulk":
        return await bulk.submit_from_search(ctx, args[3], args[1], call)
    require_method(call, _READ, "search")
    if args in (("execute",), ("lang", "NXQL", "execute")):
        return await _nxql(ctx, call)
    if len(args) == 3 and args[0] == "pp" and args[2] == "execute":
        return await _provider(ctx, args[1], call)
    if len(args) == 2 and args[0] == "pp":
        return search.provider(ctx, args[1]).definition()
    raise NotFound(f"No such resource: search/{'/'.join(args)}")


async def _saved(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/search/saved`` (GET the user's, POST one), ``/search/saved/{id}``
    (GET, PUT, DELETE) and ``/search/saved/{id}/execute``."""
    if not args:
        require_method(call, _READ | {"POST"}, "search/saved")
        if call.method == "POST":
            return Created(await saved_searches.create(ctx, await entity_body(call, "savedSearch")))
        return await saved_searches.listed(ctx, page_request(call.query, ctx.settings))
    if len(args) == 1:
        require_method(call, _READ | {"PUT", "DELETE"}, "search/saved/{id}")
        if call.method == "DELETE":
            await saved_searches.delete(ctx, args[0])
            return None
        if call.method == "PUT":
            body = await entity_body(call, "savedSearch")
            return await saved_searches.update(ctx, args[0], body)
        return await saved_searches.get(ctx, args[0])
    if len(args) == 2 and args[1] == "execute":
        require_method(call, _READ, "search/saved/{id}/execute")
        return await saved_searches.execute(ctx, args[0], documents_page(ctx, call))
    raise NotFound(f"No such resource: search/saved/{'/'.join(args)}")


def write_saved(out: Output, saved: saved_searches.SavedSearch) -> dict[str, Any]:
    return {
        "entity-type": "savedSearch",
        "id": saved.doc.uid,
        "title": saved.doc.title,
        **saved.values,
        "params": saved.params,
    }


async def write_saved_one(out: Output, saved: saved_searches.SavedSearch) -> dict[str, Any]:
    return write_saved(out, saved)


async def write_saved_list(out: Output, found: saved_searches.SavedSearchList) -> dict[str, Any]:
    return {"entity-type": "savedSearches", "entries": [write_saved(out, s) for s in found]}


async def _reported(ctx: RequestContext, call: Call, run: Any) -> Page[Document]:
    """Paginable adapters report a failed query in the list (Nuxeo's
    ``hasError``, 200) instead of failing the request."""
    try:
        result: Page[Document] = await run
    except search.InvalidQuery as exc:
        page = page_request(call.query, ctx.settings)
        return Page([], 0, page.page_index, page.page_size, max(page.page_size, 1),
                    ctx.settings.max_page_size, error=exc.message)  # fmt: skip
    return result


async def search_adapter(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Page[Document]:
    """``@search``: ``?query=`` runs NXQL; otherwise the subtree of the
    document (of its parent for a non-folder), narrowed by ``fullText`` and
    sorted by ``orderBy`` (Nuxeo's search adapter)."""
    if call.query.get("query"):
        return await _reported(ctx, call, _nxql(ctx, call))
    page = documents_page(ctx, call)
    if (order := call.query.get("orderBy")) and not page.sort:
        page = replace(page, sort=documents.parse_sort(order, "asc"))
    found = search.within(ctx, subject, page, full_text=call.query.get("fullText"))
    return await _reported(ctx, call, found)


async def pp_adapter(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Page[Document]:
    """``@pp/{provider}``: the provider with the document's id as first parameter."""
    if len(args) != 1:
        raise BadRequest("@pp takes a page provider name: @pp/{name}")
    page = documents_page(ctx, call)
    sized = "pageSize" in call.query
    found = search.run_provider_on(
        ctx, subject, args[0], _params(call), page, sized=sized, named=_named(call)
    )
    return await _reported(ctx, call, found)


def register(registry: Registry) -> None:
    registry.add_endpoint(Endpoint("query", query_endpoint))
    registry.add_endpoint(Endpoint("search", search_endpoint, _READ | {"POST", "PUT", "DELETE"}))
    registry.add_writer(Writer(saved_searches.SavedSearch, write_saved_one))
    registry.add_writer(Writer(saved_searches.SavedSearchList, write_saved_list))
    registry.add_adapter(Adapter("search", search_adapter, accepts=(Document,)))
    registry.add_adapter(Adapter("pp", pp_adapter, accepts=(Document,)))
