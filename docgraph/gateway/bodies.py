"""Request bodies arrive within a time limit, before any work starts; files
in multipart bodies stream into the blob store as they arrive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
from aiohttp import BodyPartReader, ClientPayloadError, web

from docgraph.db.blobs import BlobStore, TooLarge
from docgraph.errors import BadRequest, PayloadTooLarge, RequestTimeout
from docgraph.gateway import keys
from docgraph.resolvers.model import Blob
from docgraph.resolvers.uploads import Upload, clean_file_name, mime_type_of
from docgraph.settings import Settings

_READ = 64 * 1024


async def read_body(request: web.Request) -> bytes:
    """The whole body (at most ``client_max_size``, else 413), or 408 when it
    trickles in slower than ``body_timeout``: a slow client holds no
    connection and no lock meanwhile, since nothing has started yet."""
    if request.content.is_eof():
        return await request.read()  # all here: no timer to arm (about 9 µs)
    timeout = request.app[keys.SETTINGS].body_timeout
    try:
        async with asyncio.timeout(timeout):
            return await request.read()
    except TimeoutError as exc:
        raise RequestTimeout(f"The body did not arrive within {timeout:g} s") from exc


async def trickled(read: Any, idle: float) -> AsyncIterator[bytes]:
    """Pieces from ``read()`` until it returns nothing; 408 when the client
    sends nothing for ``idle`` seconds, 400 when it goes away mid-body."""
    while True:
        try:
            async with asyncio.timeout(idle):
                data = await read()
        except TimeoutError as exc:
            raise RequestTimeout(f"No upload data arrived for {idle:g} s") from exc
        except (ConnectionResetError, ClientPayloadError) as exc:
            # The client went away: nothing is kept, nothing to log.
            raise BadRequest("The upload was interrupted") from exc
        if not data:
            return
        yield data


async def json_part(part: BodyPartReader, limit: int) -> Any:
    """A multipart body's JSON part, read whole up to ``limit`` bytes."""
    data = bytearray()
    while chunk := await part.read_chunk(_READ):
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(f"The {part.name} part is larger than {limit} bytes")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON in the {part.name} part: {exc}") from exc


async def file_part(store: BlobStore, part: BodyPartReader, settings: Settings) -> Blob:
    """A multipart body's file part, streamed into the blob store."""
    chunks = trickled(lambda: part.read_chunk(_READ), settings.body_timeout)
    try:
        stored = await store.put(chunks, max_length=settings.max_upload_size)
    except TooLarge as exc:
        raise PayloadTooLarge(
            f"A file is larger than the {settings.max_upload_size}-byte limit"
        ) from exc
    name = clean_file_name(part.filename or "blob")
    mime = mime_type_of(Upload(name=name, mime_type=part.headers.get("Content-Type")))
    return Blob(name=name, mime_type=mime, key=stored.key, digest=stored.md5, length=stored.length)
