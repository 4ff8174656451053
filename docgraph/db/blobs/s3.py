"""Blobs in S3-compatible object storage (AWS, MinIO, Ceph...), through obstore.

obstore was chosen over aiobotocore: its async API streams in both
directions and runs multipart uploads itself, it is fast (Rust), and it does
not pin botocore and aiohttp versions against docgraph's own aiohttp.

A blob is first written under ``tmp/<random>`` while its digests are
computed, then copied server-side to its key and the temporary object
removed: a key never names a partial object. (S3's single-request copy stops
at 5 GB, which ``max_upload_size`` should not exceed with this store.)
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any

import obstore
from obstore.store import S3Store

from docgraph.db.blobs.base import Digests, Stored, TooLarge, is_key, is_staged_name

_HASH_BUFFER = 1 << 20
_READ_CHUNK = 256 * 1024
_TMP = "tmp/"
_STAGING = "staging/"
# Where clients put objects themselves (direct uploads), below the prefix.
DIRECT = "directupload/"


class S3BlobStore:
    # Objects cannot grow: each chunk is a part of its own.
    appends = False

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        config: dict[str, Any] = {
            k: v
            for k, v in {
                "endpoint": endpoint,
                "region": region,
                "access_key_id": access_key_id,
                "secret_access_key": secret_access_key,
            }.items()
            if v
        }
        self._prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._store = S3Store(
            bucket,
            prefix=prefix.strip("/") or None,
            client_options={"allow_http": True} if (endpoint or "").startswith("http:") else None,
            **config,
        )

    @staticmethod
    def path(key: str) -> str:
        if not is_key(key):
            raise ValueError(f"not a blob key: {key[:80]!r}")
        return f"{key[:2]}/{key[2:4]}/{key}"

    async def put(self, chunks: AsyncIterable[bytes], *, max_length: int | None = None) -> Stored:
        digests = Digests()

        async def hashed() -> AsyncIterator[bytes]:
            pending = bytearray()
            async for chunk in chunks:
                if (
                    max_length is not None
                    and digests.length + len(pending) + len(chunk) > max_length
                ):
                    raise TooLarge(f"more than {max_length} bytes")
                pending += chunk
                if len(pending) >= _HASH_BUFFER:
                    data, pending = bytes(pending), bytearray()
                    await digests.absorb(data)
                    yield data
            if pending:
                data = bytes(pending)
                await digests.absorb(data)
                yield data

        tmp = f"{_TMP}{uuid.uuid4().hex}"
        try:
            await obstore.put_async(self._store, tmp, hashed())
            stored = digests.stored()
            # Copying over an existing key (the same content) also refreshes
            # its date, which garbage collection goes by.
            await obstore.copy_async(self._store, tmp, self.path(stored.key))
            return stored
        finally:
            with contextlib.suppress(FileNotFoundError):
                await asyncio.shield(obstore.delete_async(self._store, tmp))

    async def get(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        if end is not None and end <= start:
            return
        options: Any = {}
        if end is not None:
            options["range"] = (start, end)
        elif start:
            options["range"] = {"offset": start}
        result = await obstore.get_async(self._store, self.path(key), options=options or None)
        async for chunk in result.stream(min_chunk_size=_READ_CHUNK):
            yield bytes(chunk)

    async def length(self, key: str) -> int | None:
        try:
            meta = await obstore.head_async(self._store, self.path(key))
        except FileNotFoundError:
            return None
        return int(meta["size"])

    async def delete(self, key: str, *, written_before: float | None = None) -> bool:
        path = self.path(key)
        try:
            # S3 deletes a missing object without complaint: ask first.
            meta = await obstore.head_async(self._store, path)
            if written_before is not None and meta["last_modified"].timestamp() >= written_before:
                return False
            await obstore.delete_async(self._store, path)
        except FileNotFoundError:
            return False
        return True

    async def keys(self) -> AsyncIterator[tuple[str, float]]:
        async for batch in obstore.list(self._store):
            for meta in batch:
                path = meta["path"]
                name = path.rsplit("/", 1)[-1]
                if not path.startswith((_TMP, _STAGING, DIRECT)) and is_key(name):
                    yield name, meta["last_modified"].timestamp()

    @property
    def prefix(self) -> str:
        """The store's key prefix in the bucket, with its slash ("" for none)."""
        return self._prefix

    async def adopt(self, relative: str, *, max_length: int | None = None) -> Stored:
        """An object a client put under ``DIRECT`` becomes a blob (copied with
        its digests computed, then removed). FileNotFoundError when absent."""
        if not relative.startswith(DIRECT) or ".." in relative or "//" in relative:
            raise ValueError(f"not a direct upload: {relative[:80]!r}")
        result = await obstore.get_async(self._store, relative)

        async def parts() -> AsyncIterator[bytes]:
            async for chunk in result.stream(min_chunk_size=_HASH_BUFFER):
                yield bytes(chunk)

        stored = await self.put(parts(), max_length=max_length)
        with contextlib.suppress(FileNotFoundError):
            await obstore.delete_async(self._store, relative)
        return stored

    @staticmethod
    def staged_path(name: str) -> str:
        if not is_staged_name(name):
            raise ValueError(f"not a staged part name: {name[:80]!r}")
        return _STAGING + name

    async def stage(
        self, name: str, chunks: AsyncIterable[bytes], *, max_length: int | None = None
    ) -> int:
        length = 0

        async def counted() -> AsyncIterator[bytes]:
            nonlocal length
            async for chunk in chunks:
                length += len(chunk)
                if max_length is not None and length > max_length:
                    raise TooLarge(f"more than {max_length} bytes")
                yield chunk

        # An S3 object appears whole or not at all: no temporary name needed.
        await obstore.put_async(self._store, self.staged_path(name), counted())
        return length

    async def commit(self, names: Sequence[str], *, max_length: int | None = None) -> Stored:
        paths = [self.staged_path(n) for n in names]

        async def parts() -> AsyncIterator[bytes]:
            for path in paths:
                result = await obstore.get_async(self._store, path)
                async for chunk in result.stream(min_chunk_size=_HASH_BUFFER):
                    yield bytes(chunk)

        return await self.put(parts(), max_length=max_length)

    async def append(
        self,
        name: str,
        chunks: AsyncIterable[bytes],
        *,
        offset: int,
        max_length: int | None = None,
    ) -> int:
        raise NotImplementedError("S3 objects cannot be appended to")

    async def staged_length(self, name: str) -> int | None:
        try:
            meta = await obstore.head_async(self._store, self.staged_path(name))
        except FileNotFoundError:
            return None
        return int(meta["size"])

    async def unstage(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await obstore.delete_async(self._store, self.staged_path(name))

    async def staged(self) -> AsyncIterator[tuple[str, float]]:
        async for batch in obstore.list(self._store, _STAGING):
            for meta in batch:
                yield meta["path"][len(_STAGING) :], meta["last_modified"].timestamp()
