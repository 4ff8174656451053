"""Batch upload over REST: the contract's calls, statuses and JSON, and the
edge cases a hostile or clumsy client brings."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic
from .helpers import API, file_from, new_batch, uploaded

LIMIT = 64 * 1024


@pytest.fixture
def settings(base_settings):
    return replace(base_settings, max_upload_size=LIMIT, max_batch_files=10, body_timeout=2.0)


async def send(client, batch, index, data: bytes, name="a.txt", mime="text/plain", **headers):
    return await client.post(
        f"{API}/upload/{batch}/{index}",
        data=data,
        headers={
            "X-File-Name": name,
            "X-File-Type": mime,
            "X-File-Size": str(len(data)),
            **headers,
        },
    )


async def send_chunk(client, batch, index, chunk, count, data: bytes, size=9):
    return await send(
        client,
        batch,
        index,
        data,
        name="big.bin",
        mime="application/octet-stream",
        **{
            "X-Upload-Type": "chunked",
            "X-Upload-Chunk-Index": str(chunk),
            "X-Upload-Chunk-Count": str(count),
            "X-File-Size": str(size),
        },
    )


async def test_a_normal_upload_is_described_as_the_contract_says(client):
    batch = await new_batch(client)
    assert batch.startswith("batchId-")
    assert (await client.get(f"{API}/upload/{batch}")).status == 204  # no file yet
    resp = await send(client, batch, 0, b"hello")
    assert resp.status == 201
    assert await resp.json() == {
        "uploaded": "true",
        "batchId": batch,
        "fileIdx": "0",
        "uploadType": "normal",
        "uploadedSize": "5",
    }
    assert await (await client.get(f"{API}/upload/{batch}")).json() == [
        {"name": "a.txt", "size": 5, "uploadType": "normal"}
    ]
    assert await (await client.get(f"{API}/upload/{batch}/0")).json() == {
        "name": "a.txt",
        "size": 5,
        "uploadType": "normal",
    }
    info = await (await client.get(f"{API}/upload/{batch}/info")).json()
    assert info["batchId"] == batch and info["provider"] == "default"
    assert len(info["fileEntries"]) == 1


async def test_handlers(client):
    assert await (await client.get(f"{API}/upload/handlers")).json() == {
        "handlers": [{"name": "default"}]
    }
    assert (await client.get(f"{API}/upload/handlers/default")).status == 200
    assert (await client.get(f"{API}/upload/handlers/light")).status == 404
    resp = await client.post(f"{API}/upload/new/default")
    body = await resp.json()
    assert body["provider"] == "default" and body["fileEntries"] == []
    assert (await client.post(f"{API}/upload/new/light")).status == 404


async def test_chunks_arrive_in_any_order_and_a_resent_chunk_changes_nothing(client):
    batch = await new_batch(client)
    first = await send_chunk(client, batch, 0, 2, 3, b"ch2")
    assert first.status == 202
    body = await first.json()
    assert body["uploadedChunkIds"] == [2] and body["chunkCount"] == 3
    assert (await send_chunk(client, batch, 0, 0, 3, b"ch0")).status == 202
    again = await send_chunk(client, batch, 0, 0, 3, b"ch0")  # the client's retry
    assert again.status == 202
    assert (await again.json())["uploadedChunkIds"] == [0, 2]
    probe = await client.get(f"{API}/upload/{batch}/0")
    assert probe.status == 202  # incomplete: the client resumes from uploadedChunkIds
    assert (await probe.json())["uploadedChunkIds"] == [0, 2]
    last = await send_chunk(client, batch, 0, 1, 3, b"ch1")
    assert last.status == 201
    assert (await last.json())["uploadedChunkIds"] == [0, 1, 2]
    done = await client.get(f"{API}/upload/{batch}/0")
    assert done.status == 200 and (await done.json())["size"] == 9


@pytest.mark.parametrize(
    ("chunk", "count"), [("3", "3"), ("-1", "3"), ("x", "3"), ("0", "0"), ("0", "nope")]
)
async def test_bad_chunk_numbers_are_400(client, chunk, count):
    batch = await new_batch(client)
    resp = await send(
        client,
        batch,
        0,
        b"data",
        **{
            "X-Upload-Type": "chunked",
            "X-Upload-Chunk-Index": chunk,
            "X-Upload-Chunk-Count": count,
        },
    )
    assert resp.status == 400
    assert (await resp.json())["entity-type"] == "exception"


async def test_a_changed_chunk_count_is_400(client):
    batch = await new_batch(client)
    assert (await send_chunk(client, batch, 0, 0, 3, b"ch0")).status == 202
    assert (await send_chunk(client, batch, 0, 1, 4, b"ch1")).status == 400


async def test_unknown_batches_files_and_indexes(client):
    batch = await new_batch(client)
    assert (await client.get(f"{API}/upload/batchId-nope")).status == 404
    assert (await send(client, "batchId-nope", 0, b"x")).status == 404
    assert (await client.get(f"{API}/upload/{batch}/3")).status == 404
    assert (await client.delete(f"{API}/upload/{batch}/3")).status == 404
    assert (await send(client, batch, "abc", b"x")).status == 400
    assert (await send(client, batch, 10, b"x")).status == 400  # past max_batch_files


async def test_dropped_batches_and_files(client):
    batch = await new_batch(client)
    await send(client, batch, 0, b"zero")
    await send(client, batch, 1, b"one")
    assert (await client.delete(f"{API}/upload/{batch}/0")).status == 204
    assert [f["name"] for f in await (await client.get(f"{API}/upload/{batch}")).json()] == [
        "a.txt"
    ]
    assert (await client.delete(f"{API}/upload/{batch}")).status == 204
    assert (await client.get(f"{API}/upload/{batch}")).status == 404
    assert (await send(client, batch, 0, b"late")).status == 404
    assert (await client.delete(f"{API}/upload/{batch}")).status == 404


async def test_oversize_files_are_413_whether_announced_or_not(client):
    batch = await new_batch(client)
    big = b"x" * (LIMIT + 1)
    assert (await send(client, batch, 0, big)).status == 413
    # A client lying about the size is stopped by what arrives.
    resp = await send(client, batch, 0, big, **{"X-File-Size": "1"})
    assert resp.status == 413
    assert (await client.get(f"{API}/upload/{batch}")).status == 204  # nothing kept
    # Chunks that add up past the limit.
    half = b"y" * (LIMIT // 2 + 1)
    assert (await send_chunk(client, batch, 1, 0, 2, half, size=1)).status == 202
    assert (await send_chunk(client, batch, 1, 1, 2, half, size=1)).status == 413


async def test_the_type_comes_from_x_file_type_else_from_the_name(client):
    batch = await new_batch(client)
    await client.post(
        f"{API}/upload/{batch}/0",
        data=b"x",
        headers={"X-File-Name": "a.pdf", "Content-Type": "application/x-www-form-urlencoded"},
    )
    await send(client, batch, 1, b"x", name="b.png", mime="application/octet-stream")
    await send(client, batch, 2, b"x", name="c.bin", mime="text/csv; charset=utf-8")
    resp = await client.post(
        "/nuxeo/graphql",
        json={
            "query": "query($b: ID!) { uploadBatch(id: $b) { files { mimeType } } }",
            "variables": {"b": batch},
        },
    )
    files = (await resp.json())["data"]["uploadBatch"]["files"]
    assert [f["mimeType"] for f in files] == ["application/pdf", "image/png", "text/csv"]


async def test_names_are_decoded_and_never_a_path(client):
    batch = await new_batch(client)
    await send(client, batch, 0, b"x", name="%C3%A9t%C3%A9%20%E2%82%AC.txt")
    await send(client, batch, 1, b"x", name="..%2F..%2Fetc%2Fpasswd")
    await send(client, batch, 2, b"x", name="=?UTF-8?B?w6l0w6kudHh0?=")
    names = [f["name"] for f in await (await client.get(f"{API}/upload/{batch}")).json()]
    assert names == ["été €.txt", "passwd", "été.txt"]


async def test_an_empty_file(client):
    batch = await new_batch(client)
    resp = await send(client, batch, 0, b"")
    assert resp.status == 201
    assert (await resp.json())["uploadedSize"] == "0"
    doc = await file_from(client, "empty", batch)
    assert doc["properties"]["file:content"]["length"] == "0"
    download = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert download.status == 200 and await download.read() == b""


async def test_a_batch_is_its_owners_only(client, db):
    if await db_security.user_by_name(db, "uploader2") is None:
        await db_security.insert_user(db, "uploader2", hash_password("uploader2-pw"))
        await db_security.add_membership(db, "uploader2", "members")
    batch = await new_batch(client)
    await send(client, batch, 0, b"mine")
    other = basic("uploader2", "uploader2-pw")
    assert (await client.get(f"{API}/upload/{batch}", headers=other)).status == 404
    assert (await client.delete(f"{API}/upload/{batch}", headers=other)).status == 404
    resp = await client.post(
        f"{API}/upload/{batch}/1", data=b"theirs", headers={**other, "X-File-Name": "t"}
    )
    assert resp.status == 404
    assert (await client.get(f"{API}/upload/{batch}")).status == 200


async def test_a_multipart_form_upload_is_answered_in_html(client):
    from aiohttp import FormData

    batch = await new_batch(client)
    form = FormData()
    form.add_field("file", b"from a form", filename="form.txt", content_type="text/plain")
    resp = await client.post(f"{API}/upload/{batch}/0", data=form)
    assert resp.status == 201
    text = await resp.text()
    assert text.startswith("<html>{") and '"uploadedSize":"11"' in text
    assert (await (await client.get(f"{API}/upload/{batch}/0")).json())["name"] == "form.txt"


async def test_slow_uploads_hold_no_database_connection(client):
    """More trickling uploads than the pool has connections, and a read still answers."""
    batch = await new_batch(client)
    auth = client.session.headers["Authorization"].encode()
    writers = []
    for i in range(6):  # the pool holds 4
        reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
        writer.write(
            f"POST {API}/upload/{batch}/{i} HTTP/1.1\r\nHost: x\r\n".encode()
            + b"Authorization: "
            + auth
            + b"\r\nX-File-Name: slow.bin\r\nContent-Length: 100000\r\n\r\nfirst bytes"
        )
        await writer.drain()
        writers.append(writer)
    try:
        await asyncio.sleep(0.3)  # the uploads have started streaming
        # Well within body_timeout (2 s), after which the uploads would give up.
        resp = await asyncio.wait_for(client.get(f"{API}/path/default-domain"), timeout=1)
        assert resp.status == 200
    finally:
        for writer in writers:
            writer.close()


async def test_a_document_takes_an_upload_and_serves_it_back(client):
    content = "contenu été".encode()
    batch = await new_batch(client)
    await send(client, batch, 0, content, name="%C3%A9t%C3%A9.txt")
    doc = await file_from(client, "with-blob", batch)
    blob = doc["properties"]["file:content"]
    assert blob == {
        "name": "été.txt",
        "mime-type": "text/plain",
        "encoding": None,
        "digestAlgorithm": "MD5",
        "digest": hashlib.md5(content).hexdigest(),
        "length": str(len(content)),
        "data": blob["data"],
    }
    assert (
        f"/nuxeo/nxfile/default/{doc['uid']}/file:content/%C3%A9t%C3%A9.txt?changeToken="
        in (blob["data"])
    )
    for url in (
        f"{API}/id/{doc['uid']}/@blob/file:content",
        f"{API}/id/{doc['uid']}/@blob/blobholder:0",
        f"{API}/id/{doc['uid']}/@blob/content",
        "/nuxeo" + blob["data"].split("/nuxeo", 1)[1],
    ):
        resp = await client.get(url)
        assert resp.status == 200, url
        assert await resp.read() == content
        assert resp.headers["Content-Type"] == "text/plain"
        assert resp.headers["Content-Length"] == str(len(content))
        assert resp.headers["ETag"] == f'"{hashlib.md5(content).hexdigest()}"'
        assert resp.headers["Content-Disposition"].endswith("filename*=UTF-8''%C3%A9t%C3%A9.txt")
    assert (await client.get(f"{API}/id/{doc['uid']}/@blob/blobholder:01")).status == 404
    assert (await client.get(f"{API}/id/{doc['uid']}/@blob/dc:nothing")).status == 404


async def test_conditional_and_ranged_downloads(client):
    batch = await new_batch(client)
    await send(client, batch, 0, b"0123456789")
    doc = await file_from(client, "ranged", batch)
    url = f"{API}/id/{doc['uid']}/@blob/file:content"
    etag = (await client.get(url)).headers["ETag"]
    assert (await client.get(url, headers={"If-None-Match": etag})).status == 304
    assert (await client.get(url, headers={"If-None-Match": '"other"'})).status == 200
    part = await client.get(url, headers={"Range": "bytes=2-4"})
    assert part.status == 206
    assert await part.read() == b"234"
    assert part.headers["Content-Range"] == "bytes 2-4/10"
    tail = await client.get(url, headers={"Range": "bytes=-3"})
    assert tail.status == 206 and await tail.read() == b"789"
    beyond = await client.get(url, headers={"Range": "bytes=50-"})
    assert beyond.status == 416
    assert beyond.headers["Content-Range"] == "bytes */10"
    head = await client.head(url)
    assert head.status == 200 and head.headers["Content-Length"] == "10"


async def test_a_forged_blob_value_is_refused(client):
    """Knowing a blob's digests gives no way to put it on another document."""
    batch = await new_batch(client)
    await send(client, batch, 0, b"secret bytes")
    secret = await file_from(client, "secret", batch)
    stored = secret["properties"]["file:content"]
    forged = {**stored, "sha256": hashlib.sha256(b"secret bytes").hexdigest()}
    resp = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={
            "entity-type": "document",
            "type": "File",
            "name": "thief",
            "properties": {"file:content": forged},
        },
    )
    assert resp.status == 400
    assert "upload-batch" in (await resp.json())["message"]


async def test_an_echoed_document_keeps_its_blob_and_null_clears_it(client):
    batch = await new_batch(client)
    await send(client, batch, 0, b"kept")
    doc = await file_from(client, "echoed", batch)
    resp = await client.put(f"{API}/id/{doc['uid']}", json=doc)  # the whole model, as PY sends
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["properties"]["file:content"]["digest"] == doc["properties"][
        "file:content"
    ]["digest"]
    cleared = await client.put(
        f"{API}/id/{doc['uid']}",
        json={"entity-type": "document", "properties": {"file:content": None}},
    )
    assert (await cleared.json())["properties"]["file:content"] is None
    assert (await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")).status == 404


async def test_an_unfinished_chunked_file_cannot_be_used(client):
    batch = await new_batch(client)
    await send_chunk(client, batch, 0, 0, 2, b"half")
    resp = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={
            "entity-type": "document",
            "type": "File",
            "name": "half",
            "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
        },
    )
    assert resp.status == 409


async def test_execute_on_a_batch_attaches_and_drops_it(client):
    batch = await new_batch(client)
    await send(client, batch, 0, b"first", name="1.txt")
    await send(client, batch, 1, b"second", name="2.txt")
    doc = await file_from(client, "attached", batch, index="0")
    resp = await client.post(
        f"{API}/upload/{batch}/execute/Blob.AttachOnDocument",
        json={"params": {"document": doc["path"], "xpath": "files:files"}},
        headers={"X-NXVoidOperation": "true", "X-Batch-No-Drop": "true"},
    )
    assert resp.status == 204
    assert (await client.get(f"{API}/upload/{batch}")).status == 200  # kept: No-Drop
    for i, content in enumerate((b"first", b"second")):
        resp = await client.get(f"{API}/id/{doc['uid']}/@blob/files:files/{i}/file")
        assert await resp.read() == content
    one = await client.post(
        f"{API}/upload/{batch}/1/execute/Blob.AttachOnDocument",
        json={"params": {"document": doc["uid"]}},
    )
    assert one.status == 200 and await one.read() == b"second"  # the blob itself
    assert (await client.get(f"{API}/upload/{batch}")).status == 404  # dropped
    resp = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert await resp.read() == b"second"


async def test_blob_operations(client):
    batch = await new_batch(client)
    for i, content in enumerate((b"main", b"att-0", b"att-1")):
        await send(client, batch, i, content, name=f"{i}.txt")
    doc = await file_from(client, "ops", batch)
    await client.post(
        f"{API}/upload/{batch}/1/execute/Blob.Attach",
        json={"params": {"document": doc["uid"], "xpath": "files:files"}},
        headers={"X-Batch-No-Drop": "true"},
    )
    await client.post(
        f"{API}/upload/{batch}/2/execute/Blob.Attach",
        json={"params": {"document": doc["uid"], "xpath": "files:files"}},
    )
    get = await client.post(
        f"{API}/automation/Document.GetBlob", json={"input": doc["uid"], "params": {}}
    )
    assert await get.read() == b"main"
    every = await client.post(f"{API}/automation/Document.GetBlobs", json={"input": doc["uid"]})
    assert every.headers["Content-Type"].startswith("multipart/mixed")
    body = await every.read()
    assert all(part in body for part in (b"main", b"att-0", b"att-1"))
    listed = await client.post(
        f"{API}/automation/Document.GetBlobsByProperty", json={"input": doc["uid"]}
    )
    assert b"main" not in await listed.read()
    removed = await client.post(
        f"{API}/automation/Blob.RemoveFromDocument",
        json={"input": doc["uid"], "params": {"xpath": "files:files/0/file"}},
    )
    files = (await removed.json())["properties"]["files:files"]
    assert [f["file"]["name"] for f in files] == ["2.txt"]
    renamed = await client.post(
        f"{API}/automation/Document.SetBlobName",
        json={"input": doc["uid"], "params": {"name": "../renamed.txt"}},
    )
    assert (await renamed.json())["properties"]["file:content"]["name"] == "renamed.txt"
    deleted = await client.delete(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert deleted.status == 204
    assert (await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")).status == 404


async def test_downloads_need_read_permission(client, db):
    if await db_security.user_by_name(db, "peeker") is None:
        await db_security.insert_user(db, "peeker", hash_password("peeker-pw"))
        await db_security.add_membership(db, "peeker", "members")
    folder = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={"entity-type": "document", "type": "Folder", "name": "private"},
    )
    folder_uid = (await folder.json())["uid"]
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": folder_uid}
    )
    batch = await new_batch(client)
    await send(client, batch, 0, b"private bytes")
    doc = await file_from(client, "hidden", batch, parent="/default-domain/workspaces/private")
    peeker = basic("peeker", "peeker-pw")
    data_url = doc["properties"]["file:content"]["data"].split("/nuxeo", 1)[1]
    for url in (f"{API}/id/{doc['uid']}/@blob/file:content", "/nuxeo" + data_url):
        resp = await client.get(url, headers=peeker)
        assert resp.status in (403, 404), url
        assert b"private bytes" not in await resp.read()
    anonymous = await client.get(
        f"{API}/id/{doc['uid']}/@blob/file:content", headers={"Authorization": ""}
    )
    assert anonymous.status == 401


async def test_automation_takes_blobs_in_a_multipart_body(client):
    """The JavaScript client's blob input: a params part, then input parts."""
    from aiohttp import FormData

    doc = await file_from(
        client, "js-input", await uploaded(client, ("a.txt", b"before", "text/plain"))
    )
    form = FormData()
    form.add_field(
        "params",
        b'{"params": {"document": "%s"}, "context": {}}' % doc["uid"].encode(),
        filename="blob",
        content_type="application/json",
    )
    form.add_field("input", b"from javascript", filename="js.txt", content_type="text/plain")
    resp = await client.post(
        f"{API}/automation/Blob.AttachOnDocument",
        data=form,
        headers={"X-NXVoidOperation": "true"},
    )
    assert resp.status == 204, await resp.text()
    blob = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert await blob.read() == b"from javascript"

    listed = FormData()
    listed.add_field(
        "params",
        b'{"params": {}, "context": {"currentDocument": "/default-domain/workspaces"}}',
        filename="blob",
        content_type="application/json",
    )
    for i in range(2):
        listed.add_field(f"input#{i}", b"file %d" % i, filename=f"many-{i}.txt")
    imported = await client.post(f"{API}/automation/FileManager.Import", data=listed)
    assert imported.status == 200, await imported.text()
    made = (await imported.json())["entries"]
    assert [(d["title"], d["type"]) for d in made] == [
        ("many-0.txt", "Note"),
        ("many-1.txt", "Note"),
    ]

    alone = FormData()
    alone.add_field("params", b"{}", filename="blob", content_type="application/json")
    missing = await client.post(f"{API}/automation/FileManager.Import", data=alone)
    assert missing.status == 400
    assert "only 1 part" in (await missing.json())["message"]


async def test_automation_files_serves_a_documents_blobs(client):
    batch = await uploaded(
        client, ("main.txt", b"main", "text/plain"), ("att.txt", b"attached", "text/plain")
    )
    doc = await file_from(client, "auto-files", batch)
    await client.post(
        f"{API}/upload/{batch}/1/execute/Blob.Attach",
        json={"params": {"document": doc["uid"], "xpath": "files:files"}},
    )
    main = await client.get(f"/nuxeo/site/automation/files/{doc['uid']}?path=file:content")
    assert await main.read() == b"main"
    listed = await client.get(f"{API}/automation/files/{doc['uid']}?path=files:files")
    assert listed.headers["Content-Type"].startswith("multipart/mixed")
    assert b"attached" in await listed.read()
    assert (await client.get(f"{API}/automation/files/{doc['uid']}?path=dc:title")).status == 404


async def test_too_many_files_in_one_multipart_request_are_refused(client):
    """A form of more files than a batch may hold gets a 400, in both doors."""
    from aiohttp import FormData

    form = FormData()
    form.add_field("params", b'{"params": {}}', filename="blob", content_type="application/json")
    for i in range(11):  # max_batch_files is 10 here
        form.add_field(f"input#{i}", b"x", filename=f"{i}.txt")
    resp = await client.post(f"{API}/automation/Blob.CreateZip", data=form)
    assert resp.status == 400
    assert "At most 10 files" in (await resp.json())["message"]

    ops = FormData()
    ops.add_field("operations", '{"query": "{ __typename }"}', content_type="application/json")
    ops.add_field("map", str({str(i): [f"variables.f{i}"] for i in range(11)}).replace("'", '"'))
    graphql = await client.post("/nuxeo/graphql", data=ops, headers={"GraphQL-Preflight": "1"})
    assert graphql.status == 400
    assert "At most 10 files" in (await graphql.json())["errors"][0]["message"]
