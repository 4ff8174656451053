"""Versions: check in and out, X-Versioning-Option, the default policies,
restore, read-only versions, and versions following their live document's
path, permissions and removal; through REST, automation, NXQL and GraphQL."""

from __future__ import annotations

import uuid

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
LABEL = {"fetch-document": "versionLabel"}


async def make(client, parent: str, type_: str, name: str, title: str = "") -> dict:
    body = {"entity-type": "document", "type": type_, "name": name}
    if title:
        body["properties"] = {"dc:title": title}
    resp = await client.post(f"{API}/path{parent}", json=body)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def op(client, op_id: str, input_: str, status: int = 200, headers=None, **params):
    resp = await client.post(
        f"{API}/automation/{op_id}",
        json={"input": input_, "params": params},
        headers={**LABEL, **(headers or {})},
    )
    assert resp.status == status, await resp.text()
    return None if status == 204 else await resp.json()


async def put(client, uid: str, properties: dict, headers=None):
    return await client.put(
        f"{API}/id/{uid}",
        json={"entity-type": "document", "properties": properties},
        headers={**LABEL, **(headers or {})},
    )


async def get(client, uid: str, headers=None) -> dict:
    resp = await client.get(f"{API}/id/{uid}", headers={**LABEL, **(headers or {})})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def user(db, name: str) -> dict[str, str]:
    if await db_security.user_by_name(db, name) is None:
        await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
        await db_security.add_membership(db, name, "members")
    return basic(name, f"{name}-pw")


async def test_check_in_out_and_the_version_series(client):
    tag = uuid.uuid4().hex[:6]
    folder = await make(client, WS, "Folder", f"vf-{tag}")
    doc = await make(client, folder["path"], "File", "doc", "first")
    assert (await get(client, doc["uid"]))["versionLabel"] == "0.0"
    live = await op(client, "Document.CheckIn", doc["uid"], version="major", comment="v1")
    assert live["uid"] == doc["uid"] and not live["isCheckedOut"]
    assert live["versionLabel"] == "1.0"
    assert live["properties"]["uid:major_version"] == 1
    listed = await op(client, "Document.GetVersions", doc["uid"])
    [version] = listed["entries"]
    assert version["isVersion"] and version["uid"] != doc["uid"]
    assert version["versionableId"] == doc["uid"] and version["versionLabel"] == "1.0"
    # A version reports its live document's path and parent.
    assert version["path"] == doc["path"] and version["parentRef"] == folder["uid"]
    # Checking in again without a change keeps the same version.
    await op(client, "Document.CheckIn", doc["uid"], version="minor")
    assert len((await op(client, "Document.GetVersions", doc["uid"]))["entries"]) == 1
    # Saving checks the document out; the version keeps what it had.
    resp = await put(client, doc["uid"], {"dc:title": "second"})
    edited = await resp.json()
    assert edited["isCheckedOut"] and edited["versionLabel"] == "1.0+"
    assert (await get(client, version["uid"]))["properties"]["dc:title"] == "first"
    live = await op(client, "Document.CheckIn", doc["uid"], version="minor")
    assert live["versionLabel"] == "1.1"
    last = await op(client, "Document.GetLastVersion", doc["uid"])
    assert last["versionLabel"] == "1.1" and last["properties"]["dc:title"] == "second"
    out = await op(client, "Document.CheckOut", doc["uid"])
    assert out["isCheckedOut"] and out["versionLabel"] == "1.1+"
    # The list is the same from a version of the series.
    listed = await op(client, "Document.GetVersions", version["uid"])
    assert [v["versionLabel"] for v in listed["entries"]] == ["1.0", "1.1"]


async def test_a_document_without_versions_has_no_last_version(client):
    doc = await make(client, WS, "File", f"nv-{uuid.uuid4().hex[:6]}")
    await op(client, "Document.GetLastVersion", doc["uid"], status=204)
    assert (await op(client, "Document.GetVersions", doc["uid"]))["entries"] == []
    folder = await make(client, WS, "Folder", f"nvf-{uuid.uuid4().hex[:6]}")
    body = await op(client, "Document.CheckIn", folder["uid"], status=400, version="major")
    assert "not versionable" in body["message"]
    body = await op(client, "Document.CreateVersion", folder["uid"], status=400)
    assert "not versionable" in body["message"]


async def test_create_version_increments(client):
    doc = await make(client, WS, "File", f"cv-{uuid.uuid4().hex[:6]}")
    same = await op(client, "Document.CreateVersion", doc["uid"])
    assert same["versionLabel"] == "0.0"
    minor = await op(client, "Document.CreateVersion", doc["uid"], increment="Minor")
    assert minor["versionLabel"] == "0.1" and not minor["isCheckedOut"]


async def test_the_versioning_option_header(client):
    doc = await make(client, WS, "File", f"vo-{uuid.uuid4().hex[:6]}", "one")
    resp = await put(client, doc["uid"], {"dc:title": "two"}, {"X-Versioning-Option": "major"})
    assert resp.status == 200
    answered = await resp.json()
    # The answer is the new version, not the live document.
    assert answered["isVersion"] and answered["versionLabel"] == "1.0"
    assert answered["properties"]["dc:title"] == "two"
    resp = await put(client, doc["uid"], {"dc:title": "three"}, {"X-Versioning-Option": "MINOR"})
    assert (await resp.json())["versionLabel"] == "1.1"
    resp = await put(client, doc["uid"], {"dc:title": "four"}, {"X-Versioning-Option": "NONE"})
    assert (await resp.json())["versionLabel"] == "1.1+"
    # A bad option is a 400 and changes nothing.
    resp = await put(client, doc["uid"], {"dc:title": "five"}, {"X-Versioning-Option": "HUGE"})
    assert resp.status == 400 and "versioning option" in (await resp.json())["message"]
    assert (await get(client, doc["uid"]))["properties"]["dc:title"] == "four"


async def test_the_source_and_update_comment_headers(client):
    doc = await make(client, WS, "File", f"src-{uuid.uuid4().hex[:6]}", "one")
    # No version yet: a save naming its source answers with the live document.
    resp = await put(client, doc["uid"], {"dc:title": "two"}, {"source": "drive"})
    assert not (await resp.json())["isVersion"]
    await op(client, "Document.CheckIn", doc["uid"], version="minor")
    resp = await put(
        client, doc["uid"], {"dc:title": "three"}, {"source": "drive", "Update-Comment": "why"}
    )
    answered = await resp.json()
    assert answered["isVersion"] and answered["versionLabel"] == "0.1"
    resp = await client.get(f"{API}/id/{doc['uid']}/@audit", params={"eventId": "documentModified"})
    comments = [e["comment"] for e in (await resp.json())["entries"]]
    assert comments[0] == "why" and comments[1] is None


async def test_default_policies_version_notes_and_collaborative_saves(client, db):
    note = await make(client, WS, "Note", f"wiki-{uuid.uuid4().hex[:6]}", "draft")
    resp = await put(client, note["uid"], {"dc:title": "edited"})
    # Note as wiki: every save of a Note is followed by a minor version.
    assert (await resp.json())["versionLabel"] == "0.1"
    [version] = (await op(client, "Document.GetVersions", note["uid"]))["entries"]
    assert version["properties"]["dc:title"] == "edited"
    # Collaborative save: another user's change to a file first versions the
    # state its last contributor left.
    file = await make(client, WS, "File", f"collab-{uuid.uuid4().hex[:6]}", "mine")
    await op(client, "Document.AddPermission", file["uid"], user="collab", permission="ReadWrite")
    other = await user(db, "collab")
    resp = await put(client, file["uid"], {"dc:title": "theirs"}, other)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["versionLabel"] == "0.1+"
    [before] = (await op(client, "Document.GetVersions", file["uid"]))["entries"]
    assert before["properties"]["dc:title"] == "mine"
    # The same contributor again: no new version.
    await put(client, file["uid"], {"dc:title": "theirs again"}, other)
    assert len((await op(client, "Document.GetVersions", file["uid"]))["entries"]) == 1


async def test_versions_are_read_only(client):
    folder = await make(client, WS, "Folder", f"ro-{uuid.uuid4().hex[:6]}")
    doc = await make(client, folder["path"], "File", "doc", "kept")
    await op(client, "Document.CheckIn", doc["uid"], version="major")
    [version] = (await op(client, "Document.GetVersions", doc["uid"]))["entries"]
    resp = await put(client, version["uid"], {"dc:title": "changed"})
    assert resp.status == 400 and "is a version" in (await resp.json())["message"]
    for op_id, params in (
        ("Document.Move", {"target": WS}),
        ("Document.Trash", {}),
        ("Document.CheckIn", {"version": "minor"}),
    ):
        await op(client, op_id, version["uid"], status=400, **params)
    assert (await get(client, version["uid"]))["properties"]["dc:title"] == "kept"
    # A copy of a version is a live document.
    copy = await op(client, "Document.Copy", version["uid"], target=folder["path"], name="copy")
    assert not copy["isVersion"] and copy["path"] == f"{folder['path']}/copy"
    assert copy["properties"]["dc:title"] == "kept"


async def test_restore_a_version(client):
    doc = await make(client, WS, "File", f"rs-{uuid.uuid4().hex[:6]}", "old")
    await op(client, "Document.CheckIn", doc["uid"], version="major")
    await put(client, doc["uid"], {"dc:title": "new"})
    [version] = (await op(client, "Document.GetVersions", doc["uid"]))["entries"]
    restored = await op(client, "Document.RestoreVersion", version["uid"], createVersion=True)
    assert restored["uid"] == doc["uid"] and restored["properties"]["dc:title"] == "old"
    assert restored["versionLabel"] == "1.0" and not restored["isCheckedOut"]
    # createVersion kept the unversioned change first.
    listed = await op(client, "Document.GetVersions", doc["uid"])
    assert [v["properties"]["dc:title"] for v in listed["entries"]] == ["old", "new"]
    body = await op(client, "Document.RestoreVersion", doc["uid"], status=400)
    assert "not a version" in body["message"]


async def test_versions_follow_their_document(client, db):
    tag = uuid.uuid4().hex[:6]
    shared = await make(client, WS, "Folder", f"vshared-{tag}")
    dst = await make(client, WS, "Folder", f"vdst-{tag}")
    for folder in (shared, dst):
        await op(client, "Document.BlockPermissionInheritance", folder["uid"])
    src = await make(client, shared["path"], "Folder", "src")
    doc = await make(client, src["path"], "File", "doc")
    await op(client, "Document.CheckIn", doc["uid"], version="major")
    [version] = (await op(client, "Document.GetVersions", doc["uid"]))["entries"]
    # Permissions: a version takes its live document's.
    reader = await user(db, "vreader")
    assert (await client.get(f"{API}/id/{version['uid']}", headers=reader)).status == 403
    await op(client, "Document.AddPermission", shared["uid"], user="vreader", permission="Read")
    assert (await client.get(f"{API}/id/{version['uid']}", headers=reader)).status == 200
    listed = await op(client, "Document.GetVersions", doc["uid"], headers=reader)
    assert [v["uid"] for v in listed["entries"]] == [version["uid"]]
    # Versions are not in the tree: not children, not below a path.
    children = await (await client.get(f"{API}/id/{src['uid']}/@children")).json()
    assert [e["uid"] for e in children["entries"]] == [doc["uid"]]
    for nxql in (
        f"SELECT * FROM File WHERE ecm:path STARTSWITH '{src['path']}'",
        f"SELECT * FROM File WHERE ecm:ancestorId = '{src['uid']}'",
    ):
        found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
        assert [e["uid"] for e in found["entries"]] == [doc["uid"]], nxql
    nxql = (
        f"SELECT * FROM File WHERE ecm:versionVersionableId = '{doc['uid']}'"
        " AND ecm:isVersion = 1 AND ecm:isLatestVersion = 1"
    )
    found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
    assert [e["uid"] for e in found["entries"]] == [version["uid"]]
    assert found["entries"][0]["path"] == doc["path"]
    # Moved with the live document, and gone with it.
    await op(client, "Document.Move", src["uid"], target=dst["path"])
    moved = await get(client, version["uid"])
    assert moved["path"] == f"{dst['path']}/src/doc"
    assert (await client.get(f"{API}/id/{version['uid']}", headers=reader)).status == 403
    assert (await client.delete(f"{API}/id/{doc['uid']}")).status == 204
    assert (await client.get(f"{API}/id/{version['uid']}")).status == 404


async def test_graphql_versions(client):
    doc = await make(client, WS, "File", f"gv-{uuid.uuid4().hex[:6]}", "g1")

    async def graphql(query: str, **variables) -> dict:
        resp = await client.post(
            "/nuxeo/graphql", json={"query": query, "variables": {"id": doc["uid"], **variables}}
        )
        body = await resp.json()
        assert "errors" not in body, body
        return body["data"]

    data = await graphql(
        'mutation($id: ID!) { checkIn(id: $id, increment: MAJOR, comment: "c") '
        "{ isCheckedOut versionLabel } }"
    )
    assert data["checkIn"] == {"isCheckedOut": False, "versionLabel": "1.0"}
    data = await graphql(
        "mutation($id: ID!, $p: JSON!) { updateDocument(id: $id, properties: $p,"
        " versioning: MINOR) { versionLabel } }",
        p={"dc:title": "g2"},
    )
    assert data["updateDocument"]["versionLabel"] == "1.1"
    data = await graphql(
        "query($id: ID!) { document(id: $id) { allowedStateTransitions"
        " versions { isVersion versionLabel title path } } }"
    )
    assert data["document"]["allowedStateTransitions"] == ["approve", "delete", "obsolete"]
    versions = data["document"]["versions"]
    assert [(v["versionLabel"], v["title"]) for v in versions] == [("1.0", "g1"), ("1.1", "g2")]
    assert all(v["isVersion"] and v["path"] == doc["path"] for v in versions)
    first = (await op(client, "Document.GetVersions", doc["uid"]))["entries"][0]["uid"]
    data = await graphql(
        "mutation($v: ID!) { restoreVersion(id: $v, checkout: true) { title isCheckedOut } }",
        v=first,
    )
    assert data["restoreVersion"] == {"title": "g1", "isCheckedOut": True}
