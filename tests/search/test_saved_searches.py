"""Saved searches: kept in one's personal workspace, listed, changed,
removed, and run again with the runner's permissions."""

from __future__ import annotations

import uuid

from tests.gateway.test_directories import member

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def test_a_saved_search_runs_again(client, db):
    tag = uuid.uuid4().hex[:6]
    for i in range(3):
        resp = await client.post(
            f"{API}/path{WS}",
            json={"entity-type": "document", "type": "Note", "name": f"s{tag}{i}",
                  "properties": {"dc:title": f"{tag} note {i}"}},
        )  # fmt: skip
        assert resp.status == 201
    body = {
        "entity-type": "savedSearch",
        "title": f"Notes {tag}",
        "query": "SELECT * FROM Note WHERE dc:title LIKE ?",
        "queryLanguage": "NXQL",
        "queryParams": f"{tag}%",
        "pageSize": 2,
        "sortBy": "dc:title",
        "sortOrder": "desc",
    }
    resp = await client.post(f"{API}/search/saved", json=body)
    assert resp.status == 201, await resp.text()
    saved = await resp.json()
    assert saved["entity-type"] == "savedSearch" and saved["title"] == f"Notes {tag}"
    assert saved["query"] == body["query"] and saved["pageSize"] == 2
    ran = await (await client.get(f"{API}/search/saved/{saved['id']}/execute")).json()
    assert [e["title"] for e in ran["entries"]] == [f"{tag} note 2", f"{tag} note 1"]
    assert ran["resultsCount"] == 3
    listed = await (await client.get(f"{API}/search/saved")).json()
    assert listed["entity-type"] == "savedSearches"
    assert saved["id"] in [s["id"] for s in listed["entries"]]
    # GraphQL lists and runs the same saved search.
    gql = await client.post(
        "/nuxeo/graphql",
        json={"query": """query($id: String) {
            savedSearches { entries { uid title } }
            search(savedSearch: $id) { totalSize entries { title } } }""",
              "variables": {"id": saved["id"]}},
    )  # fmt: skip
    data = (await gql.json())["data"]
    assert {"uid": saved["id"], "title": f"Notes {tag}"} in data["savedSearches"]["entries"]
    assert data["search"] == {
        "totalSize": 3,
        "entries": [{"title": f"{tag} note 2"}, {"title": f"{tag} note 1"}],
    }
    both = await client.post(
        "/nuxeo/graphql",
        json={"query": '{ search(savedSearch: "x", query: "SELECT * FROM Note") { totalSize } }'},
    )
    assert (await both.json())["errors"][0]["extensions"]["code"] == "bad_request"

    changed = {"entity-type": "savedSearch", "title": f"Renamed {tag}", "pageSize": 1}
    resp = await client.put(f"{API}/search/saved/{saved['id']}", json=changed)
    assert resp.status == 200 and (await resp.json())["title"] == f"Renamed {tag}"
    ran = await (await client.get(f"{API}/search/saved/{saved['id']}/execute")).json()
    assert len(ran["entries"]) == 1

    # Another member neither sees nor runs it.
    other = await member(db, f"saver{tag}")
    listed = await (await client.get(f"{API}/search/saved", headers=other)).json()
    assert saved["id"] not in [s["id"] for s in listed["entries"]]
    resp = await client.get(f"{API}/search/saved/{saved['id']}/execute", headers=other)
    assert resp.status in (403, 404)

    assert (await client.delete(f"{API}/search/saved/{saved['id']}")).status == 204
    assert (await client.get(f"{API}/search/saved/{saved['id']}")).status == 404


async def test_a_saved_page_provider_with_named_parameters(client):
    body = {
        "entity-type": "savedSearch",
        "title": "Articles",
        "pageProviderName": "default_search",
        "params": {"defaults:dc_nature": '["article"]'},
    }
    resp = await client.post(f"{API}/search/saved", json=body)
    assert resp.status == 201, await resp.text()
    saved = await resp.json()
    assert saved["params"] == body["params"]
    resp = await client.get(f"{API}/search/saved/{saved['id']}/execute")
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["entity-type"] == "documents"


async def test_bad_saved_searches_are_refused(client):
    for body in (
        {"entity-type": "savedSearch", "title": "none"},
        {"entity-type": "savedSearch", "title": "both", "query": "SELECT * FROM Note",
         "pageProviderName": "default_search"},
        {"entity-type": "savedSearch", "title": "lang", "query": "x", "queryLanguage": "CMISQL"},
        {"entity-type": "savedSearch", "title": "size", "query": "x", "pageSize": "ten"},
        {"entity-type": "savedSearch", "query": "SELECT * FROM Note"},
        {"entity-type": "document", "title": "wrong entity"},
    ):  # fmt: skip
        resp = await client.post(f"{API}/search/saved", json=body)
        assert resp.status == 400, (body, await resp.text())
    resp = await client.get(f"{API}/search/saved/not-a-uuid/execute")
    assert resp.status in (400, 404)
