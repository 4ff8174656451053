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
from docgraph.resolvers import documents, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.loaders import KeysetKey
from docgraph.resolvers.model import Document

# The listing sorts on this prefix of the title (see the documents_children_by_title index).
TITLE_PREFIX = 200
_MAX_CURSOR = 4096


@dataclass(frozen=True, slots=True)
class Slice:
    entries: list[Document]
    cursors: list[str]
    # Whether more lie beyond the page in the direction it was read.
    has_more: bool


def cursor_of(doc: Document, ordered: bool) -> str:
    if ordered:
        raw: list[Any] = ["p", doc.position]
    else:
        title = doc.properties.get("dc:title")
        raw = ["u", doc.name] if title is None else ["t", str(title)[:TITLE_PREFIX], doc.name]
    return base64.urlsafe_b64encode(orjson.dumps(raw)).decode().rstrip("=")


def start(cursor: str | None, ordered: bool, backward: bool = False) -> After:
    """Where the page after ``cursor`` (before it, ``backward``) starts; a
    cursor that is not one of ours, or comes from a folder of the other
    order, is a 400."""
    if cursor is None:
        return After(backward=backward)
    try:
        if len(cursor) > _MAX_CURSOR:
            raise ValueError
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise BadRequest("Invalid cursor") from None
    match raw:
        case ["p", int(position)] if ordered:
            return After("position", position=position, backward=backward)
        case ["t", str(title), str(name)] if not ordered:
            return After("title", title=title, name=name, backward=backward)
        case ["u", str(name)] if not ordered:
            return After("untitled", name=name, backward=backward)
    raise BadRequest("Invalid cursor")


async def children(
    ctx: RequestContext,
    parent_doc: Document,
    count: int,
    cursor: str | None,
    *,
    backward: bool = False,
) -> Slice:
    """Up to ``count`` children the user may see after ``cursor``, or, going
    ``backward``, the last ``count`` before it (still in the listing's order;
    ``has_more`` then tells whether there are more before)."""
    if not 0 <= count <= ctx.settings.max_page_size:
        raise BadRequest(f"A page holds 0 to {ctx.settings.max_page_size} documents")
    permissions.check_read(ctx, parent_doc)
    ordered = documents.orders_by_position(ctx, parent_doc)
    found: list[Document] = await ctx.loaders.children_after.load(
        KeysetKey(parent_doc.id, ordered, count + 1, start(cursor, ordered, backward))
    )
    entries = found[:count]
    if backward:
        entries.reverse()
    return Slice(entries, [cursor_of(d, ordered) for d in entries], len(found) > count)
