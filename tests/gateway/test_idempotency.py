"""Idempotency-Key: a write sent again is not done again."""

from __future__ import annotations

import asyncio

from docgraph.resolvers import documents

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


def note(name: str) -> dict:
    return {"entity-type": "document", "type": "Note", "name": name}


async def children_named(client, name: str) -> int:
    page = await (await client.get(f"{API}/path{WS}/@children?pageSize=1000")).json()
    return sum(1 for e in page["entries"] if e["title"].startswith(name))


async def test_a_repeated_write_is_answered_from_the_first(client):
    headers = {"Idempotency-Key": "create-once"}
    first = await client.post(f"{API}/path{WS}", json=note("idem"), headers=headers)
    assert first.status == 201
    again = await client.post(f"{API}/path{WS}", json=note("idem"), headers=headers)
    assert again.status == 201
    assert again.headers["Idempotency-Key"] == "create-once"
    assert (await again.json())["uid"] == (await first.json())["uid"]
    assert await children_named(client, "idem") == 1
    other_key = await client.post(
        f"{API}/path{WS}", json=note("idem"), headers={"Idempotency-Key": "another"}
    )
    assert (await other_key.json())["uid"] != (await first.json())["uid"]


async def test_a_concurrent_request_with_the_same_key_gets_409(client, monkeypatch):
    real_create = documents.create
    started = asyncio.Event()

    async def slow_create(*args, **kwargs):
        started.set()
        await asyncio.sleep(0.5)
        return await real_create(*args, **kwargs)

    monkeypatch.setattr(documents, "create", slow_create)
    headers = {"Idempotency-Key": "in-flight"}
    first = asyncio.create_task(
        client.post(f"{API}/path{WS}", json=note("flight"), headers=headers)
    )
    await started.wait()
    second = await client.post(f"{API}/path{WS}", json=note("flight"), headers=headers)
    assert second.status == 409
    assert second.headers["Idempotency-Key"] == "in-flight"
    assert "already being processed" in (await second.json())["message"]
    assert (await first).status == 201
    assert await children_named(client, "flight") == 1


async def test_a_failed_run_frees_its_key(client, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(documents, "create", broken)
    headers = {"Idempotency-Key": "retry-me"}
    failed = await client.post(f"{API}/path{WS}", json=note("retried"), headers=headers)
    assert failed.status == 500
    monkeypatch.undo()
    retried = await client.post(f"{API}/path{WS}", json=note("retried"), headers=headers)
    assert retried.status == 201


async def test_bad_keys_are_400(client):
    for key in ("x" * 300, "tab\there"):
        resp = await client.post(
            f"{API}/path{WS}", json=note("k"), headers={"Idempotency-Key": key}
        )
        assert resp.status == 400
