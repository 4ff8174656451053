"""Converting blobs: choosing a converter, running it off the event loop, and
remembering the result by the source's content.

Converters are registry contributions (``plugins.Converter``): a name, the
source MIME types they take (``text/*`` patterns allowed), the type they
produce, and ``async func(ctx, blob, params) -> Blob``. Most are written as a
plain function of bytes (:func:`from_bytes`), run in a sandboxed child
process, at most ``CONVERSION_SLOTS`` at once per process: a flood of
conversion requests waits its turn instead of taking every core from the
requests around it, and a file crafted to hang a parser is killed.
"""

from __future__ import annotations

import asyncio
import fnmatch
import mimetypes
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from docgraph.db import conversions as db_conversions
from docgraph.errors import BadRequest, ConverterUnavailable, PayloadTooLarge
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob
from docgraph.resolvers.sandbox import sandboxed

if TYPE_CHECKING:
    from docgraph.plugins import Converter

CONVERSION_SLOTS = 2
# Sources larger than this are not read into memory for a conversion.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
T = TypeVar("T")
# A conversion as a pure function: (bytes, source blob, params) -> (bytes, MIME type, name).
BytesConversion = Callable[[bytes, Blob, Mapping[str, str]], tuple[bytes, str, str]]

_slots: dict[int, asyncio.Semaphore] = {}


def _slots_of_loop() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    return _slots.setdefault(id(loop), asyncio.Semaphore(CONVERSION_SLOTS))


async def in_worker(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` in a worker thread, within the process's conversion
    slots: for work on trusted or simple input (decoding text)."""
    async with _slots_of_loop():
        return await asyncio.to_thread(func, *args)


async def read_all(ctx: RequestContext, blob: Blob, limit: int = MAX_SOURCE_BYTES) -> bytes:
    if blob.length > limit:
        raise PayloadTooLarge(f"{blob.name} is too large to convert ({blob.length} bytes)")
    return b"".join([data async for data in ctx.blobs.get(blob.key)])


async def store_bytes(ctx: RequestContext, data: bytes, name: str, mime_type: str) -> Blob:
    async def once() -> Any:
        yield data

    stored = await ctx.blobs.put(once())
    return Blob(
        name=name, mime_type=mime_type, key=stored.key, digest=stored.md5, length=stored.length
    )


def from_bytes(conversion: BytesConversion) -> Callable[..., Awaitable[Blob]]:
    """A converter's ``func`` from a module-level function of bytes, run in
    the sandbox (``resolvers/sandbox.py``): converters parse untrusted files."""

    async def func(ctx: RequestContext, blob: Blob, params: Mapping[str, str]) -> Blob:
        data = await read_all(ctx, blob)
        source = replace(blob, document=None)  # what the conversion needs, not its document
        out, mime_type, name = await in_sandbox(conversion, data, source, dict(params))
        return await store_bytes(ctx, out, name, mime_type)

    return func


async def in_sandbox(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` in a child process with limits, within the process's
    conversion slots."""
    async with _slots_of_loop():
        return await sandboxed(func, *args)


def renamed(name: str, extension: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{extension}"


def _accepts(converter: Converter, mime_type: str) -> bool:
    return any(fnmatch.fnmatch(mime_type, p) for p in converter.source_mime_types)


def mime_of_format(fmt: str) -> str:
    guessed, _ = mimetypes.guess_type(f"file.{fmt.strip().lstrip('.')}", strict=False)
    if guessed is None:
        raise BadRequest(f"Unknown format: {fmt[:40]}")
    return guessed


def choose(
    ctx: RequestContext, blob: Blob, *, converter: str | None, mime_type: str | None
) -> Converter:
    registry = ctx.registry.converters
    if converter is not None:
        found = registry.get(converter)
        if found is None:
            raise ConverterUnavailable(f"Converter {converter} is not registered")
        return found
    assert mime_type is not None
    if fnmatch.fnmatch(blob.mime_type, mime_type):
        # Already of the asked type: the identity, as Nuxeo answers.
        return registry["identity"]
    for candidate in registry.values():
        if candidate.destination_mime_type == mime_type and _accepts(candidate, blob.mime_type):
            return candidate
    raise ConverterUnavailable(f"Conversion from {blob.mime_type} to {mime_type} is not available")


async def convert(
    ctx: RequestContext,
    blob: Blob,
    *,
    converter: str | None = None,
    mime_type: str | None = None,
    format: str | None = None,
    params: Mapping[str, str] | None = None,
) -> Blob:
    """``blob`` converted by the named converter, or to a MIME type or a file
    format (exactly one of the three)."""
    if sum(x is not None for x in (converter, mime_type, format)) != 1:
        raise BadRequest("No converter, type or format parameter specified")
    if format is not None:
        mime_type = mime_of_format(format)
    chosen = choose(ctx, blob, converter=converter, mime_type=mime_type)
    if not _accepts(chosen, blob.mime_type):
        raise ConverterUnavailable(f"Converter {chosen.name} for {blob.mime_type} is not available")
    return await run(ctx, chosen, blob, params or {})


async def run(
    ctx: RequestContext, converter: Converter, blob: Blob, params: Mapping[str, str]
) -> Blob:
    """Run ``converter``, or reuse its result for the same content and parameters."""
    key = orjson.dumps(dict(params), option=orjson.OPT_SORT_KEYS).decode()
    hit = await db_conversions.cached(ctx.db, blob.key, converter.name, key)
    if hit is not None and await ctx.blobs.length(hit["blob_key"]) is not None:
        return Blob(
            name=hit["name"],
            mime_type=hit["mime_type"],
            key=hit["blob_key"],
            digest=hit["md5"],
            length=hit["length"],
        )
    await ctx.release_if_idle()
    result: Blob = await converter.func(ctx, blob, params)
    await db_conversions.remember(
        ctx.db,
        blob.key,
        converter.name,
        key,
        blob_key=result.key,
        md5=result.digest,
        length=result.length,
        mime_type=result.mime_type,
        name=result.name,
    )
    return result
