"""Proxies and publishing.

A proxy shows a document at another place of the tree: a live proxy shows
the live document as it changes, a published one a version. It has its own
name, parent and permissions (those of its place) and its target's content,
which the database keeps in step (migration 0018). Proxies are read-only:
they are moved, trashed or removed, not edited.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from uuid import uuid4

from docgraph.db import proxies as db_proxies
from docgraph.db.pool import Record
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events, permissions, versions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, IdRef


async def _check_destination(ctx: RequestContext, folder: Document) -> None:
    documents.require_folder(ctx, folder, "put a proxy into")
    await permissions.check(ctx, folder, permissions.ADD_CHILDREN)


async def _insert(ctx: RequestContext, target: Document, folder: Document) -> Document:
    def insert(name: str, path: str) -> Awaitable[Record | None]:
        return db_proxies.insert(
            ctx.work.db,
            id=uuid4(),
            target_id=target.id,
            parent_id=folder.id,
            name=name,
            path=path,
            ancestors=(*folder.ancestors, folder.id),
            read_acl=folder.read_acl,
        )

    row = await documents.insert_named(folder, target.name, insert)
    proxy = Document.from_record(row)
    ctx.work.emit(ctx, documents.change(ctx, events.CREATED, proxy, datetime.now(UTC)))
    return proxy


async def create_live_proxy(ctx: RequestContext, doc: Document, folder: Document) -> Document:
    """A proxy of the live document ``doc`` in ``folder``."""
    versions.require_live(doc, "the target of a live proxy")
    if doc.is_proxy:
        raise BadRequest(f"Document {doc.uid} is a proxy: a proxy cannot target another")
    permissions.check_read(ctx, doc)
    await _check_destination(ctx, folder)
    return await _insert(ctx, doc, folder)


async def publish(
    ctx: RequestContext, doc: Document, section: Document, *, override: bool = True
) -> Document:
    """Publish ``doc`` in ``section``: a proxy of its last version (a checked
    out document is checked in first, as a minor version) or of the version
    given. With ``override``, a proxy of the same document already in the
    section is pointed at the new version, and any other removed."""
    if doc.is_proxy:
        if doc.proxy_target_id is None:  # pragma: no cover - is_proxy says otherwise
            raise BadRequest(f"Document {doc.uid} has no target")
        doc = await documents.get(ctx, IdRef(str(doc.proxy_target_id)))
    permissions.check_read(ctx, doc)
    await _check_destination(ctx, section)
    if doc.is_version:
        version = doc
    else:
        versions.require_versionable(ctx, doc)
        last = None if doc.is_checked_out else await versions.last_version(ctx, doc)
        if last is None:
            doc, last = await versions.check_in(ctx, doc, versions.MINOR)
        version = last
    assert version.version_series_id is not None
    existing = await db_proxies.of_series(ctx.work.db, version.version_series_id, section.id)
    if not override or not existing:
        proxy = await _insert(ctx, version, section)
    else:
        first, *others = [Document.from_record(r) for r in existing]
        for other in others:
            await documents.delete(ctx, other)
        proxy = first
        if first.proxy_target_id != version.id:
            await documents.for_write(ctx, first, permissions.WRITE)
            row = await db_proxies.retarget(ctx.work.db, first.id, version.id)
            assert row is not None  # locked FOR UPDATE above
            proxy = Document.from_record(row)
    details = (("version_id", version.uid),)
    ctx.work.emit(ctx, documents.change(ctx, events.PUBLISHED, proxy, datetime.now(UTC), details))
    return proxy


async def source(ctx: RequestContext, doc: Document) -> Document:
    """The live document behind a proxy (or a version); a live document is its own."""
    if doc.version_series_id is None or not (doc.is_proxy or doc.is_version):
        return doc
    return await documents.get(ctx, IdRef(str(doc.version_series_id)))


async def remove_all(ctx: RequestContext, doc: Document) -> Document:
    """Remove every proxy of the document's series (each needs Remove)."""
    live = await source(ctx, doc)
    rows = await db_proxies.of_series(ctx.work.db, live.id)
    for proxy in [Document.from_record(r) for r in rows]:
        await documents.delete(ctx, proxy)
    return doc
