"""``@children``: a page of the document's children; ``@emptyWithDefault``:
a child not stored yet, with its defaults (for creation forms)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.gateway.nuxeo import listings
from docgraph.gateway.nuxeo.request import documents_page, page_request
from docgraph.plugins import Adapter, Call
from docgraph.resolvers import documents, rendered
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, EmptyDocument, Page

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def children(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Page[Any] | rendered.WrittenPage:
    if not call.piped:  # written straight out: PostgreSQL may write it
        spec = listings.children_spec(ctx, page_request(call.query, ctx.settings))
        if spec is not None:
            return rendered.WrittenPage(await rendered.children(ctx, subject, spec))
    return await documents.children(ctx, subject, documents_page(ctx, call))


async def empty_with_default(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> EmptyDocument:
    return documents.empty(ctx, subject, call.query.get("type"), call.query.get("name"))


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("children", children, accepts=(Document,)))
    registry.add_adapter(Adapter("emptyWithDefault", empty_with_default, accepts=(Document,)))
