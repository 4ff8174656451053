"""Who may do what, door by door: anonymous (401), a member without rights on
a folder (403, or the entry left out), a member granted ReadWrite on it, an
administrator. The checks live in the engine; this walks every door to it."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import ADMIN_AUTH, basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
WHO = ("anonymous", "outsider", "insider", "admin")
HEADERS = {
    "anonymous": {"Authorization": ""},
    "outsider": basic("outsider", "outsider-pw"),
    "insider": basic("insider", "insider-pw"),
    "admin": {"Authorization": ADMIN_AUTH},
}


@pytest.fixture
async def folder(client, db):
    for name in ("outsider", "insider"):
        if await db_security.user_by_name(db, name) is None:
            await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
            await db_security.add_membership(db, name, "members")
    name = f"matrix-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
    )
    uid = (await resp.json())["uid"]
    for op, params in (
        ("Document.BlockPermissionInheritance", {}),
        ("Document.AddPermission", {"user": "insider", "permission": "ReadWrite"}),
    ):
        resp = await client.post(f"{API}/automation/{op}", json={"input": uid, "params": params})
        assert resp.status == 200
    resp = await client.post(
        f"{API}/id/{uid}", json={"entity-type": "document", "type": "Note", "name": "child"}
    )
    return {"uid": uid, "path": f"{WS}/{name}", "child": (await resp.json())["uid"]}


def rest_cases(f: dict[str, str], who: str) -> list[tuple[str, str, str, object, tuple[int, ...]]]:
    """(name, method, url, json body, statuses for anonymous, outsider, insider,
    admin); bodies name what they create after ``who``."""
    note = {"entity-type": "document", "type": "Note", "name": f"n-{who}"}
    title = {"entity-type": "document", "properties": {"dc:title": "t"}}
    op = {"input": f["uid"], "params": {"properties": {"dc:title": "via op"}}}
    grant = {"input": f["uid"], "params": {"user": "outsider", "permission": "Read"}}
    return [
        ("get by id", "GET", f"{API}/id/{f['uid']}", None, (401, 403, 200, 200)),
        ("get by path", "GET", f"{API}/path{f['path']}", None, (401, 403, 200, 200)),
        ("children", "GET", f"{API}/id/{f['uid']}/@children", None, (401, 403, 200, 200)),
        ("acl", "GET", f"{API}/id/{f['uid']}/@acl", None, (401, 403, 200, 200)),
        ("update", "PUT", f"{API}/id/{f['child']}", title, (401, 403, 200, 200)),
        ("create child", "POST", f"{API}/id/{f['uid']}", note, (401, 403, 201, 201)),
        ("automation update", "POST", f"{API}/automation/Document.Update", op,
         (401, 403, 200, 200)),
        ("grant", "POST", f"{API}/automation/Document.AddPermission", grant,
         (401, 403, 403, 200)),
        ("create user", "POST", f"{API}/user",
         {"entity-type": "user", "id": f"m-{who}", "properties": {"username": f"m-{who}"}},
         (401, 403, 403, 201)),
        ("read user", "GET", f"{API}/user/Administrator", None, (401, 200, 200, 200)),
        ("read group", "GET", f"{API}/group/members", None, (401, 200, 200, 200)),
        ("me", "GET", f"{API}/me", None, (401, 200, 200, 200)),
        ("tokens", "GET", f"{API}/token", None, (401, 200, 200, 200)),
    ]  # fmt: skip


async def test_rest_doors(client, folder):
    failures = []
    for index, who in enumerate(WHO):
        for name, method, url, body, expected in rest_cases(folder, who):
            resp = await client.request(method, url, json=body, headers=HEADERS[who])
            if resp.status != expected[index]:
                failures.append(f"{name} as {who}: {resp.status} (expected {expected[index]})")
    assert not failures, failures


GRAPHQL = [
    ("document", "query($id: ID) { document(id: $id) { uid } }", ("forbidden", "ok", "ok")),
    ("children", "query($id: ID) { document(id: $id) { children { totalSize } } }",
     ("forbidden", "ok", "ok")),
    ("acl", "query($id: ID) { document(id: $id) { acl { name } } }", ("forbidden", "ok", "ok")),
    ("update", 'mutation($id: ID!) { updateDocument(id: $id, properties: {}) { uid } }',
     ("forbidden", "ok", "ok")),
    ("grant", 'mutation($id: ID!) { addPermission(id: $id, permission: "Read", users: ["x"]) '
     "{ uid } }", ("forbidden", "forbidden", "ok")),
    ("users", '{ users(q: "*") { totalSize } }', ("ok", "ok", "ok")),
    ("groups", '{ groups(q: "*") { totalSize } }', ("ok", "ok", "ok")),
    ("me", "{ me { id } }", ("ok", "ok", "ok")),
    ("create user", 'mutation { createUser(username: "gq-m") { id } }',
     ("forbidden", "forbidden", "ok")),
]  # fmt: skip


async def test_graphql_doors(client, folder):
    failures = []
    for name, query, expected in GRAPHQL:
        for who, outcome in zip(WHO, ("unauthorized", *expected), strict=True):
            resp = await client.post(
                "/nuxeo/graphql",
                json={"query": query, "variables": {"id": folder["uid"]}},
                headers=HEADERS[who],
            )
            if who == "anonymous":
                got = "unauthorized" if resp.status == 401 else f"status {resp.status}"
            else:
                body = await resp.json()
                errors = body.get("errors")
                got = errors[0]["extensions"]["code"] if errors else "ok"
            if got != outcome:
                failures.append(f"{name} as {who}: {got} (expected {outcome})")
    assert not failures, failures


async def test_listings_leave_out_what_a_member_may_not_see(client, folder):
    """The workspace lists the blocked folder for the insider and the
    administrator, not for the outsider, and the totals agree."""
    counts = {}
    for who in ("outsider", "insider", "admin"):
        resp = await client.get(f"{API}/path{WS}/@children?pageSize=1000", headers=HEADERS[who])
        body = await resp.json()
        uids = [e["uid"] for e in body["entries"]]
        counts[who] = (folder["uid"] in uids, body["resultsCount"] == len(uids))
    assert counts == {"outsider": (False, True), "insider": (True, True), "admin": (True, True)}
