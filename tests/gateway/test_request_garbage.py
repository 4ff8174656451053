"""A request leaves no reference cycle behind: its objects are freed by
reference counting as it ends, not kept until a pass of the cyclic garbage
collector (whose passes cost in proportion to what is alive, and stop the
event loop)."""

from __future__ import annotations

import gc
from collections import Counter

API = "/nuxeo/api/v1"
FIELDS = "uid path type title lastModified facets properties changeToken isCheckedOut"


async def _cycles_left(requests) -> Counter[str]:
    """The types of the objects that only the cyclic collector would free,
    after ``requests()`` ran."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        await requests()
        gc.collect()
        return Counter(type(o).__qualname__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


async def test_reads_listings_and_writes_leave_no_cycles(client):
    resp = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={"entity-type": "document", "type": "Note", "name": "no-cycles"},
    )
    assert resp.status == 201
    uid = (await resp.json())["uid"]
    query = f"query($id: ID!) {{ document(id: $id) {{ {FIELDS} parent {{ uid }} }} }}"

    async def reads() -> None:
        for _ in range(5):
            resp = await client.get(f"{API}/id/{uid}")
            assert resp.status == 200
            await resp.read()
            resp = await client.post(
                "/nuxeo/graphql", json={"query": query, "variables": {"id": uid}}
            )
            body = await resp.json()
            assert resp.status == 200 and not body.get("errors"), body
            assert body["data"]["document"]["uid"] == uid
            resp = await client.get(f"{API}/path/default-domain/workspaces/@children")
            assert resp.status == 200
            await resp.read()
            resp = await client.put(
                f"{API}/id/{uid}",
                json={"entity-type": "document", "properties": {"dc:description": "x"}},
            )
            assert resp.status == 200
            await resp.read()

    await reads()  # caches filled
    left = await _cycles_left(reads)
    assert not left, left.most_common(10)
