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

_STORES: dict[tuple[str, ...], BlobStore] = {}


def store_for(settings: Settings) -> BlobStore:
    """The process's store for these settings (one per location)."""
    if settings.blob_store == "filesystem":
        root = settings.blob_dir or settings.data_dir / "blobs"
        key: tuple[str, ...] = ("filesystem", str(root))
        if key not in _STORES:
            _STORES[key] = FilesystemBlobStore(root)
        return _STORES[key]
    if settings.blob_store == "s3":
        if not settings.s3_bucket:
            raise ConfigurationError("The s3 blob store needs DOCGRAPH_S3_BUCKET")
        key = ("s3", settings.s3_endpoint or "", settings.s3_bucket, settings.s3_prefix)
        if key not in _STORES:
            from docgraph.db.blobs.s3 import S3BlobStore

            _STORES[key] = S3BlobStore(
                settings.s3_bucket,
                prefix=settings.s3_prefix,
                endpoint=settings.s3_endpoint,
                region=settings.s3_region,
                access_key_id=settings.s3_access_key_id,
                secret_access_key=settings.s3_secret_access_key,
            )
        return _STORES[key]
    raise ConfigurationError(f"Unknown blob store: {settings.blob_store!r} (filesystem or s3)")
