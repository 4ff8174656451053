"""A flood of wrong passwords from one address does not delay another's login."""

from __future__ import annotations

import asyncio

import aiohttp

from docgraph.resolvers import users

from ..conftest import basic

API = "/nuxeo/api/v1"


async def test_a_flood_cannot_starve_a_real_login(client, monkeypatch):
    order: list[str] = []
    real = users.verify_password

    def recording(stored, password):
        order.append(password)
        return real(stored, password)

    monkeypatch.setattr(users, "verify_password", recording)
    url = str(client.make_url(f"{API}/path/"))
    # The flood comes from another loopback address than the real user.
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0), limit=0)
    async with aiohttp.ClientSession(connector=connector) as flooder:

        async def guess(i: int) -> int:
            async with flooder.get(url, headers=basic("Administrator", f"guess{i}")) as resp:
                return resp.status

        flood = [asyncio.create_task(guess(i)) for i in range(64)]
        await asyncio.sleep(0.2)  # the flood is queued by now
        resp = await client.get(f"{API}/path/", headers=basic("Administrator", "Administrator"))
        assert resp.status == 200
        statuses = await asyncio.gather(*flood)
    # The real password was checked among the first few hashes, not after the flood's.
    assert order.index("Administrator") < 8, order[:10]
    assert set(statuses) <= {401, 429} and 429 in statuses
