"""A listing that renders a few schemas reads only their properties: a large
note in a listing asked for ``dublincore`` never becomes a Python string. What
needs more (an enricher that reads properties, a page piped into an
operation, a later read of one of the listed documents) still gets it all."""

from __future__ import annotations

import uuid

import pytest

from docgraph.resolvers.model import Document

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
LARGE = "x" * 200_000


@pytest.fixture
async def folder(client):
    tag = uuid.uuid4().hex[:6]
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": f"l-{tag}"}
    )
    created = await resp.json()
    for i in range(3):
        resp = await client.post(
            f"{API}/path{created['path']}",
            json={
                "entity-type": "document",
                "type": "Note",
                "name": f"n{i}",
                "properties": {"dc:title": f"Note {i}", "note:note": LARGE},
            },
        )
        assert resp.status == 201, await resp.text()
    return created


@pytest.fixture
def built(monkeypatch) -> list[Document]:
    """Every document the server builds from a row, from here on."""
    seen: list[Document] = []
    original = Document.from_record

    def spy(record, *, projected=False):
        doc = original(record, projected=projected)
        seen.append(doc)
        return doc

    monkeypatch.setattr(Document, "from_record", staticmethod(spy))
    return seen


def largest_property(docs: list[Document]) -> int:
    return max((len(str(v)) for d in docs for v in d.properties.values()), default=0)


@pytest.mark.parametrize(
    "tail",
    [
        "@children",
        "@search?query=SELECT * FROM Note WHERE ecm:parentId = '{uid}'",
        "@pp/CURRENT_DOC_CHILDREN",
    ],
)
async def test_a_listing_of_one_schema_reads_only_that_schema(client, folder, built, tail):
    resp = await client.get(
        f"{API}/id/{folder['uid']}/{tail.format(uid=folder['uid'])}",
        headers={"X-NXproperties": "dublincore"},
    )
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert sorted(e["title"] for e in body["entries"]) == ["Note 0", "Note 1", "Note 2"]
    for entry in body["entries"]:
        assert entry["properties"]["dc:title"] == entry["title"]
        assert entry["lastModified"] == entry["properties"]["dc:modified"]
        assert not any(key.startswith("note:") for key in entry["properties"])
    listed = [d for d in built if d.type == "Note"]
    assert listed and all(d.projected for d in listed)
    assert largest_property(listed) < 1000


async def test_the_whole_document_is_read_when_no_schema_is_named(client, folder, built):
    resp = await client.get(f"{API}/id/{folder['uid']}/@children")
    body = await resp.json()
    assert {e["properties"]["note:note"] for e in body["entries"]} == {LARGE}
    assert not any(d.projected for d in built)


async def test_an_enricher_that_reads_properties_gets_them_all(client, folder, built):
    resp = await client.get(
        f"{API}/id/{folder['uid']}/@children",
        headers={"X-NXproperties": "dublincore", "enrichers.document": "thumbnail"},
    )
    assert resp.status == 200, await resp.text()
    assert not any(d.projected for d in built)


async def test_an_enricher_that_leaves_properties_alone_keeps_the_projection(client, folder, built):
    resp = await client.get(
        f"{API}/id/{folder['uid']}/@children",
        headers={"X-NXproperties": "dublincore", "enrichers.document": "breadcrumb,permissions"},
    )
    body = await resp.json()
    trail = body["entries"][0]["contextParameters"]["breadcrumb"]["entries"]
    assert trail[-1]["title"] == "Note 0"
    assert any(d.projected for d in built)


async def test_a_piped_page_is_read_whole(client, folder):
    """The operation after the pipe sees every property, whatever the answer
    renders: resetting the note clears it (it would see no note, and change
    nothing, on a page read for dublincore alone)."""
    resp = await client.post(
        f"{API}/id/{folder['uid']}/@children/@op/Document.ResetSchema",
        json={"params": {"xpath": "note:note"}},
        headers={"X-NXproperties": "dublincore"},
    )
    assert resp.status == 200, await resp.text()
    resp = await client.get(f"{API}/id/{folder['uid']}/@children", headers={"properties": "note"})
    assert {e["properties"]["note:note"] for e in (await resp.json())["entries"]} == {None}


async def test_a_listed_document_read_again_is_whole(client, folder):
    """A projected document is never kept as the request's copy of that document."""
    resp = await client.post(
        f"{API}/automation/Repository.Query",
        json={"params": {"query": f"SELECT * FROM Note WHERE ecm:parentId = '{folder['uid']}'"}},
        headers={"X-NXproperties": "note"},
    )
    body = await resp.json()
    assert {e["properties"]["note:note"] for e in body["entries"]} == {LARGE}
