"""``@comment`` and ``@annotation``: a document's comments, replies and
annotations, and the JSON Nuxeo's comment service writes for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.request import page_request, require_method
from docgraph.gateway.nuxeo.writers import Created
from docgraph.plugins import Adapter, Output, Writer
from docgraph.resolvers import comments
from docgraph.resolvers.comments import CommentList, CommentView
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry

_LIST = frozenset({"GET", "HEAD", "POST"})
_ONE = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_POST = frozenset({"POST"})


async def comment_adapter(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Any:
    return await _serve(ctx, subject, args, call, annotations=False)


async def annotation_adapter(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Any:
    return await _serve(ctx, subject, args, call, annotations=True)


async def _serve(
    ctx: RequestContext, doc: Document, args: tuple[str, ...], call: Call, *, annotations: bool
) -> Any:
    name = "@annotation" if annotations else "@comment"
    if not args:
        require_method(call, _LIST, name)
        if call.method == "POST":
            body = await _body(call, "annotation" if annotations else "comment")
            return Created(await comments.create(ctx, doc, body, annotation=annotations))
        xpath = call.query.get("xpath") if annotations else None
        return await comments.page(
            ctx, doc, page_request(call.query, ctx.settings), annotations=annotations, xpath=xpath
        )
    if annotations and args == ("comments",):
        require_method(call, _POST, f"{name}/comments")
        ids = await call.json()
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequest("Send a JSON array of annotation ids")
        return await comments.comments_on(ctx, doc, ids)
    if len(args) == 1:
        found = await comments.find(ctx, doc, args[0])
    elif len(args) == 2 and args[0] == "external":
        found = await comments.find_external(ctx, doc, args[1])
    else:
        raise NotFound(f"No such resource: {name}/{'/'.join(args)}")
    require_method(call, _ONE, name)
    if call.method == "PUT":
        return await comments.update(ctx, found, await _body(call, found.type.lower()))
    if call.method == "DELETE":
        await comments.delete(ctx, found)
        return None
    return await comments.get(ctx, found)


async def _body(call: Call, entity_type: str) -> dict[str, Any]:
    body = await call.json()
    if not isinstance(body, dict) or body.get("entity-type", entity_type) != entity_type:
        raise BadRequest(f"The body must be a JSON {entity_type} entity")
    return body


def comment_json(view: CommentView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "entity-type": "annotation" if view.is_annotation else "comment",
        "id": view.doc.uid,
        "parentId": view.value("comment:parentId"),
        "ancestorIds": list(view.value("comment:ancestorIds") or []),
        "author": view.value("comment:author"),
        "text": view.value("comment:text"),
        "creationDate": view.value("comment:creationDate"),
        "modificationDate": view.value("comment:modificationDate"),
        "permissions": list(view.permissions),
    }
    if view.value("externalEntity:entityId") is not None:
        for key in comments.EXTERNAL_FIELDS:
            out[key] = view.value(f"externalEntity:{key}")
    if view.is_annotation:
        out["xpath"] = view.value("annotation:xpath")
    if view.replies is not None:
        out["numberOfReplies"] = view.replies
        out["lastReplyDate"] = view.last_reply
    return out


async def write_comment(out: Output, view: CommentView) -> dict[str, Any]:
    return comment_json(view)


async def write_comments(out: Output, found: CommentList) -> dict[str, Any]:
    entries = [comment_json(v) for v in found.entries]
    if found.annotations:
        return {"entity-type": "annotations", "entries": entries}
    return {"entity-type": "comments", "totalSize": found.total_size, "entries": entries}


def register(registry: Registry) -> None:
    methods = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE"})
    registry.add_adapter(Adapter("comment", comment_adapter, accepts=(Document,), methods=methods))
    registry.add_adapter(
        Adapter("annotation", annotation_adapter, accepts=(Document,), methods=methods)
    )
    registry.add_writer(Writer(CommentView, write_comment, entity="comment"))
    registry.add_writer(Writer(CommentList, write_comments))
