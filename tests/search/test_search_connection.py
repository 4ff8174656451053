"""GraphQL searchConnection: keyset pages over an NXQL query's order, the
same documents in the same order as the offset pages of /query, forward and
back, with null sort keys, permissions, and refused cursors."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"

CONNECTION = """query($q: String, $pp: String, $params: [String!], $first: Int, $after: String,
                     $last: Int, $before: String, $sortBy: String, $sortOrder: String) {
  searchConnection(query: $q, pageProvider: $pp, queryParams: $params, first: $first,
                   after: $after, last: $last, before: $before, sortBy: $sortBy,
                   sortOrder: $sortOrder) {
    edges { cursor node { uid title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.fixture(scope="module")
def tag():
    return uuid.uuid4().hex[:8]


@pytest.fixture
async def folder(client, tag):
    """Eleven notes: titles repeat, some descriptions are missing."""
    path = f"{WS}/conn-{tag}"
    found = await client.get(f"{API}/path{path}")
    if found.status == 200:
        return await found.json()
    resp = await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "Folder", "name": f"conn-{tag}"},
    )
    folder = await resp.json()
    for i in range(11):
        props = {"dc:title": f"title {i % 4}"}
        if i % 3:
            props["dc:description"] = f"d{i % 5}"
        resp = await client.post(
            f"{API}/id/{folder['uid']}",
            json={"entity-type": "document", "type": "Note", "name": f"n{i}", "properties": props},
        )
        assert resp.status == 201
    return folder


async def gql(client, headers=None, **variables):
    resp = await client.post(
        "/nuxeo/graphql", json={"query": CONNECTION, "variables": variables}, headers=headers
    )
    body = await resp.json()
    return body


async def walk(client, size, headers=None, backward=False, **variables):
    ids, cursor, pages = [], None, 0
    while True:
        page = {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        body = await gql(client, headers, **variables, **page)
        assert "errors" not in body, body
        found = body["data"]["searchConnection"]
        edges = [e["node"]["uid"] for e in found["edges"]]
        ids = edges + ids if backward else ids + edges
        pages += 1
        more = found["pageInfo"]["hasPreviousPage" if backward else "hasNextPage"]
        if not more:
            return ids
        cursor = found["pageInfo"]["startCursor" if backward else "endCursor"]
        assert pages < 50


async def offset_listing(client, query, headers=None, **params):
    resp = await client.get(
        f"{API}/query", params={"query": query, "pageSize": 100, **params}, headers=headers
    )
    return [e["uid"] for e in (await resp.json())["entries"]]


ORDERS = [
    "ORDER BY dc:title",
    "ORDER BY dc:description DESC, dc:title",
    "ORDER BY dc:description, dc:title DESC",
    "ORDER BY dc:modified DESC",
    "ORDER BY ecm:name DESC",
    "",
]


@pytest.mark.parametrize("order", ORDERS)
async def test_keyset_pages_walk_the_offset_order_both_ways(client, folder, order):
    query = f"SELECT * FROM Note WHERE ecm:parentId = '{folder['uid']}' {order}"
    expected = await offset_listing(client, query)
    assert len(expected) == 11
    for size in (1, 3, 4, 11):
        assert await walk(client, size, q=query) == expected, (order, size)
    assert await walk(client, 4, q=query, backward=True) == expected


async def test_sort_arguments_and_page_providers(client, folder):
    query = f"SELECT * FROM Note WHERE ecm:parentId = '{folder['uid']}'"
    expected = await offset_listing(client, query, sortBy="dc:title,ecm:name", sortOrder="desc,asc")
    found = await walk(client, 5, q=query, sortBy="dc:title,ecm:name", sortOrder="desc,asc")
    assert found == expected
    listed = await client.get(
        f"{API}/query/CURRENT_DOC_CHILDREN", params={"queryParams": folder["uid"], "pageSize": 50}
    )
    by_provider = await walk(client, 2, pp="CURRENT_DOC_CHILDREN", params=[folder["uid"]])
    assert by_provider == [c["uid"] for c in (await listed.json())["entries"]]


async def test_a_member_pages_through_what_they_may_read(client, db, folder):
    if await db_security.user_by_name(db, "pager") is None:
        await db_security.insert_user(db, "pager", hash_password("pager-pw"))
        await db_security.add_membership(db, "pager", "members")
    query = f"SELECT * FROM Note WHERE ecm:parentId = '{folder['uid']}' ORDER BY ecm:name"
    everything = await offset_listing(client, query)
    hidden = everything[2]
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": hidden}
    )
    pager = basic("pager", "pager-pw")
    assert await walk(client, 3, pager, q=query) == [i for i in everything if i != hidden]


async def test_bad_cursors_are_refused(client, folder):
    query = f"SELECT * FROM Note WHERE ecm:parentId = '{folder['uid']}' ORDER BY ecm:name"
    first = (await gql(client, q=query, first=2))["data"]["searchConnection"]
    cursor = first["pageInfo"]["endCursor"]
    other = await gql(client, q=query + " DESC", first=2, after=cursor)
    assert other["errors"][0]["extensions"]["code"] == "bad_request"
    for bad in ("garbage", "x" * 5000, "WyJxIiwgMV0"):
        body = await gql(client, q=query, first=2, after=bad)
        assert body["errors"][0]["extensions"]["code"] == "bad_request", bad
    both = await gql(client, q=query, first=2, last=2)
    assert both["errors"][0]["extensions"]["code"] == "bad_request"
    huge = await gql(client, q=query, first=100000)
    assert "errors" in huge
    # The document a cursor names is deleted: start again.
    name = f"gone-{uuid.uuid4().hex[:6]}"
    resp = await client.post(
        f"{API}/id/{folder['uid']}",
        json={"entity-type": "document", "type": "Note", "name": name},
    )
    gone = await resp.json()
    q = f"SELECT * FROM Note WHERE ecm:uuid = '{gone['uid']}'"
    page = (await gql(client, q=q, first=1))["data"]["searchConnection"]
    await client.delete(f"{API}/id/{gone['uid']}")
    body = await gql(client, q=q, first=1, after=page["pageInfo"]["endCursor"])
    assert "no longer exists" in body["errors"][0]["message"]
