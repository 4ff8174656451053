"""default_search: a search form's fields and aggregates computed in
PostgreSQL, filtered by permission, with bucket selection."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


@pytest.fixture
async def library(client):
    tag = uuid.uuid4().hex[:6]
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": f"lib-{tag}"}
    )
    folder = await resp.json()
    specs = [
        ("a1", "article", ["art", "music"], "europe/France"),
        ("a2", "article", ["art"], "europe/France"),
        ("r1", "report", ["music"], "asia/Japan"),
        ("i1", "invoice", [], None),
    ]
    for name, nature, subjects, coverage in specs:
        properties = {"dc:title": name, "dc:nature": nature, "dc:subjects": subjects}
        if coverage:
            properties["dc:coverage"] = coverage
        resp = await client.post(
            f"{API}/path{folder['path']}",
            json={
                "entity-type": "document",
                "type": "Note",
                "name": name,
                "properties": properties,
            },
        )
        assert resp.status == 201, await resp.text()
    return folder


async def search(client, folder: dict, headers=None, **named) -> dict:
    params = {"defaults:ecm_path": folder["path"], **named}
    resp = await client.get(f"{API}/query/default_search", params=params, headers=headers)
    assert resp.status == 200, await resp.text()
    return await resp.json()


def buckets(found: dict, agg: str) -> dict:
    return {b["key"]: b["docCount"] for b in found["aggregations"][agg]["buckets"]}


async def test_default_search_counts_buckets(client, library):
    found = await search(client, library)
    assert found["resultsCount"] == 4
    assert [e["title"] for e in found["entries"]] == ["a1", "a2", "i1", "r1"]
    assert buckets(found, "dc_nature_agg") == {"article": 2, "report": 1, "invoice": 1}
    assert buckets(found, "dc_subjects_agg") == {"art": 2, "music": 2}
    assert buckets(found, "dc_coverage_agg") == {"europe/France": 2, "asia/Japan": 1}
    assert buckets(found, "dc_creator_agg") == {"Administrator": 4}
    modified = buckets(found, "dc_modified_agg")
    assert modified["last24h"] == 4 and modified["priorToLastYear"] == 0
    agg = found["aggregations"]["dc_nature_agg"]
    assert agg["entity-type"] == "aggregate" and agg["type"] == "terms"
    assert agg["field"] == "dc:nature" and agg["selection"] == []


async def test_selecting_buckets_narrows_the_rest(client, library):
    found = await search(client, library, **{"defaults:dc_nature_agg": '["article"]'})
    assert [e["title"] for e in found["entries"]] == ["a1", "a2"]
    # An aggregate counts without its own selection: its other buckets stay.
    assert buckets(found, "dc_nature_agg") == {"article": 2, "report": 1, "invoice": 1}
    assert buckets(found, "dc_subjects_agg") == {"art": 2, "music": 1}
    assert found["aggregations"]["dc_nature_agg"]["selection"] == ["article"]
    found = await search(client, library, **{"defaults:dc_subjects": '["music"]'})
    assert [e["title"] for e in found["entries"]] == ["a1", "r1"]
    found = await search(client, library, **{"defaults:dc_modified_agg": '["priorToLastYear"]'})
    assert found["entries"] == []
    found = await search(client, library, **{"defaults:ecm_fulltext": "a2"})
    assert [e["title"] for e in found["entries"]] == ["a2"]


async def test_aggregates_count_only_what_the_user_may_read(client, db, library):
    if await db_security.user_by_name(db, "aggreader") is None:
        await db_security.insert_user(db, "aggreader", hash_password("aggreader-pw"))
        await db_security.add_membership(db, "aggreader", "members")
    a1 = await (await client.get(f"{API}/path{library['path']}/a1")).json()
    resp = await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": a1["uid"]}
    )
    assert resp.status == 200
    found = await search(client, library, headers=basic("aggreader", "aggreader-pw"))
    assert found["resultsCount"] == 3
    assert buckets(found, "dc_nature_agg") == {"article": 1, "report": 1, "invoice": 1}
    assert buckets(found, "dc_subjects_agg") == {"art": 1, "music": 1}


async def test_bad_search_fields_are_400(client, library):
    for named in ({"defaults:dc_nature": "[unclosed"}, {"defaults:dc_nature": '[{"a": 1}]'}):
        resp = await client.get(f"{API}/query/default_search", params=named)
        assert resp.status == 400, named


async def test_graphql_aggregations(client, library):
    query = """query($n: JSON) { search(pageProvider: "default_search", namedParameters: $n)
                 { totalSize entries { title } aggregations } }"""
    named = {"defaults:ecm_path": library["path"], "defaults:dc_nature_agg": ["report"]}
    resp = await client.post("/nuxeo/graphql", json={"query": query, "variables": {"n": named}})
    body = await resp.json()
    found = body["data"]["search"]
    assert found["totalSize"] == 1 and found["entries"] == [{"title": "r1"}]
    assert buckets(found, "dc_subjects_agg") == {"music": 1}


async def test_all_aggregates_cost_one_statement(client, library, app_database):
    await search(client, library)  # plans and credentials warm
    before = app_database.stats.statements
    await search(client, library)
    plain = app_database.stats.statements - before
    before = app_database.stats.statements
    await search(client, library, **{"defaults:dc_nature_agg": '["article"]'})
    selected = app_database.stats.statements - before
    # The page, its count, and one statement for the six aggregates, the page
    # and the aggregates each after looking up the id of the searched path; a
    # selected aggregate counts without its own selection: one more, with
    # its lookup.
    assert plain <= 5, plain
    assert selected == plain + 2, (plain, selected)
