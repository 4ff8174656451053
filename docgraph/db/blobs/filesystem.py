"""Blobs as files under one directory: ``ab/cd/abcd...`` by SHA-256.

File I/O and hashing run in worker threads, a buffer at a time, so that a
large upload neither blocks the event loop nor sits in memory whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO

from docgraph.db.blobs.base import Digests, Stored, TooLarge, is_key

# Bytes gathered before each hand-off to a thread: large enough that the
# hand-off costs little, small enough that memory stays flat.
BUFFER = 1 << 20
READ_BLOCK = 256 * 1024


class FilesystemBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp = root / "tmp"

    def path(self, key: str) -> Path:
        if not is_key(key):
            raise ValueError(f"not a blob key: {key[:80]!r}")
        return self.root / key[:2] / key[2:4] / key

    async def put(self, chunks: AsyncIterable[bytes], *, max_length: int | None = None) -> Stored:
        tmp = self._tmp / uuid.uuid4().hex
        file = await asyncio.to_thread(_create, tmp)
        digests = Digests()
        try:
            pending = bytearray()
            async for chunk in chunks:
                if (
                    max_length is not None
                    and digests.length + len(pending) + len(chunk) > max_length
                ):
                    raise TooLarge(f"more than {max_length} bytes")
                pending += chunk
                if len(pending) >= BUFFER:
                    data, pending = pending, bytearray()
                    await asyncio.to_thread(_write, file, digests, data)
            if pending:
                await asyncio.to_thread(_write, file, digests, pending)
            await asyncio.to_thread(_close_durably, file)
            stored = digests.stored()
            await asyncio.to_thread(_commit, tmp, self.path(stored.key))
            return stored
        except BaseException:
            await asyncio.shield(asyncio.to_thread(_discard, file, tmp))
            raise

    async def get(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        file = await asyncio.to_thread(open, self.path(key), "rb")
        try:
            if start:
                await asyncio.to_thread(file.seek, start)
            left = None if end is None else end - start
            while left is None or left > 0:
                size = READ_BLOCK if left is None else min(READ_BLOCK, left)
                data = await asyncio.to_thread(file.read, size)
                if not data:
                    break
                if left is not None:
                    left -= len(data)
                yield data
        finally:
            await asyncio.to_thread(file.close)

    async def length(self, key: str) -> int | None:
        try:
            return (await asyncio.to_thread(self.path(key).stat)).st_size
        except FileNotFoundError:
            return None

    async def delete(self, key: str, *, written_before: float | None = None) -> bool:
        return await asyncio.to_thread(_delete, self.path(key), written_before)

    async def keys(self) -> AsyncIterator[tuple[str, float]]:
        for key, mtime in await asyncio.to_thread(_walk, self.root):
            yield key, mtime


def _create(path: Path) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Closed by _close_durably or _discard.
    return open(path, "xb")


def _write(file: BinaryIO, digests: Digests, data: bytearray) -> None:
    digests.update(data)
    file.write(data)


def _close_durably(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()


def _commit(tmp: Path, final: Path) -> None:
    if final.exists():  # the same content is already stored
        tmp.unlink()
        # Written again: garbage collection must now see a fresh blob.
        os.utime(final)
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    # The rename itself must survive a crash too.
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(file: BinaryIO, tmp: Path) -> None:
    file.close()
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()


def _delete(path: Path, written_before: float | None) -> bool:
    try:
        if written_before is not None and path.stat().st_mtime >= written_before:
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _walk(root: Path) -> list[tuple[str, float]]:
    found = []
    for first in root.glob("??"):
        for path in first.glob("??/*"):
            if is_key(path.name):
                found.append((path.name, path.stat().st_mtime))
    return found
