"""Document enrichers: extra data written under ``contextParameters``.

Each takes a whole page of documents and answers one value per document,
so that a page costs one batched load, not one per entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from docgraph.db import documents as db_documents
from docgraph.db import proxies as db_proxies
from docgraph.plugins import Enricher
from docgraph.plugins.registry import EnricherFunc
from docgraph.resolvers import acls, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import ROOT_ID, Document, DocumentList

if TYPE_CHECKING:
    from docgraph.plugins import Registry


async def breadcrumbs(ctx: RequestContext, docs: Sequence[Document]) -> list[DocumentList]:
    """For each document, its ancestors top-down without the root, ending with
    the document itself; the walk up stops at the first one the user cannot
    read. All the pages' ancestors load in one statement."""
    wanted = list(dict.fromkeys(a for d in docs for a in d.ancestors if a != ROOT_ID))
    loaded = await ctx.loaders.by_id.load_many(wanted)
    by_id = {doc.id: doc for doc in loaded if doc is not None}
    trails = []
    for doc in docs:
        trail = [doc]
        for ancestor_id in reversed(doc.ancestors):
            ancestor = by_id.get(ancestor_id)
            if ancestor is None or not permissions.can_read(ctx.principal, ancestor):
                break
            trail.append(ancestor)
        trails.append(DocumentList(trail[::-1]))
    return trails


async def first_accessible_ancestors(
    ctx: RequestContext, docs: Sequence[Document]
) -> list[Document | None]:
    """For each document, its closest ancestor that is not trashed and that
    the user may read (where a trashed document would go back to)."""
    wanted = list(dict.fromkeys(a for d in docs for a in d.ancestors))
    loaded = await ctx.loaders.by_id.load_many(wanted)
    by_id = {doc.id: doc for doc in loaded if doc is not None}
    found: list[Document | None] = []
    for doc in docs:
        candidates = (by_id.get(a) for a in reversed(doc.ancestors))
        found.append(
            next(
                (
                    a
                    for a in candidates
                    if a is not None and not a.is_trashed and permissions.can_read(ctx.principal, a)
                ),
                None,
            )
        )
    return found


async def children_lists(ctx: RequestContext, docs: Sequence[Document]) -> list[DocumentList]:
    """Each folder's children the user may see, in the folder's order, in one
    statement for the page; at most a page's worth (``max_page_size``) each."""
    types = ctx.registry.types
    folders = [d for d in docs if types.of(d.type).has_facet("Folderish")]
    pages = (
        await db_documents.children_pages(
            ctx.db,
            [d.id for d in folders],
            ordered=False,
            readers=permissions.readers(ctx),
            hidden_types=(),
            limit=ctx.settings.max_page_size,
            offset=0,
            count_limit=0,  # the lists only
        )
        if folders
        else {}
    )
    return [
        DocumentList([Document.from_record(r) for r in pages[d.id].rows] if d.id in pages else [])
        for d in docs
    ]


async def publications(ctx: RequestContext, docs: Sequence[Document]) -> list[dict[str, int]]:
    """How many proxies show each document (or its versions)."""
    live_ids = [d.version_series_id if d.is_version else d.id for d in docs]
    counts = await db_proxies.counts(ctx.db, [i for i in live_ids if i is not None])
    return [{"resultsCount": counts.get(i, 0) if i is not None else 0} for i in live_ids]


async def subtypes(ctx: RequestContext, docs: Sequence[Document]) -> list[list[dict[str, Any]]]:
    """The types that may be created in each document, with their facets."""
    types = ctx.registry.types
    answers: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        if doc.type not in answers:
            allowed = (types.get(name) for name in types.of(doc.type).subtypes)
            answers[doc.type] = [
                {"type": t.name, "facets": list(t.facets)} for t in allowed if t is not None
            ]
    return [answers[doc.type] for doc in docs]


async def acl_lists(ctx: RequestContext, docs: Sequence[Document]) -> list[list[dict[str, Any]]]:
    """Each document's ACLs (``[{name, aces}]``), for those who may read its
    security; all the page's ACEs load in one statement."""
    readable = await permissions.holds(ctx, docs, permissions.READ_SECURITY)
    found = await acls.acps(ctx, [d for d, ok in zip(docs, readable, strict=True) if ok])
    by_id = {acp.document.id: acp for acp in found}
    now = datetime.now(UTC)
    return [
        [
            {"name": acl.name, "aces": [acls.ace_entry(ace, now) for ace in acl.aces]}
            for acl in by_id[doc.id].acls
        ]
        if doc.id in by_id
        else []
        for doc in docs
    ]


async def held_permissions(ctx: RequestContext, docs: Sequence[Document]) -> list[list[str]]:
    """Every registered permission the user holds on each document."""
    return await permissions.held(ctx, docs)


async def user_visible_permissions(
    ctx: RequestContext, docs: Sequence[Document]
) -> list[list[str]]:
    return [list(permissions.USER_VISIBLE) for _ in docs]


async def _with_children(
    ctx: RequestContext, docs: Sequence[Document], types: Sequence[str] | None
) -> list[bool]:
    registry_types = ctx.registry.types
    folders = [d for d in docs if registry_types.of(d.type).has_facet("Folderish")]
    found = (
        await db_documents.parents_with_children(
            ctx.db,
            [d.id for d in folders],
            hidden_types=registry_types.types_with_facet("HiddenInNavigation"),
            readers=permissions.readers(ctx),
            types=types,
        )
        if folders
        else set()
    )
    return [d.id in found for d in docs]


async def has_folderish_child(ctx: RequestContext, docs: Sequence[Document]) -> list[bool]:
    """Whether each document has a folderish child the user may see (tree UIs)."""
    folderish = ctx.registry.types.types_with_facet("Folderish")
    return await _with_children(ctx, docs, folderish)


async def has_content(ctx: RequestContext, docs: Sequence[Document]) -> list[bool]:
    """Whether each folder has a child the user may see, or each collection
    a member (the ids it keeps: no statement)."""
    children = await _with_children(ctx, docs, None)
    types = ctx.registry.types
    return [
        bool(doc.properties.get("collection:documentIds"))
        if types.of(doc.type).has_facet("Collection")
        else child
        for doc, child in zip(docs, children, strict=True)
    ]


def register(registry: Registry) -> None:
    # None of these reads the properties of the documents it enriches.
    property_free: list[tuple[str, EnricherFunc]] = [
        ("hasFolderishChild", has_folderish_child),
        ("acls", acl_lists),
        ("permissions", held_permissions),
        ("userVisiblePermissions", user_visible_permissions),
        ("breadcrumb", breadcrumbs),
        ("subtypes", subtypes),
        ("children", children_lists),
        ("firstAccessibleAncestor", first_accessible_ancestors),
        ("publications", publications),
    ]
    for name, func in property_free:
        registry.add_enricher(Enricher("document", name, func, reads_properties=False))
    # A collection's members are a property.
    registry.add_enricher(Enricher("document", "hasContent", has_content))
