"""Batch upload: files sent ahead of the request that uses them.

A batch belongs to the user who opened it (anyone else gets 404, as for an
unknown batch) and expires ``batch_ttl`` seconds after its last use. A file
arrives whole or in chunks; either way its bytes stream into the blob store
as they come, with no database connection held meanwhile, and only then is
the file recorded. Chunks are staged parts of the store until the last one
arrives (those sent in order grow one part); the file is then made of them,
in order, and gets its digests.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass
from typing import Any

from docgraph.db import uploads as db_uploads
from docgraph.db.blobs import TooLarge, s3_direct
from docgraph.db.blobs.s3 import DIRECT, S3BlobStore
from docgraph.db.pool import Database, Record
from docgraph.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob

DEFAULT_HANDLER = "default"
# Clients put the bytes in the S3 bucket themselves (see direct_upload_info).
S3_HANDLER = "s3"
NORMAL, CHUNKED = "normal", "chunked"
# Chunks one file may be cut into.
MAX_CHUNKS = 100_000
_UNKNOWN_TYPE = "application/octet-stream"
# curl's default body type, and the one of raw bytes.
_GENERIC_TYPES = frozenset({_UNKNOWN_TYPE, "application/x-www-form-urlencoded"})


@dataclass(frozen=True, slots=True)
class Upload:
    """What the client says of the bytes it sends."""

    name: str
    mime_type: str | None = None
    declared_size: int | None = None
    chunk_index: int | None = None
    # Set for a chunk: the file is sent in that many.
    chunk_count: int | None = None


@dataclass(frozen=True, slots=True)
class BatchFile:
    batch_id: str
    index: int
    name: str
    mime_type: str
    upload_type: str
    chunk_count: int | None
    uploaded_chunks: tuple[int, ...]
    # The length once complete, else the size the client announced.
    size: int | None
    blob: Blob | None

    @property
    def complete(self) -> bool:
        return self.blob is not None

    @classmethod
    def from_record(cls, row: Record) -> BatchFile:
        blob = None
        if row["blob_key"] is not None:
            blob = Blob(
                name=row["name"],
                mime_type=row["mime_type"],
                key=row["blob_key"],
                digest=row["md5"],
                length=row["length"],
            )
        return cls(
            batch_id=row["batch_id"],
            index=row["idx"],
            name=row["name"],
            mime_type=row["mime_type"],
            upload_type=row["upload_type"],
            chunk_count=row["chunk_count"],
            uploaded_chunks=tuple(row["chunks"]),
            size=row["length"] if row["length"] is not None else row["declared_size"],
            blob=blob,
        )


def mime_type_of(upload: Upload) -> str:
    """The type the client gave, else one guessed from the file name (the
    generic types are what HTTP clients send when nobody told them)."""
    given = (upload.mime_type or "").split(";")[0].strip()
    if "/" in given and len(given) <= 255 and given.lower() not in _GENERIC_TYPES:
        return given
    guessed, _ = mimetypes.guess_type(upload.name, strict=False)
    return guessed or _UNKNOWN_TYPE


def clean_file_name(name: str) -> str:
    """The last path segment, without control characters: a file name never
    names a place (``../../etc/passwd`` is ``passwd``)."""
    name = "".join(c for c in name if c.isprintable())
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "file"


def handlers(ctx: RequestContext) -> tuple[str, ...]:
    """The default handler; and direct uploads to S3 when the store is S3
    and a role for them is configured."""
    settings = ctx.settings
    if settings.blob_store == "s3" and settings.s3_role_arn:
        return (DEFAULT_HANDLER, S3_HANDLER)
    return (DEFAULT_HANDLER,)


async def create_batch(ctx: RequestContext, handler: str = DEFAULT_HANDLER) -> str:
    if handler not in handlers(ctx):
        raise NotFound(f"Unknown upload handler: {handler}")
    batch_id = f"batchId-{uuid.uuid4()}"
    await db_uploads.create_batch(
        ctx.db, batch_id, ctx.principal.username, handler, ctx.settings.batch_ttl
    )
    return batch_id


async def require_batch(ctx: RequestContext, batch_id: str) -> Record:
    row = await db_uploads.batch(ctx.db, batch_id, ctx.principal.username, ctx.settings.batch_ttl)
    if row is None:
        raise NotFound(f"Batch {batch_id} not found")
    return row


async def files(ctx: RequestContext, batch_id: str) -> list[BatchFile]:
    await require_batch(ctx, batch_id)
    return [BatchFile.from_record(r) for r in await db_uploads.files(ctx.db, batch_id)]


async def file(ctx: RequestContext, batch_id: str, index: int) -> BatchFile:
    await require_batch(ctx, batch_id)
    row = await db_uploads.file(ctx.db, batch_id, index)
    if row is None:
        raise NotFound(f"File {index} not found in batch {batch_id}")
    return BatchFile.from_record(row)


async def drop(ctx: RequestContext, batch_id: str) -> None:
    """Forget a batch; its blobs go at the next garbage collection unless a
    document took them."""
    if not await db_uploads.delete_batch(ctx.db, batch_id, ctx.principal.username):
        raise NotFound(f"Batch {batch_id} not found")


async def drop_file(ctx: RequestContext, batch_id: str, index: int) -> None:
    await require_batch(ctx, batch_id)
    if not await db_uploads.delete_file(ctx.db, batch_id, index):
        raise NotFound(f"File {index} not found in batch {batch_id}")


def _check(ctx: RequestContext, index: int, upload: Upload) -> None:
    if not 0 <= index < ctx.settings.max_batch_files:
        raise BadRequest(f"File index must be between 0 and {ctx.settings.max_batch_files - 1}")
    limit = ctx.settings.max_upload_size
    if upload.declared_size is not None and upload.declared_size > limit:
        raise PayloadTooLarge(f"The file is larger than the {limit}-byte limit")
    if upload.chunk_count is not None:
        if not 1 <= upload.chunk_count <= MAX_CHUNKS:
            raise BadRequest(f"The chunk count must be between 1 and {MAX_CHUNKS}")
        if upload.chunk_index is None or not 0 <= upload.chunk_index < upload.chunk_count:
            raise BadRequest(
                f"The chunk index must be between 0 and {upload.chunk_count - 1}, "
                f"got {upload.chunk_index}"
            )


def _too_large(ctx: RequestContext) -> PayloadTooLarge:
    return PayloadTooLarge(f"The file is larger than the {ctx.settings.max_upload_size}-byte limit")


async def upload(
    ctx: RequestContext, batch_id: str, index: int, upload: Upload, body: AsyncIterable[bytes]
) -> BatchFile:
    """Receive a whole file, or one chunk of it, at ``index`` of the batch.
    Bytes stream into the store with no database connection held."""
    _check(ctx, index, upload)
    await require_batch(ctx, batch_id)
    limit = ctx.settings.max_upload_size
    if upload.chunk_count is None:
        await ctx.release_connection()
        try:
            stored = await ctx.blobs.put(body, max_length=limit)
        except TooLarge as exc:
            raise _too_large(ctx) from exc
        await db_uploads.put_file(
            ctx.db,
            batch_id,
            index,
            name=clean_file_name(upload.name),
            mime_type=mime_type_of(upload),
            declared_size=upload.declared_size,
            upload_type=NORMAL,
            blob_key=stored.key,
            md5=stored.md5,
            length=stored.length,
        )
        return await file(ctx, batch_id, index)
    return await _chunk(ctx, batch_id, index, upload, body)


async def _chunk(
    ctx: RequestContext, batch_id: str, index: int, upload: Upload, body: AsyncIterable[bytes]
) -> BatchFile:
    """A chunk is staged as it arrives, without digests: the file gets them
    once. Where the store can append, a chunk that comes next in order is
    appended to the file's joined part, so that a file sent in order is
    written once and, when complete, renamed into place."""
    chunk, count = upload.chunk_index, upload.chunk_count
    assert chunk is not None and count is not None
    current = await db_uploads.file(ctx.db, batch_id, index)
    chunked = current is not None and current["upload_type"] == CHUNKED
    if chunked and current is not None and current["chunks"]:
        if current["chunk_count"] != count:
            raise BadRequest(
                f"File {index} is sent in {current['chunk_count']} chunks, not {count}"
            )
        if chunk in current["chunks"]:
            # A chunk sent again (a client retrying after a lost answer): it
            # is received once; the answer says where the file stands.
            async for _ in body:
                pass
            return BatchFile.from_record(current)
    joined_chunks = current["joined_chunks"] if chunked and current is not None else 0
    joined_length = current["joined_length"] if chunked and current is not None else 0
    store = ctx.blobs
    in_order = store.appends and chunk == joined_chunks
    part = f"{batch_id}/{index}/{'joined' if in_order else chunk}"
    await ctx.release_connection()
    try:
        if in_order:
            end = await store.append(part, body, offset=joined_length, max_length=_limit(ctx))
            length = end - joined_length
        else:
            length = await store.stage(part, body, max_length=_limit(ctx))
    except TooLarge as exc:
        raise _too_large(ctx) from exc
    async with ctx.unit_of_work() as unit:
        current = await db_uploads.file(unit.db, batch_id, index)
        if current is None or current["upload_type"] != CHUNKED:
            await db_uploads.put_file(
                unit.db,
                batch_id,
                index,
                name=clean_file_name(upload.name),
                mime_type=mime_type_of(upload),
                declared_size=upload.declared_size,
                upload_type=CHUNKED,
                chunk_count=count,
            )
        if in_order and not await db_uploads.advance_join(
            unit.db, batch_id, index, chunk, joined_length + length
        ):
            raise Conflict(f"Chunk {chunk} of file {index} was sent twice at once: send it again")
        await db_uploads.put_chunk(unit.db, batch_id, index, chunk, part, length)
        row = await db_uploads.file(unit.db, batch_id, index)
        assert row is not None
    if len(row["chunks"]) == count:
        await _assemble(ctx, batch_id, index)
    return await file(ctx, batch_id, index)


def _limit(ctx: RequestContext) -> int:
    return ctx.settings.max_upload_size


async def _assemble(ctx: RequestContext, batch_id: str, index: int) -> None:
    """Join the parts, in order, into the file's blob (a buffer at a time,
    never whole, and not at all for a file whose chunks were all appended in
    order), then drop them. A part lost or cut short (a crash) is forgotten:
    the client's resume sends its chunks again."""
    rows = await db_uploads.chunk_parts(ctx.db, batch_id, index)
    await ctx.release_connection()
    store = ctx.blobs
    parts: dict[str, int] = {}  # part -> its expected length, in chunk order
    for row in rows:
        parts[row["blob_key"]] = parts.get(row["blob_key"], 0) + row["length"]
    broken = {p for p, n in parts.items() if await store.staged_length(p) != n}
    if broken and await _completed(ctx, batch_id, index):
        return  # a request sending the same last chunk assembled it first
    if broken:
        for row in rows:
            if row["blob_key"] in broken:
                await db_uploads.delete_chunk(ctx.db, batch_id, index, row["chunk"])
        if any(p.endswith("/joined") for p in broken):
            await db_uploads.reset_join(ctx.db, batch_id, index)
        raise Conflict(f"File {index} of batch {batch_id} lost a chunk: send it again")
    if sum(parts.values()) > _limit(ctx):
        await db_uploads.delete_file(ctx.db, batch_id, index)
        raise _too_large(ctx)
    try:
        stored = await store.commit(list(parts))
    except FileNotFoundError as exc:
        if await _completed(ctx, batch_id, index):
            return
        raise Conflict(f"File {index} of batch {batch_id} lost a chunk: send it again") from exc
    await db_uploads.complete_file(ctx.db, batch_id, index, stored.key, stored.md5, stored.length)
    for part in parts:
        await store.unstage(part)


async def _completed(ctx: RequestContext, batch_id: str, index: int) -> bool:
    row = await db_uploads.file(ctx.db, batch_id, index)
    return row is not None and row["blob_key"] is not None


async def blob_of(ctx: RequestContext, batch_id: str, file_id: str) -> Blob:
    """The blob of a completed batch file (``upload-batch`` / ``upload-fileId``)."""
    if not file_id.isascii() or not file_id.isdigit() or len(file_id) > 9:
        raise BadRequest(f"Invalid upload-fileId: {file_id[:40]}")
    found = await file(ctx, batch_id, int(file_id))
    if found.blob is None:
        raise Conflict(f"File {file_id} of batch {batch_id} is not complete yet")
    return found.blob


async def blobs_of(ctx: RequestContext, batch_id: str) -> list[Blob]:
    """Every completed file of the batch, in index order."""
    return [f.blob for f in await files(ctx, batch_id) if f.blob is not None]


async def drop_expired(db: Database) -> int:
    return len(await db_uploads.drop_expired(db))


# -- direct uploads to S3 --------------------------------------------------


def _direct_prefix(ctx: RequestContext, batch_id: str) -> str:
    """Where the batch's clients put their objects, within the store's prefix."""
    return f"{DIRECT}{batch_id}/"


async def direct_upload_info(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    """What an S3 batch's client needs: the bucket, its key prefix and
    temporary credentials to put objects under it (``extraInfo``)."""
    batch = await require_batch(ctx, batch_id)
    if batch["handler"] != S3_HANDLER:
        raise Conflict(f"Batch {batch_id} is not a direct upload to S3")
    settings = ctx.settings
    store = ctx.blobs
    assert isinstance(store, S3BlobStore)
    base_key = store.prefix + _direct_prefix(ctx, batch_id)
    found = await s3_direct.credentials(settings, base_key)
    return {
        "provider_type": "S3",
        "bucket": settings.s3_bucket,
        "baseKey": base_key,
        "endpoint": settings.s3_endpoint,
        "region": settings.s3_region or "us-east-1",
        "usePathStyleAccess": settings.s3_endpoint is not None,
        "useS3Accelerate": False,
        **found,
    }


async def complete(
    ctx: RequestContext, batch_id: str, index: int, given: Mapping[str, Any]
) -> BatchFile:
    """A file a client put in the bucket joins the batch: it is copied into
    the store under its digest (the client's object is then removed)."""
    _check(ctx, index, Upload(name=""))
    batch = await require_batch(ctx, batch_id)
    if batch["handler"] != S3_HANDLER:
        raise Conflict("The default upload handler receives files itself: nothing to complete")
    store = ctx.blobs
    assert isinstance(store, S3BlobStore)
    key, bucket = given.get("key"), given.get("bucket", ctx.settings.s3_bucket)
    prefix = store.prefix + _direct_prefix(ctx, batch_id)
    if not isinstance(key, str) or not key.startswith(prefix) or bucket != ctx.settings.s3_bucket:
        raise BadRequest(f"The key must be in bucket {ctx.settings.s3_bucket} under {prefix}")
    name = given.get("name")
    upload = Upload(
        name=name if isinstance(name, str) else key.rsplit("/", 1)[-1],
        mime_type=given.get("mimeType") if isinstance(given.get("mimeType"), str) else None,
    )
    await ctx.release_connection()
    try:
        stored = await store.adopt(key[len(store.prefix) :], max_length=_limit(ctx))
    except TooLarge as exc:
        raise _too_large(ctx) from exc
    except FileNotFoundError as exc:
        raise NotFound(f"No object {key[:200]} in the bucket") from exc
    await db_uploads.put_file(
        ctx.db,
        batch_id,
        index,
        name=clean_file_name(upload.name),
        mime_type=mime_type_of(upload),
        declared_size=None,
        upload_type=NORMAL,
        blob_key=stored.key,
        md5=stored.md5,
        length=stored.length,
    )
    return await file(ctx, batch_id, index)
