"""@children paging."""

from __future__ import annotations

from dataclasses import replace

import pytest

from docgraph.gateway.app import create_app
from tests.conftest import ADMIN_AUTH

API = "/nuxeo/api/v1"
PARENT = "/default-domain/workspaces/paged"


@pytest.fixture
async def paged(client):
    resp = await client.get(f"{API}/path{PARENT}")
    if resp.status == 404:
        resp = await client.post(
            f"{API}/path/default-domain/workspaces",
            json={"entity-type": "document", "type": "Folder", "name": "paged"},
        )
        assert resp.status == 201
        for i in range(7):
            resp = await client.post(
                f"{API}/path{PARENT}",
                json={
                    "entity-type": "document",
                    "type": "Note",
                    "name": f"n{i}",
                    "properties": {"dc:title": f"Note {6 - i}"},
                },
            )
            assert resp.status == 201
    return PARENT


async def _client_with(aiohttp_client, settings, database_url, registry, **changes):
    """An administrator's client of an app whose settings differ by ``changes``."""
    app = create_app(replace(settings, **changes), database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


async def page(client, query=""):
    resp = await client.get(f"{API}/path{PARENT}/@children{query}")
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_default_page_has_every_paging_field_in_order(client, paged):
    body = await page(client)
    assert list(body) == [
        "entity-type",
        "isPaginable",
        "resultsCount",
        "pageSize",
        "maxPageSize",
        "resultsCountLimit",
        "currentPageSize",
        "currentPageIndex",
        "currentPageOffset",
        "numberOfPages",
        "isPreviousPageAvailable",
        "isNextPageAvailable",
        "isLastPageAvailable",
        "isSortable",
        "hasError",
        "errorMessage",
        "totalSize",
        "pageIndex",
        "pageCount",
        "entries",
    ]
    assert body["entity-type"] == "documents"
    assert body["resultsCount"] == body["totalSize"] == 7
    assert body["pageSize"] == 50 and body["maxPageSize"] == 1000
    assert body["numberOfPages"] == 1 and body["isNextPageAvailable"] is False
    # sorted by dc:title ascending
    assert [e["title"] for e in body["entries"]] == [f"Note {i}" for i in range(7)]


async def test_pages_walk_through_with_exact_totals(client, paged):
    first = await page(client, "?pageSize=3")
    assert (first["currentPageSize"], first["numberOfPages"]) == (3, 3)
    assert first["isNextPageAvailable"] and not first["isPreviousPageAvailable"]
    last = await page(client, "?pageSize=3&currentPageIndex=2")
    assert [e["title"] for e in last["entries"]] == ["Note 6"]
    assert last["currentPageOffset"] == 6 and last["isPreviousPageAvailable"]
    assert not last["isNextPageAvailable"]
    assert last["resultsCount"] == 7
    alias = await page(client, "?pageSize=3&page=1")
    assert [e["title"] for e in alias["entries"]] == ["Note 3", "Note 4", "Note 5"]
    beyond = await page(client, "?pageSize=3&currentPageIndex=9")
    assert beyond["entries"] == [] and beyond["resultsCount"] == 7


async def test_page_size_is_capped_and_zero_means_max(client, paged):
    body = await page(client, "?pageSize=5000")
    assert body["currentPageSize"] == 7
    body = await page(client, "?pageSize=0")
    assert body["currentPageSize"] == 7 and body["numberOfPages"] == 1


async def test_bad_paging_parameters_are_400(client, paged):
    for query in ("?pageSize=abc", "?currentPageIndex=-1", "?pageSize=-3"):
        resp = await client.get(f"{API}/path{PARENT}/@children{query}")
        assert resp.status == 400, query
        assert (await resp.json())["entity-type"] == "exception"


async def test_children_of_root_and_of_a_leaf(client, paged):
    root = await client.get(f"{API}/path/@children")
    assert [e["path"] for e in (await root.json())["entries"]] == ["/default-domain"]
    leaf = await page(client)
    note = leaf["entries"][0]["uid"]
    resp = await client.get(f"{API}/id/{note}/@children")
    assert (await resp.json())["resultsCount"] == 0


async def test_ordered_folder_lists_in_creation_order(client):
    resp = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={"entity-type": "document", "type": "OrderedFolder", "name": "ordered"},
    )
    assert resp.status == 201
    for title in ("c", "a", "b"):
        await client.post(
            f"{API}/path/default-domain/workspaces/ordered",
            json={
                "entity-type": "document",
                "type": "Note",
                "name": title,
                "properties": {"dc:title": title},
            },
        )
    resp = await client.get(f"{API}/path/default-domain/workspaces/ordered/@children")
    assert [e["title"] for e in (await resp.json())["entries"]] == ["c", "a", "b"]


async def test_paging_past_the_maximum_page_size(
    paged, settings, registry, database_url, aiohttp_client
):
    capped = await _client_with(aiohttp_client, settings, database_url, registry, max_page_size=2)
    first = await (await capped.get(f"{API}/path{PARENT}/@children?pageSize=3")).json()
    assert first["currentPageSize"] == 2 and first["pageSize"] == 3
    assert first["maxPageSize"] == 2 and first["numberOfPages"] == 4
    assert first["isNextPageAvailable"] is True
    second = await (
        await capped.get(f"{API}/path{PARENT}/@children?pageSize=3&currentPageIndex=1")
    ).json()
    assert second["currentPageOffset"] == 2
    assert [e["title"] for e in second["entries"]] == ["Note 2", "Note 3"]


async def titles(client, query):
    return [e["title"] for e in (await page(client, query))["entries"]]


async def test_sort_by_fields_and_orders(client, paged):
    # n0 holds "Note 6", n6 "Note 0".
    assert await titles(client, "?sortBy=ecm:name") == [f"Note {6 - i}" for i in range(7)]
    assert await titles(client, "?sortBy=ecm:name&sortOrder=DESC") == [
        f"Note {i}" for i in range(7)
    ]
    assert await titles(client, "?sortBy=dc:title&sortOrder=desc&pageSize=2") == [
        "Note 6",
        "Note 5",
    ]
    both = await titles(client, "?sortBy=ecm:primaryType,dc:title&sortOrder=asc,desc")
    assert both == [f"Note {6 - i}" for i in range(7)]


async def test_offset_overrides_the_page_index(client, paged):
    body = await page(client, "?pageSize=3&offset=2")
    assert [e["title"] for e in body["entries"]] == ["Note 2", "Note 3", "Note 4"]
    assert body["currentPageOffset"] == 2 and body["isPreviousPageAvailable"]


@pytest.mark.parametrize(
    "query",
    [
        "?sortBy=nosuch:field",
        "?sortBy=dc:subjects",
        "?sortBy=dc:title&sortOrder=sideways",
        "?sortBy=dc:title,ecm:name,ecm:path,ecm:uuid",
        "?sortBy=title%3B%20DROP%20TABLE%20documents",
        "?offset=-1",
    ],
)
async def test_bad_sorts_are_400(client, paged, query):
    resp = await client.get(f"{API}/path{PARENT}/@children{query}")
    assert resp.status == 400, query
    assert (await resp.json())["entity-type"] == "exception"


async def test_graphql_children_sort_and_offset(client, paged):
    query = (
        f'{{ document(path: "{PARENT}") {{ children(sortBy: "ecm:name", sortOrder: "desc", '
        "offset: 1, pageSize: 2) { entries { title } } } }"
    )
    resp = await client.post("/nuxeo/graphql", json={"query": query})
    entries = (await resp.json())["data"]["document"]["children"]["entries"]
    assert [e["title"] for e in entries] == ["Note 1", "Note 2"]
    resp = await client.post(
        "/nuxeo/graphql",
        json={"query": '{ document(path: "/") { properties(schemas: ["nosuch"]) } }'},
    )
    assert (await resp.json())["errors"][0]["extensions"]["code"] == "unknown_schema"


async def test_totals_of_large_folders_are_not_counted(
    paged, settings, registry, database_url, aiohttp_client
):
    # Counting stops at the search count limit, as for searches: a folder of a
    # million children costs a page, not a million rows, per request.
    capped = await _client_with(
        aiohttp_client, settings, database_url, registry, search_count_limit=5
    )
    big = await (await capped.get(f"{API}/path{PARENT}/@children?pageSize=3")).json()
    assert big["resultsCount"] == big["totalSize"] == -2
    assert big["resultsCountLimit"] == 5 and big["numberOfPages"] == 0
    assert big["isNextPageAvailable"] is True and big["currentPageSize"] == 3
    query = """query($path: String!) { document(path: $path) {
                 children(pageSize: 3) { totalSize entries { name } } } }"""
    resp = await capped.post("/nuxeo/graphql", json={"query": query, "variables": {"path": PARENT}})
    children = (await resp.json())["data"]["document"]["children"]
    assert children["totalSize"] == -2 and len(children["entries"]) == 3
    exact = replace(settings, search_count_limit=7)
    counted = await aiohttp_client(
        create_app(exact, database_url, registry=registry), headers={"Authorization": ADMIN_AUTH}
    )
    small = await (await counted.get(f"{API}/path{PARENT}/@children?pageSize=3")).json()
    assert small["resultsCount"] == 7 and small["numberOfPages"] == 3
