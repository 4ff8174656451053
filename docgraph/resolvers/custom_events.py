"""Events of the client's own naming (``Event.Fire``).

A fired event is a change event like the engine's own (kind ``fired``, the
name in its details): registered listeners (plugins) get it when its unit of
work commits, live subscribers see it, and the audit log keeps it under its
name, in Nuxeo's document category. It is about a document the user may read.
"""

from __future__ import annotations

from datetime import datetime

from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events, permissions
from docgraph.resolvers.audit import DOCUMENT_CATEGORY, MAX_NAME
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document


async def fire(ctx: RequestContext, doc: Document, name: str) -> Document:
    permissions.check_read(ctx, doc)
    if not name.strip() or len(name) > MAX_NAME or not name.isprintable():
        raise BadRequest(f"An event name has 1 to {MAX_NAME} printable characters")
    details = (("name", name), ("audit_event", name), ("audit_category", DOCUMENT_CATEGORY))
    now = datetime.now().astimezone()
    ctx.work.emit(ctx, documents.change(ctx, events.FIRED, doc, now, details))
    return doc
