"""Zip archives streamed as they are written (exports, several blobs in one
download): small entries are compressed, files are stored as they are (most
are compressed already) and read from the blob store a piece at a time, so
an archive of any size never sits in memory."""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from docgraph.db.blobs import BlobStore
from docgraph.resolvers.model import Blob


@dataclass(frozen=True, slots=True)
class Entry:
    """A file of the archive: bytes made on the spot, or a stored blob."""

    name: str
    data: bytes | None = None
    blob: Blob | None = None


class _Pipe:
    """A write-only file for ``zipfile`` whose bytes are taken as they come."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.buffer = bytes(self.buffer), bytearray()
        return data


async def zipped(store: BlobStore, entries: Iterable[Entry]) -> AsyncIterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            if entry.blob is None:
                archive.writestr(entry.name, entry.data or b"")
                yield pipe.take()
                continue
            info = zipfile.ZipInfo(entry.name)
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=True) as out:
                async for data in store.get(entry.blob.key):
                    out.write(data)
                    yield pipe.take()
    yield pipe.take()


def unique_names(names: Iterable[str]) -> list[str]:
    """``a.txt``, ``a (1).txt``...: the same name twice in a zip is one file
    for most tools."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 0
        while candidate in seen:
            n += 1
            stem, dot, ext = name.rpartition(".")
            candidate = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
        seen.add(candidate)
        out.append(candidate)
    return out
