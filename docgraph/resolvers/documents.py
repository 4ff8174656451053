"""Documents: get, create, update, delete, children. Both APIs call these."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from docgraph.db import acls as db_acls
from docgraph.db import documents as db_documents
from docgraph.db.documents import MAX_SORT_KEYS, Projection
from docgraph.db.pool import Record
from docgraph.errors import BadRequest, ConcurrentUpdate, Conflict, DocumentNotFound, UnknownType
from docgraph.resolvers import blobs, events, paging, permissions, versions, vocabularies
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.events import ChangeEvent
from docgraph.resolvers.loaders import ChildrenKey
from docgraph.resolvers.model import (
    DocRef,
    Document,
    EmptyDocument,
    IdRef,
    Page,
    PageRequest,
    SortKey,
    place_versions,
    series_ids,
)
from docgraph.resolvers.permissions import ACE
from docgraph.resolvers.properties import (
    ALL_SCHEMAS,
    apply_input,
    system_properties_for_create,
    system_properties_for_update,
)
from docgraph.resolvers.typesystem.lifecycles import INITIAL_STATES
from docgraph.resolvers.typesystem.model import ResolvedType

# nuxeo.path.segment.maxsize
MAX_NAME_LENGTH = 24
# Paths are unique in a btree index, whose entries hold at most ~2.7 kB.
MAX_PATH_BYTES = 2048
_ONLY_PUNCTUATION = re.compile(r"^[\W_]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_NAME_ATTEMPTS = 100
# The advisory lock moves take in turn.
_MOVE_LOCK = 0x6D6F7665
# Types whose creator receives Everything on the new document.
CREATOR_GRANTED = frozenset({"Workspace"})
# Counters are bigints: more digits cannot match, and would cost a huge int().
_TOKEN = re.compile(r"^(\d{1,19})-(\d{1,19})$")


def normalize_path(path: str) -> str:
    segments = [s for s in path.split("/") if s]
    return "/" + "/".join(segments)


def child_path(parent: Document, name: str) -> str:
    assert parent.path is not None
    return f"{parent.path.rstrip('/')}/{name}"


async def load(ctx: RequestContext, ref: DocRef, *, alone: bool = False) -> Document | None:
    """The document behind ``ref`` in the request's repository, unchecked;
    ``alone``: nothing else loads concurrently, so batching cannot help."""
    doc: Document | None
    loaders = ctx.loaders
    if isinstance(ref, IdRef):
        try:
            doc_id = UUID(ref.id)
        except ValueError:
            return None
        doc = await (loaders.one_by_id(doc_id) if alone else loaders.by_id.load(doc_id))
    elif "\x00" in ref.path:
        return None
    else:
        path = normalize_path(ref.path)
        doc = await (loaders.one_by_path(path) if alone else loaders.by_path.load(path))
    if doc is None or doc.repository != ctx.repository:
        return None
    return doc


async def get(ctx: RequestContext, ref: DocRef, *, alone: bool = False) -> Document:
    """Raises DocumentNotFound (message: the id or path) or Forbidden."""
    doc = await load(ctx, ref, alone=alone)
    if doc is None:
        raise DocumentNotFound(ref.id if isinstance(ref, IdRef) else ref.path)
    permissions.check_read(ctx, doc)
    return doc


async def get_child(ctx: RequestContext, parent: Document, name: str) -> Document:
    path = child_path(parent, name)
    doc = None if "\x00" in path else await ctx.loaders.by_path.load(path)
    if doc is None or doc.repository != ctx.repository:
        raise DocumentNotFound(path)
    permissions.check_read(ctx, doc)
    return doc


async def reload(ctx: RequestContext, ids: Sequence[UUID]) -> list[Document]:
    """The documents as they are now in the request's transaction (after a
    set-based write), replacing what the loaders hold."""
    rows = await db_documents.by_ids(ctx.db, ids)
    found = {row["id"]: Document.from_record(row) for row in rows}
    docs = [found[i] for i in ids if i in found]
    ctx.loaders.prime_all(docs)
    return docs


async def placed(docs: list[Document], ctx: RequestContext) -> list[Document]:
    """The documents, versions among them told their live document's path and
    parent (what they report), in one load for all of them."""
    if not (wanted := series_ids(docs)):
        return docs
    loaded = await ctx.loaders.by_id.load_many(wanted)
    return place_versions(docs, {d.id: d for d in loaded if d is not None})


async def parent(ctx: RequestContext, doc: Document) -> Document | None:
    """The parent (a version's: its live document's)."""
    parent_id = doc.reported_parent_id
    if parent_id is None:
        return None
    return await get(ctx, IdRef(str(parent_id)))


def facets(ctx: RequestContext, doc: Document) -> list[str]:
    """The facets of the type, then those added to this document."""
    type_facets = ctx.registry.types.of(doc.type).facets
    return [*type_facets, *(m for m in doc.mixins if m not in type_facets)]


async def set_facet(ctx: RequestContext, doc: Document, facet: str, *, present: bool) -> Document:
    """Add (``present``) or remove one of the document's own facets; the
    type's facets stay. A facet's schemas come and go with it: removing it
    drops the values of the schemas the document keeps no other way."""
    known = ctx.registry.types.facets.get(facet)
    if known is None:
        raise BadRequest(f"No such facet: {facet[:64]}")
    versions.require_live(doc, "changed")
    base = resolve_type(ctx, doc.type)
    if not present and base.has_facet(facet):
        raise BadRequest(f"Facet {facet} comes with type {doc.type}: it cannot be removed")
    doc = await for_write(ctx, doc, permissions.WRITE_PROPERTIES)
    mixins = [m for m in doc.mixins if m != facet] + ([facet] if present else [])
    if mixins == list(doc.mixins) or (present and base.has_facet(facet)):
        return doc
    kept = {schema.name for schema in ctx.registry.types.with_facets(doc.type, mixins).schemas}
    dropped = [
        key
        for schema in doctype_of(ctx, doc).schemas
        if schema.name not in kept
        for key, _ in schema.keyed
    ]
    row = await db_documents.set_mixins(ctx.work.db, doc.id, mixins, dropped)
    assert row is not None  # locked FOR UPDATE above
    changed = Document.from_record(row)
    ctx.work.emit(ctx, change(ctx, events.MODIFIED, changed, datetime.now(UTC)))
    return changed


# What a document's JSON shows outside its schemas: its title, its last change.
_ALWAYS_SHOWN = ("dc:title", "dc:modified")


def listing_projection(ctx: RequestContext) -> Projection | None:
    """The properties a page written straight out needs: those of the
    schemas the request renders, when it names some and every enricher it
    asks for leaves properties alone; None (all of them) otherwise."""
    options = ctx.rendering
    wanted = options.properties
    if wanted is None or ALL_SCHEMAS in wanted:
        return None
    for name in options.enrichers_of("document"):
        enricher = ctx.registry.enrichers.get(("document", name))
        if enricher is None or enricher.reads_properties:
            return None
    lowered = {w.lower() for w in wanted}
    schemas = ctx.registry.types.schemas.values()
    prefixes = sorted({s.prefix for s in schemas if s.name.lower() in lowered})
    return Projection(tuple(prefixes), _ALWAYS_SHOWN)


def last_modified(ctx: RequestContext, doc: Document) -> str | None:
    if not ctx.registry.types.of(doc.type).has_schema("dublincore"):
        return None
    return doc.properties.get("dc:modified")


def require_folder(ctx: RequestContext, doc: Document, action: str) -> None:
    """A 400 unless ``doc`` is a folder in the tree (``action``: what cannot
    be done in it otherwise)."""
    doctype = ctx.registry.types.get(doc.type)
    if doc.path is None or doctype is None or not doctype.has_facet("Folderish"):
        raise BadRequest(f"Cannot {action} non-folderish document {doc.uid}")


# An audit comment (Update-Comment) is kept to this many characters.
MAX_COMMENT = 4096


def doctype_of(ctx: RequestContext, doc: Document) -> ResolvedType:
    """The document's type with the facets added to it alone (AddFacet), and
    their schemas: what its properties are validated and rendered against."""
    return ctx.registry.types.with_facets(doc.type, doc.mixins)


def resolve_type(ctx: RequestContext, type_name: str) -> ResolvedType:
    doctype = ctx.registry.types.get(type_name)
    if doctype is None:
        raise UnknownType(f"Type: {type_name} does not exist")
    return doctype


def empty(
    ctx: RequestContext, parent_doc: Document | None, type_name: str | None, name: str | None
) -> EmptyDocument:
    """A document of ``type_name`` with its default values, not stored; under
    ``parent_doc`` (which the user may read) when given."""
    if not type_name or not type_name.strip():
        raise BadRequest("Missing type parameter")
    resolve_type(ctx, type_name)
    if parent_doc is not None:
        permissions.check_read(ctx, parent_doc)
    return EmptyDocument(type_name, path_segment(name) if name else None, parent_doc)


def path_segment(name: str) -> str:
    """Nuxeo's path segment rules: no separators, trimmed, at most 24 characters,
    and a generated name for one made only of punctuation and spaces. Control
    characters (newlines, NUL, ...) become spaces."""
    if "\x00" in name:
        raise BadRequest("A document name cannot contain a NUL character")
    segment = _CONTROL.sub(" ", name).replace("/", "-").replace("\\", "-").strip()
    if _ONLY_PUNCTUATION.match(segment):
        return secrets.token_hex(8)
    return segment[:MAX_NAME_LENGTH].strip()


async def create(
    ctx: RequestContext,
    parent_doc: Document,
    *,
    type_name: str,
    name: str,
    properties: Mapping[str, Any] | None = None,
    lenient: bool = False,
) -> Document:
    """Create a child of ``parent_doc``; a name taken by a sibling gets a
    ``.<epoch millis>`` suffix, as in Nuxeo."""
    doctype = resolve_type(ctx, type_name)
    if doctype.name == "Root":
        raise BadRequest("A repository has one root: a Root document cannot be created")
    require_folder(ctx, parent_doc, "create a child in")
    await permissions.check(ctx, parent_doc, permissions.ADD_CHILDREN)
    user = ctx.principal.username
    # The creator of a workspace gets Everything on it (a local ACE).
    creator_ace = (
        ACE(user, permissions.EVERYTHING, True, user)
        if doctype.name in CREATOR_GRANTED and user != permissions.SYSTEM
        else None
    )
    read_acl = list(parent_doc.read_acl)
    if creator_ace is not None:
        read_acl = permissions.read_acl_with_grant(read_acl, user)
    now = datetime.now(UTC)
    incoming = await blobs.resolve_inputs(ctx, doctype, None, properties or {}, lenient=lenient)
    values = apply_input(ctx.registry.types, doctype, {}, incoming, lenient=lenient)
    await vocabularies.check(ctx, doctype, values)
    values.update(system_properties_for_create(doctype, user, now))
    unit = ctx.work

    def insert(name: str, path: str) -> Awaitable[Record | None]:
        return db_documents.insert(
            unit.db,
            id=uuid4(),
            repository=parent_doc.repository,
            parent_id=parent_doc.id,
            name=name,
            path=path,
            type=doctype.name,
            lifecycle_state=INITIAL_STATES.get(doctype.lifecycle or ""),
            properties=values,
            ancestors=(*parent_doc.ancestors, parent_doc.id),
            read_acl=read_acl,
            now=now,
        )

    doc = Document.from_record(await insert_named(parent_doc, path_segment(name), insert))
    if creator_ace is not None:
        ace = creator_ace
        await db_acls.replace_acl(
            unit.db,
            doc.id,
            "local",
            [(ace.principal, ace.permission, ace.granted, ace.creator, None, None)],
        )
    unit.emit(ctx, change(ctx, events.CREATED, doc, now))
    return doc


async def insert_named(
    parent_doc: Document, base: str, insert: Callable[[str, str], Awaitable[Record | None]]
) -> Record:
    """Insert a child of ``parent_doc`` by ``insert(name, path)``, which
    answers None when the name is taken: then a ``.<epoch millis>`` suffix is
    tried, as in Nuxeo (siblings created in the same millisecond, as in a
    bulk create, take the next free number)."""
    if len(child_path(parent_doc, base).encode()) > MAX_PATH_BYTES - 16:
        raise BadRequest(f"The path of the new document would exceed {MAX_PATH_BYTES} bytes")
    candidate = base
    millis = int(time.time() * 1000)
    for attempt in range(_NAME_ATTEMPTS):
        row = await insert(candidate, child_path(parent_doc, candidate))
        if row is not None:
            return row
        candidate = f"{base}.{millis + attempt}"
    raise Conflict(f"Could not find a free name for {base!r} in {parent_doc.path}")


def change(
    ctx: RequestContext,
    kind: str,
    doc: Document,
    at: datetime,
    details: tuple[tuple[str, Any], ...] = (),
) -> ChangeEvent:
    """The event of a change to ``doc`` (its state after) by the request's principal."""
    return ChangeEvent(
        kind=kind,
        repository=doc.repository,
        doc_id=doc.id,
        parent_id=doc.parent_id,
        path=doc.path,
        doc_type=doc.type,
        principal=ctx.principal.username,
        at=at,
        document=None if kind == events.DELETED else doc,
        details=details,
    )


def check_change_token(doc: Document, token: str | None) -> None:
    """Only the user-change counter (second part) is compared, as in Nuxeo."""
    if token is None:
        return
    match = _TOKEN.match(token.strip())
    if match is None or int(match.group(2)) != doc.user_change:
        raise ConcurrentUpdate(doc.uid)


async def update(
    ctx: RequestContext,
    doc: Document,
    properties: Mapping[str, Any],
    *,
    change_token: str | None = None,
    lenient: bool = False,
    versioning: str | None = None,
    comment: str | None = None,
) -> Document:
    """Merge ``properties`` into the document: keys not sent keep their value.
    The versioning policies apply around the save; ``versioning`` (MAJOR,
    MINOR, NONE) is the caller's explicit option; ``comment`` goes with the
    change (its audit entry)."""
    doctype = doctype_of(ctx, doc)
    unit = ctx.work
    versions.require_live(doc, "modified")
    if doc.is_proxy:
        raise BadRequest(f"Document {doc.uid} is a proxy: edit the document it shows")
    doc = await for_write(ctx, doc, permissions.WRITE)
    check_change_token(doc, change_token)
    incoming = await blobs.resolve_inputs(ctx, doctype, doc, properties, lenient=lenient)
    changes = apply_input(ctx.registry.types, doctype, doc.properties, incoming, lenient=lenient)
    await vocabularies.check(ctx, doctype, changes)
    if not changes:
        return await versions.after_update(ctx, doc, versioning) if versioning else doc
    doc = await versions.before_update(ctx, doc)
    now = datetime.now(UTC)
    merged = {
        **doc.properties,
        **changes,
        **system_properties_for_update(doctype, doc.properties, ctx.principal.username, now),
    }
    row = await db_documents.update_properties(unit.db, doc.id, merged, now=now, user_change=True)
    assert row is not None
    updated = Document.from_record(row)
    details = () if comment is None else (("comment", comment[:MAX_COMMENT]),)
    unit.emit(ctx, change(ctx, events.MODIFIED, updated, now, details))
    return await versions.after_update(ctx, updated, versioning)


def check_not_locked(ctx: RequestContext, doc: Document) -> None:
    """A document locked by someone else cannot be written (409)."""
    if doc.lock_owner is not None and doc.lock_owner != ctx.principal.username:
        raise Conflict(f"Document {doc.uid} is locked by {doc.lock_owner}")


async def for_write(
    ctx: RequestContext, doc: Document, permission: str, *, mind_lock: bool = True
) -> Document:
    """The document as it is now, its row locked until the unit of work ends,
    once ``permission`` is checked and (``mind_lock``) nobody else's lock
    stands in the way. Every write starts here."""
    row = await db_documents.lock_for_update(ctx.work.db, doc.id)
    if row is None:
        raise DocumentNotFound(doc.uid)
    current = Document.from_record(row)
    await permissions.check(ctx, current, permission)
    if mind_lock:
        check_not_locked(ctx, current)
    return current


async def lock(ctx: RequestContext, doc: Document) -> Document:
    """Lock the document for the request's user; locking one's own lock again
    changes nothing, someone else's is a 409."""
    unit = ctx.work
    doc = await for_write(ctx, doc, permissions.WRITE)
    if doc.lock_owner is not None:
        return doc
    now = datetime.now(UTC)
    row = await db_documents.set_lock(unit.db, doc.id, ctx.principal.username, now)
    assert row is not None  # locked FOR UPDATE above
    locked = Document.from_record(row)
    unit.emit(ctx, change(ctx, events.LOCKED, locked, now))
    return locked


async def unlock(ctx: RequestContext, doc: Document) -> Document:
    """Remove the lock: its owner or an administrator may (409 for others)."""
    unit = ctx.work
    doc = await for_write(ctx, doc, permissions.WRITE, mind_lock=not ctx.principal.is_administrator)
    if doc.lock_owner is None:
        return doc
    now = datetime.now(UTC)
    row = await db_documents.set_lock(unit.db, doc.id, None, now)
    assert row is not None  # locked FOR UPDATE above
    unlocked = Document.from_record(row)
    unit.emit(ctx, change(ctx, events.UNLOCKED, unlocked, now))
    return unlocked


async def lock_in_order(ctx: RequestContext, docs: Iterable[Document]) -> None:
    """Lock the rows of documents about to be written, sorted by id: two
    requests writing the same documents in opposite orders then queue
    instead of deadlocking."""
    await db_documents.lock_rows(ctx.work.db, sorted({doc.id for doc in docs}))


async def delete(ctx: RequestContext, doc: Document) -> None:
    """Remove the document and its whole subtree, permanently."""
    if doc.parent_id is None:
        raise BadRequest("The root document cannot be removed")
    unit = ctx.work
    await for_write(ctx, doc, permissions.REMOVE)
    await db_documents.delete_subtree(unit.db, doc.id)
    unit.emit(ctx, change(ctx, events.DELETED, doc, datetime.now(UTC)))


async def _placement(
    ctx: RequestContext, doc: Document, target: Document, name: str | None
) -> tuple[Document, str, str]:
    """Where ``doc`` would go below ``target``: the target as it is now, the
    free name (a taken one gets a ``.<epoch millis>`` suffix, as on create)
    and the new path; 400 for a non-folder target or paths grown too long."""
    require_folder(ctx, target, "put a document into")
    db = ctx.work.db
    base = path_segment(name) if name else doc.name
    candidate = base
    if (target.id, candidate) != (doc.parent_id, doc.name) and await db_documents.sibling_named(
        db, target.id, candidate
    ):
        candidate = f"{base}.{int(time.time() * 1000)}"
    new_path = child_path(target, candidate)
    # (A version, outside the tree, has no path: copied, it is one document.)
    longest = await db_documents.longest_path_below(db, doc.id)
    if longest - len((doc.path or "").encode()) + len(new_path.encode()) > MAX_PATH_BYTES:
        raise BadRequest(f"Paths below the document would exceed {MAX_PATH_BYTES} bytes")
    return target, candidate, new_path


async def _current(ctx: RequestContext, doc: Document) -> Document:
    [row] = await db_documents.by_ids(ctx.work.db, [doc.id]) or [None]
    if row is None:
        raise DocumentNotFound(doc.uid)
    return Document.from_record(row)


async def _recompute_read_acl(ctx: RequestContext, root_id: UUID) -> None:
    """Inherited ACEs changed for a whole subtree (a move, a copy)."""
    browse = sorted(permissions.included_in(permissions.BROWSE))
    await db_acls.recompute_read_acl(ctx.work.db, root_id, browse)


async def move(
    ctx: RequestContext, doc: Document, target: Document, name: str | None = None
) -> Document:
    """Move ``doc`` (with its subtree) under ``target``, renamed to ``name`` if
    given. Paths, ancestors and read ACLs of the whole subtree follow in
    set-based statements. Needs Remove on the document and AddChildren on
    the target."""
    if doc.parent_id is None:
        raise BadRequest("The root document cannot be moved")
    versions.require_live(doc, "moved")
    unit = ctx.work
    # Moves take turns: two crossed moves (a into b, b into a) could each see
    # no cycle and together make one. After the lock, the target is re-read.
    await unit.db.lock(_MOVE_LOCK)
    target = await _current(ctx, target)
    if target.id == doc.id or doc.id in target.ancestors:
        raise BadRequest("A document cannot be moved into itself or below itself")
    doc = await for_write(ctx, doc, permissions.REMOVE)
    await permissions.check(ctx, target, permissions.ADD_CHILDREN)
    target, name, new_path = await _placement(ctx, doc, target, name)
    assert doc.path is not None
    await db_documents.move_subtree(
        unit.db, doc.id, target.id, name, new_path, doc.path, (*target.ancestors, target.id)
    )
    await _recompute_read_acl(ctx, doc.id)
    moved = await _current(ctx, doc)
    old_path = (("old_path", doc.path),)
    unit.emit(ctx, change(ctx, events.MOVED, moved, datetime.now(UTC), old_path))
    return moved


async def copy(
    ctx: RequestContext, doc: Document, target: Document, name: str | None = None
) -> Document:
    """A deep copy of ``doc`` under ``target`` (new ids throughout, local ACLs
    copied, named ``name`` if given), in set-based statements; the copy of a
    version is a live document. Needs Read on the document (its subtree is
    copied as it stands) and AddChildren on the target."""
    if doc.parent_id is None and not doc.is_version:
        raise BadRequest("The root document cannot be copied")
    unit = ctx.work
    await unit.db.lock(_MOVE_LOCK)
    target = await _current(ctx, target)
    if target.id == doc.id or doc.id in target.ancestors:
        raise BadRequest("A document cannot be copied into itself or below itself")
    permissions.check_read(ctx, doc)
    await permissions.check(ctx, target, permissions.ADD_CHILDREN)
    target, name, new_path = await _placement(ctx, doc, target, name)
    copy_id = await db_documents.copy_subtree(
        unit.db, doc.id, target.id, name, new_path, doc.path or "", (*target.ancestors, target.id)
    )
    await _recompute_read_acl(ctx, copy_id)
    [row] = await db_documents.by_ids(unit.db, [copy_id])
    copied = Document.from_record(row)
    source = (("copied_from", doc.uid),)
    unit.emit(ctx, change(ctx, events.CREATED, copied, datetime.now(UTC), source))
    return copied


async def children(ctx: RequestContext, parent_doc: Document, page: PageRequest) -> Page[Document]:
    """A page of the children a user may see, sorted by title (creation order
    in an Orderable folder); trashed and hidden documents are left out. The
    total is exact up to ``search_count_limit`` (-2 beyond, as searches
    report it; Nuxeo stops counting at the page size)."""
    max_page_size = ctx.settings.max_page_size
    limit, offset = paging.window(page, max_page_size)
    sort = sort_terms(ctx, page.sort)
    permissions.check_read(ctx, parent_doc)
    ordered = orders_by_position(ctx, parent_doc)
    result = await ctx.loaders.children.load(
        ChildrenKey(parent_doc.id, ordered, limit, offset, sort, page.projection)
    )
    return paging.page_of(
        result.entries,
        result.total,
        page,
        limit,
        offset,
        max_page_size,
        count_limit=ctx.settings.search_count_limit,
    )


def orders_by_position(ctx: RequestContext, folder: Document) -> bool:
    """Whether ``folder`` lists its children in creation order (an Orderable
    type), not by title, when no sort is asked for."""
    doctype = ctx.registry.types.get(folder.type)
    return bool(doctype and doctype.has_facet("Orderable"))


# System fields a listing sorts by (NXQL names), besides scalar properties.
SORTABLE_FIELDS = frozenset(
    {"ecm:name", "ecm:path", "ecm:uuid", "ecm:primaryType", "ecm:pos", "ecm:currentLifeCycleState"}
)


def parse_sort(sort_by: str | None, sort_order: str | None) -> tuple[SortKey, ...]:
    """Nuxeo's ``sortBy`` / ``sortOrder`` comma lists, matched by position; an
    order not given is ascending (where Nuxeo defaults to descending)."""
    fields = [f.strip() for f in (sort_by or "").split(",") if f.strip()]
    orders = [o.strip().lower() for o in (sort_order or "").split(",")]
    keys = []
    for i, field in enumerate(fields):
        order = orders[i] if i < len(orders) and orders[i] else "asc"
        if order not in ("asc", "desc"):
            raise BadRequest(f"sortOrder must be asc or desc, not {order[:20]!r}")
        keys.append(SortKey(field, order == "asc"))
    return tuple(keys)


def sort_terms(ctx: RequestContext, keys: Sequence[SortKey]) -> tuple[tuple[str, bool], ...]:
    """Validated (field, ascending) pairs: system fields, or scalar properties
    of a registered schema."""
    if len(keys) > MAX_SORT_KEYS:
        raise BadRequest(f"At most {MAX_SORT_KEYS} sort keys are supported")
    for key in keys:
        if key.field in SORTABLE_FIELDS:
            continue
        prefix, _, name = key.field.partition(":")
        schema = ctx.registry.types.schema_by_key(prefix)
        field = schema.field(name) if schema is not None and name else None
        if field is None or not field.type.is_scalar:
            raise BadRequest(f"Cannot sort by {key.field}: not a sortable field")
    return tuple((key.field, key.ascending) for key in keys)
