"""GraphQL subscriptions over graphql-transport-ws: changes committed through
one server reach subscribers of another through PostgreSQL, filtered by what
each subscriber may read; the protocol's refusals."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import orjson
import pytest
from aiohttp import WSMsgType

from docgraph.db import security as db_security
from docgraph.gateway.app import create_app
from docgraph.resolvers.users import hash_password

from ..conftest import ADMIN_AUTH, basic

API = "/nuxeo/api/v1"
GRAPHQL = "/nuxeo/graphql"
WS = "/default-domain/workspaces"
PROTOCOL = "graphql-transport-ws"
CHANGED = """subscription($path: String, $types: [String!]) {
  documentChanged(path: $path, types: $types) { kind path type principal document { title } }
}"""


async def server(aiohttp_client, database_url, settings, auth=ADMIN_AUTH):
    """Another docgraph server on the same database: a process of a cluster."""
    app = create_app(settings, database_url)
    return await aiohttp_client(app, headers={"Authorization": auth})


async def receive(ws, wait=5.0):
    message = await asyncio.wait_for(ws.receive(), wait)
    assert message.type is WSMsgType.TEXT or message.type is WSMsgType.BINARY, message
    return orjson.loads(message.data)


async def connect(client, headers=None):
    ws = await client.ws_connect(GRAPHQL, protocols=[PROTOCOL], headers=headers)
    await ws.send_json({"type": "connection_init"})
    assert (await receive(ws))["type"] == "connection_ack"
    return ws


async def subscribe(ws, op_id, variables):
    await ws.send_json(
        {"type": "subscribe", "id": op_id, "payload": {"query": CHANGED, "variables": variables}}
    )


async def create(client, parent, doc_type, name, title):
    resp = await client.post(
        f"{API}/path{parent}",
        json={
            "entity-type": "document",
            "type": doc_type,
            "name": name,
            "properties": {"dc:title": title},
        },
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


@pytest.fixture
async def member(db):
    if await db_security.user_by_name(db, "watcher") is None:
        await db_security.insert_user(db, "watcher", hash_password("watcher-pw"))
        await db_security.add_membership(db, "watcher", "members")
    return basic("watcher", "watcher-pw")["Authorization"]


async def test_changes_reach_subscribers_of_every_server(
    client, aiohttp_client, database_url, settings, member
):
    other = await server(aiohttp_client, database_url, settings)
    watcher_server = await server(aiohttp_client, database_url, settings, auth=member)
    folder = f"live-{uuid.uuid4().hex[:8]}"
    await create(client, WS, "Folder", folder, "Live")
    secret = await create(client, WS, "Folder", f"secret-{uuid.uuid4().hex[:8]}", "Secret")
    resp = await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": secret["uid"]}
    )
    assert resp.status == 200

    subtree = await connect(client)
    await subscribe(subtree, "subtree", {"path": f"{WS}/{folder}"})
    notes = await connect(other)
    await subscribe(notes, "notes", {"types": ["Note"]})
    watcher = await connect(watcher_server)
    await subscribe(watcher, "all", {})
    await asyncio.sleep(0.2)  # the subscriptions are listening

    # Written through the second server, seen by the first one's subscriber.
    await create(other, f"{WS}/{folder}", "Note", "n1", "First note")
    await create(client, secret["path"], "Note", "hidden", "Not for the watcher")
    await create(client, WS, "File", f"outside-{uuid.uuid4().hex[:6]}", "Outside")

    first = await receive(subtree)
    assert first["type"] == "next" and first["id"] == "subtree"
    change = first["payload"]["data"]["documentChanged"]
    assert change == {
        "kind": "created",
        "path": f"{WS}/{folder}/n1",
        "type": "Note",
        "principal": "Administrator",
        "document": {"title": "First note"},
    }
    # Written through the first server, seen by the second one's subscriber:
    # both notes, in commit order, and nothing else.
    seen = [(await receive(notes))["payload"]["data"]["documentChanged"] for _ in range(2)]
    assert [c["document"]["title"] for c in seen] == ["First note", "Not for the watcher"]
    # The member sees the note and the file, never the note in the folder he
    # may not read.
    titles = [
        (await receive(watcher))["payload"]["data"]["documentChanged"]["document"]["title"]
        for _ in range(2)
    ]
    assert titles == ["First note", "Outside"]

    # Nothing more is pending for the subtree subscriber.
    with pytest.raises(TimeoutError):
        await receive(subtree, wait=0.3)
    await subtree.send_json({"type": "complete", "id": "subtree"})
    for ws in (subtree, notes, watcher):
        await ws.close()


async def test_queries_and_refusals_over_the_socket(client):
    ws = await connect(client)
    await ws.send_json(
        {"type": "subscribe", "id": "q", "payload": {"query": '{ document(path: "/") { path } }'}}
    )
    assert (await receive(ws)) == {
        "type": "next",
        "id": "q",
        "payload": {"data": {"document": {"path": "/"}}},
    }
    assert (await receive(ws)) == {"type": "complete", "id": "q"}
    await ws.send_json(
        {"type": "subscribe", "id": "bad", "payload": {"query": "subscription { nope }"}}
    )
    refused = await receive(ws)
    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == (
        "invalid_query"
    )
    await ws.send_json({"type": "ping"})
    assert (await receive(ws))["type"] == "pong"
    # The same id twice while the first runs closes the socket (4409).
    for _ in range(2):
        await subscribe(ws, "twice", {})
    closing = await asyncio.wait_for(ws.receive(), 5)
    assert closing.type is WSMsgType.CLOSE and closing.data == 4409


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ({"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }"}}, 4401),
        ({"type": "what"}, 4400),
        ([1, 2], 4400),
    ],
)
async def test_protocol_violations_close_the_socket(client, first, code):
    ws = await client.ws_connect(GRAPHQL, protocols=[PROTOCOL])
    if code != 4401:
        await ws.send_json({"type": "connection_init"})
        await receive(ws)
    await ws.send_json(first)
    closing = await asyncio.wait_for(ws.receive(), 5)
    assert closing.type is WSMsgType.CLOSE and closing.data == code


async def test_a_socket_needs_credentials(anonymous):
    resp = await anonymous.get(GRAPHQL, headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert resp.status == 401


async def test_a_move_out_of_a_watched_subtree_is_seen_with_its_old_path(client):
    source = await create(client, WS, "Folder", f"src-{uuid.uuid4().hex[:8]}", "Source")
    target = await create(client, WS, "Folder", f"dst-{uuid.uuid4().hex[:8]}", "Target")
    note = await create(client, source["path"], "Note", "leaving", "Leaving")
    ws = await connect(client)
    await ws.send_json(
        {
            "type": "subscribe",
            "id": "moves",
            "payload": {
                "query": "subscription($path: String) { documentChanged(path: $path) "
                "{ kind path oldPath } }",
                "variables": {"path": source["path"]},
            },
        }
    )
    await asyncio.sleep(0.2)
    resp = await client.post(
        f"{API}/automation/Document.Move",
        json={"input": note["uid"], "params": {"target": target["uid"]}},
    )
    assert resp.status == 200, await resp.text()
    change = (await receive(ws))["payload"]["data"]["documentChanged"]
    if change["kind"] == "created":
        # Notifications travel asynchronously: the note's creation, committed
        # before the subscription, may still be on its way when it starts.
        assert change["path"] == f"{source['path']}/leaving"
        change = (await receive(ws))["payload"]["data"]["documentChanged"]
    assert change == {
        "kind": "moved",
        "path": f"{target['path']}/leaving",
        "oldPath": f"{source['path']}/leaving",
    }
    await ws.close()


@pytest.fixture
def two_operations(base_settings):
    return dataclasses.replace(base_settings, graphql_max_socket_operations=2)


async def test_a_socket_runs_a_bounded_number_of_operations(
    aiohttp_client, database_url, two_operations
):
    client = await server(aiohttp_client, database_url, two_operations)
    ws = await connect(client)
    for op_id in ("one", "two", "three"):
        await subscribe(ws, op_id, {})
    refused = await receive(ws)
    assert refused["type"] == "error" and refused["id"] == "three"
    assert refused["payload"][0]["extensions"]["code"] == "too_many_operations"
    # Completing one frees its place.
    await ws.send_json({"type": "complete", "id": "one"})
    await asyncio.sleep(0.1)
    await subscribe(ws, "four", {})
    with pytest.raises(TimeoutError):  # accepted: it waits for changes, no error
        await receive(ws, wait=0.5)
    await ws.close()


async def test_a_message_over_the_body_limit_closes_the_socket(client, settings):
    ws = await connect(client)
    await ws.send_str('{"type": "ping", "pad": "' + "x" * settings.max_json_body + '"}')
    closing = await asyncio.wait_for(ws.receive(), 5)
    assert closing.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR)
