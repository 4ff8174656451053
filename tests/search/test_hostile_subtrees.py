"""Subtree searches, attacked: many distinct STARTSWITH paths in one query,
and hostile path text. Each answers quickly and correctly, or a clear 400."""

from __future__ import annotations

import time

API = "/nuxeo/api/v1"


async def query(client, nxql: str):
    body = {"params": {"query": nxql, "pageSize": 5}}
    return await client.post(f"{API}/automation/Repository.Query", json=body)


async def test_many_subtrees_in_one_query_are_looked_up_at_once(client, app_database):
    paths = [f"/default-domain/workspaces/nowhere-{i}" for i in range(300)]
    nxql = "SELECT * FROM Document WHERE " + " OR ".join(
        f"ecm:path STARTSWITH '{p}'" for p in [*paths, "/default-domain"]
    )
    before = app_database.stats.statements
    started = time.monotonic()
    resp = await query(client, nxql)
    assert resp.status == 200, await resp.text()
    assert time.monotonic() - started < 5
    assert (await resp.json())["entries"], "the one existing subtree is found"
    # One lookup for the 301 paths, then the page and its count: a handful of
    # statements in all, not one per path.
    assert app_database.stats.statements - before <= 8


async def test_hostile_path_text_is_a_clear_answer(client):
    for path in ("/x\x00y", "/" + "é" * 5_000, "/../../etc", "'; DROP TABLE documents; --", "//"):
        resp = await query(client, f"SELECT * FROM Document WHERE ecm:path STARTSWITH {path!r}")
        assert resp.status in (200, 400), (path[:20], await resp.text())
        if resp.status == 200:
            body = await resp.json()
            assert body["entries"] == [] or path == "//", path[:20]
    resp = await query(client, "SELECT * FROM Document WHERE ecm:path STARTSWITH '/'")
    assert resp.status == 200 and (await resp.json())["entries"]
