"""``@children``: a page of the document's children."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest
from docgraph.gateway.nuxeo.request import Call, page_request
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, Page

if TYPE_CHECKING:
    from docgraph.plugins import Registry


class ChildrenAdapter:
    name = "children"
    methods = frozenset({"GET", "HEAD"})

    async def __call__(
        self, ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call
    ) -> Page[Document]:
        if not isinstance(subject, Document):
            raise BadRequest("@children applies to a document")
        return await documents.children(ctx, subject, page_request(call.query, ctx.settings))


def register(registry: Registry) -> None:
    registry.add_adapter(ChildrenAdapter())
