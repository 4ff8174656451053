"""Files through GraphQL: the same blobs, batches and attachments as REST,
and uploads sent with the mutation itself (multipart)."""

from __future__ import annotations

import hashlib

import orjson
from aiohttp import FormData

from .helpers import API, new_file

GRAPHQL = "/nuxeo/graphql"
PREFLIGHT = {"GraphQL-Preflight": "1"}


async def gql(client, query, variables=None):
    resp = await client.post(GRAPHQL, json={"query": query, "variables": variables or {}})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_blob_fields_match_the_rest_blob_json(client):
    doc = await new_file(client, "gql-blob", b"graphql bytes")
    rest = doc["properties"]["file:content"]
    body = await gql(
        client,
        """query($id: ID!) { document(id: $id) {
            blob { name mimeType digest length url data }
            holder: blob(xpath: "blobholder:0") { digest }
            blobs { name }
            ... on File { file { content { name length url } } }
            properties(schemas: ["file"])
        } }""",
        {"id": doc["uid"]},
    )
    found = body["data"]["document"]
    assert found["blob"] == {
        "name": "f.txt",
        "mimeType": "text/plain",
        "digest": hashlib.md5(b"graphql bytes").hexdigest(),
        "length": 13,
        "url": rest["data"],
        "data": rest["data"],
    }
    assert found["holder"]["digest"] == rest["digest"]
    assert found["blobs"] == [{"name": "f.txt"}]
    assert found["file"]["content"] == {"name": "f.txt", "length": 13, "url": rest["data"]}
    assert found["properties"]["file:content"] == rest
    empty = await gql(
        client,
        '{ document(path: "/default-domain") { blob(xpath: "dc:title") { name } } }',
    )
    assert empty["errors"][0]["extensions"]["code"] == "not_found"


async def test_a_batch_file_attached_by_mutation(client):
    doc = await new_file(client, "gql-attach", b"first")
    created = await gql(client, "mutation { createUploadBatch { id files { name } } }")
    batch = created["data"]["createUploadBatch"]["id"]
    await client.post(
        f"{API}/upload/{batch}/0", data=b"attachment", headers={"X-File-Name": "att.txt"}
    )
    listed = await gql(
        client,
        "query($b: ID!) { uploadBatch(id: $b) { files { index name size complete } } }",
        {"b": batch},
    )
    assert listed["data"]["uploadBatch"]["files"] == [
        {"index": 0, "name": "att.txt", "size": 10, "complete": True}
    ]
    attached = await gql(
        client,
        """mutation($id: ID!, $b: String!) {
            attachBlob(id: $id, batchId: $b, xpath: "files:files") { blobs { name } }
        }""",
        {"id": doc["uid"], "b": batch},
    )
    assert attached["data"]["attachBlob"]["blobs"] == [{"name": "f.txt"}, {"name": "att.txt"}]
    removed = await gql(
        client,
        """mutation($id: ID!) {
            removeBlob(id: $id, xpath: "files:files/0/file") { blobs { name } }
        }""",
        {"id": doc["uid"]},
    )
    assert removed["data"]["removeBlob"]["blobs"] == [{"name": "f.txt"}]
    dropped = await gql(client, "mutation($b: ID!) { dropUploadBatch(id: $b) }", {"b": batch})
    assert dropped["data"]["dropUploadBatch"] is True
    gone = await gql(client, "query($b: ID!) { uploadBatch(id: $b) { id } }", {"b": batch})
    assert gone["data"]["uploadBatch"] is None


def multipart(query: str, variables: dict, files: dict[str, tuple[str, bytes]]) -> FormData:
    form = FormData()
    form.add_field("operations", orjson.dumps({"query": query, "variables": variables}).decode())
    form.add_field("map", orjson.dumps({k: [f"variables.{k}"] for k in files}).decode())
    for key, (name, content) in files.items():
        form.add_field(key, content, filename=name, content_type="text/plain")
    return form


UPLOAD = """mutation($id: ID!, $file: Upload!) {
    uploadBlob(id: $id, file: $file) { blob { name length digest } }
}"""


async def test_a_file_sent_with_the_mutation(client):
    doc = await new_file(client, "gql-multipart", b"old")
    form = multipart(UPLOAD, {"id": doc["uid"], "file": None}, {"file": ("new.txt", b"new bytes")})
    resp = await client.post(GRAPHQL, data=form, headers=PREFLIGHT)
    body = await resp.json()
    assert resp.status == 200, body
    assert body["data"]["uploadBlob"]["blob"] == {
        "name": "new.txt",
        "length": 9,
        "digest": hashlib.md5(b"new bytes").hexdigest(),
    }
    download = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert await download.read() == b"new bytes"


async def test_multipart_refusals(client):
    doc = await new_file(client, "gql-refusals", b"kept")
    variables = {"id": doc["uid"], "file": None}
    no_preflight = await client.post(
        GRAPHQL, data=multipart(UPLOAD, variables, {"file": ("x.txt", b"x")})
    )
    assert no_preflight.status == 400
    assert "Preflight" in (await no_preflight.json())["errors"][0]["message"]
    # A file for a variable that is not there.
    form = FormData()
    form.add_field("operations", orjson.dumps({"query": UPLOAD, "variables": variables}).decode())
    form.add_field("map", '{"0": ["variables.other"]}')
    form.add_field("0", b"x", filename="x.txt")
    assert (await client.post(GRAPHQL, data=form, headers=PREFLIGHT)).status == 400
    # Parts out of order.
    form = FormData()
    form.add_field("map", "{}", content_type="application/json")  # multipart, not urlencoded
    form.add_field("operations", "{}", content_type="application/json")
    assert (await client.post(GRAPHQL, data=form, headers=PREFLIGHT)).status == 400
    # An upload cannot be forged in JSON variables.
    forged = await client.post(
        GRAPHQL,
        json={
            "query": UPLOAD,
            "variables": {"id": doc["uid"], "file": {"name": "x", "sha256": "0" * 64}},
        },
    )
    errors = (await forged.json())["errors"]
    assert "multipart" in errors[0]["message"]
    download = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert await download.read() == b"kept"
