"""``@blob/{xpath}``: a document's blob (GET, HEAD stream it; PUT sets it
from a form's first file, streamed; DELETE clears it).

``xpath`` may span segments (``files:files/0/file``) and may be ``blobholder:N``.
The blob is the step's value, so it pipes on (``@blob/file:content/@op/...``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from docgraph.errors import BadRequest
from docgraph.gateway.bodies import file_part
from docgraph.gateway.nuxeo.request import request_of
from docgraph.gateway.nuxeo.units import in_unit
from docgraph.plugins import Adapter
from docgraph.resolvers import audit, blobs, files
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def blob(ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call) -> Any:
    xpath = "/".join(args) or "blobholder:0"
    if call.method == "DELETE":
        await in_unit(ctx, request_of(call), lambda: files.remove(ctx, subject, xpath))
        return None
    if call.method == "PUT":
        request = request_of(call)
        if request.content_type != "multipart/form-data":
            raise BadRequest("A blob is set with a multipart/form-data body")
        new = await _first_file(ctx, request)
        await in_unit(ctx, request, lambda: files.attach(ctx, subject, [new], xpath))
        return web.Response(text="blob updated")
    found = blobs.get(ctx, subject, xpath)
    if call.method == "GET" and not call.piped:
        await audit.download(ctx, subject, xpath, found.name)
    return found


async def _first_file(ctx: RequestContext, request: web.Request) -> Blob:
    """The form's first file, streamed into the store (no connection held)."""
    reader = await request.multipart()
    await ctx.release_if_idle()
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader) and part.filename:
            return await file_part(ctx.blobs, part, ctx.settings)
    raise BadRequest("The form has no file part")


def register(registry: Registry) -> None:
    registry.add_adapter(
        Adapter(
            "blob",
            blob,
            accepts=(Document,),
            methods=frozenset({"GET", "HEAD", "PUT", "DELETE"}),
            streaming=True,
        )
    )
