"""No request can starve the others: slow bodies, a saturated pool, crossed writes."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import replace

import pytest

from docgraph.gateway import keys

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
AUTH = b"Basic " + base64.b64encode(b"Administrator:Administrator")


@pytest.fixture
def settings(base_settings):
    return replace(base_settings, body_timeout=2.0, pool_timeout=1.0, pool_max_waiting=8)


async def slow_post(client) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A POST whose body never finishes arriving."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        b"POST /nuxeo/api/v1/path/default-domain/workspaces HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: " + AUTH + b"\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"entity-type": '
    )
    await writer.drain()
    return reader, writer


async def test_slow_bodies_hold_no_connection(client):
    assert (await client.get(f"{API}/path/")).status == 200  # credentials cached
    slow = [await slow_post(client) for _ in range(10)]  # more than the pool's 4
    try:
        resp = await asyncio.wait_for(client.get(f"{API}/path{WS}"), timeout=5)
        assert resp.status == 200
    finally:
        for _, writer in slow:
            writer.close()


async def test_a_body_that_never_arrives_times_out(client):
    assert (await client.get(f"{API}/path/")).status == 200
    reader, writer = await slow_post(client)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    writer.close()
    assert head.startswith(b"HTTP/1.1 408")


async def test_a_saturated_pool_answers_503_and_reports_it(client):
    assert (await client.get(f"{API}/path/")).status == 200
    database = client.app[keys.DATABASE]
    # Other requests hold every connection.
    held = [await database.gate.acquire() for _ in range(database.pool.get_max_size())]
    try:
        waiting = [asyncio.create_task(client.get(f"{API}/path{WS}")) for _ in range(6)]
        await asyncio.sleep(0.2)
        status = await client.get("/nuxeo/runningstatus")
        assert status.status == 503 and status.headers["Retry-After"] == "1"
        over = await client.get(f"{API}/path{WS}")  # waiting is bounded
        for resp in [over, *await asyncio.gather(*waiting)]:
            assert resp.status == 503
            assert resp.headers["Retry-After"] == "1"
            assert (await resp.json())["entity-type"] == "exception"
    finally:
        for conn in held:
            await database.gate.release(conn)
    assert (await client.get("/nuxeo/runningstatus")).status == 200
    assert (await client.get(f"{API}/path{WS}")).status == 200


async def test_a_request_past_its_time_is_cancelled_and_rolled_back(
    aiohttp_client, database_url, base_settings, registry, monkeypatch
):
    from docgraph.gateway.app import create_app
    from docgraph.resolvers import documents

    from ..conftest import ADMIN_AUTH

    settings = replace(base_settings, request_timeout=0.5)
    client = await aiohttp_client(
        create_app(settings, database_url, registry=registry), headers={"Authorization": ADMIN_AUTH}
    )
    real_create = documents.create

    async def slow_create(*args, **kwargs):
        doc = await real_create(*args, **kwargs)
        await asyncio.sleep(5)  # stuck after writing
        return doc

    monkeypatch.setattr(documents, "create", slow_create)
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "stuck"}
    )
    assert resp.status == 503 and "longer than 0.5 s" in (await resp.json())["message"]
    monkeypatch.setattr(documents, "create", real_create)
    assert (await client.get(f"{API}/path{WS}/stuck")).status == 404  # rolled back
    assert (await client.get("/nuxeo/runningstatus")).status == 200
