"""This session's new surfaces, attacked: over-long and deeply nested audit
queries, too many saved-search parameters, too many ids at once, over-long
predicates, absurd suggestion sizes. Each answers a clear 4xx, quickly."""

from __future__ import annotations

import uuid

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def automation(client, op_id: str, input_=None, **params):
    body = {"params": params} if input_ is None else {"input": input_, "params": params}
    return await client.post(f"{API}/automation/{op_id}", json=body)


async def test_audit_queries_over_long_or_nested_deeply(client):
    for query in (
        "from LogEntry log where log.eventId = '" + "x" * 20_000 + "'",
        "from LogEntry log where " + "not " * 2_400 + "log.id = 1",
        "from LogEntry log where log.id in (" + ",".join(["1"] * 3_000) + ")",
        "from LogEntry log where log.eventId = 'unterminated",
        "\x00" * 100,
    ):
        resp = await automation(client, "Audit.Query", query=query)
        assert resp.status == 400, (query[:60], await resp.text())
        assert (await resp.json())["entity-type"] == "exception"
    # Deep parentheses are a valid query: answered, not a crash.
    nested = "from LogEntry log where " + "(" * 3_000 + "log.id = 1" + ")" * 3_000
    resp = await automation(client, "Audit.Query", query=nested)
    assert resp.status == 200, await resp.text()


async def test_saved_searches_with_hostile_bodies(client):
    too_many = {f"p{i}": "x" for i in range(101)}
    for body in (
        {"entity-type": "savedSearch", "title": "t", "pageProviderName": "default_search",
         "params": too_many},
        {"entity-type": "savedSearch", "title": "t", "query": "SELECT * FROM Note",
         "pageSize": -1},
        {"entity-type": "savedSearch", "title": ["not", "text"], "query": "SELECT * FROM Note"},
    ):  # fmt: skip
        resp = await client.post(f"{API}/search/saved", json=body)
        assert resp.status == 400, await resp.text()
    # A saved query that no longer parses is a 400 when run, not a 500.
    body = {"entity-type": "savedSearch", "title": "broken", "query": "SELECT FROM WHERE"}
    saved = await (await client.post(f"{API}/search/saved", json=body)).json()
    resp = await client.get(f"{API}/search/saved/{saved['id']}/execute")
    assert resp.status == 400


async def test_too_many_ids_and_over_long_names(client):
    ids = [str(uuid.uuid4()) for _ in range(1_001)]
    query = "mutation($d: [ID!]!) { addToFavorites(documentIds: $d) { uid } }"
    resp = await client.post("/nuxeo/graphql", json={"query": query, "variables": {"d": ids}})
    assert (await resp.json())["errors"][0]["extensions"]["code"] == "bad_request"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "h"}
    )
    uid = (await resp.json())["uid"]
    resp = await automation(client, "Document.AddRelation", uid, object=uid, predicate="p" * 600)
    assert resp.status == 400
    resp = await automation(client, "Document.Subscribe", uid, notifications=["x"] * 5_000)
    assert resp.status == 400
    resp = await automation(client, "Collection.Create", name="n" * 10_000)
    assert resp.status == 201 or resp.status == 200
    assert len((await resp.json())["path"].rsplit("/", 1)[1]) <= 24


async def test_suggestions_with_absurd_sizes(client):
    for params in (
        {"searchTerm": "a" * 50_000},
        {"searchTerm": "admin", "userSuggestionMaxSearchResults": -5},
        {"searchTerm": "admin", "userSuggestionMaxSearchResults": 10**9},
        {"searchTerm": "%_\\'"},
    ):
        resp = await automation(client, "UserGroup.Suggestion", **params)
        assert resp.status == 200, await resp.text()
        assert len(await resp.json()) <= 100
    resp = await automation(
        client, "Directory.SuggestEntries", directoryName="nature", searchTerm="x" * 50_000
    )
    assert resp.status == 200 and await resp.json() == []


async def test_graphql_saved_search_ids_that_are_no_saved_search(client):
    note = await (
        await client.post(
            f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "plain"}
        )
    ).json()
    body = {"entity-type": "savedSearch", "title": "broken", "query": "SELECT FROM WHERE"}
    broken = await (await client.post(f"{API}/search/saved", json=body)).json()
    for bad in ("", "not-a-uuid", "x" * 10_000, str(uuid.uuid4()), note["uid"], broken["id"]):
        resp = await client.post(
            "/nuxeo/graphql",
            json={"query": "query($id: String) { search(savedSearch: $id) { totalSize } }",
                  "variables": {"id": bad}},
        )  # fmt: skip
        assert resp.status == 200, await resp.text()
        errors = (await resp.json())["errors"]
        assert errors[0]["extensions"]["code"] not in ("internal", None), (bad[:20], errors)
