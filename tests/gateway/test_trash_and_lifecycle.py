"""Trash (property-based, renaming) and lifecycle transitions."""

from __future__ import annotations

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def create(client, parent, type_name, name):
    resp = await client.post(
        f"{API}/path{parent}", json={"entity-type": "document", "type": type_name, "name": name}
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def op(client, op_id, uid, params=None, status=200):
    resp = await client.post(f"{API}/id/{uid}/@op/{op_id}", json={"params": params or {}})
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_trash_renames_flags_the_subtree_and_untrash_restores(client):
    folder = await create(client, WS, "Folder", "bin-me")
    child = await create(client, f"{WS}/bin-me", "Note", "inside")
    trashed = await op(client, "Document.Trash", folder["uid"])
    assert trashed["isTrashed"] is True
    assert trashed["path"].startswith(f"{WS}/bin-me._") and trashed["path"].endswith("_.trashed")
    moved_child = await (await client.get(f"{API}/id/{child['uid']}")).json()
    assert moved_child["isTrashed"] is True
    assert moved_child["path"] == f"{trashed['path']}/inside"
    listing = await (await client.get(f"{API}/path{WS}/@children?pageSize=0")).json()
    assert folder["uid"] not in [e["uid"] for e in listing["entries"]]

    # The name was taken meanwhile: the restored one gets a suffix.
    await create(client, WS, "Folder", "bin-me")
    restored = await op(client, "Document.Untrash", folder["uid"])
    assert restored["isTrashed"] is False
    assert restored["path"].startswith(f"{WS}/bin-me.") and "trashed" not in restored["path"]
    back = await (await client.get(f"{API}/id/{child['uid']}")).json()
    assert back["isTrashed"] is False and back["path"] == f"{restored['path']}/inside"
    assert (await client.get(f"{API}/path{restored['path']}/inside")).status == 200


async def test_lifecycle_transitions(client):
    doc = await create(client, WS, "File", "cycling")
    assert doc["state"] == "project"
    approved = await op(
        client, "Document.FollowLifecycleTransition", doc["uid"], {"value": "approve"}
    )
    assert approved["state"] == "approved"
    body = await op(
        client, "Document.FollowLifecycleTransition", doc["uid"], {"value": "approve"}, status=400
    )
    assert "not allowed from state approved" in body["message"]
    back = await op(client, "Document.SetLifeCycle", doc["uid"], {"value": "backToProject"})
    assert back["state"] == "project"


async def test_graphql_trash_and_transition(client):
    doc = await create(client, WS, "Note", "gql-life")
    query = """mutation($id: ID!) { t: followTransition(id: $id, transition: "obsolete") { state }
        x: trashDocument(id: $id) { isTrashed } }"""
    body = await (
        await client.post("/nuxeo/graphql", json={"query": query, "variables": {"id": doc["uid"]}})
    ).json()
    assert body["data"] == {"t": {"state": "obsolete"}, "x": {"isTrashed": True}}


async def test_empty_trash_deletes_only_the_trashed(client):
    await create(client, WS, "Folder", "bin")
    keep = await create(client, f"{WS}/bin", "Note", "keep")
    gone = await create(client, f"{WS}/bin", "Folder", "gone")
    under = await create(client, f"{WS}/bin/gone", "Note", "under")
    await op(client, "Document.Trash", gone["uid"])
    resp = await client.post(
        f"{API}/automation/Document.EmptyTrash", json={"params": {"parent": f"{WS}/bin"}}
    )
    assert resp.status == 204
    assert (await client.get(f"{API}/id/{gone['uid']}")).status == 404
    assert (await client.get(f"{API}/id/{under['uid']}")).status == 404
    assert (await client.get(f"{API}/id/{keep['uid']}")).status == 200
