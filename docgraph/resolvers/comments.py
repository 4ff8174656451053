"""Comments, replies and annotations.

A comment is a document of type ``Comment`` (an annotation: ``Annotation``,
about one blob of the document, by xpath) stored as a child of what it
comments and hidden from listings; a reply is a comment on a comment. So a
comment takes the permissions of the document it is about, moves and goes
with it, and is a document like any other (``DELETE /id/{commentId}``). Its
author is granted Everything on it: being the author is enough to edit or
remove one's comment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid4

from docgraph.db import acls as db_acls
from docgraph.db import comments as db_comments
from docgraph.db import documents as db_documents
from docgraph.errors import BadRequest, Forbidden, NotFound
from docgraph.resolvers import documents, events, paging, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.loaders import PageCompute
from docgraph.resolvers.model import Document, IdRef, PageRequest
from docgraph.resolvers.properties import system_properties_for_create
from docgraph.resolvers.typesystem.coerce import format_date, parse_date
from docgraph.resolvers.typesystem.lifecycles import INITIAL_STATES

COMMENT = "Comment"
ANNOTATION = "Annotation"
TYPES = (COMMENT, ANNOTATION)
EXTERNAL_FIELDS = ("entityId", "origin", "entity")
MAX_TEXT = 1_000_000


@dataclass(frozen=True, slots=True)
class CommentView:
    """A comment as clients see it: the document, the user's permissions on
    the commented document, and (when asked for) a summary of its replies."""

    doc: Document
    permissions: tuple[str, ...]
    replies: int | None = None
    last_reply: str | None = None

    @property
    def is_annotation(self) -> bool:
        return self.doc.type == ANNOTATION

    def value(self, key: str) -> Any:
        return self.doc.properties.get(key)


@dataclass(frozen=True, slots=True)
class CommentList:
    entries: list[CommentView]
    total_size: int
    annotations: bool = False


def is_comment(doc: Document) -> bool:
    return doc.type in TYPES


def _text(values: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = values.get(key)
    if value is None:
        if required:
            raise BadRequest(f"A comment needs its {key}")
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadRequest(f"{key} must be a string of at most {MAX_TEXT} characters")
    return value


def _date(values: Mapping[str, Any], key: str, default: datetime) -> str:
    given = values.get(key)
    if given is None:
        return format_date(default)
    if not isinstance(given, str):
        raise BadRequest(f"{key} must be an ISO date")
    try:
        return format_date(parse_date(given))
    except ValueError:
        raise BadRequest(f"{key} must be an ISO date, not {given[:40]!r}") from None


async def create(
    ctx: RequestContext, parent: Document, values: Mapping[str, Any], *, annotation: bool = False
) -> CommentView:
    """Comment on ``parent`` (a document or a comment, to reply), which the
    user must be able to read."""
    permissions.check_read(ctx, parent)
    if parent.path is None:
        raise BadRequest(f"Document {parent.uid} is a version: comment on its live document")
    text = _text(values, "text", required=True)
    xpath = _text(values, "xpath", required=annotation) if annotation else None
    type_name = ANNOTATION if annotation else COMMENT
    doctype = documents.resolve_type(ctx, type_name)
    user = ctx.principal.username
    now = datetime.now(UTC)
    ancestor_ids = [*parent.properties.get("comment:ancestorIds", []), parent.uid]
    properties = {
        **system_properties_for_create(doctype, user, now),
        "comment:author": user,
        "comment:text": text,
        "comment:creationDate": _date(values, "creationDate", now),
        "comment:parentId": parent.uid,
        "comment:ancestorIds": ancestor_ids if is_comment(parent) else [parent.uid],
    }
    if values.get("modificationDate") is not None:
        properties["comment:modificationDate"] = _date(values, "modificationDate", now)
    for key in EXTERNAL_FIELDS:
        if (value := _text(values, key)) is not None:
            properties[f"externalEntity:{key}"] = value
    if xpath is not None:
        properties["annotation:xpath"] = xpath
    unit = ctx.work
    # The author may then edit and remove the comment (a local grant).
    read_acl = permissions.read_acl_with_grant(parent.read_acl, user)

    def insert(name: str, path: str) -> Any:
        return db_documents.insert(
            unit.db,
            id=uuid4(),
            repository=parent.repository,
            parent_id=parent.id,
            name=name,
            path=path,
            type=type_name,
            lifecycle_state=INITIAL_STATES.get(doctype.lifecycle or ""),
            properties=properties,
            ancestors=(*parent.ancestors, parent.id),
            read_acl=read_acl,
            now=now,
        )

    row = await documents.insert_named(parent, f"comment-{uuid4().hex[:12]}", insert)
    doc = Document.from_record(row)
    if user != permissions.SYSTEM:
        await db_acls.replace_acl(
            unit.db, doc.id, "local", [(user, permissions.EVERYTHING, True, user, None, None)]
        )
    unit.emit(ctx, documents.change(ctx, events.CREATED, doc, now))
    [view] = await views(ctx, [doc], summary=True)
    return view


async def page(
    ctx: RequestContext,
    parent: Document,
    request: PageRequest,
    *,
    annotations: bool = False,
    xpath: str | None = None,
) -> CommentList:
    """The comments (or annotations, on ``xpath`` if given) directly on
    ``parent``, newest first; pageSize 0: the largest page allowed."""
    permissions.check_read(ctx, parent)
    limit, offset = paging.window(request, ctx.settings.max_page_size)
    types = (ANNOTATION,) if annotations else TYPES
    rows, total = await db_comments.page(ctx.db, parent.id, types, xpath, limit, offset)
    docs = [Document.from_record(r) for r in rows]
    ctx.loaders.prime_all(docs)
    summary = ctx.rendering.fetches("comment", "repliesSummary")
    return CommentList(await views(ctx, docs, summary=summary), total, annotations)


@lru_cache(maxsize=64)
def pages_of(request: PageRequest) -> PageCompute[CommentList]:
    """The page ``request`` of comments for a whole list of documents at once
    (one function per request shape, so that the loaders batch by it)."""

    async def compute(ctx: RequestContext, parents: Sequence[Document]) -> list[CommentList]:
        limit, offset = paging.window(request, ctx.settings.max_page_size)
        readable = [p for p in parents if permissions.can_read(ctx.principal, p)]
        found = await db_comments.pages(ctx.db, [p.id for p in readable], TYPES, limit, offset)
        docs = {
            p.id: [Document.from_record(r) for r in found.get(p.id, (0, []))[1]] for p in readable
        }
        listed = await views(ctx, [d for ds in docs.values() for d in ds])
        by_id = {v.doc.id: v for v in listed}
        return [
            CommentList(
                [by_id[d.id] for d in docs.get(p.id, [])],
                found.get(p.id, (0, []))[0],
            )
            for p in parents
        ]

    return compute


async def find(ctx: RequestContext, about: Document, comment_id: str) -> Document:
    """A comment on ``about`` or on one of its comments (404 otherwise)."""
    found = await documents.load(ctx, IdRef(comment_id))
    if found is None or not is_comment(found) or about.id not in found.ancestors:
        raise NotFound(f"Comment not found: {comment_id[:64]}")
    permissions.check_read(ctx, found)
    return found


async def find_external(ctx: RequestContext, about: Document, entity_id: str) -> Document:
    permissions.check_read(ctx, about)
    row = await db_comments.by_entity(ctx.db, about.id, TYPES, entity_id)
    if row is None:
        raise NotFound(f"Comment not found for entity: {entity_id[:64]}")
    found = Document.from_record(row)
    permissions.check_read(ctx, found)
    return found


async def get(ctx: RequestContext, comment: Document) -> CommentView:
    [view] = await views(ctx, [comment], summary=True)
    return view


def _check_author(ctx: RequestContext, comment: Document) -> None:
    author = comment.properties.get("comment:author")
    if author != ctx.principal.username and not ctx.principal.is_administrator:
        raise Forbidden("Only its author or an administrator may change a comment")


async def update(ctx: RequestContext, comment: Document, values: Mapping[str, Any]) -> CommentView:
    """Change the text (and external fields) of one's comment."""
    _check_author(ctx, comment)
    now = datetime.now(UTC)
    changes: dict[str, Any] = {"comment:modificationDate": _date(values, "modificationDate", now)}
    if (text := _text(values, "text")) is not None:
        changes["comment:text"] = text
    for key in EXTERNAL_FIELDS:
        if (value := _text(values, key)) is not None:
            changes[f"externalEntity:{key}"] = value
    if comment.type == ANNOTATION and (xpath := _text(values, "xpath")) is not None:
        changes["annotation:xpath"] = xpath
    updated = await documents.update(ctx, comment, changes)
    return await get(ctx, updated)


async def delete(ctx: RequestContext, comment: Document) -> None:
    """Remove one's comment, with its replies."""
    _check_author(ctx, comment)
    await documents.delete(ctx, comment)


async def comments_on(ctx: RequestContext, about: Document, ids: Sequence[str]) -> CommentList:
    """The comments made on each of the annotations ``ids`` of ``about``."""
    found: list[Document] = []
    for annotation_id in ids:
        annotation = await find(ctx, about, annotation_id)
        listed = await page(ctx, annotation, PageRequest(0, 0))
        found.extend(view.doc for view in listed.entries)
    return CommentList(await views(ctx, found), len(found))


async def views(
    ctx: RequestContext, docs: Sequence[Document], *, summary: bool = False
) -> list[CommentView]:
    """The client's view of each comment: the user's permissions on the
    document commented, and with ``summary`` the count and date of its
    direct replies; a bounded number of statements for the whole list."""
    top_ids = [_top_id(d) for d in docs]
    loaded = await ctx.loaders.by_id.load_many(list(dict.fromkeys(top_ids)))
    tops = {d.id: d for d in loaded if d is not None}
    readable = [tops[i] for i in dict.fromkeys(top_ids) if i in tops]
    held = dict(zip([d.id for d in readable], await permissions.held(ctx, readable), strict=True))
    replies = (
        await db_comments.replies_summary(ctx.db, [d.id for d in docs], TYPES)
        if summary and docs
        else {}
    )
    return [
        CommentView(
            doc,
            tuple(held.get(top, ())),
            replies.get(doc.id, (0, None))[0] if summary else None,
            replies.get(doc.id, (0, None))[1] if summary else None,
        )
        for doc, top in zip(docs, top_ids, strict=True)
    ]


def _top_id(doc: Document) -> UUID:
    """The document a comment (thread) is about."""
    ancestor_ids = doc.properties.get("comment:ancestorIds") or []
    try:
        return UUID(ancestor_ids[0])
    except (ValueError, IndexError, TypeError):
        return doc.parent_id or doc.id
