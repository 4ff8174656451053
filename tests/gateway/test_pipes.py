"""Piping: an adapter's result into the next (``@children/@op/...``,
``@search/@op/...``, ``@blob/.../@op/Blob.ToPDF``), as users write them; a
table of pipes, each with what it should answer."""

from __future__ import annotations

import uuid

import pytest

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


@pytest.fixture
async def tree(client):
    tag = uuid.uuid4().hex[:6]
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": f"p-{tag}"}
    )
    folder = await resp.json()
    notes = []
    for name in ("one", "two"):
        resp = await client.post(
            f"{API}/path{folder['path']}",
            json={
                "entity-type": "document",
                "type": "Note",
                "name": name,
                "properties": {"dc:title": name, "note:note": f"text of {name}"},
            },
        )
        notes.append(await resp.json())
    return folder, notes


def titles(body: dict) -> list[str]:
    return sorted(e["title"] for e in body["entries"])


PIPES = [
    # (label, method, path after the folder, body, status, check)
    ("children, then their parents", "POST", "@children/@op/Document.GetParent", {}, 200,
     lambda body, folder: {e["uid"] for e in body["entries"]} == {folder["uid"]}),
    ("children, then lock them", "POST", "@children/@op/Document.Lock", {}, 200,
     lambda body, folder: titles(body) == ["one", "two"]),
    ("children, then a property set on each", "POST", "@children/@op/Document.SetProperty",
     {"params": {"xpath": "dc:description", "value": "piped"}}, 200,
     lambda body, folder: {e["properties"]["dc:description"] for e in body["entries"]}
     == {"piped"}),
    ("a page provider's page, then check each in", "POST",
     "@pp/CURRENT_DOC_CHILDREN/@op/Document.CheckIn", {"params": {"version": "minor"}}, 200,
     lambda body, folder: {e["isCheckedOut"] for e in body["entries"]} == {False}),
    ("a search, then its documents' parents", "POST",
     "@search/@op/Document.GetParent?fullText=text", {}, 200,
     lambda body, folder: {e["uid"] for e in body["entries"]} == {folder["uid"]}),
    ("the folder's children as a zip", "POST", "@children/@op/Blob.BulkDownload", {}, 200,
     lambda body, folder: body[:2] == b"PK"),
    ("children into @acl, which takes one document", "GET", "@children/@acl", None, 400,
     lambda body, folder: "does not apply" in body["message"]),
    ("an unknown adapter in the middle", "GET", "@children/@nope/@op/Document.Lock", None, 404,
     lambda body, folder: body["entity-type"] == "exception"),
    ("an operation without input ignores the piped one", "POST",
     "@children/@op/Repository.Query",
     {"params": {"query": "SELECT * FROM Folder WHERE ecm:uuid = ?",
                 "queryParams": "{folder}"}}, 200,
     lambda body, folder: [e["uid"] for e in body["entries"]] == [folder["uid"]]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "method", "tail", "body", "status", "check"), PIPES, ids=[p[0] for p in PIPES]
)
async def test_pipes(client, tree, label, method, tail, body, status, check):
    folder, _ = tree
    url = f"{API}/path{folder['path']}/{tail}"
    if body and "queryParams" in body.get("params", {}):
        body = {"params": {**body["params"], "queryParams": folder["uid"]}}
    resp = await client.request(method, url, json=body)
    assert resp.status == status, await resp.text()
    if resp.content_type == "application/json":
        answer = await resp.json()
    else:
        answer = await resp.read()
    assert check(answer, folder), answer


async def test_a_blob_piped_into_a_conversion(client, tree):
    folder, _ = tree
    batch = (await (await client.post(f"{API}/upload")).json())["batchId"]
    resp = await client.post(
        f"{API}/upload/{batch}/0",
        data=b"Plain words to print.",
        headers={"X-File-Name": "words.txt", "X-File-Type": "text/plain"},
    )
    assert resp.status == 201, await resp.text()
    resp = await client.post(
        f"{API}/path{folder['path']}",
        json={
            "entity-type": "document",
            "type": "File",
            "name": "words",
            "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
        },
    )
    doc = await resp.json()
    resp = await client.post(f"{API}/id/{doc['uid']}/@blob/file:content/@op/Blob.ToPDF", json={})
    assert resp.status == 200, await resp.text()
    assert (await resp.read())[:5] == b"%PDF-"


async def test_a_rendition_piped_into_an_operation_on_blobs(client, tree):
    """A rendition is made on request, not stored: piped into an operation
    that takes a blob, it is kept in the blob store first."""
    folder, notes = tree
    target = notes[1]
    resp = await client.post(
        f"{API}/id/{notes[0]['uid']}/@rendition/xmlExport/@op/Blob.AttachOnDocument",
        json={"params": {"document": target["uid"], "xpath": "files:files"}},
    )
    assert resp.status == 200, await resp.text()
    resp = await client.get(f"{API}/id/{target['uid']}/@blob/files:files/0/file")
    assert resp.status == 200, await resp.text()
    exported = await resp.read()
    assert exported.startswith(b"<?xml") and notes[0]["uid"].encode() in exported


async def test_a_folders_container_rendition(client, tree):
    """Document.GetContainerRendition: the main files below a folder, zipped."""
    import io
    import zipfile

    folder, _ = tree
    batch = (await (await client.post(f"{API}/upload")).json())["batchId"]
    for index, (name, data) in enumerate([("a.txt", b"first"), ("b.txt", b"second")]):
        resp = await client.post(
            f"{API}/upload/{batch}/{index}",
            data=data,
            headers={"X-File-Name": name, "X-File-Type": "text/plain"},
        )
        assert resp.status == 201
        resp = await client.post(
            f"{API}/path{folder['path']}",
            json={"entity-type": "document", "type": "File", "name": name,
                  "properties": {"file:content": {"upload-batch": batch,
                                                  "upload-fileId": str(index)}}},
        )  # fmt: skip
        assert resp.status == 201, await resp.text()
    resp = await client.post(
        f"{API}/automation/Document.GetContainerRendition", json={"input": folder["uid"]}
    )
    assert resp.status == 200, await resp.text()
    archive = zipfile.ZipFile(io.BytesIO(await resp.read()))
    assert sorted(archive.namelist()) == ["a.txt", "b.txt"]
    assert archive.read("b.txt") == b"second"
    resp = await client.post(
        f"{API}/automation/Document.GetContainerRendition",
        json={"input": folder["uid"], "params": {"limit": 1}},
    )
    assert len(zipfile.ZipFile(io.BytesIO(await resp.read())).namelist()) == 1
    note = (await (await client.get(f"{API}/path{folder['path']}/one")).json())["uid"]
    resp = await client.post(
        f"{API}/automation/Document.GetContainerRendition", json={"input": note}
    )
    assert resp.status == 400
