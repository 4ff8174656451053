"""Blobs and URLs: fetched from one (``Blob.CreateFromURL``), streamed into
the store; posted to one (``Blob.PostToURL``), streamed from the store.

obstore's HTTP store does the fetch (docgraph already uses obstore for S3),
which keeps HTTP client code out of the engine's own imports; a POST, which
obstore does not make, goes through the standard library's client in a
worker thread, fed chunk by chunk from the store.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
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


async def post_blob(ctx: RequestContext, blob: Blob, url: str) -> int:
    """POST the blob's bytes to ``url`` (its type as ``Content-Type``); the
    answer's status. 400 when the address is refused or the server fails."""
    try:
        target = URL(url)
    except ValueError as exc:
        raise BadRequest(f"Not a URL: {url[:200]}") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise BadRequest("Blobs are posted to http and https URLs only")
    loop = asyncio.get_running_loop()
    chunks = aiter(ctx.blobs.get(blob.key))

    async def next_chunk() -> bytes:
        return await anext(chunks)

    def pieces() -> Iterator[bytes]:
        """The store's chunks, read on the event loop for the sending thread."""
        while True:
            try:
                yield asyncio.run_coroutine_threadsafe(next_chunk(), loop).result()
            except StopAsyncIteration:
                return

    def send() -> int:
        request = urllib.request.Request(
            str(target),
            data=pieces(),
            method="POST",
            headers={
                "Content-Type": blob.mime_type or "application/octet-stream",
                "Content-Length": str(blob.length),
            },
        )
        with urllib.request.urlopen(request, timeout=ctx.settings.request_timeout) as answer:
            return int(answer.status)

    await ctx.release_if_idle()
    try:
        return await asyncio.to_thread(send)
    except urllib.error.HTTPError as exc:
        raise BadRequest(f"{target.human_repr()[:200]} answered {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise BadRequest(f"Could not post to {target.human_repr()[:200]}: {exc}") from None


async def _bytes(result: Any) -> AsyncIterator[bytes]:
    async for chunk in result.stream(min_chunk_size=_READ):
        yield bytes(chunk)
