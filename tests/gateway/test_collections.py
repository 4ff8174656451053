"""Collections and favorites: a user's own collections in their personal
workspace, members added without being written to, the members one may
see, the enrichers, GraphQL, and what is refused."""

from __future__ import annotations

import asyncio
import uuid

from .test_directories import member

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def op(client, op_id: str, input_=None, status: int = 200, headers=None, **params):
    body = {"params": params} if input_ is None else {"input": input_, "params": params}
    resp = await client.post(f"{API}/automation/{op_id}", json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return await resp.json()


async def make(client, parent: str, type_: str, title: str, headers=None) -> dict:
    resp = await client.post(
        f"{API}/path{parent}",
        json={
            "entity-type": "document",
            "type": type_,
            "name": f"c-{uuid.uuid4().hex[:6]}",
            "properties": {"dc:title": title},
        },
        headers=headers,
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_a_users_collection_lives_in_their_own_workspace(client, db):
    ann = await member(db, f"ann{uuid.uuid4().hex[:4]}")
    bob = await member(db, f"bob{uuid.uuid4().hex[:4]}")
    collection = await op(client, "Collection.Create", headers=ann, name="My reading")
    assert collection["type"] == "Collection"
    workspace = await op(client, "UserWorkspace.Get", headers=ann)
    assert collection["path"] == f"{workspace['path']}/Collections/{collection['title']}"
    assert workspace["path"].startswith("/default-domain/UserWorkspaces/")
    # Nobody else reads one's workspace or collections.
    for uid in (workspace["uid"], collection["uid"]):
        assert (await client.get(f"{API}/id/{uid}", headers=bob)).status in (403, 404)
    again = await op(client, "User.GetUserWorkspace", headers=ann)
    assert again["uid"] == workspace["uid"]


async def test_concurrent_first_requests_make_one_workspace(client, db):
    cat = await member(db, f"cat{uuid.uuid4().hex[:4]}")
    found = await asyncio.gather(*[op(client, "UserWorkspace.Get", headers=cat) for _ in range(5)])
    assert len({w["uid"] for w in found}) == 1, [w["path"] for w in found]


async def test_members_are_added_without_being_changed(client, db):
    name = f"ann{uuid.uuid4().hex[:4]}"
    ann = await member(db, name)
    docs = [await make(client, WS, "Note", title) for title in ("Beta", "Alpha")]
    collection = await op(client, "Collection.Create", headers=ann, name="Picks")
    added = await op(
        client,
        "Document.AddToCollection",
        f"docs:{','.join(d['uid'] for d in docs)}",
        headers=ann,
        collection=collection["uid"],
    )
    assert [d["uid"] for d in added["entries"]] == [d["uid"] for d in docs]
    for doc in docs:  # members are not written to
        after = await (await client.get(f"{API}/id/{doc['uid']}")).json()
        assert after["changeToken"] == doc["changeToken"]
    resp = await client.get(
        f"{API}/id/{collection['uid']}",
        headers={**ann, "enrichers.document": "hasContent", "properties": "dublincore"},
    )
    held = await resp.json()
    assert held["contextParameters"]["hasContent"] is True
    held = await (await client.get(f"{API}/id/{collection['uid']}", headers=ann)).json()
    assert held["properties"]["collection:documentIds"] == [d["uid"] for d in docs]
    page = await op(client, "Collection.GetDocumentsFromCollection", collection["uid"], headers=ann)
    assert [e["title"] for e in page["entries"]] == ["Alpha", "Beta"]
    resp = await client.get(
        f"{API}/id/{docs[0]['uid']}/@audit", params={"eventId": "addedToCollection"}
    )
    [entry] = (await resp.json())["entries"]
    assert entry["principalName"] == name
    await op(
        client,
        "Collection.RemoveFromCollection",
        docs[0]["uid"],
        headers=ann,
        collection=collection["uid"],
    )
    page = await op(client, "Collection.GetDocumentsFromCollection", collection["uid"], headers=ann)
    assert [e["title"] for e in page["entries"]] == ["Alpha"]


async def test_members_one_may_not_read_stay_hidden(client, db):
    dan = await member(db, f"dan{uuid.uuid4().hex[:4]}")
    shared = await make(client, WS, "Folder", "Shared shelf")
    visible = await make(client, WS, "Note", "Visible")
    private = await make(client, WS, "Note", "Private")
    resp = await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": private["uid"]}
    )
    assert resp.status == 200, await resp.text()
    collection = await op(client, "Collection.Create", shared["uid"], name="Mixed")
    await op(
        client,
        "Document.AddToCollection",
        f"docs:{visible['uid']},{private['uid']}",
        collection=collection["uid"],
    )
    page = await op(client, "Collection.GetDocumentsFromCollection", collection["uid"], headers=dan)
    assert [e["title"] for e in page["entries"]] == ["Visible"]
    assert page["resultsCount"] == 1
    resp = await client.get(
        f"{API}/search/pp/default_content_collection/execute",
        params={"queryParams": collection["uid"]},
        headers=dan,
    )
    assert [e["title"] for e in (await resp.json())["entries"]] == ["Visible"]
    # One may not add to a collection one may only read.
    await op(
        client,
        "Document.AddToCollection",
        visible["uid"],
        status=403,
        headers=dan,
        collection=collection["uid"],
    )


async def test_enrichers_and_favorites(client, db):
    eve = await member(db, f"eve{uuid.uuid4().hex[:4]}")
    doc = await make(client, WS, "File", "Starred")
    collection = await op(client, "Collection.Create", headers=eve, name="Eve's")
    await op(
        client, "Document.AddToCollection", doc["uid"], headers=eve, collection=collection["uid"]
    )

    async def enriched(headers) -> dict:
        resp = await client.get(
            f"{API}/id/{doc['uid']}",
            headers={**headers, "enrichers.document": "collections,favorites"},
        )
        return (await resp.json())["contextParameters"]

    found = await enriched(eve)
    assert [c["uid"] for c in found["collections"]["entries"]] == [collection["uid"]]
    assert found["favorites"] == {"isFavorite": False}
    await op(client, "Document.AddToFavorites", doc["uid"], headers=eve)
    assert (await enriched(eve))["favorites"] == {"isFavorite": True}
    # The administrator sees neither eve's collection nor her favorites as his.
    admin = await enriched({})
    assert admin["favorites"] == {"isFavorite": False}
    favorites = await op(client, "Favorite.GetDocuments", headers=eve)
    assert [e["uid"] for e in favorites["entries"]] == [doc["uid"]]
    listed = await op(client, "User.GetCollections", headers=eve, searchTerm="Eve%")
    assert [c["uid"] for c in listed["entries"]] == [collection["uid"]]  # not Favorites
    await op(client, "Document.RemoveFromFavorites", doc["uid"], headers=eve)
    assert (await enriched(eve))["favorites"] == {"isFavorite": False}


async def test_what_cannot_be_collected_is_refused(client):
    collection = await op(client, "Collection.Create", name="Strict")
    domain = await (await client.get(f"{API}/path/default-domain")).json()
    note = await make(client, WS, "Note", "Plain")
    # A Domain is NotCollectionMember; a note is not a collection.
    await op(
        client, "Document.AddToCollection", domain["uid"], status=400, collection=collection["uid"]
    )
    await op(client, "Document.AddToCollection", note["uid"], status=400, collection=note["uid"])
    await op(client, "Collection.Create", status=400, name=" ")


async def test_concurrent_adds_all_count(client):
    collection = await op(client, "Collection.Create", name="Busy")
    docs = [await make(client, WS, "Note", f"n{i}") for i in range(8)]
    await asyncio.gather(
        *[
            op(client, "Document.AddToCollection", d["uid"], collection=collection["uid"])
            for d in docs
        ]
    )
    held = await (await client.get(f"{API}/id/{collection['uid']}")).json()
    assert sorted(held["properties"]["collection:documentIds"]) == sorted(d["uid"] for d in docs)


async def test_graphql_collections(client, db):
    fay = await member(db, f"fay{uuid.uuid4().hex[:4]}")
    doc = await make(client, WS, "Note", "Graph pick")

    async def graphql(query: str, **variables) -> dict:
        resp = await client.post(
            "/nuxeo/graphql", json={"query": query, "variables": variables}, headers=fay
        )
        body = await resp.json()
        assert "errors" not in body, body
        return body["data"]

    data = await graphql('mutation { createCollection(name: "Graphs") { uid title } }')
    created = data["createCollection"]
    await graphql(
        "mutation($c: ID!, $d: ID!) { addToCollection(collectionId: $c, documentIds: [$d]) { uid } "
        "addToFavorites(documentIds: [$d]) { uid } }",
        c=created["uid"],
        d=doc["uid"],
    )
    data = await graphql(
        "query($d: ID!, $c: ID!) { document(id: $d) { isFavorite collections { title } } "
        "collection: document(id: $c) { collectionMembers { totalSize entries { title } } } "
        'collections(searchTerm: "Graph%") { entries { title } } }',
        d=doc["uid"],
        c=created["uid"],
    )
    assert data["document"] == {"isFavorite": True, "collections": [{"title": "Graphs"}]}
    members = data["collection"]["collectionMembers"]
    assert members == {"totalSize": 1, "entries": [{"title": "Graph pick"}]}
    assert data["collections"]["entries"] == [{"title": "Graphs"}]


async def test_a_list_is_added_in_one_change_of_the_collection(client):
    collection = await op(client, "Collection.Create", name="Batch")
    docs = [await make(client, WS, "Note", f"b{i}") for i in range(20)]
    ids = ",".join(d["uid"] for d in docs)
    await op(client, "Document.AddToCollection", f"docs:{ids}", collection=collection["uid"])
    await op(client, "Document.AddToFavorites", f"docs:{ids}")
    held = await (await client.get(f"{API}/id/{collection['uid']}")).json()
    assert held["properties"]["collection:documentIds"] == [d["uid"] for d in docs]
    # One modification of the collection for the twenty members, not twenty.
    resp = await client.get(
        f"{API}/id/{collection['uid']}/@audit", params={"eventId": "documentModified"}
    )
    assert len((await resp.json())["entries"]) == 1
    await op(client, "Document.RemoveFromFavorites", f"docs:{ids}")
    favorites = await op(client, "Favorite.GetDocuments", pageSize=50)
    assert not {e["uid"] for e in favorites["entries"]} & {d["uid"] for d in docs}
