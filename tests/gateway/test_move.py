"""Moving documents: the subtree's paths, ancestors and read ACLs follow in
set-based statements; cycles, bad targets and missing rights change nothing."""

from __future__ import annotations

import uuid

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def make(client, parent: str, type_: str, name: str) -> dict:
    resp = await client.post(
        f"{API}/path{parent}", json={"entity-type": "document", "type": type_, "name": name}
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def move(client, uid: str, target: str, headers=None, **params) -> tuple[int, dict]:
    resp = await client.post(
        f"{API}/automation/Document.Move",
        json={"input": uid, "params": {"target": target, **params}},
        headers=headers,
    )
    return resp.status, await resp.json()


async def test_a_folder_moves_with_its_subtree(client, db):
    tag = uuid.uuid4().hex[:6]
    src = await make(client, WS, "Folder", f"src-{tag}")
    dst = await make(client, WS, "Folder", f"dst-{tag}")
    box = await make(client, src["path"], "Folder", "box")
    deep = await make(client, box["path"], "Note", "deep")
    status, moved = await move(client, box["uid"], dst["path"], name="crate")
    assert status == 200, moved
    assert moved["path"] == f"{dst['path']}/crate" and moved["parentRef"] == dst["uid"]
    below = await (await client.get(f"{API}/id/{deep['uid']}")).json()
    assert below["path"] == f"{dst['path']}/crate/deep"
    assert (await client.get(f"{API}/path{box['path']}")).status == 404
    row = await db.fetchrow("SELECT ancestors FROM documents WHERE id = $1", uuid.UUID(deep["uid"]))
    assert row["ancestors"][-2:] == [uuid.UUID(dst["uid"]), uuid.UUID(box["uid"])]
    listing = await (await client.get(f"{API}/id/{dst['uid']}/@children")).json()
    assert [e["uid"] for e in listing["entries"]] == [box["uid"]]
    # A name taken at the target gets a suffix; the query finds the new path.
    other = await make(client, src["path"], "Note", "crate")
    status, renamed = await move(client, other["uid"], dst["path"])
    assert status == 200 and renamed["path"].startswith(f"{dst['path']}/crate.")
    nxql = f"SELECT * FROM Note WHERE ecm:path STARTSWITH '{dst['path']}/crate'"
    found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
    assert [e["uid"] for e in found["entries"]] == [deep["uid"]]


async def test_moving_into_a_blocked_folder_hides_the_subtree(client, db):
    if await db_security.user_by_name(db, "mover") is None:
        await db_security.insert_user(db, "mover", hash_password("mover-pw"))
        await db_security.add_membership(db, "mover", "members")
    tag = uuid.uuid4().hex[:6]
    open_ = await make(client, WS, "Folder", f"open-{tag}")
    closed = await make(client, WS, "Folder", f"closed-{tag}")
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": closed["uid"]}
    )
    note = await make(client, open_["path"], "Note", "n")
    member = basic("mover", "mover-pw")
    assert (await client.get(f"{API}/id/{note['uid']}", headers=member)).status == 200
    assert (await move(client, note["uid"], closed["path"]))[0] == 200
    assert (await client.get(f"{API}/id/{note['uid']}", headers=member)).status == 403


async def test_bad_moves_change_nothing(client, db):
    tag = uuid.uuid4().hex[:6]
    top = await make(client, WS, "Folder", f"top-{tag}")
    mid = await make(client, top["path"], "Folder", "mid")
    note = await make(client, top["path"], "Note", "note")
    for uid, target in (
        (top["uid"], mid["path"]),  # below itself
        (top["uid"], top["path"]),  # into itself
        (mid["uid"], note["path"]),  # not a folder
    ):
        status, body = await move(client, uid, target)
        assert status == 400, body
    if await db_security.user_by_name(db, "mover2") is None:
        await db_security.insert_user(db, "mover2", hash_password("mover2-pw"))
        await db_security.add_membership(db, "mover2", "members")
    status, _ = await move(client, note["uid"], mid["path"], basic("mover2", "mover2-pw"))
    assert status == 403
    assert (await client.get(f"{API}/path{top['path']}/note")).status == 200
    assert (await client.get(f"{API}/path{top['path']}/mid/mid")).status == 404


async def test_get_child_and_graphql_move(client):
    resp = await client.post(
        f"{API}/automation/Document.GetChild",
        json={"input": "/default-domain", "params": {"name": "workspaces", "ignored": None}},
    )
    assert (await resp.json())["properties"]["dc:title"] == "Workspaces"
    resp = await client.post(
        f"{API}/automation/Document.GetChild",
        json={"input": "/default-domain", "params": {"name": "Workspaces"}},
    )
    assert resp.status == 404
    tag = uuid.uuid4().hex[:6]
    a = await make(client, WS, "Folder", f"ga-{tag}")
    b = await make(client, WS, "Note", f"gb-{tag}")
    body = await (
        await client.post(
            "/nuxeo/graphql",
            json={
                "query": "mutation($id: ID!, $t: ID!) {"
                " moveDocument(id: $id, targetId: $t) { path } }",
                "variables": {"id": b["uid"], "t": a["uid"]},
            },
        )
    ).json()
    assert body["data"]["moveDocument"]["path"] == f"{a['path']}/gb-{tag}"


async def test_a_deep_copy_gets_new_ids_and_keeps_local_acls(client, db):
    tag = uuid.uuid4().hex[:6]
    src = await make(client, WS, "Folder", f"csrc-{tag}")
    dst = await make(client, WS, "Folder", f"cdst-{tag}")
    sub = await make(client, src["path"], "Folder", "sub")
    leaf = await make(client, sub["path"], "Note", "leaf")
    await client.post(
        f"{API}/automation/Document.AddPermission",
        json={"input": sub["uid"], "params": {"user": "members", "permission": "Write"}},
    )
    resp = await client.post(
        f"{API}/automation/Document.Copy",
        json={"input": src["uid"], "params": {"target": dst["path"], "name": "dup"}},
    )
    copy = await resp.json()
    assert resp.status == 200, copy
    assert copy["uid"] != src["uid"] and copy["path"] == f"{dst['path']}/dup"
    copied_leaf = await (await client.get(f"{API}/path{dst['path']}/dup/sub/leaf")).json()
    assert copied_leaf["uid"] != leaf["uid"]
    row = await db.fetchrow(
        "SELECT ancestors, parent_id FROM documents WHERE id = $1", uuid.UUID(copied_leaf["uid"])
    )
    copied_sub = await (await client.get(f"{API}/path{dst['path']}/dup/sub")).json()
    assert row["parent_id"] == uuid.UUID(copied_sub["uid"])
    assert row["ancestors"][-3:] == [
        uuid.UUID(dst["uid"]), uuid.UUID(copy["uid"]), uuid.UUID(copied_sub["uid"])
    ]  # fmt: skip
    acl = await (await client.get(f"{API}/id/{copied_sub['uid']}/@acl")).json()
    assert acl["acl"][0]["ace"][0]["id"].startswith("members:Write:true:")
    # The source is untouched, and copying into one's own subtree is refused.
    assert (await client.get(f"{API}/id/{leaf['uid']}")).status == 200
    resp = await client.post(
        f"{API}/automation/Document.Copy",
        json={"input": src["uid"], "params": {"target": sub["path"]}},
    )
    assert resp.status == 400
    nxql = f"SELECT * FROM Note WHERE ecm:path STARTSWITH '{dst['path']}/dup'"
    found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
    assert [e["uid"] for e in found["entries"]] == [copied_leaf["uid"]]
