"""Property operations (lists, multi-valued properties, schemas reset and
copied, Document.Save) and the Directory.* operations."""

from __future__ import annotations

import uuid

import orjson

from .test_directories import member
from .test_versions import get, make, op

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def run(client, op_id: str, input_=None, status: int = 200, headers=None, **params):
    body = {"params": params}
    if input_ is not None:
        body["input"] = input_
    resp = await client.post(f"{API}/automation/{op_id}", json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return resp


async def test_multivalued_and_list_properties(client):
    doc = await make(client, WS, "File", f"props-{uuid.uuid4().hex[:6]}")
    uid = doc["uid"]
    await op(client, "DocumentMultivaluedProperty.addItem", uid, xpath="dc:subjects", value="art")
    await op(client, "AddEntryToMultivaluedProperty", uid, xpath="dc:subjects", value="music")
    await op(client, "DocumentMultivaluedProperty.addItem", uid, xpath="dc:subjects", value="art")
    assert (await get(client, uid))["properties"]["dc:subjects"] == ["art", "music"]
    await op(
        client, "Document.RemoveEntryOfMultivaluedProperty", uid, xpath="dc:subjects", value="art"
    )
    assert (await get(client, uid))["properties"]["dc:subjects"] == ["music"]
    items = [
        {"relatedtextid": "a", "relatedtext": "one"},
        {"relatedtextid": "b", "relatedtext": "two"},
    ]
    xpath = "relatedtext:relatedtextresources"
    await op(
        client,
        "Document.AddItemToListProperty",
        uid,
        xpath=xpath,
        complexJsonProperties=orjson.dumps(items).decode(),
    )
    listed = (await get(client, uid))["properties"][xpath]
    assert [i["relatedtextid"] for i in listed] == ["a", "b"]
    await op(client, "Document.RemoveItemFromListProperty", uid, xpath=xpath, index=0)
    assert [i["relatedtextid"] for i in (await get(client, uid))["properties"][xpath]] == ["b"]
    await op(client, "Document.RemoveItemFromListProperty", uid, status=400, xpath=xpath, index=5)
    await op(
        client,
        "Document.AddItemToListProperty",
        uid,
        status=400,
        xpath=xpath,
        complexJsonProperties="{",
    )
    await op(client, "Document.RemoveItemFromListProperty", uid, xpath=xpath)
    assert (await get(client, uid))["properties"][xpath] == []


async def test_reset_copy_and_save(client):
    source = await make(client, WS, "File", f"src-{uuid.uuid4().hex[:6]}", "Source title")
    target = await make(client, WS, "File", f"dst-{uuid.uuid4().hex[:6]}", "Target title")
    await op(
        client, "Document.CopySchema", target["uid"], schema="dublincore", sourceId=source["uid"]
    )
    assert (await get(client, target["uid"]))["properties"]["dc:title"] == "Source title"
    await op(client, "Document.ResetSchema", target["uid"], xpath="dc:title")
    assert (await get(client, target["uid"]))["properties"]["dc:title"] is None
    await op(client, "Document.ResetSchema", target["uid"], status=400)
    await op(client, "Document.ResetSchema", target["uid"], status=400, schema="nope")
    saved = await op(client, "Document.Save", target["uid"])
    assert saved["uid"] == target["uid"]
    resp = await run(client, "Repository.SaveSession", status=204)
    assert resp.status == 204


async def test_directory_operations(client, db):
    resp = await run(client, "Directory.Entries", directoryName="language")
    assert resp.content_type == "application/json"
    languages = await resp.json()
    assert len(languages) == 11 and languages[0] == {
        "id": "ar",
        "label": "label.directories.arabic",
        "obsolete": 0,
        "ordering": 10000000,
    }
    created = await run(
        client,
        "Directory.CreateEntries",
        directoryName="language",
        entries=orjson.dumps([{"id": "la", "label": "latin"}, {"id": "grc"}]).decode(),
    )
    assert await created.json() == ["la", "grc"]
    read = await run(
        client, "Directory.ReadEntries", directoryName="language", entries='["la", "zz"]'
    )
    assert [e["label"] for e in await read.json()] == ["latin"]
    await run(
        client,
        "Directory.UpdateEntries",
        directoryName="language",
        entries=orjson.dumps([{"id": "la", "label": "Latin"}]).decode(),
    )
    await run(
        client,
        "Directory.DeleteEntries",
        directoryName="language",
        entries='["grc"]',
        markObsolete=True,
    )
    await run(client, "Directory.DeleteEntries", directoryName="language", entries='["la"]')
    read = await run(
        client, "Directory.ReadEntries", directoryName="language", entries='["la", "grc"]'
    )
    assert await read.json() == [{"id": "grc", "label": None, "obsolete": 1, "ordering": 10000000}]
    reader = await member(db, "diropreader")
    await run(
        client,
        "Directory.CreateEntries",
        status=403,
        headers=reader,
        directoryName="language",
        entries='[{"id": "x"}]',
    )
    await run(
        client, "Directory.CreateEntries", status=400, directoryName="language", entries="[1]"
    )


async def test_facets_and_export(client):
    doc = await make(client, WS, "File", f"facets-{uuid.uuid4().hex[:6]}")
    added = await op(client, "Document.AddFacet", doc["uid"], facet="HiddenInNavigation")
    assert "HiddenInNavigation" in added["facets"]
    nxql = (
        "SELECT * FROM File WHERE ecm:mixinType = 'HiddenInNavigation'"
        f" AND ecm:uuid = '{doc['uid']}'"
    )
    found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
    assert [e["uid"] for e in found["entries"]] == [doc["uid"]]
    removed = await op(client, "Document.RemoveFacet", doc["uid"], facet="HiddenInNavigation")
    assert "HiddenInNavigation" not in removed["facets"]
    # Unknown facets and the type's own: 400.
    await op(client, "Document.AddFacet", doc["uid"], status=400, facet="Nope")
    await op(client, "Document.RemoveFacet", doc["uid"], status=400, facet="Versionable")
    resp = await run(client, "Document.Export", doc["uid"])
    assert b"<document" in await resp.read()
    resp = await run(client, "Document.Export", doc["uid"], exportAsZip=True)
    assert (await resp.read())[:2] == b"PK"


async def test_a_facet_brings_its_schemas_to_one_document(client):
    """Nuxeo's dynamic facets: a facet added to one document brings its
    schemas (their fields are written and rendered like the type's); removed,
    it takes their values with it, and the type's own stay."""
    note = await make(client, "/default-domain/workspaces", "Note", f"f-{uuid.uuid4().hex[:6]}")
    added = await op(client, "Document.AddFacet", note["uid"], facet="Picture")
    assert "Picture" in added["facets"]
    assert {"picture", "image_metadata"} <= {s["name"] for s in added["schemas"]}
    assert added["properties"]["picture:credit"] is None
    resp = await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document",
              "properties": {"picture:credit": "me", "note:note": "kept"}},
    )  # fmt: skip
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["properties"]["picture:credit"] == "me"
    query = 'query($id: ID!) { document(id: $id) { properties(schemas: ["picture"]) } }'
    resp = await client.post(
        "/nuxeo/graphql", json={"query": query, "variables": {"id": note["uid"]}}
    )
    assert (await resp.json())["data"]["document"]["properties"]["picture:credit"] == "me"
    removed = await op(client, "Document.RemoveFacet", note["uid"], facet="Picture")
    assert "picture" not in {s["name"] for s in removed["schemas"]}
    assert "picture:credit" not in removed["properties"]
    assert removed["properties"]["note:note"] == "kept"
    # Writing a field of the facet gone is refused again.
    resp = await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"picture:credit": "again"}},
    )
    assert resp.status == 400
    again = await op(client, "Document.AddFacet", note["uid"], facet="Picture")
    assert again["properties"]["picture:credit"] is None  # the old value went with it


async def test_tags(client):
    doc = await make(client, WS, "File", f"tags-{uuid.uuid4().hex[:6]}")
    tagged = await op(client, "Services.TagDocument", doc["uid"], tags=["red", "big tag", "red"])
    assert [t["label"] for t in tagged["properties"]["nxtag:tags"]] == ["red", "bigtag"]
    assert tagged["properties"]["nxtag:tags"][0]["username"] == "Administrator"
    resp = await client.get(f"{API}/id/{doc['uid']}", headers={"enrichers-document": "tags"})
    assert (await resp.json())["contextParameters"]["tags"] == ["red", "bigtag"]
    await op(client, "Services.UntagDocument", doc["uid"], tags=["red"])
    assert (await get(client, doc["uid"]))["properties"]["nxtag:tags"][0]["label"] == "bigtag"
    await op(client, "Services.RemoveDocumentTags", doc["uid"])
    assert (await get(client, doc["uid"]))["properties"]["nxtag:tags"] == []
    await op(client, "Services.TagDocument", doc["uid"], status=400, tags=["/"])
    body = await (
        await client.post(
            "/nuxeo/graphql",
            json={
                "query": 'mutation($id: ID!) { tagDocument(id: $id, tags: ["x", "y"]) { tags } }',
                "variables": {"id": doc["uid"]},
            },
        )
    ).json()
    assert body["data"]["tagDocument"]["tags"] == ["x", "y"]


async def test_tags_in_nxql_and_default_search(client):
    doc = await make(client, WS, "File", f"tagq-{uuid.uuid4().hex[:6]}")
    await op(client, "Services.TagDocument", doc["uid"], tags=["urgent-q"])
    for nxql in (
        "SELECT * FROM Document WHERE ecm:tag = 'urgent-q' AND ecm:isProxy = 0",
        "SELECT * FROM Document WHERE ecm:tag IN ('nope', 'urgent-q')",
    ):
        found = await (await client.get(f"{API}/query", params={"query": nxql})).json()
        assert [e["uid"] for e in found["entries"]] == [doc["uid"]], nxql
    nxql = f"SELECT * FROM File WHERE ecm:tag <> 'urgent-q' AND ecm:uuid = '{doc['uid']}'"
    assert (await (await client.get(f"{API}/query", params={"query": nxql})).json())[
        "entries"
    ] == []
    found = await (
        await client.get(
            f"{API}/query/default_search", params={"defaults:ecm_tags": '["urgent-q"]'}
        )
    ).json()
    assert [e["uid"] for e in found["entries"]] == [doc["uid"]]
    resp = await client.get(
        f"{API}/query", params={"query": "SELECT * FROM File WHERE ecm:tag LIKE 'x'"}
    )
    assert resp.status == 400
