"""Notification subscriptions: subscribers of a document or of a folder
holding it are told by e-mail of its changes, once committed; the author of
a change, those who may no longer read the document and rolled-back changes
tell nobody."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def person(db, name: str) -> dict[str, str]:
    await db_security.insert_user(
        db, name, hash_password(f"{name}-pw"), email=f"{name}@example.com"
    )
    await db_security.add_membership(db, name, "members")
    return basic(name, f"{name}-pw")


async def op(client, op_id: str, input_: str, status=200, headers=None, **params) -> dict:
    resp = await client.post(
        f"{API}/automation/{op_id}", json={"input": input_, "params": params}, headers=headers
    )
    assert resp.status == status, await resp.text()
    return await resp.json()


@pytest.fixture
def settings(base_settings, inbox):
    return dataclasses.replace(base_settings, smtp_host="127.0.0.1", smtp_port=inbox.port)


async def test_subscribers_of_a_folder_hear_of_what_happens_in_it(client, db, inbox):
    tag = uuid.uuid4().hex[:6]
    watcher = await person(db, f"watcher{tag}")
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": f"f{tag}"}
    )
    folder = await resp.json()
    subscribed = await op(client, "Document.Subscribe", folder["uid"], headers=watcher)
    assert subscribed["uid"] == folder["uid"]
    resp = await client.get(
        f"{API}/id/{folder['uid']}",
        headers={**watcher, "enrichers.document": "subscribedNotifications"},
    )
    names = (await resp.json())["contextParameters"]["subscribedNotifications"]
    assert names == ["Creation", "Modification", "Workflow Change"]

    resp = await client.post(
        f"{API}/id/{folder['uid']}",
        json={"entity-type": "document", "type": "Note", "name": "news",
              "properties": {"dc:title": "Fresh news"}},
    )  # fmt: skip
    note = await resp.json()
    await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"dc:description": "edited"}},
    )
    texts = await inbox.to(f"watcher{tag}@example.com", 2)
    assert len(texts) == 2
    assert "Administrator created 'Fresh news'" in texts[0]
    assert "Administrator changed 'Fresh news'" in texts[1]

    # One's own changes are not news to oneself; nor are rolled-back ones.
    await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"dc:description": "mine"}},
        headers=watcher,
    )
    await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"dc:nature": "not-a-nature"}},
    )
    assert len(await inbox.to(f"watcher{tag}@example.com", 3, patience=1)) == 2

    await op(client, "Document.Unsubscribe", folder["uid"], headers=watcher)
    await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"dc:description": "after"}},
    )
    assert len(await inbox.to(f"watcher{tag}@example.com", 3, patience=1)) == 2


async def test_who_may_no_longer_read_is_not_told(client, db, inbox):
    tag = uuid.uuid4().hex[:6]
    locked_out = await person(db, f"gone{tag}")
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": f"n{tag}"}
    )
    note = await resp.json()
    await op(
        client,
        "Document.Subscribe",
        note["uid"],
        headers=locked_out,
        notifications=["Modification"],
    )
    await op(client, "Document.BlockPermissionInheritance", note["uid"])
    await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"dc:description": "secret"}},
    )
    assert await inbox.to(f"gone{tag}@example.com", 1, patience=1) == []


@pytest.mark.parametrize("names", [["Gossip"], ["Modification", "x" * 300]])
async def test_unknown_notifications_are_refused(client, names):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "u"}
    )
    note = await resp.json()
    body = await op(client, "Document.Subscribe", note["uid"], status=400, notifications=names)
    assert "Unknown notification" in body["message"]


async def test_graphql_subscriptions(client):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "g"}
    )
    uid = (await resp.json())["uid"]
    query = (
        'mutation($id: ID!) { subscribe(id: $id, notifications: ["Modification"])'
        " { subscribedNotifications } }"
    )
    resp = await client.post("/nuxeo/graphql", json={"query": query, "variables": {"id": uid}})
    body = await resp.json()
    assert body["data"]["subscribe"]["subscribedNotifications"] == ["Modification"]
