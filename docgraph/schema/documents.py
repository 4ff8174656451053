"""Document types of the GraphQL schema. Names mirror Nuxeo's REST JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, cast
from uuid import UUID

import orjson
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.base import get_object_definition

from docgraph.errors import BadRequest
from docgraph.resolvers import (
    acls,
    audit,
    blobs,
    comments,
    documents,
    enrichers,
    keyset,
    lifecycle,
    permissions,
    previews,
    properties,
    rendered,
    renditions,
    search,
    tags,
    versions,
)
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document as DocumentModel
from docgraph.resolvers.model import EmptyDocument, Page, PageRequest
from docgraph.resolvers.rendered import ByType
from docgraph.resolvers.typesystem.coerce import format_date
from docgraph.resolvers.typesystem.model import ResolvedType, TypeRegistry
from docgraph.schema import audit as schema_audit
from docgraph.schema import compiled
from docgraph.schema.arguments import (
    FullText,
    PageIndex,
    PageSize,
    QueryParams,
    SortBy,
    SortOrder,
    page_request,
)
from docgraph.schema.audit import LogEntries
from docgraph.schema.blob import Blob, Rendition
from docgraph.schema.comments import Comment, Comments

Context = Info[RequestContext, None]


def _id(value: UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _doctype(info: Context, doc: DocumentModel) -> ResolvedType:
    return info.context.registry.types.with_facets(doc.type, doc.mixins)


def _rendered(
    ctx: RequestContext,
    type_name: str,
    values: Mapping[str, Any],
    schemas: list[str] | None,
    doc: DocumentModel | None = None,
) -> JSON:
    """``values`` (of ``doc``, when stored) written as JSON for the ``schemas``
    asked for (all by default)."""
    types = ctx.registry.types
    if schemas is not None:
        properties.check_schemas(types, schemas)
    doctype = types.of(type_name) if doc is None else types.with_facets(type_name, doc.mixins)
    selected = properties.select_schemas(doctype, schemas)
    return cast(JSON, properties.render(doctype, values, selected, blobs.writer(ctx, doc)))


@strawberry.interface(
    description="A document of the repository: the fields every document has. Each "
    "document type is an object type implementing it (schema.typed)."
)
class Document:
    # The fields that are the model's own values are plain attributes, set
    # once by ``of``: GraphQL reads them without calling a resolver each.
    model: strawberry.Private[DocumentModel]
    # The request it was read in: fields that need nothing else take no
    # resolve info, which costs more to build than most of them to answer.
    ctx: strawberry.Private[RequestContext]
    uid: strawberry.ID
    repository: str
    path: str | None
    name: str
    type: str
    title: str
    state: str
    parent_ref: strawberry.ID | None = strawberry.field(name="parentRef")
    change_token: str = strawberry.field(name="changeToken")

    is_checked_out: bool = strawberry.field(name="isCheckedOut")
    is_version: bool = strawberry.field(name="isVersion")
    is_proxy: bool = strawberry.field(name="isProxy")
    proxy_target_id: strawberry.ID | None = strawberry.field(
        name="proxyTargetId", description="What a proxy shows: a version or a live document."
    )
    versionable_id: strawberry.ID | None = strawberry.field(
        name="versionableId", description="The live document of a version or a proxy."
    )
    is_trashed: bool = strawberry.field(name="isTrashed")
    lock_owner: str | None = strawberry.field(name="lockOwner")
    lock_created: str | None = strawberry.field(name="lockCreated")

    @classmethod
    def of(cls, ctx: RequestContext, model: DocumentModel) -> Document:
        """The object of the document's own GraphQL type."""
        implementation = implementations.of(ctx.registry.types, model.type)
        return implementation(
            model=model,
            ctx=ctx,
            uid=strawberry.ID(model.uid),
            repository=model.repository,
            path=model.reported_path,
            name=model.name,
            type=model.type,
            title=model.title,
            state=model.state_name,
            parent_ref=_id(model.reported_parent_id),
            change_token=model.change_token,
            is_checked_out=model.is_checked_out,
            is_version=model.is_version,
            is_proxy=model.is_proxy,
            proxy_target_id=_id(model.proxy_target_id),
            versionable_id=_id(model.version_series_id)
            if model.is_version or model.is_proxy
            else None,
            is_trashed=model.is_trashed,
            lock_owner=model.lock_owner,
            lock_created=format_date(model.lock_created) if model.lock_created else None,
        )

    @strawberry.field(description="The facets of the type, then those added to this document.")
    def facets(self) -> list[str]:
        return documents.facets(self.ctx, self.model)

    @strawberry.field(name="lastModified")
    def last_modified(self) -> str | None:
        return documents.last_modified(self.ctx, self.model)

    @strawberry.field(description="Properties keyed prefix:field; all schemas by default.")
    def properties(self, schemas: list[str] | None = None) -> JSON:
        return _rendered(self.ctx, self.model.type, self.model.properties, schemas, self.model)

    @strawberry.field(description="One property, or a path inside one (files:files/0/file).")
    def property(self, info: Context, xpath: str) -> JSON | None:
        doctype = _doctype(info, self.model)
        ctx = info.context
        return properties.render_xpath(
            ctx.registry.types, doctype, self.model.properties, xpath, blobs.writer(ctx, self.model)
        )

    @strawberry.field(description="The ACLs (local first, then inherited); needs ReadSecurity.")
    async def acl(self, info: Context) -> list[ACL]:
        ctx = info.context
        await permissions.check(ctx, self.model, permissions.READ_SECURITY)
        now = datetime.now(UTC)
        found = await acls.acp(ctx, self.model)
        return [ACL.of(acl, now) for acl in found.acls]

    @strawberry.field(description="Every permission the current user holds on the document.")
    async def permissions(self, info: Context) -> list[str]:
        return await info.context.loaders.per_document(enrichers.held_permissions, self.model)

    @strawberry.field(
        name="userVisiblePermissions",
        description="The permissions a user interface offers to grant.",
    )
    async def user_visible_permissions(self, info: Context) -> list[str]:
        ctx = info.context
        return await ctx.loaders.per_document(enrichers.user_visible_permissions, self.model)

    @strawberry.field(
        name="hasFolderishChild",
        description="Whether a folderish child the user may see is below (tree views).",
    )
    async def has_folderish_child(self, info: Context) -> bool:
        return await info.context.loaders.per_document(enrichers.has_folderish_child, self.model)

    @strawberry.field(name="hasContent", description="Whether a child the user may see is below.")
    async def has_content(self, info: Context) -> bool:
        return await info.context.loaders.per_document(enrichers.has_content, self.model)

    @strawberry.field(description="The types that may be created here: [{type, facets}].")
    async def subtypes(self, info: Context) -> JSON:
        found = await info.context.loaders.per_document(enrichers.subtypes, self.model)
        return cast(JSON, found)

    @strawberry.field(
        description="The blob at xpath (file:content, files:files/0/file, blobholder:0); "
        "null when it is empty."
    )
    def blob(self, info: Context, xpath: str = blobs.MAIN_BLOB) -> Blob | None:
        found = blobs.find(info.context, self.model, xpath)
        return None if found is None else Blob.from_json(blobs.as_json(info.context, found))

    @strawberry.field(description="Every blob of the document, in schema and list order.")
    def blobs(self, info: Context) -> list[Blob]:
        ctx = info.context
        return [Blob.from_json(blobs.as_json(ctx, b)) for b in blobs.all_of(ctx, self.model)]

    @strawberry.field(
        name="previewUrl", description="Where a browser shows the main blob; null if nowhere."
    )
    def preview_url(self, info: Context) -> str | None:
        return previews.preview_url(info.context, self.model)

    @strawberry.field(description="The renditions the document has, and where to get them.")
    def renditions(self, info: Context) -> list[Rendition]:
        ctx = info.context
        return [
            Rendition(**renditions.rendition_json(ctx, self.model, r))
            for r in renditions.listed(ctx, self.model)
        ]

    @strawberry.field(
        name="versionLabel",
        description="major.minor, + once modified since the last version; empty if the "
        "document is not versionable.",
    )
    def version_label(self, info: Context) -> str:
        return versions.label(info.context, self.model)

    @strawberry.field(
        description="The document's versions (a version's: its series'), oldest first; "
        "empty without ReadVersion."
    )
    async def versions(self, info: Context) -> list[Document]:
        ctx = info.context
        found = await ctx.loaders.per_document(versions.series_of, self.model)
        return [Document.of(ctx, d) for d in found]

    @strawberry.field(
        name="allowedStateTransitions",
        description="The lifecycle transitions the document's state allows.",
    )
    def allowed_state_transitions(self, info: Context) -> list[str]:
        return lifecycle.allowed_transitions(info.context, self.model)

    @strawberry.field(
        name="firstAccessibleAncestor",
        description="The closest ancestor the user may read that is not in the trash.",
    )
    async def first_accessible_ancestor(self, info: Context) -> Document | None:
        ctx = info.context
        found = await ctx.loaders.per_document(enrichers.first_accessible_ancestors, self.model)
        return None if found is None else Document.of(ctx, found)

    @strawberry.field(name="thumbnailUrl", description="Where the document's thumbnail is.")
    async def thumbnail_url(self, info: Context) -> str:
        [found] = await renditions.thumbnail_enricher(info.context, [self.model])
        return cast(str, found["url"])

    @strawberry.field(description="How many proxies show the document or its versions.")
    async def publications(self, info: Context) -> int:
        found = await info.context.loaders.per_document(enrichers.publications, self.model)
        return int(found["resultsCount"])

    @strawberry.field(description="The document's tags (labels).")
    def tags(self) -> list[str]:
        return tags.labels(self.model)

    @strawberry.field(description="The document's history, newest first.")
    async def audit(
        self,
        info: Context,
        page_size: schema_audit.PageSize = 50,
        current_page_index: PageIndex = 0,
        event_ids: schema_audit.EventIds = None,
        principal_names: schema_audit.Principals = None,
        start_event_date: schema_audit.Since = None,
        end_event_date: schema_audit.Until = None,
    ) -> LogEntries:
        page = await audit.history(
            info.context,
            self.model,
            schema_audit.criteria(event_ids, principal_names, start_event_date, end_event_date),
            PageRequest(current_page_index, page_size),
        )
        return LogEntries.of(page)

    @strawberry.field(description="The comments on the document (not replies), newest first.")
    async def comments(
        self,
        info: Context,
        page_size: Annotated[
            int, strawberry.argument(name="pageSize", description="0: the largest page allowed")
        ] = 50,
        current_page_index: PageIndex = 0,
    ) -> Comments:
        compute = comments.pages_of(PageRequest(current_page_index, page_size))
        return Comments.of(await info.context.loaders.per_document(compute, self.model))

    @strawberry.field(description="The annotations of the document's blobs (of xpath if given).")
    async def annotations(self, info: Context, xpath: str | None = None) -> list[Comment]:
        found = await comments.page(
            info.context, self.model, PageRequest(0, 0), annotations=True, xpath=xpath
        )
        return [Comment.of(v) for v in found.entries]

    @strawberry.field
    async def parent(self, info: Context) -> Document | None:
        parent = await documents.parent(info.context, self.model)
        return None if parent is None else Document.of(info.context, parent)

    @strawberry.field(
        description="Ancestors top-down without the root, ending with this document; "
        "stops at the first ancestor the user cannot read (the breadcrumb enricher)."
    )
    async def breadcrumb(self, info: Context) -> list[Document]:
        trail = await info.context.loaders.per_document(enrichers.breadcrumbs, self.model)
        return [Document.of(info.context, d) for d in trail]

    @strawberry.field
    async def children(
        self,
        info: Context,
        current_page_index: Annotated[int | None, strawberry.argument(name="currentPageIndex")] = 0,
        page_size: Annotated[int | None, strawberry.argument(name="pageSize")] = 50,
        sort_by: Annotated[
            str | None,
            strawberry.argument(
                name="sortBy",
                description="Comma list of fields: dc:title, dc:modified, ecm:name, ...",
            ),
        ] = None,
        sort_order: Annotated[
            str | None,
            strawberry.argument(name="sortOrder", description="Comma list of asc or desc"),
        ] = None,
        offset: Annotated[
            int | None, strawberry.argument(description="First entry, instead of a page index")
        ] = None,
    ) -> Documents:
        ctx = info.context
        request = page_request(ctx, current_page_index or 0, page_size, sort_by, sort_order, offset)
        typename = implementations.typenames(ctx.registry.types)
        spec = compiled.children_page(info._raw_info, request, typename)
        if spec is not None:  # written by PostgreSQL, passed through as it is
            found = await rendered.children(ctx, self.model, spec)
            return cast(Documents, orjson.Fragment(found))
        page = await documents.children(ctx, self.model, request)
        return Documents.of(info.context, page)

    @strawberry.field(
        name="emptyWithDefault",
        description="A child of the given type, not stored, with its schemas' default "
        "values: what a creation form starts from (REST @emptyWithDefault).",
    )
    def empty_with_default(
        self, info: Context, type: str, name: str | None = None
    ) -> DocumentTemplate:
        ctx = info.context
        return DocumentTemplate.of(ctx, documents.empty(ctx, self.model, type, name))

    @strawberry.field(
        name="childrenConnection",
        description="The children as a Relay connection: keyset pages in the listing's "
        "order (title, or position in an ordered folder); any page costs what the first does.",
    )
    async def children_connection(
        self,
        info: Context,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> DocumentConnection:
        ctx = info.context
        count, cursor, backward = connection_window(ctx, first, after, last, before)
        found = await keyset.children(ctx, self.model, count, cursor, backward=backward)
        return DocumentConnection.of(ctx, found, cursor, backward)

    @strawberry.field(
        description="Live documents of this folder's subtree (of its parent's for a "
        "document), optionally narrowed by full-text words (REST @search)."
    )
    async def search(
        self,
        info: Context,
        full_text: FullText = None,
        current_page_index: PageIndex = 0,
        page_size: PageSize = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
    ) -> Documents:
        ctx = info.context
        page = page_request(ctx, current_page_index, page_size, sort_by, sort_order)
        return Documents.of(ctx, await search.within(ctx, self.model, page, full_text=full_text))

    @strawberry.field(
        name="pageProvider",
        description="A page provider with this document's id as its first parameter (REST @pp).",
    )
    async def page_provider(
        self,
        info: Context,
        name: str,
        query_params: QueryParams = None,
        current_page_index: PageIndex = 0,
        page_size: PageSize = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
    ) -> Documents:
        ctx = info.context
        page = page_request(ctx, current_page_index, page_size, sort_by, sort_order)
        found = await search.run_provider_on(
            ctx, self.model, name, query_params or [], page, sized=page_size is not None
        )
        return Documents.of(ctx, found)


@strawberry.type(
    name="GenericDocument",
    description="A document whose type is not (or no longer) registered.",
)
class GenericDocument(Document):
    pass


class Implementations:
    """The object type generated for each document type of a type registry
    (``schema.typed``), for ``Document.of``."""

    def __init__(self) -> None:
        self._by_registry: dict[int, tuple[TypeRegistry, dict[str, type[Document]]]] = {}
        self._typenames: dict[int, tuple[TypeRegistry, ByType]] = {}

    def register(self, types: TypeRegistry, generated: dict[str, type[Document]]) -> None:
        # The registry is kept with its entry, so that its id is never reused.
        self._by_registry[id(types)] = (types, generated)

    def typenames(self, types: TypeRegistry) -> ByType:
        """Each document type's GraphQL type, for SQL that writes ``__typename``."""
        found = self._by_registry.get(id(types))
        if found is None:
            return ByType((), GenericDocument.__name__)
        names = self._typenames.get(id(types))
        if names is None or names[0] is not types:
            generated = found[1]
            pairs = tuple(
                (t, get_object_definition(c, strict=True).name) for t, c in generated.items()
            )
            names = self._typenames[id(types)] = (types, ByType(pairs, GenericDocument.__name__))
        return names[1]

    def of(self, types: TypeRegistry, type_name: str) -> type[Document]:
        found = self._by_registry.get(id(types))
        if found is None:
            return GenericDocument
        return found[1].get(type_name, GenericDocument)


implementations = Implementations()


@strawberry.type(description="An access control entry: a grant or a denial.")
class ACE:
    id: str
    username: str
    permission: str
    granted: bool
    creator: str | None
    begin: str | None
    end: str | None
    status: str = strawberry.field(description="pending, effective or archived")


@strawberry.type(description="A named, ordered list of ACEs.")
class ACL:
    name: str
    aces: list[ACE]

    @classmethod
    def of(cls, acl: acls.ACL, now: datetime) -> ACL:
        entries = [acls.ace_entry(ace, now) for ace in acl.aces]
        return cls(
            name=acl.name,
            aces=[ACE(**{k: v for k, v in e.items() if k != "externalUser"}) for e in entries],
        )


@strawberry.type(description="A document not stored yet, with its default values.")
class DocumentTemplate:
    template: strawberry.Private[EmptyDocument]
    type: str
    name: str | None
    path: str | None
    parent_ref: strawberry.ID | None = strawberry.field(name="parentRef")
    facets: list[str]

    @classmethod
    def of(cls, ctx: RequestContext, template: EmptyDocument) -> DocumentTemplate:
        parent = template.parent
        return cls(
            template=template,
            type=template.type,
            name=template.name,
            path=template.path,
            parent_ref=None if parent is None else strawberry.ID(parent.uid),
            facets=list(ctx.registry.types.of(template.type).facets),
        )

    @strawberry.field(description="Default values keyed prefix:field; all schemas by default.")
    def properties(self, info: Context, schemas: list[str] | None = None) -> JSON:
        return _rendered(info.context, self.template.type, {}, schemas)


def connection_window(
    ctx: RequestContext, first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[int, str | None, bool]:
    """A Relay connection's arguments as (count, cursor, backward)."""
    backward = last is not None or before is not None
    if backward and (first is not None or after is not None):
        raise BadRequest("Page forward (first, after) or backward (last, before), not both")
    size = last if backward else first
    count = ctx.settings.default_page_size if size is None else size
    return count, before if backward else after, backward


@strawberry.type(description="A document and where it stands in its connection.")
class DocumentEdge:
    cursor: str
    node: Document


@strawberry.type(name="PageInfo", description="Relay's page information.")
class PageInfo:
    has_next_page: bool = strawberry.field(name="hasNextPage")
    has_previous_page: bool = strawberry.field(name="hasPreviousPage")
    start_cursor: str | None = strawberry.field(name="startCursor")
    end_cursor: str | None = strawberry.field(name="endCursor")


@strawberry.type(
    description="Documents as a Relay cursor connection: first/after forward, last/before back."
)
class DocumentConnection:
    edges: list[DocumentEdge]
    page_info: PageInfo = strawberry.field(name="pageInfo")

    @classmethod
    def of(
        cls, ctx: RequestContext, found: keyset.Slice, cursor: str | None, backward: bool
    ) -> DocumentConnection:
        edges = [
            DocumentEdge(cursor=c, node=Document.of(ctx, d))
            for d, c in zip(found.entries, found.cursors, strict=True)
        ]
        # Beyond the cursor there is more, since the cursor's own child is there.
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=cursor is not None if backward else found.has_more,
                has_previous_page=found.has_more if backward else cursor is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


@strawberry.type(description="A page of documents.")
class Documents:
    entries: list[Document]
    total_size: int = strawberry.field(name="totalSize")
    current_page_index: int = strawberry.field(name="currentPageIndex")
    page_size: int = strawberry.field(name="pageSize")
    number_of_pages: int = strawberry.field(name="numberOfPages")
    is_next_page_available: bool = strawberry.field(name="isNextPageAvailable")
    aggregations: JSON | None = strawberry.field(
        default=None,
        description="A search form's aggregates (default_search): id -> Nuxeo's aggregate "
        "JSON, buckets and counts.",
    )

    @classmethod
    def of(cls, ctx: RequestContext, page: Page[DocumentModel]) -> Documents:
        return cls(
            entries=[Document.of(ctx, d) for d in page.entries],
            total_size=page.total_size,
            current_page_index=page.page_index,
            page_size=page.page_size,
            number_of_pages=page.number_of_pages,
            is_next_page_available=page.is_next_page_available,
            aggregations=None if page.aggregations is None else cast(JSON, dict(page.aggregations)),
        )
