"""Blobs as HTTP answers: streamed from the store, with the contract's headers,
conditional GET (``If-None-Match``) and byte ranges.

Like aiohttp's own ``FileResponse``, :class:`BlobResponse` decides its status
when it is prepared, since that is when it sees the request's headers. The
transfer happens after the handler returned: no database connection and no
request deadline is held while a slow client reads.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import MultipartWriter, hdrs, web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.payload import AsyncIterablePayload

from docgraph.db.blobs import BlobStore
from docgraph.errors import NotFound
from docgraph.resolvers.model import Blob, BlobList, GeneratedFile
from docgraph.resolvers.uploads import clean_file_name

# A client that reads nothing for this long is dropped.
WRITE_TIMEOUT = 60.0
# A user's file shown in a browser (an HTML or SVG blob opened inline) runs
# in a sandbox, as a page of no origin: its scripts get nothing of this site.
# Pictures and PDFs run nothing of the page's, and a sandbox would stop
# browsers' PDF viewers: those are left as they are.
UNTRUSTED = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}
_INERT = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "application/pdf"}
)


def content_disposition(name: str, *, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name, and a plain ASCII fallback."""
    name = clean_file_name(name)
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


class BlobResponse(web.StreamResponse):
    def __init__(self, store: BlobStore, blob: Blob, *, inline: bool = False) -> None:
        super().__init__()
        self._store = store
        self._blob = blob
        content_type = blob.mime_type
        if blob.encoding:
            content_type += f"; charset={blob.encoding}"
        self.headers[hdrs.CONTENT_TYPE] = content_type
        self.headers[hdrs.CONTENT_DISPOSITION] = content_disposition(blob.name, inline=inline)
        self.headers["X-Content-Type-Options"] = "nosniff"
        if blob.mime_type not in _INERT:
            self.headers.update(UNTRUSTED)
        self.headers[hdrs.ACCEPT_RANGES] = "bytes"
        if blob.digest:
            self.headers[hdrs.ETAG] = f'"{blob.digest}"'
        if blob.document is not None:
            self.last_modified = blob.document.modified

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        if self.prepared:
            return await super().prepare(request)
        etag = self.headers.get(hdrs.ETAG)
        if etag and _matches(request.headers.get(hdrs.IF_NONE_MATCH, ""), etag):
            self.set_status(304)
            return await super().prepare(request)
        length = self._blob.length
        start, end = self._range(request, length)
        if self.status == 416:
            return await super().prepare(request)
        self.content_length = end - start
        writer = await super().prepare(request)
        if request.method != "HEAD":
            async for data in self._store.get(self._blob.key, start, end):
                async with asyncio.timeout(WRITE_TIMEOUT):
                    await self.write(data)
        await self.write_eof()
        return writer

    def _range(self, request: web.BaseRequest, length: int) -> tuple[int, int]:
        """The bytes to send; sets 206 or 416 when a single range is asked for."""
        if request.method not in ("GET", "HEAD") or hdrs.RANGE not in request.headers:
            return 0, length
        try:
            wanted = request.http_range
        except ValueError:  # a malformed or multiple range: the whole blob
            return 0, length
        start, stop = wanted.start, wanted.stop
        if start is None and stop is None:
            return 0, length
        if start is not None and start < 0:  # the last -start bytes
            start, stop = max(0, length + start), length
        start = start or 0
        stop = length if stop is None else min(stop, length)
        if start >= length or start >= stop:
            self.set_status(416)
            self.headers[hdrs.CONTENT_RANGE] = f"bytes */{length}"
            self.content_length = 0
            return 0, 0
        self.set_status(206)
        self.headers[hdrs.CONTENT_RANGE] = f"bytes {start}-{stop - 1}/{length}"
        return start, stop


async def blob_response(store: BlobStore, blob: Blob, *, inline: bool = False) -> BlobResponse:
    """The answer for ``blob``; 404 when the store lost its bytes (checked now,
    while an error can still be written)."""
    if await store.length(blob.key) is None:
        raise NotFound(f"The content of {blob.name} is missing from the blob store")
    return BlobResponse(store, blob, inline=inline)


def blobs_response(store: BlobStore, blobs: BlobList) -> web.StreamResponse:
    """Several blobs as ``multipart/mixed``, one part per blob, streamed."""
    if not blobs.entries:
        return web.Response(status=204, headers={hdrs.CONTENT_TYPE: "application/nuxeo-empty-list"})
    parts = MultipartWriter("mixed")
    for blob in blobs:
        payload = AsyncIterablePayload(
            store.get(blob.key), content_type=blob.mime_type, size=blob.length
        )
        payload.set_content_disposition("attachment", filename=clean_file_name(blob.name))
        parts.append_payload(payload)
    return web.Response(body=parts)


class GeneratedResponse(web.StreamResponse):
    """A file made as it is sent (chunked: its length is not known before)."""

    def __init__(self, generated: GeneratedFile, *, inline: bool = False) -> None:
        super().__init__()
        self._generated = generated
        self.headers[hdrs.CONTENT_TYPE] = generated.mime_type
        self.headers[hdrs.CONTENT_DISPOSITION] = content_disposition(generated.name, inline=inline)
        self.headers.update(UNTRUSTED)
        self.enable_chunked_encoding()

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        if self.prepared:
            return await super().prepare(request)
        writer = await super().prepare(request)
        if request.method != "HEAD":
            async for data in self._generated.chunks:
                if data:
                    async with asyncio.timeout(WRITE_TIMEOUT):
                        await self.write(data)
        await self.write_eof()
        return writer
