"""Relations between documents: Document.AddRelation, DeleteRelation and
GetLinkedDocuments, both ways, with their permissions."""

from __future__ import annotations

import uuid

from .test_directories import member

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
REFERENCES = "http://purl.org/dc/terms/References"


async def op(client, op_id: str, input_: str, status=200, headers=None, **params):
    resp = await client.post(
        f"{API}/automation/{op_id}", json={"input": input_, "params": params}, headers=headers
    )
    assert resp.status == status, await resp.text()
    return await resp.json()


async def relate(client, subject: dict, obj: dict, status=200, headers=None, **params):
    params = {"predicate": REFERENCES, **params}
    uid = subject["uid"]
    return await op(
        client, "Document.AddRelation", uid, status, headers, object=obj["uid"], **params
    )


async def titles(client, doc: dict, headers=None, **params) -> list[str]:
    params = {"predicate": REFERENCES, **params}
    found = await op(client, "Document.GetLinkedDocuments", doc["uid"], headers=headers, **params)
    return sorted(e["title"] for e in found["entries"])


async def note(client, title: str) -> dict:
    resp = await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "Note", "name": f"r-{uuid.uuid4().hex[:6]}",
              "properties": {"dc:title": title}},
    )  # fmt: skip
    return await resp.json()


async def test_relations_both_ways(client):
    report, source, other = [await note(client, t) for t in ("Report", "Source", "Other")]
    await relate(client, report, source)
    await relate(client, report, source)  # twice is once
    await relate(client, other, report, outgoing=False)  # report -> other
    assert await titles(client, report) == ["Other", "Source"]
    assert await titles(client, source, outgoing=False) == ["Report"]
    await op(
        client, "Document.DeleteRelation", report["uid"], object=source["uid"], predicate=REFERENCES
    )
    assert await titles(client, report) == ["Other"]
    assert (await client.delete(f"{API}/id/{other['uid']}")).status == 204
    assert await titles(client, report) == []  # gone with the document


async def test_relations_need_write_on_the_subject(client, db):
    reader = await member(db, "relationreader")
    private, shared = await note(client, "Private"), await note(client, "Shared")
    resp = await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": private["uid"]}
    )
    assert resp.status == 200
    other = await note(client, "Other")
    await relate(client, shared, other, status=403, headers=reader)  # read-only on shared
    await relate(client, shared, shared, status=400)  # not to itself
    await relate(client, shared, other, status=400, predicate=" ")
    await relate(client, shared, private)
    assert await titles(client, shared) == ["Private"]
    assert await titles(client, shared, headers=reader) == []  # they may not read it
