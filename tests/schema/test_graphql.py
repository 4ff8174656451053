"""The GraphQL door: queries, mutations, errors, batching, the committed SDL."""

from __future__ import annotations

from pathlib import Path

from docgraph.schema import build_schema

API = "/nuxeo/api/v1"
GRAPHQL = "/nuxeo/graphql"


async def gql(client, query, variables=None, status=200):
    resp = await client.post(GRAPHQL, json={"query": query, "variables": variables or {}})
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_document_by_path_and_id(client):
    body = await gql(
        client,
        '{ document(path: "/default-domain") { uid path type title state '
        "parentRef changeToken facets isCheckedOut isVersion isProxy "
        "isTrashed lastModified name repository } }",
    )
    doc = body["data"]["document"]
    rest = await (await client.get(f"{API}/path/default-domain")).json()
    assert doc["uid"] == rest["uid"] and doc["facets"] == rest["facets"]
    for key in (
        "path",
        "type",
        "title",
        "state",
        "parentRef",
        "changeToken",
        "isCheckedOut",
        "isVersion",
        "isProxy",
        "isTrashed",
        "lastModified",
        "repository",
    ):
        assert doc[key] == rest[key], key
    assert doc["name"] == "default-domain"
    by_id = await gql(client, "query($id: ID) { document(id: $id) { path } }", {"id": doc["uid"]})
    assert by_id["data"]["document"]["path"] == "/default-domain"


async def test_missing_document_is_null(client):
    body = await gql(client, '{ a: document(path: "/nope") { uid } b: document(id: "x") { uid } }')
    assert body["data"] == {"a": None, "b": None} and "errors" not in body


async def test_properties_and_property(client):
    body = await gql(
        client,
        '{ document(path: "/default-domain") { '
        'all: properties dc: properties(schemas: ["dublincore"]) '
        'title: property(xpath: "dc:title") '
        'subjects: property(xpath: "dc:subjects") } }',
    )
    doc = body["data"]["document"]
    rest = await (await client.get(f"{API}/path/default-domain")).json()
    assert doc["all"] == rest["properties"]
    assert set(doc["dc"]) == {k for k in rest["properties"] if k.startswith("dc:")}
    assert doc["title"] == "Domain" and doc["subjects"] == []


async def test_nested_children_and_parent(client):
    body = await gql(
        client,
        """{ document(path: "/") { children { totalSize entries {
        title parent { path } children(pageSize: 2) { totalSize pageSize numberOfPages
        isNextPageAvailable currentPageIndex entries { title } } } } } }""",
    )
    domain = body["data"]["document"]["children"]["entries"][0]
    assert domain["parent"]["path"] == "/"
    page = domain["children"]
    assert page["totalSize"] == 3 and page["pageSize"] == 2 and page["numberOfPages"] == 2
    assert page["isNextPageAvailable"] is True
    assert [e["title"] for e in page["entries"]] == ["Sections", "Templates"]


async def test_mutations(client):
    created = await gql(
        client,
        """mutation($p: JSON) { createDocument(
        parentPath: "/default-domain/workspaces", type: "Workspace", name: "gql ws",
        properties: $p) { uid path title changeToken } }""",
        {"p": {"dc:title": "From GraphQL"}},
    )
    doc = created["data"]["createDocument"]
    assert doc["path"] == "/default-domain/workspaces/gql ws" and doc["title"] == "From GraphQL"
    rest = await (await client.get(f"{API}/id/{doc['uid']}")).json()
    assert rest["title"] == "From GraphQL"
    updated = await gql(
        client,
        """mutation($id: ID!, $token: String, $p: JSON!) {
        updateDocument(id: $id, changeToken: $token, properties: $p) {
        changeToken description: property(xpath: "dc:description") title } }""",
        {"id": doc["uid"], "token": doc["changeToken"], "p": {"dc:description": "changed"}},
    )
    assert updated["data"]["updateDocument"] == {
        "changeToken": "1-1",
        "description": "changed",
        "title": "From GraphQL",
    }
    stale = await gql(
        client,
        """mutation($id: ID!) { updateDocument(id: $id, changeToken: "0-0",
        properties: {title: "x"}) { uid } }""",
        {"id": doc["uid"]},
    )
    assert stale["errors"][0]["extensions"]["code"] == "concurrent_update"
    deleted = await gql(
        client, "mutation($id: ID!) { deleteDocument(id: $id) }", {"id": doc["uid"]}
    )
    assert deleted["data"]["deleteDocument"] is True
    assert (await client.get(f"{API}/id/{doc['uid']}")).status == 404


async def test_errors_carry_codes_and_change_nothing(client):
    body = await gql(
        client,
        """mutation { createDocument(parentPath: "/default-domain/workspaces",
        type: "Nope", name: "x") { uid } }""",
    )
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "unknown_type"
    assert error["message"] == "Type: Nope does not exist"
    body = await gql(
        client,
        """mutation($p: JSON) { createDocument(
        parentPath: "/default-domain/workspaces", type: "File", name: "bad", properties: $p) {
        uid } }""",
        {"p": {"dc:issued": "never"}},
    )
    assert body["errors"][0]["extensions"]["code"] == "invalid_property"
    body = await gql(
        client,
        """mutation { createDocument(parentPath: "/nowhere",
        type: "File", name: "x") { uid } }""",
    )
    assert body["errors"][0]["extensions"]["code"] == "document_not_found"
    body = await gql(client, '{ document(id: "1", path: "/") { uid } }')
    assert body["errors"][0]["extensions"]["code"] == "bad_request"
    body = await gql(client, '{ document(path: "/", repository: "other") { uid } }')
    assert body["errors"][0]["extensions"]["code"] == "not_found"
    kids = await (await client.get(f"{API}/path/default-domain/workspaces/@children")).json()
    assert "bad" not in [e["title"] for e in kids["entries"]]


async def test_syntax_and_validation_errors(client):
    body = await gql(client, "{ document(path: ")
    assert body["errors"][0]["extensions"]["code"] == "invalid_query"
    body = await gql(client, "{ document { nosuchfield } }")
    assert "nosuchfield" in body["errors"][0]["message"]


async def test_depth_limit(client):
    query = '{ document(path: "/") { ' + "children { entries { " * 8 + "uid" + " } }" * 8 + " } }"
    body = await gql(client, query)
    assert "18 levels deep; at most 15" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "query_too_deep"


async def test_unexpected_errors_are_masked(client, monkeypatch):
    from docgraph.resolvers import documents, rendered

    async def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    # Both ways a listing is read: rows resolved in Python, JSON written by SQL.
    monkeypatch.setattr(documents, "children", boom)
    monkeypatch.setattr(rendered, "children", boom)
    body = await gql(client, '{ document(path: "/") { children { totalSize } } }')
    error = body["errors"][0]
    assert error["message"] == "Unexpected error." and error["extensions"]["code"] == "internal"
    assert "secret" not in str(body)


async def test_get_query_and_graphiql(client, anonymous):
    resp = await client.get(GRAPHQL, params={"query": '{ document(path: "/") { type } }'})
    assert (await resp.json())["data"]["document"]["type"] == "Root"
    page = await client.get(GRAPHQL, headers={"Accept": "text/html"})
    assert page.status == 200 and "graphiql" in (await page.text()).lower()
    denied = await anonymous.post(GRAPHQL, json={"query": '{ document(path: "/") { uid } }'})
    assert denied.status == 401


async def test_nested_query_costs_one_statement_per_level(client, app_database):
    """document -> children -> their children -> theirs: one SQL round trip per level."""
    for i in range(3):
        await client.post(
            f"{API}/path/default-domain/workspaces",
            json={"entity-type": "document", "type": "Folder", "name": f"level{i}"},
        )
        for j in range(3):
            await client.post(
                f"{API}/path/default-domain/workspaces/level{i}",
                json={"entity-type": "document", "type": "Note", "name": f"n{j}"},
            )
    # Page sizes small enough for the cost budget (50^4 by default would be refused).
    query = """{ document(path: "/default-domain") { title properties children(pageSize: 10) {
        entries { title properties children(pageSize: 10) { entries { title properties
        children(pageSize: 10) { entries { title properties children(pageSize: 10) {
        entries { title } } } } } } } } } }"""
    stats = app_database.stats
    before = stats.statements
    body = await gql(client, query)
    assert "errors" not in body
    level1 = body["data"]["document"]["children"]["entries"]
    level2 = [d for e in level1 for d in e["children"]["entries"]]
    level3 = [d for e in level2 for d in e["children"]["entries"]]
    assert len(level1) == 3 and len(level2) >= 3 and len(level3) >= 9
    # auth is cached by then; 1 statement for the root + 1 per level of children (4)
    assert stats.statements - before <= 5


def test_committed_sdl_is_up_to_date():
    committed = Path(__file__).parents[2] / "docgraph" / "schema" / "schema.graphql"
    assert committed.read_text() == build_schema().as_str() + "\n", (
        "schema.graphql is stale: run `python -m docgraph.schema`"
    )


async def test_a_mutation_request_is_one_unit_of_work(client):
    body = await gql(
        client,
        """mutation($p: JSON) {
            a: createDocument(parentPath: "/default-domain/workspaces", type: "Folder",
                              name: "kept-if-atomicity-broke", properties: $p) { uid }
            b: createDocument(parentPath: "/default-domain/workspaces", type: "Nope",
                              name: "never") { uid } }""",
        {"p": {"dc:title": "A"}},
    )
    assert body["errors"][0]["extensions"]["code"] == "unknown_type"
    resp = await client.get(f"{API}/path/default-domain/workspaces/kept-if-atomicity-broke")
    assert resp.status == 404
    ok = await gql(
        client,
        """mutation { a: createDocument(parentPath: "/default-domain/workspaces",
            type: "Folder", name: "atomic-a") { uid }
            b: createDocument(parentPath: "/default-domain/workspaces/atomic-a",
            type: "Note", name: "b") { path } }""",
    )
    assert ok["data"]["b"]["path"] == "/default-domain/workspaces/atomic-a/b"
