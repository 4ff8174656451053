"""What every blob store offers, and the digests computed while writing."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

_KEY = re.compile(r"[0-9a-f]{64}")


_STAGED = re.compile(r"[A-Za-z0-9_-]{1,100}(/[A-Za-z0-9_-]{1,100}){0,3}")


def is_key(text: str) -> bool:
    """A store key: a SHA-256 in lower-case hex (never a path)."""
    return _KEY.fullmatch(text) is not None


def is_staged_name(text: str) -> bool:
    """A staged part's name: up to four plain segments (``batch/0/3``)."""
    return _STAGED.fullmatch(text) is not None


class TooLarge(Exception):
    """The content went past the length it was allowed."""


@dataclass(frozen=True, slots=True)
class Stored:
    """A committed blob: its key (SHA-256), its MD5 (what Nuxeo reports as the
    digest) and its length in bytes."""

    key: str
    md5: str
    length: int


class Digests:
    """MD5 and SHA-256 of a stream, computed as it is written. The key is the
    SHA-256: MD5 collisions can be forged, and a forged one would let a client
    make another's upload resolve to its own content."""

    __slots__ = ("md5", "sha256", "length")

    def __init__(self) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.sha256 = hashlib.sha256()
        self.length = 0

    async def absorb(
        self, data: bytes | bytearray | memoryview, also: Callable[[], object] | None = None
    ) -> None:
        """Hash ``data`` in two threads at once (and run ``also``, a write,
        beside the SHA-256, which costs less than half the MD5 where the CPU
        computes SHA-256 itself): hashlib releases the GIL on large buffers,
        so on two cores the digests cost about the MD5's time."""

        def sha256_and_also() -> None:
            self.sha256.update(data)
            if also is not None:
                also()

        await asyncio.gather(
            asyncio.to_thread(self.md5.update, data), asyncio.to_thread(sha256_and_also)
        )
        self.length += len(data)

    def stored(self) -> Stored:
        return Stored(self.sha256.hexdigest(), self.md5.hexdigest(), self.length)


class BlobStore(Protocol):
    # Whether staged parts can grow in place (append); else each is its own.
    appends: bool

    async def put(self, chunks: AsyncIterable[bytes], *, max_length: int | None = None) -> Stored:
        """Write a stream; :class:`TooLarge` (and nothing kept) past
        ``max_length`` bytes. Writing content that is already stored keeps one copy."""
        ...

    def get(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes ``[start, end)`` of a blob, in pieces; FileNotFoundError
        when the store has no such key."""
        ...

    async def length(self, key: str) -> int | None:
        """The blob's length, or None when the store does not have it."""
        ...

    async def delete(self, key: str, *, written_before: float | None = None) -> bool:
        """Remove a blob; with ``written_before`` (seconds since the epoch),
        only if it was last written before then: a blob written again meanwhile
        (an upload of the same content) is kept. Whether it was removed."""
        ...

    def keys(self) -> AsyncIterator[tuple[str, float]]:
        """Every committed key with the time it was written (seconds since
        the epoch), for garbage collection."""
        ...

    # Staged parts: pieces of a file arriving in several requests (chunked
    # uploads), kept by name without hashing, then committed together.

    async def stage(
        self, name: str, chunks: AsyncIterable[bytes], *, max_length: int | None = None
    ) -> int:
        """Write (or replace) the part ``name``, durably; its length."""
        ...

    async def commit(self, names: Sequence[str], *, max_length: int | None = None) -> Stored:
        """The parts, in order, as one blob (the parts stay until unstaged).
        FileNotFoundError when a part is missing."""
        ...

    async def append(
        self,
        name: str,
        chunks: AsyncIterable[bytes],
        *,
        offset: int,
        max_length: int | None = None,
    ) -> int:
        """Write at ``offset`` of the part (cutting what was after it); its
        new length. Only when ``appends``."""
        ...

    async def staged_length(self, name: str) -> int | None: ...

    async def unstage(self, name: str) -> None: ...

    def staged(self) -> AsyncIterator[tuple[str, float]]:
        """Every staged part with the time it was written."""
        ...
