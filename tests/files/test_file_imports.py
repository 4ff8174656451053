"""FileManager.Import and FileManager.ImportWithProperties: the document
type chosen from the file, overwriting by file name, properties set."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from .test_uploads import API, new_batch, send

WS = "/default-domain/workspaces"


@pytest.fixture
async def folder(client):
    name = f"imports-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
    )
    return (await resp.json())["path"]


async def import_one(client, folder, data, name, mime, op="FileManager.Import", **params):
    batch = await new_batch(client)
    assert (await send(client, batch, 0, data, name=name, mime=mime)).status == 201
    resp = await client.post(
        f"{API}/upload/{batch}/0/execute/{op}",
        json={"params": params, "context": {"currentDocument": folder}},
        headers={"properties": "*"},
    )
    body = await resp.json()
    assert resp.status == 200, body
    return body


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(out, "PNG")
    return out.getvalue()


async def test_the_type_follows_the_file(client, folder):
    note = await import_one(client, folder, "héllo".encode(), "hello.txt", "text/plain")
    assert (note["type"], note["title"]) == ("Note", "hello.txt")
    assert note["properties"]["note:note"] == "héllo"
    assert note["properties"]["note:mime_type"] == "text/plain"
    picture = await import_one(client, folder, png(), "red.png", "image/png")
    assert picture["type"] == "Picture"
    assert picture["properties"]["file:content"]["name"] == "red.png"
    other = await import_one(client, folder, b"\x00\x01", "data.bin", "application/octet-stream")
    assert other["type"] == "File"
    blob = await client.get(f"{API}/id/{other['uid']}/@blob/file:content")
    assert await blob.read() == b"\x00\x01"


async def test_the_name_tells_the_type_unless_told_not_to(client, folder):
    # The client says PDF, the name says text: by default the name wins.
    guessed = await import_one(client, folder, b"plain", "notes.txt", "application/pdf")
    assert guessed["type"] == "Note"
    trusted = await import_one(
        client, folder, b"plain", "raw.txt", "application/pdf", noMimeTypeCheck=True
    )
    assert trusted["type"] == "File"
    assert trusted["properties"]["file:content"]["mime-type"] == "application/pdf"


async def test_overwrite_updates_the_document_holding_that_file(client, folder):
    first = await import_one(client, folder, b"v1", "report.bin", "application/octet-stream")
    again = await import_one(
        client, folder, b"v2", "report.bin", "application/octet-stream", overwite=True
    )
    assert again["uid"] == first["uid"]
    blob = await client.get(f"{API}/id/{first['uid']}/@blob/file:content")
    assert await blob.read() == b"v2"
    # Without overwrite, a second document (its name made unique).
    third = await import_one(client, folder, b"v3", "report.bin", "application/octet-stream")
    assert third["uid"] != first["uid"]
    # A note is found by its title and gets the new text.
    note = await import_one(client, folder, b"old", "memo.txt", "text/plain")
    newer = await import_one(client, folder, b"new", "memo.txt", "text/plain", overwite=True)
    assert newer["uid"] == note["uid"] and newer["properties"]["note:note"] == "new"


async def test_import_with_properties(client, folder):
    doc = await import_one(
        client,
        folder,
        b"content",
        "described.bin",
        "application/octet-stream",
        op="FileManager.ImportWithProperties",
        properties="dc:description=From the scanner\ndc:subjects=art/architecture",
    )
    assert doc["properties"]["dc:description"] == "From the scanner"
    assert doc["properties"]["dc:subjects"] == ["art/architecture"]
    assert doc["title"] == "described.bin"
    batch = await new_batch(client)
    await send(client, batch, 0, b"x", name="x.bin", mime="application/octet-stream")
    resp = await client.post(
        f"{API}/upload/{batch}/0/execute/FileManager.ImportWithProperties",
        json={"params": {}, "context": {"currentDocument": folder}},
    )
    assert resp.status == 400, await resp.text()  # properties are required
    resp = await client.post(
        f"{API}/upload/{batch}/0/execute/FileManager.ImportWithProperties",
        json={
            "params": {"properties": "dc:nothing=1"},
            "context": {"currentDocument": folder},
        },
    )
    assert resp.status == 400, await resp.text()
    listed = await (await client.get(f"{API}/path{folder}/@children")).json()
    assert "x.bin" not in [e["title"] for e in listed["entries"]]
