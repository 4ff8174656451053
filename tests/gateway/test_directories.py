"""Directories: Nuxeo's vocabularies with their data, paged listings, entry
CRUD by administrators and power users, parents, and GraphQL."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"


async def member(db, name: str, *groups: str) -> dict[str, str]:
    if await db_security.user_by_name(db, name) is None:
        await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
        for group in ("members", *groups):
            await db_security.add_membership(db, name, group)
    return basic(name, f"{name}-pw")


async def test_listed_directories_and_their_data(client):
    listed = await (await client.get(f"{API}/directory")).json()
    assert listed["entity-type"] == "directories"
    by_name = {d["name"]: d for d in listed["entries"]}
    assert by_name["country"] == {
        "entity-type": "directory",
        "name": "country",
        "schema": "xvocabulary",
        "idField": "id",
        "parent": "continent",
    }
    assert "search_operators" not in by_name  # a system directory: not listed
    counts = {}
    names = ("continent", "country", "nature", "l10nsubjects", "l10ncoverage", "language")
    for name in (*names, "search_operators"):
        page = await (await client.get(f"{API}/directory/{name}?pageSize=1")).json()
        counts[name] = page["resultsCount"]
    assert counts == {
        "continent": 7,
        "country": 244,
        "nature": 37,
        "l10nsubjects": 58,
        "l10ncoverage": 251,
        "language": 11,
        "search_operators": 6,
    }
    resp = await client.get(f"{API}/directory/country/France")
    assert await resp.json() == {
        "entity-type": "directoryEntry",
        "directoryName": "country",
        "id": "France",
        "properties": {
            "id": "France",
            "label": "label.directories.country.France",
            "parent": "europe",
            "obsolete": 0,
            "ordering": 10000000,
        },
    }
    resp = await client.get(
        f"{API}/directory/country/France", params={"fetch.directoryEntry": "parent"}
    )
    parent = (await resp.json())["properties"]["parent"]
    assert parent["directoryName"] == "continent" and parent["id"] == "europe"


async def test_pages_of_entries(client):
    first = await (await client.get(f"{API}/directory/country")).json()
    assert first["entity-type"] == "directoryEntries"
    assert len(first["entries"]) == 50 and first["isNextPageAvailable"]
    names = [e["id"] for e in first["entries"]]
    assert names[:2] == ["Afghanistan", "Aland_Islands"]
    last = await (
        await client.get(f"{API}/directory/nature", params={"pageSize": 10, "currentPageIndex": 3})
    ).json()
    assert [e["id"] for e in last["entries"]][-3:] == [
        "internshipReport",
        "bankAccountDetails",
        "pressReview",
    ]
    assert len(last["entries"]) == 7 and not last["isNextPageAvailable"]
    assert (await client.get(f"{API}/directory/nature?pageSize=-1")).status == 400


async def test_entry_crud_and_who_may_write(client, db):
    tag = uuid.uuid4().hex[:6]
    body = {
        "entity-type": "directoryEntry",
        "directoryName": "nature",
        "properties": {"id": f"memo-{tag}", "label": "Memo", "ordering": "5"},
    }
    resp = await client.post(f"{API}/directory/nature", json=body)
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    assert created["properties"] == {
        "id": f"memo-{tag}",
        "label": "Memo",
        "obsolete": 0,
        "ordering": 5,
    }
    assert (await client.post(f"{API}/directory/nature", json=body)).status == 409
    resp = await client.put(
        f"{API}/directory/nature/memo-{tag}",
        json={"entity-type": "directoryEntry", "properties": {"label": "Note"}},
    )
    assert (await resp.json())["properties"]["label"] == "Note"
    # Members read but do not write; power users write.
    reader = await member(db, f"dirreader{tag}")
    power = await member(db, f"dirpower{tag}", "powerusers")
    assert (await client.get(f"{API}/directory/nature/memo-{tag}", headers=reader)).status == 200
    resp = await client.delete(f"{API}/directory/nature/memo-{tag}", headers=reader)
    assert resp.status == 403
    resp = await client.delete(f"{API}/directory/nature/memo-{tag}", headers=power)
    assert resp.status == 204
    resp = await client.get(f"{API}/directory/nature/memo-{tag}")
    assert resp.status == 404 and (await resp.json())["message"] == "Entry not found"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("nature", {"entity-type": "document"}, 400),
        ("nature", {"entity-type": "directoryEntry", "properties": {}}, 400),
        ("nature", {"entity-type": "directoryEntry", "properties": {"id": "x", "nope": 1}}, 400),
        (
            "nature",
            {"entity-type": "directoryEntry", "properties": {"id": "x", "obsolete": "y"}},
            400,
        ),
        ("nature", {"entity-type": "directoryEntry", "properties": {"id": ["x"]}}, 400),
        ("nature", {"entity-type": "directoryEntry", "properties": {"id": "x" * 300}}, 400),
        (
            "nature",
            {
                "entity-type": "directoryEntry",
                "directoryName": "country",
                "properties": {"id": "x"},
            },
            400,
        ),
        ("nowhere", {"entity-type": "directoryEntry", "properties": {"id": "x"}}, 404),
        ("userDirectory", {"entity-type": "directoryEntry", "properties": {"id": "x"}}, 400),
    ],
)
async def test_bad_entries_are_refused_and_change_nothing(client, path, body, status):
    resp = await client.post(f"{API}/directory/{path}", json=body)
    assert resp.status == status, await resp.text()
    assert (await resp.json())["entity-type"] == "exception"
    assert (await client.get(f"{API}/directory/nature/x")).status == 404


async def test_a_parent_entry_in_use_cannot_be_removed(client):
    resp = await client.delete(f"{API}/directory/continent/europe")
    assert resp.status == 409
    assert (await client.get(f"{API}/directory/continent/europe")).status == 200
    resp = await client.delete(f"{API}/directory/l10nsubjects/art")
    assert resp.status == 409
    assert (await client.delete(f"{API}/directory/l10nsubjects/cinema")).status == 204


async def test_graphql_directories(client):
    query = """
    { directories { name }
      directory(name: "country") {
        schema parent
        entries(pageSize: 2, currentPageIndex: 1) { totalSize entries { id properties } }
        entry(id: "Japan") { properties }
        missing: entry(id: "Atlantis") { id }
      } }
    """
    body = await (await client.post("/nuxeo/graphql", json={"query": query})).json()
    data = body["data"]
    assert "nature" in [d["name"] for d in data["directories"]]
    country = data["directory"]
    assert country["schema"] == "xvocabulary" and country["parent"] == "continent"
    assert country["entries"]["totalSize"] == 244
    assert [e["id"] for e in country["entries"]["entries"]] == ["Albania", "Algeria"]
    assert country["entry"]["properties"]["parent"] == "asia"
    assert country["missing"] is None
    body = await (
        await client.post("/nuxeo/graphql", json={"query": '{ directory(name: "x") { name } }'})
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "not_found"


async def test_graphql_directory_mutations(client, db):
    create = """mutation($p: JSON!) { createDirectoryEntry(directory: "language", properties: $p)
                { id properties } }"""
    body = await (
        await client.post(
            "/nuxeo/graphql", json={"query": create, "variables": {"p": {"id": "eo"}}}
        )
    ).json()
    assert body["data"]["createDirectoryEntry"]["properties"]["obsolete"] == 0
    update = """mutation { updateDirectoryEntry(directory: "language", id: "eo",
                properties: {label: "Esperanto"}) { properties } }"""
    body = await (await client.post("/nuxeo/graphql", json={"query": update})).json()
    assert body["data"]["updateDirectoryEntry"]["properties"]["label"] == "Esperanto"
    # A member may not delete it.
    reader = await member(db, "gqldirreader")
    delete = 'mutation { deleteDirectoryEntry(directory: "language", id: "eo") }'
    resp = await client.post("/nuxeo/graphql", json={"query": delete}, headers=reader)
    assert (await resp.json())["errors"][0]["extensions"]["code"] == "forbidden"
    body = await (await client.post("/nuxeo/graphql", json={"query": delete})).json()
    assert body["data"]["deleteDirectoryEntry"] is True
    assert (await client.get(f"{API}/directory/language/eo")).status == 404
