"""``@children``: a page of the document's children."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.gateway.nuxeo.request import page_request
from docgraph.plugins import Adapter, Call
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, Page

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def children(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Page[Any]:
    return await documents.children(ctx, subject, page_request(call.query, ctx.settings))


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("children", children, accepts=(Document,)))
