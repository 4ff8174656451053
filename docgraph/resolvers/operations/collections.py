"""Collections and favorites operations, and the user's personal workspace."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from docgraph.resolvers import collections, userworkspaces
from docgraph.resolvers.model import Document, DocumentList, Page, PageRequest
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

# A list input is taken whole: one change of the collection, not one per member
# (the members themselves are never written, so their rows are not locked).
_DOCS = [("document", "document"), ("documents", "documents")]
Input = Document | DocumentList | Page[Document]


def _listed(value: Input) -> list[Document]:
    return [value] if isinstance(value, Document) else list(value)


_COLLECTION = Param("collection", type="document", required=True)
_PAGING = [
    Param("pageSize", type="integer", default=0, arg="page_size"),
    Param("currentPageIndex", type="integer", default=0, aliases=("page",), arg="page_index"),
]


@operation(
    "Collection.Create",
    aliases=["Collection.CreateCollection"],
    label="Create a collection",
    category="Document",
    signature=[("void", "document"), ("document", "document")],
    writes=True,
    params=[Param("name", required=True), Param("description")],
    description="Create a collection in the input folder, or in the user's own Collections.",
)
async def create(
    call: OperationCall, folder: Document | None, *, name: str, description: str | None
) -> Document:
    return await collections.create(call.ctx, name, description, folder)


@operation(
    "Document.AddToCollection",
    aliases=["Collection.AddToCollection"],
    label="Add to collection",
    category="Document",
    signature=_DOCS,
    params=[_COLLECTION],
    description="Add the input documents to a collection.",
)
async def add_to_collection(call: OperationCall, value: Input, *, collection: Document) -> Input:
    await collections.add(call.ctx, collection, _listed(value))
    return value


@operation(
    "Collection.RemoveFromCollection",
    label="Remove from collection",
    category="Document",
    signature=_DOCS,
    params=[_COLLECTION],
    description="Remove the input documents from a collection.",
)
async def remove_from_collection(
    call: OperationCall, value: Input, *, collection: Document
) -> Input:
    await collections.remove(call.ctx, collection, _listed(value))
    return value


@operation(
    "Collection.GetDocumentsFromCollection",
    label="Get documents from collection",
    category="Document",
    signature=[("document", "documents")],
    params=_PAGING,
    description="A page of the members of the input collection the user may see.",
)
async def members(
    call: OperationCall, collection: Document, *, page_size: int, page_index: int
) -> Page[Document]:
    return await collections.members(call.ctx, collection, PageRequest(page_index, page_size))


@operation(
    "User.GetCollections",
    aliases=["Collection.GetCollections"],
    label="Get collections",
    category="User Interface",
    signature=[("void", "documents")],
    params=[Param("searchTerm", arg="search_term"), *_PAGING],
    description="The collections the user may see whose title is like searchTerm.",
)
async def user_collections(
    call: OperationCall, _input: None, *, search_term: str | None, page_size: int, page_index: int
) -> Page[Document]:
    return await collections.of_user(call.ctx, search_term, PageRequest(page_index, page_size))


@operation(
    "Document.AddToFavorites",
    label="Add to favorites",
    category="Document",
    signature=_DOCS,
    description="Add the input documents to the user's favorites.",
)
async def add_to_favorites(call: OperationCall, value: Input) -> Input:
    await collections.add(call.ctx, await collections.favorites(call.ctx), _listed(value))
    return value


@operation(
    "Document.RemoveFromFavorites",
    label="Remove from favorites",
    category="Document",
    signature=_DOCS,
    description="Remove the input documents from the user's favorites.",
)
async def remove_from_favorites(call: OperationCall, value: Input) -> Input:
    held = await collections.existing_favorites(call.ctx)
    if held is not None:
        await collections.remove(call.ctx, held, _listed(value))
    return value


@operation(
    "Favorite.Fetch",
    label="Fetch favorites",
    category="Document",
    signature=[("void", "document")],
    writes=True,
    description="The user's favorites collection (made the first time).",
)
async def fetch_favorites(call: OperationCall, _input: None) -> Document:
    return await collections.favorites(call.ctx)


@operation(
    "Favorite.GetDocuments",
    aliases=["Collection.GetElementsInFavorite"],
    label="Get favorites",
    category="Document",
    signature=[("void", "documents"), ("document", "documents")],
    writes=True,
    params=_PAGING,
    description="A page of the user's favorites.",
)
async def favorite_documents(
    call: OperationCall, _input: Document | None, *, page_size: int, page_index: int
) -> Page[Document]:
    held = await collections.favorites(call.ctx)
    return await collections.members(call.ctx, held, PageRequest(page_index, page_size))


@operation(
    "User.GetUserWorkspace",
    aliases=["UserWorkspace.Get"],
    label="Get the user's workspace",
    category="User Interface",
    signature=[("void", "document")],
    writes=True,
    description="The user's personal workspace (made the first time).",
)
async def user_workspace(call: OperationCall, _input: None) -> Document:
    return await userworkspaces.personal_workspace(call.ctx)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
