"""Result sets (Repository.ResultSetQuery, Repository.ResultSetPageProvider):
NXQL column lists and aggregates, rows filtered by permission in the SQL,
paged like documents, bad selections answered 400."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


@pytest.fixture
async def tree(client):
    """/rs-<tag>/{one (File, 2 subjects), two (Note, 1 subject), box (Folder)/{three (File)}}"""
    root = f"{WS}/rs-{uuid.uuid4().hex[:8]}"
    name = root.rsplit("/", 1)[1]
    await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Workspace", "name": name}
    )
    docs = [
        (root, "File", "one", {"dc:title": "One", "dc:subjects": ["art/architecture", "society"]}),
        (root, "Note", "two", {"dc:title": "Two", "dc:subjects": ["sciences/biology"]}),
        (root, "Folder", "box", {"dc:title": "Box"}),
        (f"{root}/box", "File", "three", {"dc:title": "Three"}),
    ]
    for parent, type_, doc_name, props in docs:
        resp = await client.post(
            f"{API}/path{parent}",
            json={"entity-type": "document", "type": type_, "name": doc_name, "properties": props},
        )
        assert resp.status == 201, await resp.text()
    return root


async def result_set(client, query, headers=None, op="Repository.ResultSetQuery", **params):
    resp = await client.post(
        f"{API}/automation/{op}",
        json={"params": {"query": query, **params}},
        headers=headers,
    )
    body = await resp.json()
    assert resp.status == 200, body
    assert body["entity-type"] == "recordSet"
    return body


async def test_columns_come_back_as_rows_in_the_query_order(client, tree):
    body = await result_set(
        client,
        f"SELECT dc:title, ecm:uuid, ecm:primaryType, ecm:isProxy, dc:subjects, dc:created"
        f" FROM Document WHERE ecm:path STARTSWITH '{tree}' ORDER BY dc:title",
    )
    rows = body["entries"]
    assert [r["dc:title"] for r in rows] == ["Box", "One", "Three", "Two"]
    one = rows[1]
    assert list(one) == [
        "dc:title", "ecm:uuid", "ecm:primaryType", "ecm:isProxy", "dc:subjects", "dc:created"
    ]  # fmt: skip
    doc = await (await client.get(f"{API}/path{tree}/one")).json()
    assert one["ecm:uuid"] == doc["uid"]
    assert one["ecm:primaryType"] == "File"
    assert one["ecm:isProxy"] is False
    assert one["dc:subjects"] == ["art/architecture", "society"]
    assert one["dc:created"] == doc["properties"]["dc:created"]
    assert body["resultsCount"] == 4


async def test_a_list_element_gives_a_row_per_element(client, tree):
    body = await result_set(
        client,
        f"SELECT dc:title, dc:subjects/* AS subject FROM Document"
        f" WHERE ecm:path STARTSWITH '{tree}' ORDER BY dc:title",
    )
    assert [(r["dc:title"], r["subject"]) for r in body["entries"]] == [
        ("One", "art/architecture"),
        ("One", "society"),
        ("Two", "sciences/biology"),
    ]
    assert body["resultsCount"] == 3


async def test_aggregates_are_one_row(client, tree):
    body = await result_set(
        client,
        f"SELECT COUNT(ecm:uuid) AS n, MIN(dc:title), MAX(ecm:path), COUNT(dc:subjects/*)"
        f" FROM File WHERE ecm:path STARTSWITH '{tree}'",
    )
    assert body["entries"] == [
        {
            "n": 2,
            "MIN(dc:title)": "One",
            "MAX(ecm:path)": f"{tree}/one",
            "COUNT(dc:subjects/*)": 2,
        }
    ]


async def test_rows_are_paged_and_sorted_by_the_request(client, tree):
    nxql = f"SELECT ecm:name FROM Document WHERE ecm:path STARTSWITH '{tree}'"
    pages = [
        await result_set(
            client, nxql, pageSize=3, currentPageIndex=i, sortBy="ecm:name", sortOrder="desc"
        )
        for i in (0, 1)
    ]
    assert [r["ecm:name"] for p in pages for r in p["entries"]] == ["two", "three", "one", "box"]
    assert [p["isNextPageAvailable"] for p in pages] == [True, False]
    assert pages[0]["resultsCount"] == 4


async def test_select_star_gives_the_ids(client, tree):
    body = await result_set(client, f"SELECT * FROM Note WHERE ecm:path STARTSWITH '{tree}'")
    doc = await (await client.get(f"{API}/path{tree}/two")).json()
    assert body["entries"] == [{"ecm:uuid": doc["uid"]}]


async def test_rows_are_filtered_by_permission(client, db, tree):
    if await db_security.user_by_name(db, "recorder") is None:
        await db_security.insert_user(db, "recorder", hash_password("recorder-pw"))
        await db_security.add_membership(db, "recorder", "members")
    box = await (await client.get(f"{API}/path{tree}/box")).json()
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": box["uid"]}
    )
    nxql = f"SELECT ecm:name FROM Document WHERE ecm:path STARTSWITH '{tree}'"
    member = basic("recorder", "recorder-pw")
    body = await result_set(client, nxql, member)
    assert sorted(r["ecm:name"] for r in body["entries"]) == ["one", "two"]
    count = await result_set(
        client, f"SELECT COUNT(ecm:uuid) FROM Document WHERE ecm:path STARTSWITH '{tree}'", member
    )
    assert count["entries"] == [{"COUNT(ecm:uuid)": 2}]


async def test_a_page_provider_read_as_rows(client, tree):
    folder = await (await client.get(f"{API}/path{tree}")).json()
    body = await result_set(
        client,
        None,
        op="Repository.ResultSetPageProvider",
        providerName="CURRENT_DOC_CHILDREN",
        queryParams=folder["uid"],
    )
    # The provider's own order (dc:title); SELECT * gives ecm:uuid.
    uids = [r["ecm:uuid"] for r in body["entries"]]
    children = await (await client.get(f"{API}/path{tree}/@children")).json()
    assert uids == [c["uid"] for c in children["entries"]]
    by_query = await result_set(
        client,
        f"SELECT ecm:name FROM Document WHERE ecm:parentId = '{folder['uid']}'",
        op="Resultset.PageProvider",
    )
    assert sorted(r["ecm:name"] for r in by_query["entries"]) == ["box", "one", "two"]


BAD = [
    "SELECT dc:title, ecm:nothing FROM Document",
    "SELECT no:such FROM Document",
    "SELECT dc:title, dc:title FROM Document",
    "SELECT dc:title, COUNT(ecm:uuid) FROM Document",
    "SELECT AVG(dc:title) FROM Document",
    "SELECT LOWER(dc:title) FROM Document",
    "SELECT COUNT(ecm:uuid) FROM Document ORDER BY dc:title",
    "SELECT COUNT(ecm:uuid, dc:title) FROM Document",
    "SELECT 'x' FROM Document",
    "SELECT file:content FROM Document WHERE ecm:fulltext = 'a OR'",
    "SELECT dc:title FROM Document ORDER BY ecm:nothing",
]


@pytest.mark.parametrize("nxql", BAD, ids=range(len(BAD)))
async def test_bad_selections_are_400(client, nxql):
    resp = await client.post(
        f"{API}/automation/Repository.ResultSetQuery", json={"params": {"query": nxql}}
    )
    body = await resp.json()
    assert resp.status == 400, body
    assert body["entity-type"] == "exception"


async def test_a_provider_without_one_query_is_400(client):
    resp = await client.post(
        f"{API}/automation/Repository.ResultSetPageProvider",
        json={"params": {"providerName": "default_search"}},
    )
    assert resp.status == 400, await resp.text()
    resp = await client.post(f"{API}/automation/Repository.ResultSetPageProvider", json={})
    assert resp.status == 400, await resp.text()


async def test_graphql_reads_the_same_rows(client, tree):
    query = f"SELECT COUNT(ecm:uuid) FROM Document WHERE ecm:path STARTSWITH '{tree}'"
    listing = f"SELECT ecm:name, dc:subjects FROM Document WHERE ecm:path STARTSWITH '{tree}'"
    for nxql in (query, listing):
        rest = await result_set(client, nxql, sortBy="ecm:name" if nxql == listing else None)
        resp = await client.post(
            "/nuxeo/graphql",
            json={
                "query": "query($q: String!, $s: String) { resultSet(query: $q, sortBy: $s) {"
                " entries totalSize numberOfPages } }",
                "variables": {"q": nxql, "s": "ecm:name" if nxql == listing else None},
            },
        )
        body = await resp.json()
        assert "errors" not in body, body
        found = body["data"]["resultSet"]
        assert found["entries"] == rest["entries"]
        assert found["totalSize"] == rest["resultsCount"]
    resp = await client.post(
        "/nuxeo/graphql",
        json={"query": '{ resultSet(query: "SELECT no:such FROM Note") { totalSize } }'},
    )
    assert (await resp.json())["errors"][0]["extensions"]["code"] == "bad_request"
