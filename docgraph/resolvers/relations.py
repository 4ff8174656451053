"""Relations between documents (Nuxeo's ``Document.AddRelation``): a
subject points to an object with a predicate, usually a URI such as
``http://purl.org/dc/terms/References``. Changing a document's outgoing
relations needs Write on it and Read on the other end; listing gives only
the linked documents one may read."""

from __future__ import annotations

from docgraph.db import relations as db_relations
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, DocumentList

MAX_PREDICATE = 512
# Linked documents listed at most.
MAX_LINKED = 1000


def _predicate(predicate: str) -> str:
    if not predicate or not predicate.strip() or len(predicate) > MAX_PREDICATE:
        raise BadRequest(f"A predicate is 1 to {MAX_PREDICATE} characters")
    return predicate.strip()


async def _ends(
    ctx: RequestContext, doc: Document, other: Document, outgoing: bool
) -> tuple[Document, Document]:
    """(subject, object), the subject checked for Write, the object for Read."""
    subject, obj = (doc, other) if outgoing else (other, doc)
    if subject.id == obj.id:
        raise BadRequest("A document is not related to itself")
    permissions.check_read(ctx, obj)
    await documents.for_write(ctx, subject, permissions.WRITE)
    return subject, obj


async def add(
    ctx: RequestContext, doc: Document, other: Document, predicate: str, *, outgoing: bool = True
) -> Document:
    subject, obj = await _ends(ctx, doc, other, outgoing)
    name = _predicate(predicate)
    await db_relations.add(ctx.work.db, subject.id, name, obj.id, ctx.principal.username)
    return doc


async def remove(
    ctx: RequestContext, doc: Document, other: Document, predicate: str, *, outgoing: bool = True
) -> Document:
    subject, obj = await _ends(ctx, doc, other, outgoing)
    await db_relations.remove(ctx.work.db, subject.id, _predicate(predicate), obj.id)
    return doc


async def linked(
    ctx: RequestContext, doc: Document, predicate: str, *, outgoing: bool = True
) -> DocumentList:
    """The documents ``doc`` points to (or that point to it) one may read."""
    permissions.check_read(ctx, doc)
    ids = await db_relations.linked(
        ctx.db, doc.id, _predicate(predicate), outgoing=outgoing, limit=MAX_LINKED
    )
    found = await ctx.loaders.by_id.load_many(ids)
    return DocumentList(
        [d for d in found if d is not None and permissions.can_read(ctx.principal, d)]
    )
