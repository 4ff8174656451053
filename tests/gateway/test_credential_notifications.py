"""Two server processes share one database: a password changed through one
stops working on the other at once, not when its credential cache expires."""

from __future__ import annotations

import asyncio

from ..conftest import basic

API = "/nuxeo/api/v1"


async def test_a_password_change_reaches_every_process(
    aiohttp_client, database_url, settings, registry
):
    from docgraph.gateway.app import create_app

    first, second = [
        await aiohttp_client(create_app(settings, database_url, registry=registry))
        for _ in range(2)
    ]
    admin = basic("Administrator", "Administrator")
    resp = await first.post(
        f"{API}/user",
        headers=admin,
        json={"entity-type": "user", "id": "roamer",
              "properties": {"username": "roamer", "password": "old-pass"}},
    )  # fmt: skip
    assert resp.status == 201
    # The second process verifies, then caches, the old password.
    assert (await second.get(f"{API}/me", headers=basic("roamer", "old-pass"))).status == 200
    resp = await first.put(
        f"{API}/user/roamer",
        headers=admin,
        json={"entity-type": "user", "id": "roamer", "properties": {"password": "new-pass"}},
    )
    assert resp.status == 200
    for _ in range(50):  # the notification arrives within milliseconds
        status = (await second.get(f"{API}/me", headers=basic("roamer", "old-pass"))).status
        if status == 401:
            break
        await asyncio.sleep(0.05)
    assert status == 401
    assert (await second.get(f"{API}/me", headers=basic("roamer", "new-pass"))).status == 200
