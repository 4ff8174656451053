"""Collections and favorites: documents gathered without being moved.

A collection keeps its members' ids, in the order they were added, in
``collection:documentIds``. Which collections hold a document is one indexed
query over that property (migration 0023), so joining a collection writes
nothing on the member: a reader may collect what they may not change, as in
Nuxeo. A user's collections live in ``Collections`` in their personal
workspace unless created in a folder; their favorites are the ``Favorites``
collection there, made the first time it is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from docgraph.db import collections as db_collections
from docgraph.errors import BadRequest, DocumentNotFound
from docgraph.plugins import Enricher, PageProvider
from docgraph.resolvers import documents, paging, permissions, search, userworkspaces
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import (
    Document,
    DocumentList,
    IdRef,
    Page,
    PageRequest,
    PathRef,
    SortKey,
)
from docgraph.resolvers.permissions import browse_filter

if TYPE_CHECKING:
    from docgraph.plugins import Registry

MEMBERS = "collection:documentIds"
COLLECTIONS_FOLDER = "Collections"
FAVORITES = "Favorites"
# Members one collection may hold: its id list is rewritten on each change.
MAX_MEMBERS = 10_000
ADDED = "addedToCollection"
REMOVED = "removedFromCollection"


def collection_types(ctx: RequestContext) -> list[str]:
    return sorted(ctx.registry.types.types_with_facet("Collection"))


def _is_collection(ctx: RequestContext, doc: Document) -> bool:
    return ctx.registry.types.of(doc.type).has_facet("Collection")


def _require_collection(ctx: RequestContext, doc: Document) -> None:
    if not _is_collection(ctx, doc):
        raise BadRequest(f"Document {doc.uid} is not a collection")


def _require_collectable(ctx: RequestContext, doc: Document) -> None:
    permissions.check_read(ctx, doc)
    if doc.is_version or ctx.registry.types.of(doc.type).has_facet("NotCollectionMember"):
        raise BadRequest(f"Document {doc.uid} cannot be added to a collection")


def member_ids(collection: Document) -> list[str]:
    return list(collection.properties.get(MEMBERS) or [])


async def collections_folder(ctx: RequestContext) -> Document:
    """``Collections`` in the user's personal workspace, made the first time."""
    workspace = await userworkspaces.personal_workspace(ctx)
    folder, _ = await userworkspaces.ensure_child(
        ctx, workspace, COLLECTIONS_FOLDER, "Collections", COLLECTIONS_FOLDER
    )
    return folder


async def create(
    ctx: RequestContext, name: str, description: str | None, folder: Document | None = None
) -> Document:
    """A new collection, in ``folder`` or else in the user's ``Collections``."""
    if not name or not name.strip():
        raise BadRequest("A collection needs a name")
    parent = folder if folder is not None else await collections_folder(ctx)
    properties = {"dc:title": name, "dc:description": description}
    return await documents.create(
        ctx, parent, type_name="Collection", name=name, properties=properties
    )


async def _rewrite(
    ctx: RequestContext, collection: Document, docs: Sequence[Document], *, adding: bool
) -> Document:
    """Add (or remove) ``docs`` to (from) ``collection``: the id list is read
    under the collection's row lock, so concurrent changes all count."""
    _require_collection(ctx, collection)
    for doc in docs:
        if adding:
            _require_collectable(ctx, doc)
        else:
            permissions.check_read(ctx, doc)
    current = await documents.for_write(ctx, collection, permissions.WRITE)
    ids = member_ids(current)
    wanted = list(dict.fromkeys(doc.uid for doc in docs))
    if adding:
        changed = [uid for uid in wanted if uid not in ids]
        updated = ids + changed
    else:
        changed = [uid for uid in wanted if uid in ids]
        updated = [uid for uid in ids if uid not in changed]
    if len(updated) > MAX_MEMBERS:
        raise BadRequest(f"A collection holds at most {MAX_MEMBERS} documents")
    if not changed:
        return current
    result = await documents.update(ctx, current, {MEMBERS: updated})
    now = datetime.now(UTC)
    kind = ADDED if adding else REMOVED
    details = (("audit_event", kind), ("collection", collection.uid))
    for doc in docs:
        if doc.uid in changed:
            ctx.work.emit(ctx, documents.change(ctx, kind, doc, now, details))
    return result


async def add(ctx: RequestContext, collection: Document, docs: Sequence[Document]) -> Document:
    """Add documents the user may read to a collection they may write."""
    return await _rewrite(ctx, collection, docs, adding=True)


async def remove(ctx: RequestContext, collection: Document, docs: Sequence[Document]) -> Document:
    return await _rewrite(ctx, collection, docs, adding=False)


async def members(ctx: RequestContext, collection: Document, page: PageRequest) -> Page[Document]:
    """A page of the members the user may see, by title, trashed and hidden
    ones left out (Nuxeo's ``default_content_collection``)."""
    permissions.check_read(ctx, collection)
    _require_collection(ctx, collection)
    ids = []
    for text in member_ids(collection):
        try:
            ids.append(UUID(text))
        except ValueError:
            continue
    max_page_size = ctx.settings.max_page_size
    limit, offset = paging.window(page, max_page_size)
    rows, total = await db_collections.members(
        ctx.db,
        ids,
        browse=await browse_filter(ctx),
        hidden_types=sorted(ctx.registry.types.types_with_facet("HiddenInNavigation")),
        limit=limit,
        offset=offset,
    )
    docs = await documents.placed([Document.from_record(r) for r in rows], ctx)
    ctx.loaders.prime_all(docs)
    return paging.page_of(docs, total, page, limit, offset, max_page_size)


async def holding(ctx: RequestContext, docs: Sequence[Document]) -> list[DocumentList]:
    """For each document, the collections holding it that the user may see
    (favorites apart): the ``collections`` enricher, one statement a page."""
    wanted = [doc.uid for doc in docs]
    rows = await db_collections.holding(
        ctx.db,
        wanted,
        [t for t in collection_types(ctx) if t != FAVORITES],
        browse=await browse_filter(ctx),
    )
    found = [Document.from_record(r) for r in rows]
    return [DocumentList([c for c in found if doc.uid in member_ids(c)]) for doc in docs]


# -- favorites ----------------------------------------------------------------


def _favorites_path(ctx: RequestContext) -> str:
    name = userworkspaces.workspace_name(ctx.principal.username)
    return f"{userworkspaces.ROOT_PATH}/{name}/{FAVORITES}"


async def favorites(ctx: RequestContext) -> Document:
    """The user's favorites collection, made the first time."""
    workspace = await userworkspaces.personal_workspace(ctx)
    found, _ = await userworkspaces.ensure_child(ctx, workspace, FAVORITES, FAVORITES, FAVORITES)
    return found


async def existing_favorites(ctx: RequestContext) -> Document | None:
    """The user's favorites if they were ever made (reads create nothing)."""
    try:
        return await documents.get(ctx, PathRef(_favorites_path(ctx)))
    except DocumentNotFound:
        return None


async def are_favorites(ctx: RequestContext, docs: Sequence[Document]) -> list[bool]:
    """Whether each document is among the user's favorites."""
    held = await existing_favorites(ctx)
    ids = set(member_ids(held)) if held is not None else set()
    return [doc.uid in ids for doc in docs]


async def favorite_flags(ctx: RequestContext, docs: Sequence[Document]) -> list[dict[str, bool]]:
    """The ``favorites`` enricher: ``{"isFavorite": ...}`` for each document."""
    return [{"isFavorite": flag} for flag in await are_favorites(ctx, docs)]


# -- page providers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MembersProvider:
    """``default_content_collection``: the members of the collection whose id
    is the first parameter."""

    name: str = "default_content_collection"
    page_size: int = 50

    async def __call__(
        self, ctx: RequestContext, params: Sequence[Any], page: PageRequest
    ) -> Page[Document]:
        if not params:
            raise BadRequest(f"{self.name} takes the collection's id as its parameter")
        collection = await documents.get(ctx, IdRef(str(params[0])))
        return await members(ctx, collection, page)

    def definition(self) -> dict[str, Any]:
        return {
            "entity-type": "pageProvider",
            "name": self.name,
            "pattern": "ecm:mixinType != 'HiddenInNavigation' AND ecm:isTrashed = 0"
            " AND collectionMember:collectionIds/* = ?",
            "sort": [{"sortColumn": "dc:title", "sortAscending": True}],
            "pageSize": self.page_size,
            "quotePatternParameters": True,
        }


def user_collections_query(search_term: str | None) -> tuple[str, list[str]]:
    """The NXQL of ``user_collections``: collections whose title is like the
    term (the client adds its own ``%``), newest first."""
    nxql = (
        "SELECT * FROM Collection WHERE dc:title ILIKE ? AND ecm:primaryType != 'Favorites'"
        " AND ecm:isProxy = 0 AND ecm:isVersion = 0 AND ecm:isTrashed = 0"
    )
    return nxql, [search_term or "%"]


async def of_user(
    ctx: RequestContext, search_term: str | None, page: PageRequest
) -> Page[Document]:
    """The collections the user may see whose title matches (``User.GetCollections``)."""
    nxql, params = user_collections_query(search_term)
    if not page.sort:
        page = replace(page, sort=(SortKey("dc:modified", False),))
    return await search.query(ctx, nxql, page, params)


USER_COLLECTIONS = search.QueryProvider(
    "user_collections", user_collections_query(None)[0], (SortKey("dc:modified", False),), 50
)


def register(registry: Registry) -> None:
    members_provider = MembersProvider()
    registry.add_page_provider(PageProvider(members_provider.name, members_provider))
    registry.add_page_provider(
        PageProvider(USER_COLLECTIONS.name, USER_COLLECTIONS, USER_COLLECTIONS.pattern)
    )
    registry.add_enricher(Enricher("document", "collections", holding, reads_properties=False))
    registry.add_enricher(Enricher("document", "favorites", favorite_flags, reads_properties=False))
