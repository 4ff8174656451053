"""The blob store contract, run against every store implementation."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import pytest

from docgraph.db.blobs import FilesystemBlobStore, TooLarge
from docgraph.db.blobs.s3 import S3BlobStore


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemBlobStore(tmp_path / "blobs")
    s3 = request.getfixturevalue("s3_server")
    # A prefix of its own: every test starts with an empty store.
    return S3BlobStore(s3["bucket"], prefix=uuid.uuid4().hex, **s3["options"])


async def temporaries(store, tmp_path) -> list:
    if isinstance(store, FilesystemBlobStore):
        return list((tmp_path / "blobs" / "tmp").iterdir())
    import obstore

    return [m async for batch in obstore.list(store._store, "tmp/") for m in batch]


async def stream(*pieces: bytes) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


async def read(store, key, start=0, end=None) -> bytes:
    return b"".join([data async for data in store.get(key, start, end)])


async def test_a_blob_is_kept_under_its_sha256_with_its_md5(store):
    content = b"hello " * 100_000
    stored = await store.put(stream(content[:1000], content[1000:]))
    assert stored.key == hashlib.sha256(content).hexdigest()
    assert stored.md5 == hashlib.md5(content).hexdigest()
    assert stored.length == len(content)
    assert await read(store, stored.key) == content
    assert await store.length(stored.key) == len(content)


async def test_ranges_are_read_without_the_rest(store):
    stored = await store.put(stream(bytes(range(256)) * 4000))
    assert await read(store, stored.key, 10, 20) == bytes(range(10, 20))
    assert await read(store, stored.key, 1024 * 1000 - 3) == bytes([253, 254, 255])


async def test_the_same_content_twice_is_one_blob(store):
    first = await store.put(stream(b"same"))
    second = await store.put(stream(b"sa", b"me"))
    assert first == second
    assert [k async for k, _ in store.keys()] == [first.key]


async def test_an_empty_blob(store):
    stored = await store.put(stream())
    assert stored.length == 0
    assert await read(store, stored.key) == b""


async def test_too_large_keeps_nothing(store, tmp_path):
    with pytest.raises(TooLarge):
        await store.put(stream(b"x" * 10, b"y" * 10), max_length=15)
    assert [k async for k, _ in store.keys()] == []
    assert await temporaries(store, tmp_path) == []


async def test_a_large_blob_streams_in_parts(store):
    piece = bytes(range(256)) * 4096  # 1 MiB
    stored = await store.put(stream(*[piece] * 12))  # several multipart parts on S3
    assert stored.length == 12 * len(piece)
    assert await read(store, stored.key, 5 * len(piece), 5 * len(piece) + 3) == piece[:3]


async def test_pieces_across_buffer_boundaries_keep_every_byte_in_order(store):
    # Pieces of odd sizes straddle the store's write buffers (a megabyte on
    # the filesystem), which are reused: no byte may be lost, doubled or
    # overwritten before it is written.
    content = hashlib.sha256(b"seed").digest() * 110_000  # 3.5 MB
    pieces = [content[i : i + 700_001] for i in range(0, len(content), 700_001)]
    stored = await store.put(stream(*pieces))
    assert stored.md5 == hashlib.md5(content).hexdigest()
    assert stored.key == hashlib.sha256(content).hexdigest()
    assert await read(store, stored.key) == content


async def test_a_failed_stream_leaves_no_blob_and_no_temporary_file(store, tmp_path):
    async def broken() -> AsyncIterator[bytes]:
        yield b"part of it"
        raise ConnectionResetError("client gone")

    with pytest.raises(Exception, match="client gone"):
        await store.put(broken())
    assert [k async for k, _ in store.keys()] == []
    assert await temporaries(store, tmp_path) == []


async def test_missing_and_deleted_blobs(store):
    stored = await store.put(stream(b"gone soon"))
    assert not await store.delete(stored.key, written_before=0)  # written since
    assert await store.delete(stored.key)
    assert not await store.delete(stored.key)  # twice is fine
    assert await store.length(stored.key) is None
    with pytest.raises(FileNotFoundError):
        await read(store, stored.key)


async def test_a_key_is_never_a_path(store):
    with pytest.raises(ValueError):
        await store.length("../../etc/passwd")
