"""Garbage collection: blobs nothing points at any more.

A blob is kept while a document (or version) or a live upload batch refers
to it, and for a grace period after it was written: an upload is stored
before the row naming it is committed, and must not be collected in between.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from docgraph.db import uploads as db_uploads
from docgraph.db.blobs.base import BlobStore
from docgraph.db.pool import Database


@dataclass(frozen=True, slots=True)
class Collection:
    kept: int
    garbage: int
    garbage_bytes: int
    deleted: int


async def collect(
    db: Database, store: BlobStore, *, grace: float = 3600.0, delete: bool = False
) -> Collection:
    """Find (and with ``delete``, remove) unreferenced blobs older than ``grace`` seconds."""
    await db_uploads.drop_expired(db)
    referenced = await db_uploads.referenced_blob_keys(db)
    cutoff = time.time() - grace
    kept = garbage = garbage_bytes = deleted = 0
    async for key, written in store.keys():
        if key in referenced or written >= cutoff:
            kept += 1
            continue
        garbage += 1
        garbage_bytes += await store.length(key) or 0
        if delete and await store.delete(key, written_before=cutoff):
            deleted += 1
    # Chunks of batches that are gone.
    async for name, written in store.staged():
        if name in referenced or written >= cutoff:
            kept += 1
            continue
        garbage += 1
        garbage_bytes += await store.staged_length(name) or 0
        if delete:
            await store.unstage(name)
            deleted += 1
    return Collection(kept, garbage, garbage_bytes, deleted)
