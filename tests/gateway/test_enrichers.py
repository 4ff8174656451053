"""Content enrichers: requested per entity, run once per page, depth-controlled."""

from __future__ import annotations

import pytest

from docgraph.resolvers import documents, enrichers
from docgraph.resolvers.context import Principal
from docgraph.resolvers.model import PathRef

API = "/nuxeo/api/v1"
FOLDER = "/default-domain/workspaces/crumbs"
PAGE = 100


@pytest.fixture
async def crumbs(client, make_ctx):
    ctx = make_ctx()
    if await documents.load(ctx, PathRef(FOLDER)) is None:
        async with ctx.unit_of_work():
            workspaces = await documents.get(ctx, PathRef("/default-domain/workspaces"))
            folder = await documents.create(ctx, workspaces, type_name="Folder", name="crumbs")
            for i in range(PAGE):
                await documents.create(ctx, folder, type_name="Note", name=f"note{i:03}")
    return FOLDER


async def children(client, headers=None, query=f"?pageSize={PAGE}"):
    resp = await client.get(f"{API}/path{FOLDER}/@children{query}", headers=headers)
    assert resp.status == 200, await resp.text()
    return (await resp.json())["entries"]


async def test_breadcrumb_runs_once_per_page(client, crumbs, app_database):
    await children(client)  # credentials cached, plan warm
    stats = app_database.stats
    before = stats.statements
    plain = await children(client)
    plain_cost = stats.statements - before
    before = stats.statements
    enriched = await children(client, {"enrichers.document": "breadcrumb"})
    assert len(enriched) == PAGE
    # One more statement for the ancestors of the whole page, not one per entry.
    assert stats.statements - before == plain_cost + 1
    assert all("contextParameters" not in e for e in plain)
    crumb = enriched[0]["contextParameters"]["breadcrumb"]
    assert crumb["entity-type"] == "documents"
    assert [e["path"] for e in crumb["entries"]] == [
        "/default-domain",
        "/default-domain/workspaces",
        FOLDER,
        enriched[0]["path"],
    ]
    # With the default depth, nested documents carry no properties.
    assert all("properties" not in e for e in crumb["entries"])
    assert "properties" in enriched[0]


async def test_depth_children_gives_nested_documents_their_properties(client, crumbs):
    entries = await children(
        client, {"enrichers-document": "breadcrumb", "depth": "children"}, "?pageSize=1"
    )
    nested = entries[0]["contextParameters"]["breadcrumb"]["entries"]
    assert nested[0]["properties"]["dc:title"] == "Domain"
    # One more level, then nothing: the nested documents' own breadcrumbs are bare.
    deeper = nested[1]["contextParameters"]["breadcrumb"]["entries"]
    assert [d["path"] for d in deeper] == ["/default-domain", "/default-domain/workspaces"]
    assert all("properties" not in d and "contextParameters" not in d for d in deeper)


async def test_subtypes_and_unknown_enrichers(client):
    resp = await client.get(
        f"{API}/path/default-domain/workspaces?enrichers.document=subtypes,nosuch"
    )
    params = (await resp.json())["contextParameters"]
    assert list(params) == ["subtypes"]
    types = {s["type"]: s["facets"] for s in params["subtypes"]}
    assert list(types) == ["Workspace"] and "Folderish" in types["Workspace"]
    resp = await client.get(f"{API}/path/default-domain?enrichers.document=nosuch")
    assert "contextParameters" not in await resp.json()


async def test_breadcrumb_stops_at_the_first_ancestor_the_user_cannot_read(crumbs, make_ctx, db):
    deep = await documents.get(make_ctx(), PathRef(f"{FOLDER}/note000"))
    member = make_ctx(Principal("jdoe", ("members",)))
    [trail] = await enrichers.breadcrumbs(member, [deep])
    assert [d.path for d in trail][0] == "/default-domain"
    await db.execute(
        "UPDATE documents SET read_acl = '{Administrator}' WHERE path = $1",
        "/default-domain/workspaces",
    )
    try:
        [trail] = await enrichers.breadcrumbs(make_ctx(Principal("jdoe", ("members",))), [deep])
        assert [d.path for d in trail] == [FOLDER, deep.path]
    finally:
        await db.execute(
            "UPDATE documents SET read_acl = (SELECT read_acl FROM documents WHERE path = $2)"
            " WHERE path = $1",
            "/default-domain/workspaces",
            "/default-domain",
        )


async def test_has_folderish_child_and_has_content(client, app_database):
    """A page of folders answers both in one statement each."""
    base = "/default-domain/workspaces"
    for parent, type_, name in (
        (base, "Folder", "tree-a"),
        (f"{base}/tree-a", "Folder", "sub"),
        (base, "Folder", "tree-b"),
        (f"{base}/tree-b", "Note", "leaf"),
        (base, "Folder", "tree-c"),
    ):
        await client.post(
            f"{API}/path{parent}", json={"entity-type": "document", "type": type_, "name": name}
        )
    headers = {"enrichers-document": "hasFolderishChild, hasContent"}
    before = app_database.stats.statements
    resp = await client.get(f"{API}/path{base}/@children?pageSize=100", headers=headers)
    statements = app_database.stats.statements - before
    found = {
        e["path"].rsplit("/", 1)[-1]: (
            e["contextParameters"]["hasFolderishChild"],
            e["contextParameters"]["hasContent"],
        )
        for e in (await resp.json())["entries"]
        if e["path"].rsplit("/", 1)[-1].startswith("tree-")
    }
    assert found == {"tree-a": (True, True), "tree-b": (False, True), "tree-c": (False, False)}
    assert statements <= 4  # the page, then one per enricher


async def test_children_ancestor_thumbnail_and_publications(client, crumbs, app_database):
    """A page of 100 with four more enrichers costs a bounded number of statements."""
    await children(client)
    stats = app_database.stats
    before = stats.statements
    await children(client)
    plain_cost = stats.statements - before
    headers = {"enrichers-document": "children, firstAccessibleAncestor, thumbnail, publications"}
    before = stats.statements
    entries = await children(client, headers)
    # children: one statement; publications: one; ancestors: at most one load.
    assert stats.statements - before <= plain_cost + 3
    params = entries[0]["contextParameters"]
    assert params["children"] == {"entity-type": "documents", "entries": []}
    assert params["firstAccessibleAncestor"]["path"] == FOLDER
    assert params["thumbnail"]["url"].endswith(
        f"/api/v1/repo/default/id/{entries[0]['uid']}/@rendition/thumbnail"
        f"?changeToken={entries[0]['changeToken']}"
    )
    assert params["publications"] == {"resultsCount": 0}
    resp = await client.get(
        f"{API}/path/default-domain/workspaces",
        headers={"enrichers-document": "children"},
    )
    listed = (await resp.json())["contextParameters"]["children"]["entries"]
    assert FOLDER in [e["path"] for e in listed]
    # A published document counts its proxies.
    note = entries[0]
    section = await client.post(
        f"{API}/path/default-domain/sections",
        json={"entity-type": "document", "type": "Section", "name": "enriched"},
    )
    section_uid = (await section.json())["uid"]
    resp = await client.post(
        f"{API}/automation/Document.PublishToSection",
        json={"input": note["uid"], "params": {"target": section_uid}},
    )
    assert resp.status == 200, await resp.text()
    resp = await client.get(
        f"{API}/id/{note['uid']}", headers={"enrichers-document": "publications"}
    )
    assert (await resp.json())["contextParameters"]["publications"] == {"resultsCount": 1}
