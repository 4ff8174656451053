"""Directories in GraphQL: ``directories`` and ``directory(name)`` with
paged entries, through the same engine calls as ``/directory``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from docgraph.errors import BadRequest
from docgraph.plugins import Directory as DirectoryModel
from docgraph.resolvers import directories
from docgraph.resolvers.directories import DirectoryEntry as EntryModel
from docgraph.resolvers.model import PageRequest
from docgraph.schema.arguments import page_fields
from docgraph.schema.documents import Context

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@strawberry.type(description="An entry of a directory: its id and every field of its schema.")
class DirectoryEntry:
    id: str
    directory_name: str = strawberry.field(name="directoryName")
    properties: JSON

    @classmethod
    def of(cls, entry: EntryModel) -> DirectoryEntry:
        return cls(
            id=entry.id, directory_name=entry.directory, properties=cast(JSON, entry.properties)
        )


@strawberry.type(description="A page of directory entries, in the directory's order.")
class DirectoryEntries:
    entries: list[DirectoryEntry]
    total_size: int = strawberry.field(name="totalSize")
    current_page_index: int = strawberry.field(name="currentPageIndex")
    page_size: int = strawberry.field(name="pageSize")
    number_of_pages: int = strawberry.field(name="numberOfPages")


@strawberry.type(description="A directory (vocabulary).")
class Directory:
    model: strawberry.Private[DirectoryModel]
    name: str
    schema: str
    id_field: str = strawberry.field(name="idField")
    parent: str | None

    @classmethod
    def of(cls, model: DirectoryModel) -> Directory:
        return cls(
            model=model,
            name=model.name,
            schema=model.schema,
            id_field=model.id_field,
            parent=model.parent,
        )

    @strawberry.field(description="A page of entries (pageSize 0: the largest page allowed).")
    async def entries(
        self,
        info: Context,
        page_size: Annotated[int, strawberry.argument(name="pageSize")] = (
            directories.DEFAULT_PAGE_SIZE
        ),
        current_page_index: Annotated[int, strawberry.argument(name="currentPageIndex")] = 0,
    ) -> DirectoryEntries:
        page = await directories.entries(
            info.context, self.name, PageRequest(current_page_index, page_size)
        )
        return DirectoryEntries(
            entries=[DirectoryEntry.of(e) for e in page.entries], **page_fields(page)
        )

    @strawberry.field(description="One entry by id; null if there is none.")
    async def entry(self, info: Context, id: str) -> DirectoryEntry | None:
        found = await directories.find_entry(info.context, self.name, id)
        return None if found is None else DirectoryEntry.of(found)


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="The directories (without types: all but system ones).")
    def directories(self, info: Context, types: list[str] | None = None) -> list[Directory]:
        return [Directory.of(d) for d in directories.listed(info.context, types or ())]

    @strawberry.field(description="A directory by name.")
    def directory(self, info: Context, name: str) -> Directory:
        return Directory.of(directories.definition(info.context, name))


@strawberry.type
class DirectoryMutation:
    @strawberry.mutation(
        name="createDirectoryEntry",
        description="A new entry from its fields (administrators and power users).",
    )
    async def create_directory_entry(
        self, info: Context, directory: str, properties: JSON
    ) -> DirectoryEntry:
        values = _values(properties)
        return DirectoryEntry.of(await directories.create_entry(info.context, directory, values))

    @strawberry.mutation(name="updateDirectoryEntry", description="Change the fields given.")
    async def update_directory_entry(
        self, info: Context, directory: str, id: str, properties: JSON
    ) -> DirectoryEntry:
        values = _values(properties)
        return DirectoryEntry.of(
            await directories.update_entry(info.context, directory, id, values)
        )

    @strawberry.mutation(name="deleteDirectoryEntry")
    async def delete_directory_entry(self, info: Context, directory: str, id: str) -> bool:
        await directories.delete_entry(info.context, directory, id)
        return True


def _values(properties: JSON) -> dict[str, Any]:
    if not isinstance(properties, dict):
        raise BadRequest("properties must be a JSON object")
    return properties


def register(registry: Registry) -> None:
    registry.add_graphql(query=DirectoryQuery, mutation=DirectoryMutation)
