"""Lifecycle states and transitions, and the trash (property-based, as in Nuxeo 10.10)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from docgraph.db import documents as db_documents
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events, permissions, versions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.documents import change, for_write, resolve_type
from docgraph.resolvers.model import Document
from docgraph.resolvers.typesystem.lifecycles import POLICIES

_TRASHED_NAME = re.compile(r"^(?P<name>.*)\._\d+_\.trashed$", re.DOTALL)


def allowed_transitions(ctx: RequestContext, doc: Document) -> list[str]:
    policy = POLICIES.get(resolve_type(ctx, doc.type).lifecycle or "")
    return sorted(policy.get(doc.state or "", {})) if policy else []


async def follow_transition(ctx: RequestContext, doc: Document, transition: str) -> Document:
    doc = await for_write(ctx, doc, permissions.WRITE)
    policy = POLICIES.get(resolve_type(ctx, doc.type).lifecycle or "")
    if policy is None:
        raise BadRequest(f"Type {doc.type} has no lifecycle")
    target = policy.get(doc.state or "", {}).get(transition)
    if target is None:
        raise BadRequest(
            f"Transition {transition} is not allowed from state {doc.state_name}; "
            f"allowed: {', '.join(allowed_transitions(ctx, doc)) or 'none'}"
        )
    row = await db_documents.set_lifecycle_state(ctx.work.db, doc.id, target)
    assert row is not None  # locked FOR UPDATE above
    moved = Document.from_record(row)
    ctx.work.emit(ctx, change(ctx, events.TRANSITION, moved, datetime.now(UTC)))
    return moved


async def trash(ctx: RequestContext, doc: Document) -> Document:
    """Rename it ``<name>._<millis>_.trashed`` and flag it and its subtree."""
    versions.require_live(doc, "trashed")
    doc = await for_write(ctx, doc, permissions.REMOVE)
    if doc.is_trashed:
        return doc
    if doc.parent_id is None:
        raise BadRequest("The root document cannot be trashed")
    name = f"{doc.name}._{int(time.time() * 1000)}_.trashed"
    return await _rename(ctx, doc, name, trashed=True, kind=events.TRASHED)


async def untrash(ctx: RequestContext, doc: Document) -> Document:
    """Back under its name (a ``.<millis>`` suffix if a sibling took it)."""
    doc = await for_write(ctx, doc, permissions.REMOVE)
    if not doc.is_trashed:
        return doc
    match = _TRASHED_NAME.match(doc.name)
    name = match.group("name") if match else doc.name
    assert doc.parent_id is not None
    if await db_documents.child_named(ctx.work.db, doc.parent_id, name):
        name = f"{name}.{int(time.time() * 1000)}"
    return await _rename(ctx, doc, name, trashed=False, kind=events.UNTRASHED)


async def empty_trash(ctx: RequestContext, parent: Document) -> int:
    """Delete, for good, the trashed children of ``parent`` (with their
    subtrees); the number deleted."""
    permissions.check_read(ctx, parent)
    rows = await db_documents.trashed_children(ctx.work.db, parent.id)
    trashed = [Document.from_record(r) for r in rows]
    if not all(await permissions.holds(ctx, trashed, permissions.REMOVE)):
        raise permissions.refusal(ctx, permissions.REMOVE)
    for doc in trashed:
        await documents.delete(ctx, doc)
    return len(trashed)


async def _rename(
    ctx: RequestContext, doc: Document, name: str, *, trashed: bool, kind: str
) -> Document:
    assert doc.path is not None
    parent = doc.path.rsplit("/", 1)[0] or "/"
    new_path = f"{parent.rstrip('/')}/{name}"
    rows = await db_documents.rename_subtree(ctx.work.db, doc.id, name, new_path, doc.path, trashed)
    renamed = next(Document.from_record(r) for r in rows if r["id"] == doc.id)
    ctx.work.emit(ctx, change(ctx, kind, renamed, datetime.now(UTC)))
    return renamed
