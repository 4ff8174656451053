"""Children as a Relay connection: keyset pages in the listing's order."""

from __future__ import annotations

import uuid

import pytest

from .test_graphql import API, gql

WS = "/default-domain/workspaces"
PAGE = """query($id: ID!, $first: Int, $after: String) { document(id: $id) {
  childrenConnection(first: $first, after: $after) {
    edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }"""


async def folder_with_children(client, folder_type, titles):
    name = f"conn-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": folder_type, "name": name}
    )
    uid = (await resp.json())["uid"]
    for i, title in enumerate(titles):
        properties = {} if title is None else {"dc:title": title}
        resp = await client.post(
            f"{API}/id/{uid}",
            json={"entity-type": "document", "type": "Note", "name": f"c{i:02d}",
                  "properties": properties},
        )  # fmt: skip
        assert resp.status == 201
    return uid


async def walk(client, uid, first):
    names, after, pages = [], None, 0
    while True:
        body = await gql(client, PAGE, {"id": uid, "first": first, "after": after})
        assert "errors" not in body, body
        connection = body["data"]["document"]["childrenConnection"]
        names += [edge["node"]["name"] for edge in connection["edges"]]
        info = connection["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        pages += 1
        if not info["hasNextPage"]:
            return names, pages
        after = info["endCursor"]


@pytest.mark.parametrize("folder_type", ["Folder", "OrderedFolder"])
async def test_pages_follow_the_listing_order(client, folder_type):
    # Titled and untitled children (untitled sort last), titles longer than
    # the indexed prefix, ties broken by name.
    titles = ["b", None, "a", "b", "x" * 250 + "2", "x" * 250 + "1", None, "c"]
    uid = await folder_with_children(client, folder_type, titles)
    rest = await (await client.get(f"{API}/id/{uid}/@children?pageSize=100")).json()
    listed = [e["path"].rsplit("/", 1)[1] for e in rest["entries"]]
    assert len(listed) == len(titles)
    for first in (1, 3, 8, 20):
        names, pages = await walk(client, uid, first)
        assert names == listed  # the REST listing's order, nothing twice
        assert pages == -(-len(titles) // first)


BACK = """query($id: ID!, $last: Int, $before: String) { document(id: $id) {
  childrenConnection(last: $last, before: $before) {
    edges { node { name } } pageInfo { hasNextPage hasPreviousPage startCursor } } } }"""


async def walk_back(client, uid, last):
    names, before = [], None
    while True:
        body = await gql(client, BACK, {"id": uid, "last": last, "before": before})
        assert "errors" not in body, body
        connection = body["data"]["document"]["childrenConnection"]
        names = [edge["node"]["name"] for edge in connection["edges"]] + names
        info = connection["pageInfo"]
        assert info["hasNextPage"] is (before is not None)
        if not info["hasPreviousPage"]:
            return names
        before = info["startCursor"]


@pytest.mark.parametrize("folder_type", ["Folder", "OrderedFolder"])
async def test_pages_backward_end_where_forward_pages_begin(client, folder_type):
    titles = ["b", None, "a", "b", "x" * 250 + "2", "x" * 250 + "1", None, "c"]
    uid = await folder_with_children(client, folder_type, titles)
    forward, _ = await walk(client, uid, 3)
    for last in (1, 3, 8, 20):
        assert await walk_back(client, uid, last) == forward


async def test_forward_and_backward_at_once_is_refused(client):
    uid = await folder_with_children(client, "Folder", ["a"])
    body = await gql(
        client, "query($id: ID!) { document(id: $id) { childrenConnection(first: 1, last: 1) "
        "{ edges { cursor } } } }", {"id": uid},
    )  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "bad_request"


async def test_a_page_does_not_shift_when_children_come_and_go(client):
    uid = await folder_with_children(client, "Folder", ["b", "d", "f"])
    first = await gql(client, PAGE, {"id": uid, "first": 2})
    cursor = first["data"]["document"]["childrenConnection"]["pageInfo"]["endCursor"]
    # A child that sorts before the cursor, one after.
    for name, title in (("new-a", "a"), ("new-e", "e")):
        await client.post(
            f"{API}/id/{uid}",
            json={"entity-type": "document", "type": "Note", "name": name,
                  "properties": {"dc:title": title}},
        )  # fmt: skip
    second = await gql(client, PAGE, {"id": uid, "first": 5, "after": cursor})
    edges = second["data"]["document"]["childrenConnection"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["new-e", "c02"]


@pytest.mark.parametrize("cursor", ["garbage!", "WyJwIiwgM10", "eyJ4IjogMX0", "W10", "A" * 5000])
async def test_a_cursor_that_is_not_ours_is_refused(client, cursor):
    uid = await folder_with_children(client, "Folder", ["a"])
    body = await gql(client, PAGE, {"id": uid, "first": 2, "after": cursor})
    assert body["errors"][0]["extensions"]["code"] == "bad_request"


async def test_connections_of_a_page_cost_one_statement(client, app_database):
    parents = [await folder_with_children(client, "Folder", ["a", "b", "c"]) for _ in range(3)]
    await gql(client, '{ document(path: "/") { uid } }')  # credentials cached
    query = """query($path: String!) { document(path: $path) { children(pageSize: 100) {
        entries { childrenConnection(first: 2) { edges { node { title } } } } } } }"""
    stats = app_database.stats
    before = stats.statements
    body = await gql(client, query, {"path": WS})
    assert "errors" not in body
    entries = body["data"]["document"]["children"]["entries"]
    assert sum(len(e["childrenConnection"]["edges"]) for e in entries) >= 2 * len(parents)
    # The workspace, its children, then every connection at once: one
    # statement per order (the module's earlier tests made ordered folders too).
    assert stats.statements - before <= 4


@pytest.mark.parametrize(("size", "code"), [(-1, "bad_request"), (10**6, "bad_request")])
async def test_page_sizes_out_of_range_are_refused(client, size, code):
    uid = await folder_with_children(client, "Folder", ["a"])
    body = await gql(client, PAGE, {"id": uid, "first": size})
    assert body["errors"][0]["extensions"]["code"] == code
