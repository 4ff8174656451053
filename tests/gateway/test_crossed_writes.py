"""Writes that cross (A then B against B then A) queue or retry, never fail with a 500."""

from __future__ import annotations

import asyncio

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def create(client, name):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": name}
    )
    assert resp.status == 201
    return (await resp.json())["uid"]


async def test_crossed_multi_document_writes_never_fail(client):
    a, b = await create(client, "crossed-a"), await create(client, "crossed-b")

    async def update(first, second, i):
        resp = await client.post(
            f"{API}/automation/Document.Update",
            json={"input": f"docs:{first},{second}", "params": {"properties": {"dc:title": i}}},
        )
        return resp.status

    statuses = await asyncio.gather(
        *[update(*((a, b) if i % 2 else (b, a)), str(i)) for i in range(30)]
    )
    assert set(statuses) == {200}


async def test_crossed_graphql_mutations_never_answer_internal(client):
    a, b = await create(client, "gql-a"), await create(client, "gql-b")
    mutation = """mutation($x: ID!, $y: ID!, $t: JSON!) {
        x: updateDocument(id: $x, properties: $t) { uid }
        y: updateDocument(id: $y, properties: $t) { uid } }"""

    async def update(first, second, i):
        variables = {"x": first, "y": second, "t": {"dc:title": str(i)}}
        resp = await client.post("/nuxeo/graphql", json={"query": mutation, "variables": variables})
        # Deadlocks take PostgreSQL a second each to break: a request that
        # waits too long for a connection meanwhile is shed, 503 and Retry-After.
        assert resp.status in (200, 503), await resp.text()
        assert resp.status == 200 or "Retry-After" in resp.headers
        return await resp.json()

    bodies = await asyncio.gather(*[update(*((a, b) if i % 2 else (b, a)), i) for i in range(20)])
    codes = {e["extensions"]["code"] for body in bodies for e in body.get("errors", [])}
    assert codes <= {"transient_conflict", "unavailable"}
