"""Locks: Document.Lock / Unlock, fetch.document: lock, writes refused to others."""

from __future__ import annotations

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def op(client, op_id, doc, status=200, headers=None):
    resp = await client.post(
        f"{API}/automation/{op_id}", json={"input": f"doc:{doc}", "params": {}}, headers=headers
    )
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_lock_and_unlock(client):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "lockme"}
    )
    uid = (await resp.json())["uid"]
    fetched = await (await client.get(f"{API}/id/{uid}?fetch.document=lock")).json()
    assert "lockOwner" not in fetched
    locked = await op(client, "Document.Lock", uid)
    assert locked["uid"] == uid
    fetched = await (await client.get(f"{API}/id/{uid}", headers={"fetch-document": "lock"})).json()
    assert fetched["lockOwner"] == "Administrator"
    assert fetched["lockCreated"].endswith("Z")
    await op(client, "Document.Lock", uid)  # one's own lock again: no change
    unlocked = await op(client, "Document.Unlock", uid)
    assert unlocked["uid"] == uid
    fetched = await (await client.get(f"{API}/id/{uid}?fetch.document=lock")).json()
    assert "lockOwner" not in fetched


async def test_a_document_locked_by_someone_else_cannot_be_written(client):
    await client.post(
        f"{API}/user",
        json={
            "entity-type": "user",
            "id": "locker",
            "properties": {"password": "s3cret", "groups": ["administrators"]},
        },
    )
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "theirs"}
    )
    uid = (await resp.json())["uid"]
    await op(client, "Document.Lock", uid, headers=basic("locker", "s3cret"))
    resp = await client.put(
        f"{API}/id/{uid}", json={"entity-type": "document", "properties": {"dc:title": "x"}}
    )
    assert resp.status == 409 and "locked by locker" in (await resp.json())["message"]
    assert (await client.delete(f"{API}/id/{uid}")).status == 409
    body = await op(client, "Document.Lock", uid, status=409)
    assert "locked by locker" in body["message"]
    # An administrator may unlock it; then writes go through.
    await op(client, "Document.Unlock", uid)
    resp = await client.put(
        f"{API}/id/{uid}", json={"entity-type": "document", "properties": {"dc:title": "x"}}
    )
    assert resp.status == 200


async def test_graphql_lock_mutations(client):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "gqllock"}
    )
    uid = (await resp.json())["uid"]
    query = f'mutation {{ lockDocument(id: "{uid}") {{ lockOwner lockCreated }} }}'
    body = await (await client.post("/nuxeo/graphql", json={"query": query})).json()
    assert body["data"]["lockDocument"]["lockOwner"] == "Administrator"
    query = f'mutation {{ unlockDocument(id: "{uid}") {{ lockOwner }} }}'
    body = await (await client.post("/nuxeo/graphql", json={"query": query})).json()
    assert body["data"]["unlockDocument"] == {"lockOwner": None}
