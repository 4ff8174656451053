"""Two ``docgraph serve`` processes on one database: a subscriber on each sees
what was written through the other (through PostgreSQL, the only thing they
share)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys

import aiohttp
import pytest

from ..conftest import ADMIN_AUTH, fresh_database
from .test_cli import free_port
from .test_subscriptions import CHANGED, PROTOCOL, receive

pytestmark = pytest.mark.slow
WS = "/default-domain/workspaces"


@contextlib.asynccontextmanager
async def servers(dsn: str, count: int):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    ports = [free_port() for _ in range(count)]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "docgraph",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            dsn,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}/nuxeo" for port in ports]
    try:
        async with aiohttp.ClientSession(headers={"Authorization": ADMIN_AUTH}) as session:
            for proc, base in zip(procs, bases, strict=True):
                for _ in range(300):
                    assert proc.returncode is None, "docgraph serve exited"
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"{base}/runningstatus") as resp:
                            if resp.status == 200:
                                break
                    await asyncio.sleep(0.2)
            yield session, bases
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            await asyncio.wait_for(proc.wait(), 30)


async def subscribe(session, base, op_id, variables):
    ws = await session.ws_connect(f"{base}/graphql", protocols=[PROTOCOL])
    await ws.send_json({"type": "connection_init"})
    assert (await receive(ws, 10))["type"] == "connection_ack"
    payload = {"query": CHANGED, "variables": variables}
    await ws.send_json({"type": "subscribe", "id": op_id, "payload": payload})
    return ws


async def create(session, base, name, title):
    body = {"entity-type": "document", "type": "Note", "name": name,
            "properties": {"dc:title": title}}  # fmt: skip
    async with session.post(f"{base}/api/v1/path{WS}", json=body) as resp:
        assert resp.status == 201, await resp.text()


@pytest.fixture
def database(server_dsn, template_dsn):
    return fresh_database(server_dsn, "two_processes")


async def test_a_subscriber_on_each_process_sees_the_others_writes(database):
    async with servers(database, 2) as (session, (first, second)):
        on_first = await subscribe(session, first, "a", {"types": ["Note"]})
        on_second = await subscribe(session, second, "b", {"types": ["Note"]})
        await asyncio.sleep(0.5)  # both listening
        await create(session, second, "from-second", "Written through the second")
        await create(session, first, "from-first", "Written through the first")
        for ws in (on_first, on_second):
            titles = [
                (await receive(ws, 10))["payload"]["data"]["documentChanged"]["document"]["title"]
                for _ in range(2)
            ]
            assert titles == ["Written through the second", "Written through the first"]
            await ws.close()
