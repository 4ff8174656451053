"""Blobs fetched from a URL (``Blob.CreateFromURL``), streamed into the store.

obstore's HTTP store does the request (docgraph already uses obstore for S3),
which keeps HTTP client code out of the engine's own imports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import obstore
from obstore.exceptions import BaseError
from obstore.store import HTTPStore
from yarl import URL

from docgraph.db.blobs import TooLarge
from docgraph.errors import BadRequest, PayloadTooLarge
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob
from docgraph.resolvers.uploads import Upload, clean_file_name, mime_type_of

_READ = 256 * 1024


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
    if target.scheme not in ("http", "https") or not target.host or not target.path.strip("/"):
        raise BadRequest("Only http and https URLs of a file can be fetched")
    settings = ctx.settings
    folder, _, file_path = str(target.with_query(None).with_fragment(None)).rpartition("/")
    store = HTTPStore.from_url(
        folder,
        client_options={
            "allow_http": True,
            "timeout": f"{settings.request_timeout:g}s",
            "connect_timeout": f"{settings.body_timeout:g}s",
        },
    )
    await ctx.release_if_idle()
    try:
        result = await obstore.get_async(store, file_path)
        attributes: Any = result.attributes
        stored = await ctx.blobs.put(_bytes(result), max_length=settings.max_upload_size)
    except TooLarge as exc:
        raise PayloadTooLarge(
            f"{url[:200]} is larger than {settings.max_upload_size} bytes"
        ) from exc
    except (BaseError, OSError, ValueError) as exc:  # a 404 is a FileNotFoundError
        raise BadRequest(f"Could not fetch {target.human_repr()[:200]}: {exc}") from exc
    found_type = str(attributes.get("Content-Type", "")).split(";")[0].strip() or None
    file_name = clean_file_name(name or target.name or "file")
    given = mime_type or found_type
    return Blob(
        name=file_name,
        mime_type=mime_type_of(Upload(name=file_name, mime_type=given)),
        key=stored.key,
        digest=stored.md5,
        length=stored.length,
        encoding=encoding,
    )


async def _bytes(result: Any) -> AsyncIterator[bytes]:
    async for chunk in result.stream(min_chunk_size=_READ):
        yield bytes(chunk)
