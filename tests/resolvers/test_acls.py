"""Nuxeo's ACL model: ACPs, evaluation order, inheritance and its blocking,
timed ACEs, nested groups, and the read_acl column kept in step, through
REST, automation and GraphQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers import permissions
from docgraph.resolvers.permissions import ACE
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
ROOT_INHERITED = {
    "administrators:Everything:true:::",
    "Administrator:Everything:true:::",
    "members:Read:true:::",
}


def auth(user: str) -> dict[str, str]:
    return basic(user, f"{user}-pw")


@pytest.fixture
async def users(db):
    for name in ("alice", "bob", "carol", "dave"):
        if await db_security.user_by_name(db, name) is None:
            await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
    for name in ("alice", "bob"):
        await db_security.add_membership(db, name, "members")
    # dave is in "team", itself inside "staff": dave is staff.
    for group in ("staff", "team"):
        await db_security.insert_group(db, group, group, None)
    await db.execute("INSERT INTO group_subgroups VALUES ('staff', 'team') ON CONFLICT DO NOTHING")
    await db_security.add_membership(db, "dave", "team")


async def make(client, parent: str, type_: str = "Folder", name: str | None = None) -> dict:
    name = name or f"{type_.lower()}-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{parent}", json={"entity-type": "document", "type": type_, "name": name}
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def op(client, op_id: str, uid: str, headers=None, **params) -> tuple[int, dict]:
    resp = await client.post(
        f"{API}/automation/{op_id}", json={"input": uid, "params": params}, headers=headers
    )
    return resp.status, await resp.json()


async def acl_of(client, uid: str) -> list[dict]:
    resp = await client.get(f"{API}/id/{uid}/@acl")
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["entity-type"] == "acls"
    return body["acl"]


async def status_for(client, user: str, uid: str) -> int:
    return (await client.get(f"{API}/id/{uid}", headers=auth(user))).status


async def test_a_new_document_inherits_and_a_permission_comes_and_goes(client, users):
    folder = await make(client, WS)
    [inherited] = await acl_of(client, folder["uid"])
    assert inherited["name"] == "inherited"
    assert ROOT_INHERITED <= {ace["id"] for ace in inherited["ace"]}
    assert set(inherited["ace"][0]) == {
        "id", "username", "permission", "granted", "creator", "begin", "end", "status"
    }  # fmt: skip

    status, doc = await op(
        client, "Document.AddPermission", folder["uid"], username="members", permission="Write"
    )
    assert status == 200 and doc["uid"] == folder["uid"]
    local, inherited = await acl_of(client, folder["uid"])
    assert local["name"] == "local"
    assert [a["id"] for a in local["ace"]] == ["members:Write:true:Administrator::"]
    assert local["ace"][0]["status"] == "effective"
    # Adding the same grant again changes nothing.
    await op(client, "Document.AddPermission", folder["uid"], user="members", permission="Write")
    assert len((await acl_of(client, folder["uid"]))[0]["ace"]) == 1

    status, _ = await op(
        client, "Document.RemovePermission", folder["uid"], id="members:Write:true:Administrator::"
    )
    assert status == 200
    assert [acl["name"] for acl in await acl_of(client, folder["uid"])] == ["inherited"]


async def test_write_permission_is_enforced_and_a_refused_change_writes_nothing(client, users):
    folder = await make(client, WS)
    uid = folder["uid"]
    # alice (a member) reads through the root's members:Read, but may not write.
    assert await status_for(client, "alice", uid) == 200
    put = await client.put(
        f"{API}/id/{uid}",
        headers=auth("alice"),
        json={"entity-type": "document", "properties": {"dc:title": "x"}},
    )
    assert put.status == 403
    status, _ = await op(
        client, "Document.AddPermission", uid, auth("alice"), user="alice", permission="Everything"
    )
    assert status == 403
    assert [acl["name"] for acl in await acl_of(client, uid)] == ["inherited"]

    await op(client, "Document.AddPermission", uid, user="alice", permission="ReadWrite")
    put = await client.put(
        f"{API}/id/{uid}",
        headers=auth("alice"),
        json={"entity-type": "document", "properties": {"dc:title": "by alice"}},
    )
    assert put.status == 200
    child = await client.post(
        f"{API}/id/{uid}",
        headers=auth("alice"),
        json={"entity-type": "document", "type": "Note", "name": "n"},
    )
    assert child.status == 201  # Write includes AddChildren, inherited by the child
    # ReadWrite does not include WriteSecurity.
    status, _ = await op(
        client, "Document.AddPermission", uid, auth("alice"), user="bob", permission="Read"
    )
    assert status == 403


async def test_the_first_matching_ace_wins_and_listings_follow(client, users):
    folder = await make(client, WS)
    uid = folder["uid"]
    open_child = await make(client, folder["path"], "Note")
    closed_child = await make(client, folder["path"], "Note")
    # Deny bob on one child: it comes before the inherited members:Read.
    status, _ = await op(
        client, "Document.AddACE", closed_child["uid"], user="bob", permission="Read", grant=False
    )
    assert status == 200
    assert await status_for(client, "bob", closed_child["uid"]) == 403
    assert await status_for(client, "alice", closed_child["uid"]) == 200
    listing = await (await client.get(f"{API}/id/{uid}/@children", headers=auth("bob"))).json()
    assert [e["uid"] for e in listing["entries"]] == [open_child["uid"]]
    assert listing["resultsCount"] == 1
    alice = await (await client.get(f"{API}/id/{uid}/@children", headers=auth("alice"))).json()
    assert alice["resultsCount"] == 2

    # A grant placed before the deny wins over it.
    await op(client, "Document.RemovePermission", closed_child["uid"], user="bob")
    await op(client, "Document.AddACE", closed_child["uid"], user="bob", permission="Read")
    await op(
        client,
        "Document.AddACE",
        closed_child["uid"],
        user="members",
        permission="Read",
        grant=False,
    )
    assert await status_for(client, "bob", closed_child["uid"]) == 200
    assert await status_for(client, "alice", closed_child["uid"]) == 403


async def test_blocking_inheritance_keeps_the_blocker_and_administrators(client, users):
    folder = await make(client, WS)
    inner = await make(client, folder["path"], "Note")
    status, _ = await op(client, "Document.BlockPermissionInheritance", folder["uid"])
    assert status == 200
    local = (await acl_of(client, folder["uid"]))[0]
    assert [a["id"] for a in local["ace"]] == [
        "Administrator:Everything:true:Administrator::",
        "administrators:Everything:true:Administrator::",
        "Everyone:Everything:false:Administrator::",
    ]
    for uid in (folder["uid"], inner["uid"]):
        assert await status_for(client, "alice", uid) == 403
    # A grant added afterwards goes before the block, and reaches the subtree.
    await op(client, "Document.AddPermission", folder["uid"], user="alice", permission="Read")
    local = (await acl_of(client, folder["uid"]))[0]
    assert local["ace"][-2]["id"] == "alice:Read:true:Administrator::"
    assert await status_for(client, "alice", inner["uid"]) == 200
    assert await status_for(client, "bob", inner["uid"]) == 403
    # Blocking twice adds nothing; unblocking removes only the block.
    await op(client, "Document.BlockPermissionInheritance", folder["uid"])
    await op(client, "Document.UnblockPermissionInheritance", folder["uid"])
    local = (await acl_of(client, folder["uid"]))[0]
    assert len(local["ace"]) == 3 and not any(a["id"].startswith("Everyone") for a in local["ace"])
    assert await status_for(client, "bob", inner["uid"]) == 200


async def test_nested_groups_receive_what_their_parent_group_is_granted(client, users):
    folder = await make(client, WS)
    await op(client, "Document.BlockPermissionInheritance", folder["uid"])
    assert await status_for(client, "dave", folder["uid"]) == 403
    await op(client, "Document.AddPermission", folder["uid"], user="staff", permission="ReadWrite")
    assert await status_for(client, "dave", folder["uid"]) == 200
    assert await status_for(client, "carol", folder["uid"]) == 403  # in no group


async def test_timed_aces_count_only_within_their_period(client, users):
    now = datetime.now(UTC)
    future = await make(client, WS)
    past = await make(client, WS)
    current = await make(client, WS)
    for doc in (future, past, current):
        await op(client, "Document.BlockPermissionInheritance", doc["uid"])
    periods = {
        future["uid"]: (now + timedelta(days=1), None),
        past["uid"]: (now - timedelta(days=2), now - timedelta(days=1)),
        current["uid"]: (now - timedelta(days=1), now + timedelta(days=1)),
    }
    for uid, (begin, end) in periods.items():
        params = {"user": "carol", "permission": "Read", "begin": begin.isoformat()}
        if end is not None:
            params["end"] = end.isoformat()
        status, body = await op(client, "Document.AddPermission", uid, **params)
        assert status == 200, body
    statuses = {
        uid: next(a for a in (await acl_of(client, uid))[0]["ace"] if a["username"] == "carol")
        for uid in periods
    }
    assert statuses[future["uid"]]["status"] == "pending"
    assert statuses[past["uid"]]["status"] == "archived"
    assert statuses[current["uid"]]["status"] == "effective"
    assert statuses[future["uid"]]["id"].startswith("carol:Read:true:Administrator:")
    assert await status_for(client, "carol", future["uid"]) == 403
    assert await status_for(client, "carol", past["uid"]) == 403
    assert await status_for(client, "carol", current["uid"]) == 200
    status, body = await op(
        client,
        "Document.AddPermission",
        current["uid"],
        user="carol",
        permission="Read",
        begin=now.isoformat(),
        end=(now - timedelta(days=1)).isoformat(),
    )
    assert status == 400, body


async def test_the_sweep_applies_aces_whose_period_starts_or_ends(client, db, users):
    from docgraph.gateway import keys
    from docgraph.resolvers.acls import refresh_timed

    folder = await make(client, WS)
    await op(client, "Document.BlockPermissionInheritance", folder["uid"])
    soon = datetime.now(UTC) + timedelta(seconds=1)
    await op(
        client, "Document.AddPermission", folder["uid"], user="carol", permission="Read",
        begin=soon.isoformat(),
    )  # fmt: skip
    assert await status_for(client, "carol", folder["uid"]) == 403
    app = client.server.app
    since = datetime.now(UTC) - timedelta(seconds=5)
    until = soon + timedelta(seconds=1)
    import asyncio

    await asyncio.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
    refreshed = await refresh_timed(
        app[keys.DATABASE], app[keys.REGISTRY], app[keys.SETTINGS], since, until
    )
    assert refreshed >= 1
    assert await status_for(client, "carol", folder["uid"]) == 200


async def test_enrichers_report_acls_and_the_callers_permissions(client, users):
    folder = await make(client, WS)
    await op(client, "Document.AddPermission", folder["uid"], user="alice", permission="ReadWrite")
    headers = {"enrichers-document": "acls, permissions, userVisiblePermissions"}
    admin = await (await client.get(f"{API}/id/{folder['uid']}", headers=headers)).json()
    params = admin["contextParameters"]
    assert "Everything" in params["permissions"] and "WriteSecurity" in params["permissions"]
    assert params["acls"][0]["name"] == "local"
    assert params["acls"][0]["aces"][0]["username"] == "alice"
    assert params["acls"][0]["aces"][0]["externalUser"] is False
    assert params["userVisiblePermissions"] == ["Read", "ReadWrite", "Everything"]
    alice = await (
        await client.get(f"{API}/id/{folder['uid']}", headers={**headers, **auth("alice")})
    ).json()
    held = set(alice["contextParameters"]["permissions"])
    assert {"Read", "Write", "ReadWrite", "AddChildren", "Browse"} <= held
    assert not held & {"Everything", "WriteSecurity"}


async def test_graphql_reads_and_writes_permissions(client, users):
    folder = await make(client, WS)
    query = """
      mutation($id: ID!) {
        addPermission(id: $id, permission: "Read", users: ["carol"]) {
          acl { name aces { id username permission granted status } }
        }
      }"""
    resp = await client.post(
        "/nuxeo/graphql", json={"query": query, "variables": {"id": folder["uid"]}}
    )
    body = await resp.json()
    assert "errors" not in body, body
    acl = body["data"]["addPermission"]["acl"]
    assert acl[0] == {
        "name": "local",
        "aces": [
            {
                "id": "carol:Read:true:Administrator::",
                "username": "carol",
                "permission": "Read",
                "granted": True,
                "status": "effective",
            }
        ],
    }
    resp = await client.post(
        "/nuxeo/graphql",
        headers=auth("carol"),
        json={"query": "query($id: ID) { document(id: $id) { permissions } }",
              "variables": {"id": folder["uid"]}},
    )  # fmt: skip
    held = (await resp.json())["data"]["document"]["permissions"]
    assert "Read" in held and "Write" not in held
    refused = await client.post(
        "/nuxeo/graphql",
        headers=auth("carol"),
        json={"query": query, "variables": {"id": folder["uid"]}},
    )
    assert (await refused.json())["errors"][0]["extensions"]["code"] == "forbidden"


async def test_the_sql_recompute_matches_the_engine_rule(client, db, users):
    """read_acl written by the set-based recompute equals what
    permissions.read_acl_of computes from each document's ACE chain."""
    top = await make(client, WS)
    mid = await make(client, top["path"])
    leaves = [await make(client, mid["path"], "Note") for _ in range(3)]
    await op(client, "Document.AddACE", top["uid"], user="bob", permission="Read", grant=False)
    await op(client, "Document.AddPermission", mid["uid"], user="bob", permission="Write")
    await op(client, "Document.AddPermission", mid["uid"], user="carol", permission="Read")
    await op(client, "Document.AddACE", leaves[0]["uid"], user="carol", permission="Browse",
             grant=False)  # fmt: skip
    await op(client, "Document.BlockPermissionInheritance", leaves[1]["uid"])
    await op(client, "Document.AddPermission", leaves[1]["uid"], user="Everyone", permission="Read")
    ids = [uuid.UUID(d["uid"]) for d in (top, mid, *leaves)]
    rows = await db.fetch("SELECT id, ancestors, read_acl FROM documents WHERE id = ANY($1)", ids)
    aces = await db.fetch(
        "SELECT document_id, principal, permission, granted, begin_at, end_at FROM acls "
        "ORDER BY document_id, acl_order, acl_name, position"
    )
    by_doc: dict[uuid.UUID, list[ACE]] = {}
    for a in aces:
        by_doc.setdefault(a["document_id"], []).append(
            ACE(a["principal"], a["permission"], a["granted"], None, a["begin_at"], a["end_at"])
        )
    now = datetime.now(UTC)
    for row in rows:
        chain = [ace for i in (row["id"], *reversed(row["ancestors"])) for ace in by_doc.get(i, [])]
        assert list(row["read_acl"]) == permissions.read_acl_of(chain, now), row["id"]
    leaf0 = next(r for r in rows if r["id"] == ids[2])
    assert leaf0["read_acl"][0] == "-carol"
    assert await status_for(client, "carol", leaves[0]["uid"]) == 403
    assert await status_for(client, "carol", leaves[2]["uid"]) == 200
    assert await status_for(client, "carol", leaves[1]["uid"]) == 200  # Everyone, after a block
    assert await status_for(client, "bob", top["uid"]) == 403
    # bob's Write on mid does not include Browse: top's denial decides.
    assert await status_for(client, "bob", mid["uid"]) == 403
    assert await status_for(client, "alice", leaves[1]["uid"]) == 200


def test_permission_hierarchy_per_the_contract():
    assert permissions.included_in("Browse") == {
        "Browse", "ReadProperties", "Read", "ReadRemove", "ReadWrite", "Everything"
    }  # fmt: skip
    assert permissions.included_in("AddChildren") == {
        "AddChildren",
        "Write",
        "ReadWrite",
        "Everything",
    }
    assert "Write" not in permissions.included_in("WriteSecurity")
    assert permissions.read_acl_of(
        [ACE("bob", "Read", False), ACE("members", "Read", True), ACE("carol", "Write", False)],
        datetime.now(UTC),
    ) == ["-bob", "members"]
    assert permissions.may_browse(["-bob", "members"], ("bob", "members", "Everyone")) is False
    assert permissions.may_browse(["-bob", "members"], ("alice", "members", "Everyone")) is True


@pytest.mark.parametrize(
    "params",
    [
        {"user": "alice", "permission": "Omnipotence"},
        {"permission": "Read"},
        {"user": "alice", "permission": "Read", "acl": "inherited"},
        {"user": "alice", "permission": "Read", "begin": "not a date"},
        {"users": [f"u{i}" for i in range(1001)], "permission": "Read"},
        {"email": "nobody@example.com", "permission": "Read"},
    ],
    ids=["unknown-permission", "no-principal", "inherited-acl", "bad-date", "too-many", "email"],
)
async def test_bad_permission_requests_are_400_and_change_nothing(client, users, params):
    folder = await make(client, WS)
    status, body = await op(client, "Document.AddPermission", folder["uid"], **params)
    assert status == 400, body
    assert body["entity-type"] == "exception"
    assert [acl["name"] for acl in await acl_of(client, folder["uid"])] == ["inherited"]
    status, body = await op(
        client, "Document.ReplacePermission", folder["uid"], user="bob", permission="Read",
        id="nobody:Read:true:::",
    )  # fmt: skip
    assert status == 400, body


async def test_default_content_acls_as_nuxeo_ships_them(client):
    sections = await (await client.get(f"{API}/path/default-domain/sections")).json()
    local, inherited = await acl_of(client, sections["uid"])
    assert [(a["username"], a["permission"]) for a in local["ace"]] == [
        ("members", "CanAskForPublishing")
    ]
    assert ROOT_INHERITED <= {a["id"] for a in inherited["ace"]}


async def test_each_row_carries_the_class_of_its_read_acl(client, db, users):
    """Listings match rows by read_acl class: every row's class holds its
    list, rows with the same list share one class, and a list too long for
    a btree entry still gets one."""
    top = await make(client, WS)
    denied, inherited, long = [await make(client, top["path"], "Note") for _ in range(3)]
    await op(client, "Document.AddACE", denied["uid"], user="bob", permission="Read", grant=False)
    long_list = [f"principal-with-a-long-name-{i:04d}" for i in range(400)]
    await db.execute(
        "UPDATE documents SET read_acl = $1 WHERE id = $2", long_list, uuid.UUID(long["uid"])
    )
    rows = await db.fetch(
        "SELECT d.id, d.read_acl, d.read_acl_class, c.entries FROM documents d"
        " JOIN read_acl_classes c ON c.id = d.read_acl_class WHERE d.id = ANY($1)",
        [uuid.UUID(d["uid"]) for d in (top, denied, inherited, long)],
    )
    assert len(rows) == 4
    assert all(r["read_acl"] == r["entries"] for r in rows)
    classes = {str(r["id"]): r["read_acl_class"] for r in rows}
    assert classes[inherited["uid"]] == classes[top["uid"]]
    assert len({classes[d["uid"]] for d in (top, denied, long)}) == 3
    listing = await client.get(f"{API}/id/{top['uid']}/@children", headers=auth("bob"))
    assert [e["uid"] for e in (await listing.json())["entries"]] == [inherited["uid"]]


async def test_concurrent_writers_of_a_new_list_share_one_class(client, db, users):
    """Two transactions giving two documents the same new list: the second
    waits for the first's class row, then reads it back."""
    folder = await make(client, WS)
    a, b = [uuid.UUID((await make(client, folder["path"], "Note"))["uid"]) for _ in range(2)]
    new_list = [f"grantee-{uuid.uuid4().hex}"]
    async with db.pool.acquire() as first, db.pool.acquire() as second:
        async with first.transaction():
            await first.execute("UPDATE documents SET read_acl = $1 WHERE id = $2", new_list, a)
            waiting = asyncio.create_task(
                second.execute("UPDATE documents SET read_acl = $1 WHERE id = $2", new_list, b)
            )
            await asyncio.sleep(0.2)
            assert not waiting.done()  # blocked on the class row's unique key
        await waiting
    rows = await db.fetch("SELECT read_acl_class FROM documents WHERE id = ANY($1)", [a, b])
    assert len({r["read_acl_class"] for r in rows}) == 1


async def test_a_listing_after_a_write_sees_a_class_new_in_the_same_request(client, users):
    """The request's permission filter is read again after a write: a
    Workspace gets a list of its own (its creator's grant), a class that did
    not exist when the first listing of the request ran."""
    first = await make(client, WS)
    second = await make(client, WS)
    # In the second folder's list carol comes before bob: the Workspace
    # created there (its creator moved first) has a list no document had.
    await op(client, "Document.AddPermission", second["uid"], user="carol", permission="Read")
    for folder in (first, second):
        await op(
            client, "Document.AddPermission", folder["uid"], user="bob", permission="ReadWrite"
        )
    query = """mutation($a: String!, $b: String!) {
        a: createDocument(parentPath: $a, type: "Workspace", name: "wa") {
            parent { children { entries { name } } } }
        b: createDocument(parentPath: $b, type: "Workspace", name: "wb") {
            parent { children { entries { name } } } } }"""
    resp = await client.post(
        "/nuxeo/graphql",
        headers=auth("bob"),
        json={"query": query, "variables": {"a": first["path"], "b": second["path"]}},
    )
    body = await resp.json()
    assert "errors" not in body, body
    for alias, name in (("a", "wa"), ("b", "wb")):
        entries = body["data"][alias]["parent"]["children"]["entries"]
        assert [e["name"] for e in entries] == [name]


@pytest.mark.parametrize(
    "acl",
    [
        ["members"],
        ["-bob", "members"],
        ["bob", "-members"],
        ["-members", "bob"],
        ["-staff", "-bob", "Everyone"],
        ["carol", "-Everyone"],
        [],
    ],
)
async def test_the_sql_class_rule_matches_the_engine_rule(db, acl):
    """readable_acl_classes decides each list as permissions.may_browse does."""
    class_id = await db.fetchval("SELECT read_acl_class($1::text[])", acl)
    for names in (("bob", "members", "Everyone"), ("carol", "Everyone"), ("dave", "staff")):
        readable = await db.fetchval("SELECT readable_acl_classes($1::text[])", list(names))
        assert (class_id in readable) is permissions.may_browse(acl, names), (acl, names)
