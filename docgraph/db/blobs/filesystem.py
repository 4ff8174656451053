"""Blobs as files under one directory: ``ab/cd/abcd...`` by SHA-256; staged
parts under ``staging/``.

File I/O and hashing run in worker threads, a buffer at a time, so that a
large upload neither blocks the event loop nor sits in memory whole. Writing
is pipelined: while one buffer is hashed and written, the next one arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from docgraph.db.blobs.base import Digests, Stored, TooLarge, is_key, is_staged_name

# Bytes gathered before each hand-off to a thread: large enough that the
# hand-off costs little, small enough that memory stays flat.
BUFFER = 1 << 20
READ_BLOCK = 1 << 20


# Digests of parts being appended to, kept by the process that appends.
MAX_RUNNING_DIGESTS = 256


class FilesystemBlobStore:
    # Staged parts can grow in place (see append).
    appends = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp = root / "tmp"
        self._staging = root / "staging"
        # part name -> the digests of its bytes so far: a file sent in order
        # is hashed as it arrives, not read again at the end.
        self._running: OrderedDict[str, Digests] = OrderedDict()

    def path(self, key: str) -> Path:
        if not is_key(key):
            raise ValueError(f"not a blob key: {key[:80]!r}")
        return self.root / key[:2] / key[2:4] / key

    def staged_path(self, name: str) -> Path:
        if not is_staged_name(name):
            raise ValueError(f"not a staged part name: {name[:80]!r}")
        return self._staging / name

    async def put(self, chunks: AsyncIterable[bytes], *, max_length: int | None = None) -> Stored:
        digests = Digests()

        def absorb(file: BinaryIO, data: memoryview) -> Awaitable[None]:
            return digests.absorb(data, also=lambda: file.write(data))

        tmp = self._tmp / uuid.uuid4().hex
        await _written(tmp, chunks, max_length, absorb)
        stored = digests.stored()
        await asyncio.to_thread(_commit, tmp, self.path(stored.key))
        return stored

    async def get(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        async for data in _read(self.path(key), start, end):
            yield data

    async def length(self, key: str) -> int | None:
        return await _length(self.path(key))

    async def delete(self, key: str, *, written_before: float | None = None) -> bool:
        return await asyncio.to_thread(_delete, self.path(key), written_before)

    async def keys(self) -> AsyncIterator[tuple[str, float]]:
        for key, mtime in await asyncio.to_thread(_walk, self.root):
            yield key, mtime

    async def stage(
        self, name: str, chunks: AsyncIterable[bytes], *, max_length: int | None = None
    ) -> int:
        final = self.staged_path(name)
        length = 0

        def write(file: BinaryIO, data: memoryview) -> Awaitable[None]:
            nonlocal length
            length += len(data)
            return asyncio.to_thread(_write, file, data)

        tmp = self._tmp / uuid.uuid4().hex
        # Not synced to disk: a part is checked against its recorded length
        # before it is used, and only the committed blob must be durable.
        await _written(tmp, chunks, max_length, write, durable=False)
        await asyncio.to_thread(_replace, tmp, final, durable=False)
        return length

    async def append(
        self,
        name: str,
        chunks: AsyncIterable[bytes],
        *,
        offset: int,
        max_length: int | None = None,
    ) -> int:
        """Write ``chunks`` at ``offset`` of the part (cut there first: what a
        failed append left behind goes); the part's new length. FileNotFoundError
        when the part is shorter than ``offset``."""
        path = self.staged_path(name)
        digests = self._running.pop(name, None)
        if digests is None and offset == 0:
            digests = Digests()
        elif digests is not None and digests.length != offset:
            digests = None  # this process did not see every byte: hash at commit

        def absorb(file: BinaryIO, data: memoryview) -> Awaitable[None]:
            if digests is None:
                return asyncio.to_thread(_write, file, data)
            return digests.absorb(data, also=lambda: file.write(data))

        file = await asyncio.to_thread(_open_at, path, offset)
        try:
            written = await _pump(file, chunks, max_length, absorb)
        finally:
            await asyncio.to_thread(file.close)
        if digests is not None:
            self._running[name] = digests
            while len(self._running) > MAX_RUNNING_DIGESTS:
                self._running.popitem(last=False)
        return offset + written

    async def commit(self, names: Sequence[str], *, max_length: int | None = None) -> Stored:
        if len(names) == 1:
            return await self._commit_one(names[0], max_length)
        # Three passes over the parts, in three threads at once: the MD5, the
        # SHA-256, and a kernel-side copy into the new file. The parts are in
        # the page cache, so reading them three times costs little; hashing
        # while copying in one pass would serialise the two slowest steps.
        paths = [self.staged_path(n) for n in names]
        sizes = await asyncio.to_thread(lambda: [p.stat().st_size for p in paths])
        if max_length is not None and sum(sizes) > max_length:
            raise TooLarge(f"more than {max_length} bytes")
        tmp = self._tmp / uuid.uuid4().hex
        try:
            md5, sha256, _ = await asyncio.gather(
                asyncio.to_thread(_file_digest, paths, "md5"),
                asyncio.to_thread(_file_digest, paths, "sha256"),
                asyncio.to_thread(_concatenate, paths, tmp),
            )
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                await asyncio.shield(asyncio.to_thread(tmp.unlink))
            raise
        stored = Stored(sha256, md5, sum(sizes))
        await asyncio.to_thread(_commit, tmp, self.path(stored.key))
        return stored

    async def _commit_one(self, name: str, max_length: int | None) -> Stored:
        """One part becomes the blob by a rename: nothing is copied, and a
        part appended in order by this process is not even read again."""
        path = self.staged_path(name)
        size = await _length(path)
        if size is None:
            raise FileNotFoundError(name)
        if max_length is not None and size > max_length:
            raise TooLarge(f"more than {max_length} bytes")
        digests = self._running.pop(name, None)
        if digests is not None and digests.length == size:
            md5, sha256 = digests.md5.hexdigest(), digests.sha256.hexdigest()
        else:
            md5, sha256 = await asyncio.gather(
                asyncio.to_thread(_file_digest, [path], "md5"),
                asyncio.to_thread(_file_digest, [path], "sha256"),
            )
        await asyncio.to_thread(_sync_file, path)
        await asyncio.to_thread(_commit, path, self.path(sha256))
        return Stored(sha256, md5, size)

    async def staged_length(self, name: str) -> int | None:
        return await _length(self.staged_path(name))

    async def unstage(self, name: str) -> None:
        self._running.pop(name, None)
        await asyncio.to_thread(_delete, self.staged_path(name), None)

    async def staged(self) -> AsyncIterator[tuple[str, float]]:
        for name, mtime in await asyncio.to_thread(_walk_staging, self._staging):
            yield name, mtime


async def _written(
    tmp: Path,
    chunks: AsyncIterable[bytes],
    max_length: int | None,
    absorb: Callable[[BinaryIO, memoryview], Awaitable[None]],
    *,
    durable: bool = True,
) -> None:
    """Write ``chunks`` to a new file ``tmp``; durable once this returns,
    removed if anything fails."""
    file = await asyncio.to_thread(_create, tmp)
    try:
        await _pump(file, chunks, max_length, absorb)
        await asyncio.to_thread(_close_durably if durable else _close, file)
    except BaseException:
        await asyncio.shield(asyncio.to_thread(_discard, file, tmp))
        raise


async def _pump(
    file: BinaryIO,
    chunks: AsyncIterable[bytes],
    max_length: int | None,
    absorb: Callable[[BinaryIO, memoryview], Awaitable[None]],
) -> int:
    """Write ``chunks`` a buffer at a time (``absorb`` writes one, and may
    hash it), the next buffer filling while the last is absorbed; the bytes
    written. Two buffers, allocated once, take turns: a fresh one per
    megabyte cost more (allocation, page faults) than the copy into it."""
    buffers = (bytearray(BUFFER), bytearray(BUFFER))
    turn, filled, total = 0, 0, 0
    inflight: asyncio.Future[None] | None = None
    try:
        async for chunk in chunks:
            total += len(chunk)
            if max_length is not None and total > max_length:
                raise TooLarge(f"more than {max_length} bytes")
            view = memoryview(chunk)
            while view:
                taken = min(len(view), BUFFER - filled)
                buffers[turn][filled : filled + taken] = view[:taken]
                filled += taken
                view = view[taken:]
                if filled == BUFFER:
                    if inflight is not None:
                        await inflight
                    inflight = asyncio.ensure_future(absorb(file, memoryview(buffers[turn])))
                    turn, filled = 1 - turn, 0
        if inflight is not None:
            await inflight
            inflight = None
        if filled:
            await absorb(file, memoryview(buffers[turn])[:filled])
        return total
    except BaseException:
        if inflight is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(inflight)
        raise


async def _read(path: Path, start: int, end: int | None) -> AsyncIterator[bytes]:
    file = await asyncio.to_thread(open, path, "rb")
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


async def _length(path: Path) -> int | None:
    try:
        return (await asyncio.to_thread(path.stat)).st_size
    except FileNotFoundError:
        return None


def _create(path: Path) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Closed by _close_durably or _discard.
    return open(path, "xb")


def _write(file: BinaryIO, data: memoryview) -> None:
    file.write(data)


def _file_digest(paths: Sequence[Path], algorithm: str) -> str:
    digest = hashlib.new(algorithm, usedforsecurity=False)
    for path in paths:
        with path.open("rb") as part:
            while block := part.read(READ_BLOCK):
                digest.update(block)
    return digest.hexdigest()


def _concatenate(paths: Sequence[Path], target: Path) -> None:
    """``paths`` one after the other into ``target``, copied by the kernel, durably."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        for path in paths:
            with path.open("rb") as part:
                left = os.fstat(part.fileno()).st_size
                while left > 0:
                    copied = os.copy_file_range(part.fileno(), out.fileno(), left)
                    if copied == 0:
                        raise FileNotFoundError(f"{path.name} is shorter than it was")
                    left -= copied
        out.flush()
        os.fsync(out.fileno())


def _open_at(path: Path, offset: int) -> BinaryIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Closed by the caller.
    file = open(path, "r+b" if path.exists() else "w+b")
    size = os.fstat(file.fileno()).st_size
    if size < offset:
        file.close()
        raise FileNotFoundError(f"{path.name} holds {size} bytes, not {offset}")
    file.truncate(offset)
    file.seek(offset)
    return file


def _sync_file(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _close(file: BinaryIO) -> None:
    file.close()


def _close_durably(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()


def _sync_directory(directory: Path) -> None:
    # A rename must survive a crash too.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(tmp: Path, final: Path) -> None:
    if final.exists():  # the same content is already stored
        tmp.unlink()
        # Written again: garbage collection must now see a fresh blob.
        os.utime(final)
        return
    _replace(tmp, final)


def _replace(tmp: Path, final: Path, *, durable: bool = True) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    if durable:
        _sync_directory(final.parent)


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


def _walk_staging(root: Path) -> list[tuple[str, float]]:
    if not root.exists():
        return []
    return [
        (str(path.relative_to(root)), path.stat().st_mtime)
        for path in root.rglob("*")
        if path.is_file()
    ]
