"""Bulk commands: an action over a query's documents, in the background, as
the submitting user, batch by batch; status, abort, waiting, take-over after
a worker died, and the refusals."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest

from docgraph import plugins
from docgraph.db import security as db_security
from docgraph.errors import BadRequest, TooManyRequests
from docgraph.plugins import BulkAction
from docgraph.resolvers import bulk, documents
from docgraph.resolvers.context import Principal
from docgraph.resolvers.model import Document, PathRef
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"

# A bulk action whose batches wait until released: commands that stay running.
gate = asyncio.Event()


async def held(ctx, docs: Sequence[Document], params) -> None:
    await gate.wait()


@pytest.fixture(scope="module")
def registry() -> plugins.Registry:
    return plugins.build_registry(
        enabled=(), extra=[("held", lambda r: r.add_bulk_action(BulkAction("held", held)))]
    )


@pytest.fixture(autouse=True)
async def no_command_left(db):
    """Each test's unfinished commands end with it: a later test's worker
    must not take them."""
    yield
    gate.set()
    await db.execute(
        "UPDATE bulk_commands SET state = 'ABORTED' WHERE state IN ('SCHEDULED', 'RUNNING')"
    )
    gate.clear()


async def folder_of(client, count: int) -> tuple[str, list[str]]:
    name = f"bulk-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
    )
    folder = await resp.json()
    uids = []
    for i in range(count):
        resp = await client.post(
            f"{API}/id/{folder['uid']}",
            json={"entity-type": "document", "type": "Note", "name": f"n{i}"},
        )
        uids.append((await resp.json())["uid"])
    return folder["uid"], uids


async def run_action(client, headers=None, **params):
    resp = await client.post(
        f"{API}/automation/Bulk.RunAction", json={"params": params}, headers=headers
    )
    return resp.status, await resp.json()


async def wait_for(client, command_id, headers=None) -> bool:
    resp = await client.post(
        f"{API}/automation/Bulk.WaitForAction",
        json={"params": {"commandId": command_id, "timeoutSecond": 20}},
        headers=headers,
    )
    body = await resp.json()
    assert resp.status == 200, body
    return body["value"]


async def test_set_properties_over_a_query(client):
    folder, uids = await folder_of(client, 7)
    status, body = await run_action(
        client,
        action="setProperties",
        query=f"SELECT * FROM Note WHERE ecm:parentId = '{folder}'",
        batchSize=3,
        parameters='{"dc:description": "stamped"}',
    )
    assert status == 200, body
    assert body["entity-type"] == "bulkStatus" and body["action"] == "setProperties"
    assert await wait_for(client, body["commandId"])
    final = await (await client.get(f"{API}/bulk/{body['commandId']}")).json()
    assert (final["state"], final["total"], final["processed"]) == ("COMPLETED", 7, 7)
    assert final["errorCount"] == 0 and final["error"] is False
    assert final["username"] == "Administrator" and final["completed"]
    for uid in uids:
        doc = await (await client.get(f"{API}/id/{uid}", headers={"properties": "*"})).json()
        assert doc["properties"]["dc:description"] == "stamped"


async def test_trash_and_restore_from_the_search_door(client):
    folder, uids = await folder_of(client, 3)
    query = {"query": f"SELECT * FROM Note WHERE ecm:parentId = '{folder}'"}
    resp = await client.post(f"{API}/search/bulk/trash", params=query)
    body = await resp.json()
    assert resp.status == 202, body
    assert await wait_for(client, body["commandId"])
    for uid in uids:
        assert (await (await client.get(f"{API}/id/{uid}")).json())["isTrashed"] is True
    resp = await client.post(
        f"{API}/search/pp/document_trash_content/bulk/trash",
        params={"queryParams": folder},
        json={"value": False},
    )
    body = await resp.json()
    assert resp.status == 202, body
    assert await wait_for(client, body["commandId"])
    done = await (await client.get(f"{API}/bulk/{body['commandId']}")).json()
    assert done["total"] == 3
    for uid in uids:
        assert (await (await client.get(f"{API}/id/{uid}")).json())["isTrashed"] is False


async def test_the_automation_action(client):
    folder, uids = await folder_of(client, 2)
    status, body = await run_action(
        client,
        action="automation",
        query=f"SELECT * FROM Note WHERE ecm:parentId = '{folder}'",
        parameters={
            "operationId": "Document.SetProperty",
            "parameters": {"xpath": "dc:source", "value": "bulk"},
        },
    )
    assert status == 200, body
    assert await wait_for(client, body["commandId"])
    for uid in uids:
        doc = await (await client.get(f"{API}/id/{uid}", headers={"properties": "*"})).json()
        assert doc["properties"]["dc:source"] == "bulk"


async def test_a_member_acts_only_where_allowed_and_sees_only_their_commands(client, db):
    for name in ("bulker", "other"):
        if await db_security.user_by_name(db, name) is None:
            await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
            await db_security.add_membership(db, name, "members")
    bulker, other = basic("bulker", "bulker-pw"), basic("other", "other-pw")
    folder, uids = await folder_of(client, 2)
    # bulker may read (members read the workspaces) but not write these notes.
    status, body = await run_action(
        client,
        bulker,
        action="setProperties",
        query=f"SELECT * FROM Note WHERE ecm:parentId = '{folder}'",
        parameters={"dc:description": "defaced"},
    )
    assert status == 200, body
    assert await wait_for(client, body["commandId"], bulker)
    done = await (await client.get(f"{API}/bulk/{body['commandId']}", headers=bulker)).json()
    assert (done["processed"], done["errorCount"]) == (2, 2)
    assert "Write" in done["errorMessage"]
    for uid in uids:
        doc = await (await client.get(f"{API}/id/{uid}", headers={"properties": "*"})).json()
        assert doc["properties"]["dc:description"] != "defaced"
    # Another member does not see it; an administrator does.
    resp = await client.get(f"{API}/bulk/{body['commandId']}", headers=other)
    assert resp.status == 404
    resp = await client.put(f"{API}/bulk/{body['commandId']}/abort", headers=other)
    assert resp.status == 404
    assert (await client.get(f"{API}/bulk/{body['commandId']}")).status == 200


BAD = [
    {"action": "nothing", "query": "SELECT * FROM Note"},
    {"action": "setProperties", "query": "SELECT * FROM Nowhere", "parameters": {"dc:title": 1}},
    {"action": "setProperties", "query": "SELECT * FROM Note"},
    {"action": "setProperties", "query": "SELECT * FROM Note", "parameters": {"no:such": 1}},
    {"action": "setProperties", "query": "SELECT * FROM Note", "parameters": "{not json"},
    {"action": "setProperties", "query": "SELECT * FROM Note", "parameters": "[1]"},
    {"action": "trash", "query": "SELECT * FROM Note", "parameters": {"value": "yes"}},
    {"action": "trash", "query": "SELECT * FROM Note", "batchSize": 0},
    {"action": "trash", "query": "SELECT * FROM Note", "batchSize": 100000},
    {"action": "trash"},
    {"action": "trash", "providerName": "default_search"},
    {"action": "automation", "query": "SELECT * FROM Note", "parameters": {}},
]


@pytest.mark.parametrize("params", BAD, ids=range(len(BAD)))
async def test_bad_commands_are_refused_before_anything_runs(client, params):
    status, body = await run_action(client, **params)
    assert status in (400, 404), body
    assert body["entity-type"] == "exception"


async def test_unknown_and_malformed_ids_are_404(client):
    for command in (str(uuid.uuid4()), "not-an-id", "x" * 500):
        assert (await client.get(f"{API}/bulk/{command}")).status == 404
    assert (await client.delete(f"{API}/bulk/{uuid.uuid4()}")).status == 405


async def test_graphql_runs_and_reads_a_command(client):
    folder, _ = await folder_of(client, 2)
    mutation = """mutation($q: String!, $p: JSON) {
        runBulkAction(action: "setProperties", query: $q, parameters: $p) { id } }"""
    resp = await client.post(
        "/nuxeo/graphql",
        json={
            "query": mutation,
            "variables": {
                "q": f"SELECT * FROM Note WHERE ecm:parentId = '{folder}'",
                "p": {"dc:description": "gql"},
            },
        },
    )
    body = await resp.json()
    assert "errors" not in body, body
    command = body["data"]["runBulkAction"]["id"]
    assert await wait_for(client, command)
    resp = await client.post(
        "/nuxeo/graphql",
        json={
            "query": "query($id: ID!) {"
            " bulkCommand(id: $id) { state total processed errorCount } }",
            "variables": {"id": command},
        },
    )
    found = (await resp.json())["data"]["bulkCommand"]
    assert found == {"state": "COMPLETED", "total": 2, "processed": 2, "errorCount": 0}


async def test_clients_waiting_for_commands_hold_no_connection(client, settings):
    """More waiters than the pool has connections, while a command runs: a
    plain read still answers at once."""
    status, body = await run_action(client, action="held", query="SELECT * FROM Note")
    assert status == 200, body
    waiters = [
        asyncio.create_task(
            client.post(
                f"{API}/automation/Bulk.WaitForAction",
                json={"params": {"commandId": body["commandId"], "timeoutSecond": 3}},
            )
        )
        for _ in range(settings.pool_max_size * 2)
    ]
    await asyncio.sleep(0.5)
    loop = asyncio.get_running_loop()
    started = loop.time()
    resp = await client.get(f"{API}/path{WS}")
    assert resp.status == 200
    assert loop.time() - started < 1.0
    gate.set()
    answers = [await (await w).json() for w in waiters]
    assert all(a["entity-type"] == "boolean" for a in answers), answers


async def test_concurrent_submissions_keep_to_the_limit(client, db, settings):
    if await db_security.user_by_name(db, "racer") is None:
        await db_security.insert_user(db, "racer", hash_password("racer-pw"))
        await db_security.add_membership(db, "racer", "members")
    racer = basic("racer", "racer-pw")
    most = settings.bulk_max_unfinished
    answers = await asyncio.gather(
        *(
            run_action(client, racer, action="held", query="SELECT * FROM Note")
            for _ in range(most + 5)
        )
    )
    assert sorted(status for status, _ in answers) == [200] * most + [429] * 5


# -- the engine alone (no server worker) ------------------------------------------


async def submitted(ctx, action="held", query="SELECT * FROM Note", **kwargs):
    async with ctx.unit_of_work():
        return await bulk.submit(ctx, action, query=query, **kwargs)


async def test_a_waiting_command_is_aborted_at_once(make_ctx):
    ctx = make_ctx(Principal("waiter", ("members",)))
    status = await submitted(ctx)
    assert status.state == bulk.SCHEDULED
    aborted = await bulk.abort(ctx, str(status.id))
    assert aborted.state == bulk.ABORTED and aborted.completed is not None
    assert await bulk.wait(ctx, str(status.id), 1.0)


async def test_a_user_has_a_bounded_number_of_unfinished_commands(make_ctx):
    ctx = make_ctx(Principal("flooder", ("members",)))
    for _ in range(ctx.settings.bulk_max_unfinished):
        await submitted(ctx)
    with pytest.raises(TooManyRequests):
        await submitted(ctx)
    with pytest.raises(BadRequest):  # an unknown action is refused first
        await submitted(ctx, action="nothing")


async def test_waiting_gives_up_at_its_timeout(make_ctx):
    ctx = make_ctx(Principal("patient", ("members",)))
    status = await submitted(ctx)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bulk.wait(ctx, str(status.id), 0.3) is False
    assert 0.25 <= loop.time() - started < 5


async def test_a_command_is_taken_over_where_its_dead_worker_left_it(
    make_ctx, db, registry, settings
):
    ctx = make_ctx()
    parent = await documents.get(ctx, PathRef(WS))
    name = f"takeover-{uuid.uuid4().hex[:8]}"
    async with ctx.unit_of_work():
        folder = await documents.create(ctx, parent, type_name="Folder", name=name)
        for i in range(5):
            await documents.create(ctx, folder, type_name="Note", name=f"t{i}")
    seen: list[str] = []
    crashed: list[str] = []

    async def dies_on_t2(ctx, docs: Sequence[Document], params) -> None:
        for doc in docs:
            if doc.name == "t2" and not crashed:
                crashed.append(doc.name)
                raise asyncio.CancelledError  # the worker is killed mid-batch
            seen.append(doc.name)

    crashing = plugins.build_registry(
        enabled=(), extra=[("c", lambda r: r.add_bulk_action(BulkAction("count", dies_on_t2)))]
    )
    ctx = make_ctx(registry=crashing)
    status = await submitted(
        ctx,
        action="count",
        query=f"SELECT * FROM Note WHERE ecm:path STARTSWITH '{folder.path}'",
        batch_size=1,
    )
    # Other commands (of other tests) may be due too: run ours alone.
    await db.execute("UPDATE bulk_commands SET submitted = now() - interval '1 day' WHERE id = $1",
                     status.id)  # fmt: skip
    with pytest.raises(asyncio.CancelledError):
        await bulk.run_due(db, crashing, settings)
    found = await bulk.status(ctx, str(status.id))
    # Scrolled in id order: what came before t2 is done and recorded.
    assert found.state == bulk.RUNNING and found.processed == len(seen) < 5
    # Its lease runs out; the next worker goes on from t2.
    await db.execute("UPDATE bulk_commands SET lease_until = now() - interval '1 s' WHERE id = $1",
                     status.id)  # fmt: skip
    assert await bulk.run_due(db, crashing, settings)
    found = await bulk.status(ctx, str(status.id))
    assert (found.state, found.total, found.processed) == (bulk.COMPLETED, 5, 5)
    assert sorted(seen) == ["t0", "t1", "t2", "t3", "t4"]  # each once
    remaining = await db.fetchval(
        "SELECT count(*) FROM bulk_command_documents WHERE command_id = $1", status.id
    )
    assert remaining == 0
