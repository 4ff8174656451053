"""Proxies and publishing (sections, live proxies, override, removal) and the
order of an ordered folder's children."""

from __future__ import annotations

import uuid

from .test_versions import get, make, op, put

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
SECTIONS = "/default-domain/sections"


async def test_publish_to_sections(client):
    tag = uuid.uuid4().hex[:6]
    doc = await make(client, WS, "File", f"pub-{tag}", "v1")
    one = await make(client, SECTIONS, "Section", f"s1-{tag}")
    two = await make(client, SECTIONS, "Section", f"s2-{tag}")
    proxy = await op(client, "Document.PublishToSection", doc["uid"], target=one["uid"])
    assert proxy["isProxy"] and proxy["parentRef"] == one["uid"]
    assert proxy["path"] == f"{one['path']}/{doc['path'].rsplit('/', 1)[1]}"
    assert proxy["versionableId"] == doc["uid"] and proxy["versionLabel"] == "0.1"
    assert proxy["properties"]["dc:title"] == "v1"
    [version] = (await op(client, "Document.GetVersions", doc["uid"]))["entries"]
    assert proxy["proxyTargetId"] == version["uid"]
    # The section lists it; the workspace document was checked in.
    listed = await (await client.get(f"{API}/id/{one['uid']}/@children")).json()
    assert [e["uid"] for e in listed["entries"]] == [proxy["uid"]]
    assert not (await get(client, doc["uid"]))["isCheckedOut"]
    # Republished after a change: the same proxy shows the new version.
    await put(client, doc["uid"], {"dc:title": "v2"})
    again = await op(client, "Document.Publish", doc["uid"], target=one["uid"])
    assert again["uid"] == proxy["uid"] and again["properties"]["dc:title"] == "v2"
    assert again["versionLabel"] == "0.2"
    # Published without override: a second proxy beside the first.
    extra = await op(client, "Document.Publish", doc["uid"], target=one["uid"], override=False)
    assert extra["uid"] != proxy["uid"] and extra["path"].startswith(f"{proxy['path']}.")
    # Multi-publish: one proxy per section.
    published = await op(
        client, "Document.MultiPublish", doc["uid"], target=[one["path"], two["path"]]
    )
    assert [e["parentRef"] for e in published["entries"]] == [one["uid"], two["uid"]]
    source = await op(client, "Proxy.GetSourceDocument", published["entries"][1]["uid"])
    assert source["uid"] == doc["uid"]
    # Proxies are read-only.
    resp = await put(client, proxy["uid"], {"dc:title": "edited"})
    assert resp.status == 400 and "proxy" in (await resp.json())["message"]
    # A published version outlives its live document, through its proxy.
    assert (await client.delete(f"{API}/id/{doc['uid']}")).status == 204
    kept = await get(client, published["entries"][1]["uid"])
    assert kept["properties"]["dc:title"] == "v2"


async def test_live_proxies_follow_their_document_and_can_be_removed(client):
    tag = uuid.uuid4().hex[:6]
    doc = await make(client, WS, "File", f"live-{tag}", "one")
    folder = await make(client, WS, "Folder", f"shelf-{tag}")
    proxy = await op(
        client, "Document.CreateLiveProxy", doc["uid"], **{"Destination Path": folder["path"]}
    )
    assert proxy["isProxy"] and proxy["proxyTargetId"] == doc["uid"]
    await put(client, doc["uid"], {"dc:title": "two"})
    assert (await get(client, proxy["uid"]))["properties"]["dc:title"] == "two"
    nxql = f"SELECT * FROM File WHERE ecm:isProxy = 1 AND ecm:parentId = '{folder['uid']}'"
    found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
    assert [e["uid"] for e in found["entries"]] == [proxy["uid"]]
    await op(client, "Document.RemoveProxies", doc["uid"])
    assert (await client.get(f"{API}/id/{proxy['uid']}")).status == 404
    assert (await get(client, doc["uid"]))["properties"]["dc:title"] == "two"


async def test_bad_publications_change_nothing(client):
    tag = uuid.uuid4().hex[:6]
    doc = await make(client, WS, "File", f"bad-{tag}")
    other = await make(client, WS, "File", f"notfolder-{tag}")
    folder = await make(client, WS, "Folder", f"nover-{tag}")
    await op(client, "Document.PublishToSection", doc["uid"], status=400, target=other["uid"])
    await op(client, "Document.PublishToSection", folder["uid"], status=400, target=folder["uid"])
    await op(client, "Document.MultiPublish", doc["uid"], status=400, target=0)
    assert (await op(client, "Document.GetVersions", doc["uid"]))["entries"] == []


async def test_order_children_of_an_ordered_folder(client):
    tag = uuid.uuid4().hex[:6]
    folder = await make(client, WS, "OrderedFolder", f"ord-{tag}")
    a, b, c = [await make(client, folder["path"], "Note", n) for n in ("a", "b", "c")]

    async def names() -> list[str]:
        listed = await (await client.get(f"{API}/id/{folder['uid']}/@children")).json()
        return [e["path"].rsplit("/", 1)[1] for e in listed["entries"]]

    assert await names() == ["a", "b", "c"]
    await op(client, "Document.Order", c["uid"], before=a["uid"])
    assert await names() == ["c", "a", "b"]
    await op(client, "Document.Order", c["uid"])
    assert await names() == ["a", "b", "c"]
    # Several inputs keep their order, before the sibling given.
    resp = await client.post(
        f"{API}/automation/Document.Order",
        json={"input": f"docs:{b['uid']},{c['uid']}", "params": {"before": a["uid"]}},
    )
    assert resp.status == 200, await resp.text()
    assert await names() == ["b", "c", "a"]
    body = await (
        await client.post(
            "/nuxeo/graphql",
            json={
                "query": "mutation($id: ID!, $b: ID) { orderDocument(id: $id, beforeId: $b)"
                " { name } }",
                "variables": {"id": a["uid"], "b": b["uid"]},
            },
        )
    ).json()
    assert body["data"]["orderDocument"] == {"name": "a"}
    assert await names() == ["a", "b", "c"]
    # Not in the same folder, or a folder without order: a 400, no change.
    plain = await make(client, WS, "Folder", f"plain-{tag}")
    x, y = [await make(client, plain["path"], "Note", n) for n in ("x", "y")]
    await op(client, "Document.Order", a["uid"], status=400, before=x["uid"])
    body = await op(client, "Document.Order", y["uid"], status=400, before=x["uid"])
    assert "in order" in body["message"]
    assert await names() == ["a", "b", "c"]


async def test_graphql_publication_fields(client):
    tag = uuid.uuid4().hex[:6]
    doc = await make(client, WS, "File", f"gpub-{tag}")
    section = await make(client, SECTIONS, "Section", f"gs-{tag}")
    query = """mutation($id: ID!, $s: ID!) { publishDocument(id: $id, sectionId: $s) {
                 isProxy proxyTargetId versionableId firstAccessibleAncestor { path } } }"""
    body = await (
        await client.post(
            "/nuxeo/graphql",
            json={"query": query, "variables": {"id": doc["uid"], "s": section["uid"]}},
        )
    ).json()
    proxy = body["data"]["publishDocument"]
    assert proxy["isProxy"] and proxy["versionableId"] == doc["uid"]
    assert proxy["firstAccessibleAncestor"] == {"path": section["path"]}
    query = "query($id: ID!) { document(id: $id) { publications thumbnailUrl } }"
    body = await (
        await client.post("/nuxeo/graphql", json={"query": query, "variables": {"id": doc["uid"]}})
    ).json()
    assert body["data"]["document"]["publications"] == 1
    assert (
        body["data"]["document"]["thumbnailUrl"]
        .split("?")[0]
        .endswith(f"/id/{doc['uid']}/@rendition/thumbnail")
    )
