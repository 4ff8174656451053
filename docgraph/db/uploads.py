"""Upload batches, their files and chunks (see migration 0011)."""

from __future__ import annotations

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def create_batch(db: Database, batch_id: str, owner: str, handler: str, ttl: float) -> None:
    await db.execute(Q.uploads.create_batch, batch_id, owner, handler, ttl)


async def batch(db: Database, batch_id: str, owner: str, ttl: float) -> Record | None:
    """The owner's live batch, its life extended by ``ttl`` seconds."""
    return await db.fetchrow(Q.uploads.batch, batch_id, owner, ttl)


async def delete_batch(db: Database, batch_id: str, owner: str) -> bool:
    return await db.fetchval(Q.uploads.delete_batch, batch_id, owner) is not None


async def files(db: Database, batch_id: str) -> list[Record]:
    return await db.fetch(Q.uploads.files, batch_id)


async def file(db: Database, batch_id: str, index: int) -> Record | None:
    return await db.fetchrow(Q.uploads.file, batch_id, index)


async def put_file(
    db: Database,
    batch_id: str,
    index: int,
    *,
    name: str,
    mime_type: str,
    declared_size: int | None,
    upload_type: str,
    chunk_count: int | None = None,
    blob_key: str | None = None,
    md5: str | None = None,
    length: int | None = None,
) -> None:
    """Record a file at ``index``, replacing any earlier one and its chunks."""
    await db.execute(Q.uploads.delete_chunks, batch_id, index)
    await db.execute(
        Q.uploads.put_file,
        batch_id,
        index,
        name,
        mime_type,
        declared_size,
        upload_type,
        chunk_count,
        blob_key,
        md5,
        length,
    )


async def put_chunk(
    db: Database, batch_id: str, index: int, chunk: int, part: str, length: int
) -> None:
    """Record a chunk: the staged part holding it, and its length."""
    await db.execute(Q.uploads.put_chunk, batch_id, index, chunk, part, length)


async def advance_join(
    db: Database, batch_id: str, index: int, chunk: int, joined_length: int
) -> bool:
    return (
        await db.fetchval(Q.uploads.advance_join, batch_id, index, chunk, joined_length) is not None
    )


async def reset_join(db: Database, batch_id: str, index: int) -> None:
    await db.execute(Q.uploads.reset_join, batch_id, index)


async def chunk_parts(db: Database, batch_id: str, index: int) -> list[Record]:
    return await db.fetch(Q.uploads.chunk_parts, batch_id, index)


async def delete_chunk(db: Database, batch_id: str, index: int, chunk: int) -> None:
    await db.execute(Q.uploads.delete_chunk, batch_id, index, chunk)


async def complete_file(
    db: Database, batch_id: str, index: int, blob_key: str, md5: str, length: int
) -> None:
    await db.execute(Q.uploads.complete_file, batch_id, index, blob_key, md5, length)


async def delete_file(db: Database, batch_id: str, index: int) -> bool:
    return await db.fetchval(Q.uploads.delete_file, batch_id, index) is not None


async def drop_expired(db: Database) -> list[str]:
    return [r["id"] for r in await db.fetch(Q.uploads.drop_expired)]


async def referenced_blob_keys(db: Database) -> set[str]:
    return {r["key"] for r in await db.fetch(Q.uploads.referenced_blob_keys)}
