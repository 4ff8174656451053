"""The whole file path on the S3 store: a chunked upload, a document, a
ranged download, garbage collection."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace

import pytest

from docgraph.db.blobs import store_for
from docgraph.db.blobs.gc import collect
from docgraph.gateway import keys

API = "/nuxeo/api/v1"


@pytest.fixture
def settings(base_settings, s3_server):
    options = s3_server["options"]
    return replace(
        base_settings,
        blob_store="s3",
        s3_bucket=s3_server["bucket"],
        s3_prefix=f"e2e-{uuid.uuid4().hex}",
        s3_endpoint=options["endpoint"],
        s3_region=options["region"],
        s3_access_key_id=options["access_key_id"],
        s3_secret_access_key=options["secret_access_key"],
    )


async def test_upload_attach_download_collect_on_s3(client):
    content = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(24_000))
    thirds = [content[i : i + 256_000] for i in range(0, len(content), 256_000)]
    batch = (await (await client.post(f"{API}/upload")).json())["batchId"]
    for i, chunk in enumerate(thirds):
        resp = await client.post(
            f"{API}/upload/{batch}/0",
            data=chunk,
            headers={
                "X-File-Name": "s3.bin",
                "X-Upload-Type": "chunked",
                "X-Upload-Chunk-Index": str(i),
                "X-Upload-Chunk-Count": str(len(thirds)),
            },
        )
        assert resp.status in (201, 202), await resp.text()
    doc = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={
            "entity-type": "document",
            "type": "File",
            "name": "on-s3",
            "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
        },
    )
    blob = (await doc.json())["properties"]["file:content"]
    assert blob["digest"] == hashlib.md5(content).hexdigest()
    url = f"{API}/path/default-domain/workspaces/on-s3/@blob/file:content"
    assert await (await client.get(url)).read() == content
    part = await client.get(url, headers={"Range": "bytes=1000-1009"})
    assert part.status == 206 and await part.read() == content[1000:1010]

    await client.delete(f"{API}/upload/{batch}")
    app = client.app
    store = store_for(app[keys.SETTINGS])
    assert [name async for name, _ in store.staged()] == []  # chunks dropped once joined
    done = await collect(app[keys.DATABASE], store, grace=0, delete=True)
    assert done.deleted == 0  # the file is the document's
    assert await (await client.get(url)).read() == content
