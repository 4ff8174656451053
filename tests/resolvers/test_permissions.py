"""Permission checks in the engine, the same through both doors."""

from __future__ import annotations

import base64

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


def auth(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{user}-pw".encode()).decode()}


@pytest.fixture
async def users(db):
    for name, group in (("jdoe", "members"), ("jane", "members"), ("outsider", None)):
        if await db_security.user_by_name(db, name) is None:
            await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
            if group:
                await db_security.add_membership(db, name, group)


@pytest.fixture
async def jdoe_space(client, db, users):
    """A workspace where jdoe was granted ReadWrite by Administrator."""
    resp = await client.get(f"{API}/path{WS}/jdoe-space")
    if resp.status == 200:
        return (await resp.json())["uid"]
    resp = await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "Workspace", "name": "jdoe-space"},
    )
    uid = (await resp.json())["uid"]
    resp = await client.post(
        f"{API}/automation/Document.AddPermission",
        json={"input": uid, "params": {"username": "jdoe", "permission": "ReadWrite"}},
    )
    assert resp.status == 200, await resp.text()
    return uid


async def test_members_read_default_content_and_outsiders_do_not(client, users):
    ok = await client.get(f"{API}/path/default-domain", headers=auth("jdoe"))
    assert ok.status == 200
    denied = await client.get(f"{API}/path/default-domain", headers=auth("outsider"))
    assert denied.status == 403
    body = await denied.json()
    assert body == {
        "entity-type": "exception",
        "status": 403,
        "message": "Privilege 'Read' is not granted to 'outsider'",
    }
    gql = await client.post(
        "/nuxeo/graphql",
        headers=auth("outsider"),
        json={"query": '{ document(path: "/default-domain") { uid } }'},
    )
    assert (await gql.json())["errors"][0]["extensions"]["code"] == "forbidden"


async def test_writing_needs_a_permission_and_a_refusal_changes_nothing(client, users):
    resp = await client.post(
        f"{API}/path{WS}",
        headers=auth("jdoe"),
        json={"entity-type": "document", "type": "Workspace", "name": "sneaky"},
    )
    assert resp.status == 403
    assert (await client.get(f"{API}/path{WS}/sneaky")).status == 404
    resp = await client.put(
        f"{API}/path{WS}",
        headers=auth("jdoe"),
        json={"entity-type": "document", "properties": {"dc:title": "hacked"}},
    )
    assert resp.status == 403
    assert (await (await client.get(f"{API}/path{WS}")).json())["title"] == "Workspaces"
    resp = await client.delete(f"{API}/path{WS}", headers=auth("jdoe"))
    assert resp.status == 403
    resp = await client.post(
        f"{API}/automation/Document.Delete", headers=auth("jdoe"), json={"input": WS}
    )
    assert resp.status == 403


async def test_a_grant_lets_a_member_write_and_others_only_read(client, jdoe_space):
    resp = await client.post(
        f"{API}/id/{jdoe_space}",
        headers=auth("jdoe"),
        json={"entity-type": "document", "type": "Note", "name": "mine"},
    )
    assert resp.status == 201, await resp.text()
    note = await resp.json()
    assert note["properties"]["dc:creator"] == "jdoe"
    resp = await client.put(
        f"{API}/id/{note['uid']}",
        headers=auth("jdoe"),
        json={"entity-type": "document", "properties": {"dc:title": "still mine"}},
    )
    assert resp.status == 200
    read = await client.get(f"{API}/id/{note['uid']}", headers=auth("jane"))
    assert read.status == 200
    write = await client.put(
        f"{API}/id/{note['uid']}",
        headers=auth("jane"),
        json={"entity-type": "document", "properties": {"dc:title": "jane was here"}},
    )
    assert write.status == 403
    assert (await client.delete(f"{API}/id/{note['uid']}", headers=auth("jane"))).status == 403
    assert (await client.delete(f"{API}/id/{note['uid']}", headers=auth("jdoe"))).status == 204


async def test_listings_filter_by_permission_in_sql(client, db, jdoe_space):
    for name in ("visible", "secret"):
        await client.post(
            f"{API}/id/{jdoe_space}", json={"entity-type": "document", "type": "Note", "name": name}
        )
    secret = await (await client.get(f"{API}/path{WS}/jdoe-space/secret")).json()
    resp = await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": secret["uid"]}
    )
    assert resp.status == 200
    admin = await (await client.get(f"{API}/id/{jdoe_space}/@children")).json()
    jane = await (await client.get(f"{API}/id/{jdoe_space}/@children", headers=auth("jane"))).json()
    assert "secret" in [e["path"].rsplit("/", 1)[-1] for e in admin["entries"]]
    assert [e["path"].rsplit("/", 1)[-1] for e in jane["entries"]] == ["visible"]
    assert jane["resultsCount"] == 1
    gql = await client.post(
        "/nuxeo/graphql",
        headers=auth("jane"),
        json={
            "query": "query($id: ID) { document(id: $id) { children { totalSize } } }",
            "variables": {"id": jdoe_space},
        },
    )
    assert (await gql.json())["data"]["document"]["children"]["totalSize"] == 1
    hidden = await client.get(f"{API}/path{WS}/jdoe-space/secret", headers=auth("jane"))
    assert hidden.status == 403
