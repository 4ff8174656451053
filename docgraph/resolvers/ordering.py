"""The order of an Orderable folder's children (OrderedFolder): by position."""

from __future__ import annotations

from datetime import UTC, datetime

from docgraph.db import documents as db_documents
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document


async def order_before(
    ctx: RequestContext, doc: Document, before: Document | None = None
) -> Document:
    """Put ``doc`` just before its sibling ``before`` (None: last). Needs
    Write on the folder, whose row lock makes concurrent reorderings of
    one folder take turns."""
    if doc.parent_id is None:
        raise BadRequest(f"Document {doc.uid} has no parent to be ordered in")
    if before is not None and before.parent_id != doc.parent_id:
        raise BadRequest(f"Documents {doc.uid} and {before.uid} are not in the same folder")
    parent = await documents.parent(ctx, doc)
    assert parent is not None
    folder_type = ctx.registry.types.get(parent.type)
    if folder_type is None or not folder_type.has_facet("Orderable"):
        raise BadRequest(f"Folder {parent.uid} does not keep its children in order")
    await documents.for_write(ctx, parent, permissions.WRITE)
    if before is not None and before.id == doc.id:
        return doc
    row = await db_documents.order_before(
        ctx.work.db, doc.id, None if before is None else before.id, parent.id
    )
    if row is None:
        raise BadRequest(f"Document {doc.uid} is no longer in folder {parent.uid}")
    ordered = Document.from_record(row)
    ctx.work.emit(ctx, documents.change(ctx, events.MODIFIED, ordered, datetime.now(UTC)))
    return ordered
