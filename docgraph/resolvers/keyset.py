"""Keyset pages of a folder's children, for cursor connections.

A cursor names the last child a page showed by its place in the listing's
order (title prefix and name, or position in an Orderable folder); the next
page starts there in the index, so that page 10,000 costs what page 1 does,
and a child added or removed meanwhile does not shift the pages as offsets
would. Cursors are opaque to clients: base64url of a small JSON list.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import orjson

from docgraph.db.documents import After
from docgraph.errors import BadRequest
from docgraph.resolvers import permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.loaders import KeysetKey
from docgraph.resolvers.model import Document

# The listing sorts on this prefix of the title (see the documents_children index).
TITLE_PREFIX = 200
_MAX_CURSOR = 4096


@dataclass(frozen=True, slots=True)
class Slice:
    entries: list[Document]
    cursors: list[str]
    has_next: bool


def cursor_of(doc: Document, ordered: bool) -> str:
    if ordered:
        raw: list[Any] = ["p", doc.position]
    else:
        title = doc.properties.get("dc:title")
        raw = ["u", doc.name] if title is None else ["t", str(title)[:TITLE_PREFIX], doc.name]
    return base64.urlsafe_b64encode(orjson.dumps(raw)).decode().rstrip("=")


def after(cursor: str | None, ordered: bool) -> After:
    """Where the page after ``cursor`` starts; a cursor that is not one of
    ours (or comes from a folder of the other order) is a 400."""
    if cursor is None:
        return After()
    try:
        if len(cursor) > _MAX_CURSOR:
            raise ValueError
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise BadRequest("Invalid cursor") from None
    match raw:
        case ["p", int(position)] if ordered:
            return After("position", position=position)
        case ["t", str(title), str(name)] if not ordered:
            return After("title", title=title, name=name)
        case ["u", str(name)] if not ordered:
            return After("untitled", name=name)
    raise BadRequest("Invalid cursor")


async def children(
    ctx: RequestContext, parent_doc: Document, first: int, cursor: str | None
) -> Slice:
    """Up to ``first`` children the user may see, after ``cursor``."""
    if not 0 <= first <= ctx.settings.max_page_size:
        raise BadRequest(f"first must be between 0 and {ctx.settings.max_page_size}")
    permissions.check_read(ctx, parent_doc)
    doctype = ctx.registry.types.get(parent_doc.type)
    ordered = bool(doctype and doctype.has_facet("Orderable"))
    start = after(cursor, ordered)
    found: list[Document] = await ctx.loaders.children_after.load(
        KeysetKey(parent_doc.id, ordered, first + 1, start)
    )
    entries = found[:first]
    return Slice(entries, [cursor_of(d, ordered) for d in entries], len(found) > first)
