"""REST ``@children`` pages written by PostgreSQL (gateway/nuxeo/listings.py)
answer what the Python writers answer, key for key and in the same order;
what the SQL cannot write is written the usual way."""

from __future__ import annotations

import dataclasses

import pytest

from docgraph.gateway.nuxeo import listings
from docgraph.resolvers.model import PageRequest
from docgraph.resolvers.rendering import RenderingOptions
from docgraph.settings import Settings

from ..conftest import basic
from ..schema.test_compiled import tree
from .test_versions import user

API = "/nuxeo/api/v1"


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    # Small pages too: the trees here are.
    return dataclasses.replace(base_settings, rest_pages_written_from=0)


async def get(client, url, headers):
    resp = await client.get(url, headers=headers)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def both(client, monkeypatch, url, headers, written_pages):
    fast = await get(client, url, headers)
    assert written_pages, "the page was not written by PostgreSQL"
    with monkeypatch.context() as m:
        m.setattr(listings, "children_spec", lambda *args: None)
        slow = await get(client, url, headers)
    return fast, slow


def assert_same(fast, slow):
    assert fast == slow
    assert list(fast) == list(slow)  # Nuxeo's order of keys, too
    for a, b in zip(fast["entries"], slow["entries"], strict=True):
        assert list(a) == list(b)
        if "properties" in a:
            assert list(a["properties"]) == list(b["properties"])


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {"X-NXproperties": "dublincore"}),
        ("?pageSize=2&currentPageIndex=1", {"X-NXproperties": "dublincore, note,uid,common"}),
        ("?offset=3&pageSize=3", {"X-NXproperties": "Dublincore"}),
        ("?sortBy=dc:title&sortOrder=desc", {"X-NXproperties": "dublincore"}),
        ("?pageSize=0", {"properties": "note"}),
        ("?sortBy=ecm:primaryType,dc:modified&sortOrder=asc,desc", {"X-NXproperties": ""}),
        ("?currentPageIndex=9", {"X-NXproperties": "dublincore"}),
    ],
)
async def test_a_page_reads_the_same_written_by_postgresql(
    client, monkeypatch, written_pages, query, headers
):
    root = await tree(client)
    url = f"{API}/id/{root['uid']}/@children{query}"
    fast, slow = await both(client, monkeypatch, url, headers, written_pages)
    assert_same(fast, slow)


async def test_proxies_and_an_ordered_folder(client, monkeypatch, written_pages):
    root = await tree(client)
    page = await get(client, f"{API}/path{root['path']}/@children", {})
    entries = {e["path"].rsplit("/", 1)[1]: e for e in page["entries"]}
    for folder in ("sub", "ordered"):
        written_pages.clear()
        url = f"{API}/id/{entries[folder]['uid']}/@children"
        fast, slow = await both(
            client, monkeypatch, url, {"X-NXproperties": "dublincore"}, written_pages
        )
        assert_same(fast, slow)
        if folder == "ordered":  # by position: created c, a, b
            assert [e["title"] for e in fast["entries"]] == ["C", "A", "B"]
            continue
        proxy = next(e for e in fast["entries"] if e["isProxy"])
        assert proxy["proxyTargetId"] and proxy["versionableId"]
        plain = next(e for e in fast["entries"] if not e["isProxy"])
        assert "proxyTargetId" not in plain and "versionableId" not in plain


async def test_the_permission_filter_is_in_the_statement(
    client, app_database, monkeypatch, written_pages
):
    root = await tree(client)
    await user(app_database, "reader")
    url = f"{API}/id/{root['uid']}/@children"
    headers = {**basic("reader", "reader-pw"), "X-NXproperties": "dublincore"}
    fast, slow = await both(client, monkeypatch, url, headers, written_pages)
    assert_same(fast, slow)
    assert "secret" not in {e["title"].lower() for e in fast["entries"]}


@pytest.mark.parametrize(
    "headers",
    [
        {},  # every schema: blobs among them
        {"X-NXproperties": "*"},
        {"X-NXproperties": "dublincore", "enrichers.document": "hasFolderishChild"},
        {"X-NXproperties": "dublincore", "fetch.document": "lock"},
        {"X-NXproperties": "dublincore,relatedtext"},  # a facet's schema
    ],
)
async def test_what_the_sql_cannot_write_is_written_the_usual_way(client, written_pages, headers):
    root = await tree(client)
    body = await get(client, f"{API}/id/{root['uid']}/@children", headers)
    assert body["entries"] and written_pages == []


def test_a_small_page_is_written_by_python(make_ctx, settings):
    ctx = make_ctx()
    ctx.rendering = RenderingOptions(properties=frozenset({"dublincore"}))
    ctx.settings = dataclasses.replace(settings, rest_pages_written_from=3)
    assert listings.children_spec(ctx, PageRequest(0, 2)) is None
    assert listings.children_spec(ctx, PageRequest(0, 3)) is not None


async def test_a_piped_page_is_not_written(client, written_pages):
    root = await tree(client)
    resp = await client.post(
        f"{API}/id/{root['uid']}/@children/@op/Document.GetParent",
        json={"params": {}},
        headers={"X-NXproperties": "dublincore"},
    )
    assert resp.status == 200, await resp.text()
    assert written_pages == []


@pytest.mark.parametrize(
    ("query", "headers", "written"),
    [
        # Names that are not schemas: not written by PostgreSQL, and no SQL either way.
        ("", {"X-NXproperties": "dublincore,x'); DROP TABLE documents; --"}, False),
        ("", {"X-NXproperties": "dublincore," + "a" * 4_000}, False),
        # A page size beyond the maximum is capped, as the Python path caps it.
        ("?pageSize=100000000", {"X-NXproperties": "dublincore"}, True),
        ("?currentPageIndex=9007199254740993", {"X-NXproperties": "dublincore"}, None),
        ("?pageSize=-5", {"X-NXproperties": "dublincore"}, None),
        ("?sortBy=nope:field", {"X-NXproperties": "dublincore"}, None),
    ],
)
async def test_hostile_listings_answer_as_the_python_path_does(
    client, monkeypatch, written_pages, query, headers, written
):
    root = await tree(client)
    url = f"{API}/id/{root['uid']}/@children{query}"
    fast = await client.get(url, headers=headers)
    with monkeypatch.context() as m:
        m.setattr(listings, "children_spec", lambda *args: None)
        slow = await client.get(url, headers=headers)
    assert fast.status == slow.status and await fast.json() == await slow.json()
    if written is not None:
        assert bool(written_pages) is written
    else:  # refused with the Python path's error, PostgreSQL never asked
        assert fast.status == 400 and written_pages == []
    assert (await client.get(f"{API}/id/{root['uid']}")).status == 200
