"""This session's surfaces, attacked: result sets that would multiply rows or
columns without end, bulk commands with hostile parameters, fired events and
imports with absurd inputs. Each answers a clear 4xx, quickly, and leaves
nothing behind."""

from __future__ import annotations

import time
import uuid

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def automation(client, op_id: str, input_=None, **params):
    body = {"params": params} if input_ is None else {"input": input_, "params": params}
    return await client.post(f"{API}/automation/{op_id}", json=body)


async def test_result_sets_that_would_explode(client):
    started = time.monotonic()
    for query in (
        # A cross product of list elements: refused before it runs.
        "SELECT dc:subjects/*1, dc:contributors/*2, dc:subjects/*3 FROM Document",
        # More text than a query may have.
        "SELECT " + ", ".join(f"dc:title AS c{i}" for i in range(3_000)) + " FROM Document",
        "SELECT COUNT(" * 500 + "ecm:uuid" + ")" * 500 + " FROM Document",
        "SELECT dc:title FROM Document WHERE dc:title IN (" + ",".join(["'x'"] * 5_000) + ")",
        "SELECT dc:title, \x00 FROM Document",
    ):
        resp = await automation(client, "Repository.ResultSetQuery", query=query)
        assert resp.status == 400, (query[:60], await resp.text())
    assert time.monotonic() - started < 5
    # Two selected lists are allowed, and paged.
    resp = await automation(
        client,
        "Repository.ResultSetQuery",
        query="SELECT dc:subjects/*1, dc:contributors/*2 FROM Document",
        pageSize=5,
    )
    assert resp.status == 200, await resp.text()


async def test_bulk_commands_with_hostile_parameters(client, db):
    before = await db.fetchval("SELECT count(*) FROM bulk_commands")
    deep = "[" * 5_000 + "]" * 5_000
    for params in (
        {"action": "setProperties", "query": "SELECT * FROM Note", "parameters": deep},
        {"action": "setProperties", "query": "SELECT * FROM Note",
         "parameters": {f"dc:x{i}": 1 for i in range(5_000)}},
        {"action": "x" * 100_000, "query": "SELECT * FROM Note"},
        {"action": "automation", "query": "SELECT * FROM Note",
         "parameters": {"operationId": "Document.Delete" * 1_000}},
        {"action": "trash", "query": "SELECT * FROM Note WHERE " + "(" * 5_000},
        {"action": "trash", "query": "SELECT * FROM Note", "batchSize": 2**70},
    ):  # fmt: skip
        resp = await automation(client, "Bulk.RunAction", **params)
        assert resp.status in (400, 404), (str(params)[:80], await resp.text())
    assert await db.fetchval("SELECT count(*) FROM bulk_commands") == before
    for command in ("../../etc", "1" * 10_000, str(uuid.uuid4()) + "/abort/more"):
        resp = await client.get(f"{API}/bulk/{command}")
        assert resp.status in (400, 404), command[:40]
    resp = await automation(client, "Bulk.WaitForAction", commandId="x", timeoutSecond=-5)
    assert resp.status == 404
    resp = await automation(
        client, "Bulk.WaitForAction", commandId=str(uuid.uuid4()), timeoutSecond=10**9
    )
    assert resp.status == 404


async def test_fired_events_and_imports_with_absurd_inputs(client):
    folder = await (await client.get(f"{API}/path{WS}")).json()
    resp = await automation(client, "Event.Fire", folder["uid"], name="e" * 100_000)
    assert resp.status == 400
    resp = await automation(client, "Event.Fire", f"docs:{folder['uid']}" + ",x" * 2_000,
                            name="many")  # fmt: skip
    assert resp.status in (400, 404)
    resp = await client.post(f"{API}/upload", headers={"Content-Type": "application/json"})
    batch = (await resp.json())["batchId"]
    await client.post(
        f"{API}/upload/{batch}/0",
        data=b"x",
        headers={"X-File-Name": "x.bin", "X-File-Type": "application/octet-stream"},
    )
    lines = "\n".join(f"dc:nothing{i}=1" for i in range(10_000))
    resp = await client.post(
        f"{API}/upload/{batch}/0/execute/FileManager.ImportWithProperties",
        json={"params": {"properties": lines}, "context": {"currentDocument": WS}},
    )
    assert resp.status == 400, await resp.text()
