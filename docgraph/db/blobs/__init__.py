"""Blob stores: where file bytes live, content-addressed by SHA-256.

Documents and upload batches keep a blob's key (its SHA-256) and metadata in
PostgreSQL; the bytes are in a store chosen by settings. Every store writes
under a temporary name and commits under the key only once the content is
complete and durable, so a crash never leaves a half blob under a key.
"""

from __future__ import annotations

from docgraph.db.blobs.base import BlobStore, Stored, TooLarge, is_key
from docgraph.db.blobs.filesystem import FilesystemBlobStore
from docgraph.settings import ConfigurationError, Settings

__all__ = ["BlobStore", "FilesystemBlobStore", "Stored", "TooLarge", "is_key", "store_for"]

_STORES: dict[tuple[str, str], BlobStore] = {}


def store_for(settings: Settings) -> BlobStore:
    """The process's store for these settings (one per location)."""
    if settings.blob_store != "filesystem":
        raise ConfigurationError(f"Unknown blob store: {settings.blob_store!r}")
    root = settings.blob_dir or settings.data_dir / "blobs"
    key = (settings.blob_store, str(root))
    store = _STORES.get(key)
    if store is None:
        store = _STORES[key] = FilesystemBlobStore(root)
    return store
