"""The account, lock and trash surfaces under hostile input: 4xx, nothing half-written."""

from __future__ import annotations

import asyncio

import pytest

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


def user(uid, **properties):
    return {"entity-type": "user", "id": uid, "properties": properties}


@pytest.mark.parametrize(
    "body",
    [
        user("x" * 10_000, password="secret"),
        user("nul\x00name", password="secret"),
        user("a/b", password="secret"),
        user("objname", firstName={"nested": ["deep"]}),
        user("strgroups", groups="members"),
        user("numpw", password=12345),
        user("manygroups", groups=[f"g{i}" for i in range(10_000)]),
        {"entity-type": "user", "id": ["list"]},
        {"entity-type": "user", "id": "p", "properties": "not an object"},
    ],
    ids=[
        "long",
        "nul",
        "slash",
        "object-field",
        "groups-string",
        "numeric-password",
        "10k-unknown-groups",
        "id-list",
        "properties-string",
    ],
)
async def test_malformed_users_are_refused_and_nothing_is_written(client, body):
    resp = await client.post(f"{API}/user", json=body)
    assert resp.status == 400, await resp.text()
    assert (await resp.json())["entity-type"] == "exception"
    uid = body.get("id")
    if isinstance(uid, str) and "/" not in uid and "\x00" not in uid and len(uid) < 200:
        assert (await client.get(f"{API}/user/{uid}")).status == 404


async def test_search_text_is_literal_and_bounded(client):
    await client.post(f"{API}/user", json=user("percent", password="secret"))
    for q in ("%", "_", "'; DROP TABLE users; --", "x" * 7000):
        resp = await client.get(f"{API}/user/search", params={"q": q})
        assert resp.status in (200, 414), q[:20]
        if resp.status == 200:
            assert (await resp.json())["entries"] == []
    resp = await client.get(f"{API}/group/administrators/@users?pageSize=abc")
    assert resp.status == 400


async def test_repeated_membership_and_bad_password_bodies(client):
    await client.post(f"{API}/user", json=user("repeat", password="secret"))
    for _ in range(3):
        resp = await client.post(f"{API}/user/repeat/group/members")
        assert resp.status == 201
    body = await (await client.get(f"{API}/user/repeat")).json()
    assert body["properties"]["groups"] == ["members"]
    me = basic("repeat", "secret")
    for payload in ([1, 2], "text", {"oldPassword": "secret", "newPassword": ["x"]}):
        resp = await client.put(f"{API}/me/changepassword", json=payload, headers=me)
        assert resp.status == 400, payload
    assert (await client.get(f"{API}/me", headers=me)).status == 200  # unchanged


async def test_concurrent_locks_leave_one_owner(client):
    await client.post(
        f"{API}/user", json=user("rival", password="secret", groups=["administrators"])
    )
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "contested"}
    )
    uid = (await resp.json())["uid"]

    async def lock(headers):
        resp = await client.post(
            f"{API}/id/{uid}/@op/Document.Lock", json={"params": {}}, headers=headers
        )
        return resp.status

    statuses = await asyncio.gather(
        *[lock(basic("rival", "secret") if i % 2 else None) for i in range(20)]
    )
    assert set(statuses) <= {200, 409} and 200 in statuses and 409 in statuses
    fetched = await (await client.get(f"{API}/id/{uid}?fetch.document=lock")).json()
    owner = fetched["lockOwner"]
    assert owner in ("Administrator", "rival")
    winners = [s for i, s in enumerate(statuses) if s == 200 and (i % 2 == (owner == "rival"))]
    assert len(winners) == statuses.count(200)


async def test_trash_and_untrash_repeated(client):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "twice"}
    )
    uid = (await resp.json())["uid"]
    paths = set()
    for _ in range(3):
        resp = await client.post(f"{API}/id/{uid}/@op/Document.Trash", json={"params": {}})
        assert resp.status == 200
        paths.add((await resp.json())["path"])
    assert len(paths) == 1  # trashing a trashed document changes nothing
    for _ in range(2):
        resp = await client.post(f"{API}/id/{uid}/@op/Document.Untrash", json={"params": {}})
        assert (await resp.json())["path"] == f"{WS}/twice"
