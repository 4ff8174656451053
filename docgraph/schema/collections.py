"""Collections and favorites in GraphQL: the same engine calls as the
automation operations and the ``collections`` / ``favorites`` enrichers."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import strawberry

from docgraph.errors import BadRequest
from docgraph.resolvers import collections, documents
from docgraph.resolvers.model import Document as DocumentModel
from docgraph.resolvers.model import IdRef
from docgraph.schema.arguments import PageIndex, PageSize, page_request
from docgraph.schema.documents import Context, Document, Documents

if TYPE_CHECKING:
    from docgraph.plugins import Registry

Ids = Annotated[list[strawberry.ID], strawberry.argument(name="documentIds")]
CollectionId = Annotated[strawberry.ID, strawberry.argument(name="collectionId")]
MAX_IDS = 1000


async def _documents(info: Context, ids: list[strawberry.ID]) -> list[DocumentModel]:
    if len(ids) > MAX_IDS:
        raise BadRequest(f"At most {MAX_IDS} documents at once")
    ctx = info.context
    # Loaded together: the by-id loader reads them in one statement.
    return list(await asyncio.gather(*(documents.get(ctx, IdRef(str(i))) for i in ids)))


@strawberry.type(name="CollectionDocumentFields")
class CollectionDocumentFields:
    """Every document: the collections holding it, whether it is a favorite,
    and (for a collection) its members."""

    @strawberry.field(description="The collections holding this document that one may see.")
    async def collections(
        self, info: Context, document: strawberry.Parent[Document]
    ) -> list[Document]:
        ctx = info.context
        found = await ctx.loaders.per_document(collections.holding, document.model)
        return [Document.of(ctx, c) for c in found]

    @strawberry.field(name="isFavorite", description="Whether it is among one's favorites.")
    async def is_favorite(self, info: Context, document: strawberry.Parent[Document]) -> bool:
        flag: bool = await info.context.loaders.per_document(
            collections.are_favorites, document.model
        )
        return flag

    @strawberry.field(
        name="collectionMembers",
        description="A collection's members one may see, by title (null for other documents).",
    )
    async def collection_members(
        self,
        info: Context,
        document: strawberry.Parent[Document],
        page_size: PageSize = None,
        current_page_index: PageIndex = 0,
    ) -> Documents | None:
        ctx = info.context
        if not ctx.registry.types.of(document.model.type).has_facet("Collection"):
            return None
        page = page_request(ctx, current_page_index, page_size, None, None)
        return Documents.of(ctx, await collections.members(ctx, document.model, page))


@strawberry.type
class CollectionQuery:
    @strawberry.field(description="Collections one may see whose title is like searchTerm.")
    async def collections(
        self,
        info: Context,
        search_term: Annotated[str | None, strawberry.argument(name="searchTerm")] = None,
        page_size: PageSize = None,
        current_page_index: PageIndex = 0,
    ) -> Documents:
        ctx = info.context
        page = page_request(ctx, current_page_index, page_size, None, None)
        return Documents.of(ctx, await collections.of_user(ctx, search_term, page))


@strawberry.type
class CollectionMutation:
    @strawberry.mutation(name="createCollection")
    async def create_collection(
        self,
        info: Context,
        name: str,
        description: str | None = None,
        folder_id: Annotated[strawberry.ID | None, strawberry.argument(name="folderId")] = None,
    ) -> Document:
        ctx = info.context
        folder = None if folder_id is None else await documents.get(ctx, IdRef(str(folder_id)))
        return Document.of(ctx, await collections.create(ctx, name, description, folder))

    @strawberry.mutation(name="addToCollection")
    async def add_to_collection(
        self, info: Context, collection_id: CollectionId, document_ids: Ids
    ) -> Document:
        ctx = info.context
        collection = await documents.get(ctx, IdRef(str(collection_id)))
        added = await collections.add(ctx, collection, await _documents(info, document_ids))
        return Document.of(ctx, added)

    @strawberry.mutation(name="removeFromCollection")
    async def remove_from_collection(
        self, info: Context, collection_id: CollectionId, document_ids: Ids
    ) -> Document:
        ctx = info.context
        collection = await documents.get(ctx, IdRef(str(collection_id)))
        kept = await collections.remove(ctx, collection, await _documents(info, document_ids))
        return Document.of(ctx, kept)

    @strawberry.mutation(name="addToFavorites", description="The favorites collection after.")
    async def add_to_favorites(self, info: Context, document_ids: Ids) -> Document:
        ctx = info.context
        held = await collections.favorites(ctx)
        return Document.of(
            ctx, await collections.add(ctx, held, await _documents(info, document_ids))
        )

    @strawberry.mutation(name="removeFromFavorites")
    async def remove_from_favorites(self, info: Context, document_ids: Ids) -> Document:
        ctx = info.context
        held = await collections.favorites(ctx)
        docs = await _documents(info, document_ids)
        return Document.of(ctx, await collections.remove(ctx, held, docs))


def register(registry: Registry) -> None:
    registry.add_graphql(
        query=CollectionQuery, mutation=CollectionMutation, document=CollectionDocumentFields
    )
