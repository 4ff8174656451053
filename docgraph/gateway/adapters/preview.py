"""``@preview``: the main blob (or the blob on the left) shown in a browser;
a 404 page where there is nothing to show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from docgraph.errors import NotFound
from docgraph.gateway.nuxeo.download import GeneratedResponse, blob_response
from docgraph.plugins import Adapter
from docgraph.resolvers import previews
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry

_NOT_AVAILABLE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Preview</title></head>'
    "<body><p>Preview not available.</p></body></html>\n"
)


async def preview(ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call) -> Any:
    try:
        shown = await previews.preview(ctx, subject)
    except NotFound:
        return web.Response(status=404, text=_NOT_AVAILABLE, content_type="text/html")
    if isinstance(shown, Blob):
        return await blob_response(ctx.blobs, shown, inline=True)
    return GeneratedResponse(shown, inline=True)


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("preview", preview, accepts=(Document, Blob)))
