"""Comments, replies and annotations: @comment and @annotation as the
official clients use them, the author's rights, and GraphQL."""

from __future__ import annotations

import uuid

from .test_directories import member
from .test_versions import make

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def post(client, uid: str, body: dict, adapter: str = "comment", headers=None):
    resp = await client.post(f"{API}/id/{uid}/@{adapter}", json=body, headers=headers)
    return resp.status, await resp.json()


async def test_comment_reply_list_and_delete(client):
    doc = await make(client, WS, "File", f"talk-{uuid.uuid4().hex[:6]}")
    status, first = await post(client, doc["uid"], {"entity-type": "comment", "text": "one"})
    assert status == 201
    assert first["entity-type"] == "comment" and first["author"] == "Administrator"
    assert first["parentId"] == doc["uid"] and first["ancestorIds"] == [doc["uid"]]
    assert first["creationDate"].endswith("Z") and first["modificationDate"] is None
    assert "Everything" in first["permissions"]
    _, second = await post(client, doc["uid"], {"entity-type": "comment", "text": "two"})
    _, reply = await post(client, first["id"], {"entity-type": "comment", "text": "re: one"})
    assert reply["ancestorIds"] == [doc["uid"], first["id"]]
    listed = await (await client.get(f"{API}/id/{doc['uid']}/@comment")).json()
    assert listed["entity-type"] == "comments" and listed["totalSize"] == 2
    # Newest first; replies are not listed with the comments.
    assert [c["text"] for c in listed["entries"]] == ["two", "one"]
    paged = await (
        await client.get(f"{API}/id/{doc['uid']}/@comment?pageSize=1&currentPageIndex=1")
    ).json()
    assert [c["text"] for c in paged["entries"]] == ["one"]
    resp = await client.get(
        f"{API}/id/{doc['uid']}/@comment/{first['id']}", headers={"fetch-comment": "repliesSummary"}
    )
    summary = await resp.json()
    assert summary["numberOfReplies"] == 1 and summary["lastReplyDate"] == reply["creationDate"]
    # Comments are hidden from the document's children and its listing.
    resp = await client.put(
        f"{API}/id/{doc['uid']}/@comment/{first['id']}",
        json={"entity-type": "comment", "text": "one, edited"},
    )
    edited = await resp.json()
    assert edited["text"] == "one, edited" and edited["modificationDate"] is not None
    # Removed as a document, with its replies.
    assert (await client.delete(f"{API}/id/{first['id']}")).status == 204
    assert (await client.get(f"{API}/id/{reply['id']}")).status == 404
    listed = await (await client.get(f"{API}/id/{doc['uid']}/@comment")).json()
    assert [c["text"] for c in listed["entries"]] == ["two"]
    # A comment on another document is not found through this one.
    other = await make(client, WS, "File", f"other-{uuid.uuid4().hex[:6]}")
    assert (await client.get(f"{API}/id/{other['uid']}/@comment/{second['id']}")).status == 404


async def test_authors_rights(client, db):
    tag = uuid.uuid4().hex[:6]
    doc = await make(client, WS, "File", f"rights-{tag}")
    alice, bob = await member(db, f"alice{tag}"), await member(db, f"bob{tag}")
    # Members read the workspace: they may comment.
    status, mine = await post(
        client, doc["uid"], {"entity-type": "comment", "text": "a"}, headers=alice
    )
    assert status == 201, mine
    url = f"{API}/id/{doc['uid']}/@comment/{mine['id']}"
    body = {"entity-type": "comment", "text": "b"}
    assert (await client.put(url, json=body, headers=bob)).status == 403
    assert (await client.delete(url, headers=bob)).status == 403
    resp = await client.put(url, json=body, headers=alice)
    assert resp.status == 200 and (await resp.json())["text"] == "b"
    assert (await client.delete(url, headers=alice)).status == 204


async def test_external_comments_and_annotations(client):
    doc = await make(client, WS, "File", f"ann-{uuid.uuid4().hex[:6]}")
    status, external = await post(
        client,
        doc["uid"],
        {"entity-type": "comment", "text": "mirrored", "entityId": "ext-1", "origin": "jira"},
    )
    assert status == 201 and external["entityId"] == "ext-1" and external["origin"] == "jira"
    found = await (await client.get(f"{API}/id/{doc['uid']}/@comment/external/ext-1")).json()
    assert found["id"] == external["id"]
    status, note = await post(
        client,
        doc["uid"],
        {"entity-type": "annotation", "text": "see p.2", "xpath": "file:content"},
        adapter="annotation",
    )
    assert status == 201 and note["entity-type"] == "annotation" and note["xpath"] == "file:content"
    listed = await (
        await client.get(f"{API}/id/{doc['uid']}/@annotation?xpath=file:content")
    ).json()
    assert listed["entity-type"] == "annotations"
    assert [a["id"] for a in listed["entries"]] == [note["id"]]
    other = await (await client.get(f"{API}/id/{doc['uid']}/@annotation?xpath=files:files")).json()
    assert other["entries"] == []
    _, answer = await post(client, note["id"], {"entity-type": "comment", "text": "agreed"})
    resp = await client.post(f"{API}/id/{doc['uid']}/@annotation/comments", json=[note["id"]])
    assert [c["id"] for c in (await resp.json())["entries"]] == [answer["id"]]


async def test_bad_comments_are_refused(client):
    doc = await make(client, WS, "File", f"bad-{uuid.uuid4().hex[:6]}")
    for body in (
        {"entity-type": "comment"},
        {"entity-type": "comment", "text": 3},
        {"entity-type": "comment", "text": "x", "creationDate": "yesterday"},
        {"entity-type": "document", "text": "x"},
        ["x"],
    ):
        status, answer = await post(client, doc["uid"], body)
        assert status == 400, (body, answer)
    status, _ = await post(
        client, doc["uid"], {"entity-type": "annotation", "text": "x"}, "annotation"
    )
    assert status == 400
    listed = await (await client.get(f"{API}/id/{doc['uid']}/@comment")).json()
    assert listed["totalSize"] == 0


async def test_graphql_comments(client):
    doc = await make(client, WS, "File", f"gcom-{uuid.uuid4().hex[:6]}")

    async def graphql(query: str, **variables) -> dict:
        resp = await client.post("/nuxeo/graphql", json={"query": query, "variables": variables})
        body = await resp.json()
        assert "errors" not in body, body
        return body["data"]

    data = await graphql(
        'mutation($d: ID!) { createComment(documentId: $d, text: "hi") { id author } }',
        d=doc["uid"],
    )
    comment_id = data["createComment"]["id"]
    await graphql(
        'mutation($d: ID!) { createComment(documentId: $d, text: "hello") { id } }',
        d=comment_id,
    )
    await graphql('mutation($c: ID!) { updateComment(id: $c, text: "hi!") { text } }', c=comment_id)
    data = await graphql(
        "query($d: ID!) { document(id: $d) { comments { totalSize entries { text"
        " replies { totalSize entries { text ancestorIds } } } } } }",
        d=doc["uid"],
    )
    comments = data["document"]["comments"]
    assert comments["totalSize"] == 1
    [comment] = comments["entries"]
    assert comment["text"] == "hi!"
    assert comment["replies"]["entries"] == [
        {"text": "hello", "ancestorIds": [doc["uid"], comment_id]}
    ]
    data = await graphql("mutation($c: ID!) { deleteComment(id: $c) }", c=comment_id)
    assert data["deleteComment"] is True


async def test_graphql_comments_of_a_page_cost_a_bounded_number_of_statements(client, app_database):
    folder = await make(client, WS, "Folder", f"threads-{uuid.uuid4().hex[:6]}")
    for i in range(12):
        doc = await make(client, folder["path"], "Note", f"n{i}")
        for j in range(2):
            await post(client, doc["uid"], {"entity-type": "comment", "text": f"c{i}.{j}"})
    query = """query($id: ID!) { document(id: $id) { children(pageSize: 20) { entries {
                 comments(pageSize: 5) { totalSize entries { text replies { totalSize } } }
               } } } }"""
    payload = {"query": query, "variables": {"id": folder["uid"]}}
    await client.post("/nuxeo/graphql", json=payload)  # plans and credentials warm
    before = app_database.stats.statements
    body = await (await client.post("/nuxeo/graphql", json=payload)).json()
    statements = app_database.stats.statements - before
    entries = body["data"]["document"]["children"]["entries"]
    assert len(entries) == 12 and all(e["comments"]["totalSize"] == 2 for e in entries)
    assert all(len(e["comments"]["entries"]) == 2 for e in entries)
    # Per level, not per document: the folder, its children, their comments
    # (with the permissions and the commented documents), the replies.
    assert statements <= 6, statements
