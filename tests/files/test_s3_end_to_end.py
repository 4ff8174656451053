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
        s3_role_arn="arn:aws:iam::123456789012:role/docgraph-direct-upload",
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


async def test_a_direct_upload_to_the_bucket(client, s3_server):
    import boto3

    handlers = await (await client.get(f"{API}/upload/handlers")).json()
    assert handlers == {"handlers": [{"name": "default"}, {"name": "s3"}]}
    created = await client.post(f"{API}/upload/new/s3")
    batch = await created.json()
    info = batch["extraInfo"]
    assert batch["provider"] == "s3" and info["bucket"] == s3_server["bucket"]
    assert info["baseKey"].endswith(f"directupload/{batch['batchId']}/")
    s3 = boto3.client(
        "s3",
        endpoint_url=info["endpoint"],
        region_name=info["region"],
        aws_access_key_id=info["awsSecretKeyId"],
        aws_secret_access_key=info["awsSecretAccessKey"],
        aws_session_token=info["awsSessionToken"],
    )
    key = info["baseKey"] + "client-chosen-name"
    s3.put_object(Bucket=info["bucket"], Key=key, Body=b"straight to the bucket")
    outside = await client.post(
        f"{API}/upload/{batch['batchId']}/0/complete",
        json={"key": "elsewhere/x", "bucket": info["bucket"], "name": "x"},
    )
    assert outside.status == 400
    done = await client.post(
        f"{API}/upload/{batch['batchId']}/0/complete",
        json={"key": key, "bucket": info["bucket"], "name": "direct.txt", "fileSize": 22},
    )
    assert done.status == 200, await done.text()
    assert (await done.json())["fileIdx"] == "0"
    doc = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={
            "entity-type": "document",
            "type": "File",
            "name": "direct",
            "properties": {
                "file:content": {"upload-batch": batch["batchId"], "upload-fileId": "0"}
            },
        },
    )
    assert (await doc.json())["properties"]["file:content"]["name"] == "direct.txt"
    url = f"{API}/path/default-domain/workspaces/direct/@blob/file:content"
    assert await (await client.get(url)).read() == b"straight to the bucket"
    listed = s3.list_objects_v2(Bucket=info["bucket"], Prefix=info["baseKey"])
    assert listed.get("KeyCount", 0) == 0  # adopted: the client's object is gone
    refreshed = await client.post(f"{API}/upload/{batch['batchId']}/refreshToken")
    assert "awsSessionToken" in await refreshed.json()
