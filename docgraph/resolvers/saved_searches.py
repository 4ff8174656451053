"""Saved searches (``/search/saved``): an NXQL query, or a page provider
with its parameters, kept as a ``SavedSearch`` document in the user's
personal workspace, and run again on demand with the user's permissions at
that time. A saved search is a document: it takes its workspace's ACLs, so
it is its owner's unless shared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson

from docgraph.errors import BadRequest
from docgraph.resolvers import documents, search, userworkspaces
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, IdRef, Page, PageRequest, SortKey

TYPE = "SavedSearch"
PREFIX = "saved"
# The fields a savedSearch entity carries (besides id and title).
FIELDS = (
    "query",
    "queryLanguage",
    "pageProviderName",
    "queryParams",
    "pageSize",
    "currentPageIndex",
    "maxResults",
    "sortBy",
    "sortOrder",
    "contentViewData",
)
_NUMBERS = frozenset({"pageSize", "currentPageIndex", "maxResults"})
MAX_PARAMS = 100


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A saved search as the REST door writes it (its document underneath)."""

    doc: Document

    @property
    def values(self) -> dict[str, Any]:
        return {name: self.doc.properties.get(f"{PREFIX}:{name}") for name in FIELDS}

    @property
    def params(self) -> dict[str, Any]:
        text = self.doc.properties.get(f"{PREFIX}:params")
        return orjson.loads(text) if text else {}


class SavedSearchList(list[SavedSearch]):
    """The user's saved searches."""


def _properties(body: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """The document properties of a savedSearch entity (``partial``: only
    the fields sent, for an update)."""
    found: dict[str, Any] = {}
    for name in FIELDS:
        if name not in body and partial:
            continue
        value = body.get(name)
        if value is not None and name in _NUMBERS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BadRequest(f"{name} is a whole number")
        elif value is not None and not isinstance(value, str):
            raise BadRequest(f"{name} is text")
        found[f"{PREFIX}:{name}"] = value
    if "params" in body or not partial:
        params = body.get("params") or {}
        if not isinstance(params, dict) or len(params) > MAX_PARAMS:
            raise BadRequest(f"params is an object of at most {MAX_PARAMS} entries")
        found[f"{PREFIX}:params"] = orjson.dumps(params).decode() if params else None
    if "title" in body or not partial:
        found["dc:title"] = body.get("title")
    return found


def _check_runnable(values: Mapping[str, Any]) -> None:
    query, provider = values.get(f"{PREFIX}:query"), values.get(f"{PREFIX}:pageProviderName")
    if bool(query) == bool(provider):
        raise BadRequest("A saved search has a query or a pageProviderName (one of them)")
    language = values.get(f"{PREFIX}:queryLanguage")
    if query and language not in (None, "NXQL"):
        raise BadRequest(f"Unsupported query language: {str(language)[:32]}")


async def create(ctx: RequestContext, body: Mapping[str, Any]) -> SavedSearch:
    values = _properties(body, partial=False)
    _check_runnable(values)
    if not values.get("dc:title"):
        raise BadRequest("A saved search needs a title")
    workspace = await userworkspaces.personal_workspace(ctx)
    doc = await documents.create(
        ctx, workspace, type_name=TYPE, name=str(values["dc:title"]), properties=values
    )
    return SavedSearch(doc)


async def get(ctx: RequestContext, search_id: str) -> SavedSearch:
    doc = await documents.get(ctx, IdRef(search_id))
    if doc.type != TYPE:
        raise BadRequest(f"Document {doc.uid} is not a saved search")
    return SavedSearch(doc)


async def documents_page(ctx: RequestContext, page: PageRequest) -> Page[Document]:
    """The documents of the saved searches the user may read, by title."""
    nxql = f"SELECT * FROM {TYPE} WHERE ecm:isTrashed = 0 AND ecm:isVersion = 0"
    page = replace(page, sort=page.sort or (SortKey("dc:title", True),))
    return await search.query(ctx, nxql, page)


async def listed(ctx: RequestContext, page: PageRequest) -> SavedSearchList:
    """The saved searches the user may read, by title."""
    found = await documents_page(ctx, page)
    return SavedSearchList(SavedSearch(d) for d in found.entries)


async def update(ctx: RequestContext, search_id: str, body: Mapping[str, Any]) -> SavedSearch:
    saved = await get(ctx, search_id)
    changes = _properties(body, partial=True)
    _check_runnable({**saved.doc.properties, **changes})
    return SavedSearch(await documents.update(ctx, saved.doc, changes))


async def delete(ctx: RequestContext, search_id: str) -> None:
    await documents.delete(ctx, (await get(ctx, search_id)).doc)


async def execute(ctx: RequestContext, search_id: str, page: PageRequest) -> Page[Document]:
    """Run it now; the request's paging and sorting, when given, win over
    the saved ones."""
    saved = await get(ctx, search_id)
    values = saved.values
    if page.page_size == ctx.settings.default_page_size and values["pageSize"]:
        page = replace(page, page_size=int(values["pageSize"]))
    if not page.sort and values["sortBy"]:
        page = replace(page, sort=documents.parse_sort(values["sortBy"], values["sortOrder"]))
    params = [p.strip() for p in (values["queryParams"] or "").split(",") if p.strip()]
    if values["query"]:
        return await search.query(ctx, values["query"], page, params)
    return await search.run_provider(
        ctx, values["pageProviderName"], params, page, named=saved.params
    )
