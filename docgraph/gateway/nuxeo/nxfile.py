"""``/nuxeo/nxfile/{repo}/{id}/{xpath}/{filename}``: the download URL written
in blob JSON (``data``). The file name is for the browser; the xpath decides."""

from __future__ import annotations

from aiohttp import web

from docgraph.errors import NotFound
from docgraph.gateway.context import build_ctx
from docgraph.gateway.nuxeo.download import blob_response
from docgraph.gateway.nuxeo.parse import split_segments
from docgraph.resolvers import audit, blobs, documents
from docgraph.resolvers.model import IdRef

NXFILE_ROOT = "/nuxeo/nxfile"


async def nxfile_handler(request: web.Request) -> web.StreamResponse:
    raw = request.raw_path.split("?", 1)[0][len(NXFILE_ROOT) :]
    segments = split_segments(raw)
    if len(segments) < 2:
        raise NotFound("No such file")
    repository, uid, rest = segments[0], segments[1], segments[2:]
    ctx = build_ctx(request, repository)
    doc = await documents.get(ctx, IdRef(uid), alone=True)
    # Without a file name the whole rest is the xpath.
    xpath = "/".join(rest[:-1] if len(rest) > 1 else rest) or "blobholder:0"
    found = blobs.get(ctx, doc, xpath)
    if request.method == "GET":
        await audit.download(ctx, doc, xpath, found.name)
    inline = request.query.get("inline", "").lower() == "true"
    return await blob_response(ctx.blobs, found, inline=inline)
