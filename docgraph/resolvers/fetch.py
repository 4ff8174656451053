"""Blobs fetched from a URL (``Blob.CreateFromURL``), streamed into the store."""

from __future__ import annotations

import aiohttp
from yarl import URL

from docgraph.db.blobs import TooLarge
from docgraph.errors import BadRequest, PayloadTooLarge
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob
from docgraph.resolvers.uploads import Upload, clean_file_name, mime_type_of

_READ = 64 * 1024
MAX_REDIRECTS = 5


async def fetch_url(
    ctx: RequestContext,
    url: str,
    *,
    name: str | None = None,
    mime_type: str | None = None,
    encoding: str | None = None,
) -> Blob:
    try:
        target = URL(url)
    except ValueError as exc:
        raise BadRequest(f"Not a URL: {url[:200]}") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise BadRequest("Only http and https URLs can be fetched")
    settings = ctx.settings
    timeout = aiohttp.ClientTimeout(total=settings.request_timeout, sock_read=settings.body_timeout)
    await ctx.release_if_idle()
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(target, max_redirects=MAX_REDIRECTS) as resp,
        ):
            if resp.status >= 400:
                raise BadRequest(f"{target.human_repr()[:200]} answered {resp.status}")
            stored = await ctx.blobs.put(
                resp.content.iter_chunked(_READ), max_length=settings.max_upload_size
            )
            found_type = resp.content_type
    except TooLarge as exc:
        raise PayloadTooLarge(
            f"{url[:200]} is larger than {settings.max_upload_size} bytes"
        ) from exc
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise BadRequest(f"Could not fetch {target.human_repr()[:200]}: {exc}") from exc
    file_name = clean_file_name(name or target.name or "file")
    given = mime_type or (found_type if found_type != "application/octet-stream" else None)
    return Blob(
        name=file_name,
        mime_type=mime_type_of(Upload(name=file_name, mime_type=given)),
        key=stored.key,
        digest=stored.md5,
        length=stored.length,
        encoding=encoding,
    )
