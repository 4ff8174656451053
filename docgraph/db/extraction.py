"""The full-text extraction queue and extracted texts (see migration 0014)."""

from __future__ import annotations

from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def claim_jobs(db: Database, limit: int, lease: float) -> list[Record]:
    return await db.fetch(Q.extraction.claim_jobs, limit, lease)


async def has_text(db: Database, blob_key: str) -> bool:
    found: bool = await db.fetchval(Q.extraction.has_text, blob_key)
    return found


async def save_text(db: Database, blob_key: str, content: str) -> None:
    await db.execute(Q.extraction.save_text, blob_key, content)


async def finish(db: Database, document_id: UUID, blob_key: str) -> None:
    """The document's full text now includes the file's; the job is done."""
    async with db.transaction() as tx:
        await tx.execute(Q.extraction.reindex_document, document_id)
        await tx.execute(Q.extraction.finish_job, document_id, blob_key)


async def pending_jobs(db: Database) -> int:
    count: int = await db.fetchval(Q.extraction.pending_jobs)
    return count
