"""The root Query and Mutation, and the schema with its extensions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated

import strawberry
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig

from docgraph.errors import BadRequest, DocumentNotFound, NotFound
from docgraph.plugins import DuplicateContribution, Registry, build_registry
from docgraph.resolvers import documents, lifecycle, ordering, proxies, versions
from docgraph.resolvers import tags as tags_engine
from docgraph.resolvers.context import REPOSITORIES
from docgraph.resolvers.model import DocRef, IdRef, PathRef
from docgraph.resolvers.model import Document as DocumentModel
from docgraph.schema import typed
from docgraph.schema.blob import LONG, Long
from docgraph.schema.documents import Context, Document, Documents, GenericDocument
from docgraph.schema.files import UPLOAD, Upload


@strawberry.enum(description="How a save is versioned.")
class VersioningOption(Enum):
    MAJOR = versions.MAJOR
    MINOR = versions.MINOR
    NONE = versions.NONE


def _ref(id: strawberry.ID | None, path: str | None, what: str = "") -> DocRef:
    if (id is None) == (path is None):
        names = f"{what}Id and {what}Path" if what else "id and path"
        raise BadRequest(f"Give exactly one of {names}")
    return IdRef(str(id)) if id is not None else PathRef(path or "/")


@strawberry.type
class Query:
    @strawberry.field(description="A document by id or by path; null if it does not exist.")
    async def document(
        self,
        info: Context,
        id: strawberry.ID | None = None,
        path: str | None = None,
        repository: str | None = None,
    ) -> Document | None:
        if repository is not None and repository not in REPOSITORIES:
            raise NotFound(f"Repository not found: {repository}")
        ref = _ref(id, path)
        # The operation's only field loads alone: batching could not help.
        alone = len(info.operation.selection_set.selections) == 1
        try:
            doc = await documents.get(info.context, ref, alone=alone)
        except DocumentNotFound:
            return None
        return Document.of(info.context, doc)


async def _place(
    info: Context,
    place: Callable[..., Awaitable[DocumentModel]],
    id: strawberry.ID,
    target_id: strawberry.ID,
    name: str | None,
) -> Document:
    """Move or copy a document into another folder."""
    ctx = info.context
    doc = await documents.get(ctx, IdRef(str(id)))
    target = await documents.get(ctx, IdRef(str(target_id)))
    return Document.of(ctx, await place(ctx, doc, target, name))


@strawberry.type
class Mutation:
    @strawberry.mutation(name="createDocument")
    async def create_document(
        self,
        info: Context,
        type: str,
        name: str,
        parent_id: Annotated[strawberry.ID | None, strawberry.argument(name="parentId")] = None,
        parent_path: Annotated[str | None, strawberry.argument(name="parentPath")] = None,
        properties: JSON | None = None,
    ) -> Document:
        if properties is not None and not isinstance(properties, dict):
            raise BadRequest("properties must be a JSON object")
        ctx = info.context
        parent = await documents.get(ctx, _ref(parent_id, parent_path, "parent"))
        doc = await documents.create(
            ctx, parent, type_name=type, name=name, properties=properties or {}
        )
        return Document.of(ctx, doc)

    @strawberry.mutation(name="updateDocument")
    async def update_document(
        self,
        info: Context,
        id: strawberry.ID,
        properties: JSON,
        change_token: Annotated[str | None, strawberry.argument(name="changeToken")] = None,
        versioning: Annotated[
            VersioningOption | None,
            strawberry.argument(
                description="Check the document in after the save (MAJOR, MINOR) or not "
                "(NONE: no automatic version either); the live document is returned."
            ),
        ] = None,
    ) -> Document:
        if not isinstance(properties, dict):
            raise BadRequest("properties must be a JSON object")
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        updated = await documents.update(
            ctx,
            doc,
            properties,
            change_token=change_token,
            versioning=None if versioning is None else versioning.value,
        )
        return Document.of(ctx, updated)

    @strawberry.mutation(
        name="checkIn", description="A new version of the document; returns the live document."
    )
    async def check_in(
        self,
        info: Context,
        id: strawberry.ID,
        increment: VersioningOption = VersioningOption.MINOR,
        comment: str | None = None,
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        live, _ = await versions.check_in(ctx, doc, increment.value, comment)
        return Document.of(ctx, live)

    @strawberry.mutation(name="checkOut", description="Editable again after a check-in.")
    async def check_out(self, info: Context, id: strawberry.ID) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await versions.check_out(ctx, doc))

    @strawberry.mutation(
        name="restoreVersion",
        description="The version's live document takes its content; returns the live document.",
    )
    async def restore_version(
        self,
        info: Context,
        id: strawberry.ID,
        create_version: Annotated[bool, strawberry.argument(name="createVersion")] = False,
        checkout: bool = False,
    ) -> Document:
        ctx = info.context
        version = await documents.get(ctx, IdRef(str(id)))
        restored = await versions.restore(
            ctx, version, create_version=create_version, checkout=checkout
        )
        return Document.of(ctx, restored)

    @strawberry.mutation(
        name="publishDocument",
        description="A proxy of the document's last version in the section (checked in "
        "first if it changed); override replaces its proxy already there.",
    )
    async def publish_document(
        self,
        info: Context,
        id: strawberry.ID,
        section_id: Annotated[strawberry.ID, strawberry.argument(name="sectionId")],
        override: bool = True,
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        section = await documents.get(ctx, IdRef(str(section_id)))
        return Document.of(ctx, await proxies.publish(ctx, doc, section, override=override))

    @strawberry.mutation(
        name="orderDocument",
        description="Just before a sibling in an ordered folder (without one: last).",
    )
    async def order_document(
        self,
        info: Context,
        id: strawberry.ID,
        before_id: Annotated[strawberry.ID | None, strawberry.argument(name="beforeId")] = None,
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        before = None if before_id is None else await documents.get(ctx, IdRef(str(before_id)))
        return Document.of(ctx, await ordering.order_before(ctx, doc, before))

    @strawberry.mutation(name="tagDocument", description="Add tags to the document.")
    async def tag_document(self, info: Context, id: strawberry.ID, tags: list[str]) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await tags_engine.tag(ctx, doc, tags))

    @strawberry.mutation(name="untagDocument", description="Remove tags from the document.")
    async def untag_document(self, info: Context, id: strawberry.ID, tags: list[str]) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await tags_engine.untag(ctx, doc, tags))

    @strawberry.mutation(name="lockDocument", description="Lock for the current user.")
    async def lock_document(self, info: Context, id: strawberry.ID) -> Document:
        ctx = info.context
        return Document.of(ctx, await documents.lock(ctx, await documents.get(ctx, IdRef(str(id)))))

    @strawberry.mutation(name="unlockDocument", description="Its lock owner or an administrator.")
    async def unlock_document(self, info: Context, id: strawberry.ID) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await documents.unlock(ctx, doc))

    @strawberry.mutation(name="trashDocument", description="Into the trash, with its subtree.")
    async def trash_document(self, info: Context, id: strawberry.ID) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await lifecycle.trash(ctx, doc))

    @strawberry.mutation(name="untrashDocument", description="Out of the trash, with its subtree.")
    async def untrash_document(self, info: Context, id: strawberry.ID) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await lifecycle.untrash(ctx, doc))

    @strawberry.mutation(name="followTransition", description="A lifecycle transition.")
    async def follow_transition(
        self, info: Context, id: strawberry.ID, transition: str
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await lifecycle.follow_transition(ctx, doc, transition))

    @strawberry.mutation(name="moveDocument", description="Into another folder, with its subtree.")
    async def move_document(
        self,
        info: Context,
        id: strawberry.ID,
        target_id: Annotated[strawberry.ID, strawberry.argument(name="targetId")],
        name: str | None = None,
    ) -> Document:
        return await _place(info, documents.move, id, target_id, name)

    @strawberry.mutation(name="copyDocument", description="A deep copy, with new ids.")
    async def copy_document(
        self,
        info: Context,
        id: strawberry.ID,
        target_id: Annotated[strawberry.ID, strawberry.argument(name="targetId")],
        name: str | None = None,
    ) -> Document:
        return await _place(info, documents.copy, id, target_id, name)

    @strawberry.mutation(name="deleteDocument")
    async def delete_document(self, info: Context, id: strawberry.ID) -> bool:
        ctx = info.context
        await documents.delete(ctx, await documents.get(ctx, IdRef(str(id))))
        return True


def register(registry: Registry) -> None:
    registry.add_graphql(query=Query, mutation=Mutation, types=[Documents])


def _merge(name: str, parts: list[tuple[str, type]]) -> type | None:
    """One root type from every contribution's fields; a field contributed
    twice is an error naming both contributors."""
    if not parts:
        return None
    owners: dict[str, str] = {}
    for contributor, part in parts:
        for f in part.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if f.name in owners:
                raise DuplicateContribution(
                    f"GraphQL field {name}.{f.name} is contributed by {owners[f.name]!r} "
                    f"and by {contributor!r}"
                )
            owners[f.name] = contributor
    if len(parts) == 1:
        return parts[0][1]
    return strawberry.type(type(name, tuple(part for _, part in parts), {}))


def build_schema(registry: Registry | None = None) -> strawberry.Schema:
    """The schema of every GraphQL contribution; without a registry, docgraph's own.
    Requests run through ``pipeline.Pipeline``, not strawberry's ``execute``."""
    registry = registry or build_registry(enabled=())
    roots = {
        kind: _merge(
            kind.capitalize(),
            [(c.contributor, root) for c in registry.graphql if (root := getattr(c, kind))],
        )
        for kind in ("query", "mutation", "subscription")
    }
    query = roots["query"]
    if query is None:
        raise ValueError("no GraphQL Query type is registered")
    contributed = [t for c in registry.graphql for t in c.types]
    document_parts = [(c.contributor, c.document) for c in registry.graphql if c.document]

    def schema(types: list[type]) -> strawberry.Schema:
        return strawberry.Schema(
            query=query,
            mutation=roots["mutation"],
            subscription=roots["subscription"],
            types=[*contributed, *(part for _, part in document_parts), GenericDocument, *types],
            config=StrawberryConfig(scalar_map={Long: LONG, Upload: UPLOAD}),
        )

    # The document types are named after the registry's; the names the rest
    # of the schema already uses are left to it.
    taken = schema([])._schema.type_map
    built = schema(typed.document_types(registry.types, taken))
    _extend_documents(built._schema, document_parts)
    return built


def _extend_documents(schema: GraphQLSchema, parts: list[tuple[str, type]]) -> None:
    """Plugins' document fields join the Document interface and everything
    implementing it. strawberry converted each part as an object type of its
    own; its fields (resolvers included) move over and the type goes. The
    schema stays valid: every implementation gets the same fields."""
    if not parts:
        return
    interface = schema.type_map["Document"]
    assert isinstance(interface, GraphQLInterfaceType)
    found = schema.get_implementations(interface)
    targets: list[GraphQLInterfaceType | GraphQLObjectType] = [
        interface,
        *found.interfaces,
        *found.objects,
    ]
    owners: dict[str, str] = {}
    for contributor, part in parts:
        helper = schema.type_map.pop(part.__strawberry_definition__.name)  # type: ignore[attr-defined]
        assert isinstance(helper, GraphQLObjectType)
        for name, field in helper.fields.items():
            taken = owners.get(name) or next(
                (f"docgraph (on {t.name})" for t in targets if name in t.fields), None
            )
            if taken:
                raise DuplicateContribution(
                    f"GraphQL field Document.{name} is contributed by {taken!r} "
                    f"and by {contributor!r}"
                )
            owners[name] = contributor
            for target in targets:
                target.fields[name] = field
