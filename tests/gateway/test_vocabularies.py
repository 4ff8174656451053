"""Vocabulary-backed fields: dc:nature, dc:subjects and dc:coverage take
entries of their directories (parent/child in hierarchical ones), checked on
create and save through every door; a refusal is Nuxeo's validation report
and changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from docgraph.gateway.app import create_app
from tests.conftest import ADMIN_AUTH

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


def note(name: str, **properties) -> dict:
    return {"entity-type": "document", "type": "Note", "name": name, "properties": properties}


async def test_entries_of_the_directories_are_accepted(client):
    name = f"v-{uuid.uuid4().hex[:6]}"
    values = {
        "dc:nature": "article",
        "dc:subjects": ["art/architecture", "sciences", "music"],
        "dc:coverage": "europe/France",
    }
    resp = await client.post(f"{API}/path{WS}", json=note(name, **values))
    assert resp.status == 201, await resp.text()
    props = (await resp.json())["properties"]
    assert {k: props[k] for k in values} == values


@pytest.mark.parametrize(
    ("values", "path", "directory"),
    [
        ({"dc:nature": "nonsense"}, [{"field_name": "dc:nature", "is_list_item": False}], "nature"),
        (
            {"dc:subjects": ["art", "sciences/architecture"]},
            [
                {"field_name": "dc:subjects", "is_list_item": False},
                {"field_name": "item", "is_list_item": True, "index": 1},
            ],
            "l10nsubjects",
        ),
        (
            {"dc:coverage": "europe/Japan"},
            [{"field_name": "dc:coverage", "is_list_item": False}],
            "l10ncoverage",
        ),
    ],
)
async def test_a_value_outside_its_vocabulary_is_a_validation_report(
    client, values, path, directory
):
    name = f"v-{uuid.uuid4().hex[:6]}"
    resp = await client.post(f"{API}/path{WS}", json=note(name, **values))
    assert resp.status == 400
    report = await resp.json()
    assert report["entity-type"] == "validation_report"
    assert report["has_error"] is True and report["number"] == 1
    [violation] = report["violations"]
    assert violation["path"] == path
    assert violation["constraint"] == {
        "entity-type": "validation_constraint",
        "name": "ObjectResolverConstraint",
        "parameters": {"directory": directory},
    }
    assert (await client.get(f"{API}/path{WS}/{name}")).status == 404


async def test_only_the_values_a_save_changes_are_checked(aiohttp_client, database_url, settings):
    lax = create_app(replace(settings, validate_vocabularies=False), database_url)
    lax_client = await aiohttp_client(lax, headers={"Authorization": ADMIN_AUTH})
    name = f"v-{uuid.uuid4().hex[:6]}"
    resp = await lax_client.post(f"{API}/path{WS}", json=note(name, **{"dc:nature": "legacy"}))
    assert resp.status == 201, await resp.text()  # validation switched off
    uid = (await resp.json())["uid"]

    strict = create_app(settings, database_url)
    client = await aiohttp_client(strict, headers={"Authorization": ADMIN_AUTH})
    body = {"entity-type": "document", "properties": {"dc:title": "still editable"}}
    resp = await client.put(f"{API}/id/{uid}", json=body)
    assert resp.status == 200, await resp.text()
    body = {"entity-type": "document", "properties": {"dc:nature": "also-legacy"}}
    resp = await client.put(f"{API}/id/{uid}", json=body)
    assert resp.status == 400
    resp = await client.get(f"{API}/id/{uid}")
    assert (await resp.json())["properties"]["dc:nature"] == "legacy"


async def test_automation_and_graphql_check_too(client):
    resp = await client.post(f"{API}/path{WS}", json=note(f"v-{uuid.uuid4().hex[:6]}"))
    uid = (await resp.json())["uid"]
    resp = await client.post(
        f"{API}/automation/Document.SetProperty",
        json={"input": uid, "params": {"xpath": "dc:nature", "value": "nonsense"}},
    )
    assert resp.status == 400
    assert (await resp.json())["entity-type"] == "validation_report"
    query = "mutation($id: ID!, $p: JSON!) { updateDocument(id: $id, properties: $p) { uid } }"
    variables = {"id": uid, "p": {"dc:coverage": "Mars"}}
    resp = await client.post("/nuxeo/graphql", json={"query": query, "variables": variables})
    [error] = (await resp.json())["errors"]
    assert error["extensions"]["code"] == "validation_failed"
    assert error["extensions"]["violations"][0]["property"] == "dc:coverage"


async def test_an_entry_added_to_a_directory_becomes_a_valid_value(client):
    entry = f"memo{uuid.uuid4().hex[:6]}"
    resp = await client.post(
        f"{API}/directory/nature",
        json={"entity-type": "directoryEntry", "properties": {"id": entry, "label": entry}},
    )
    assert resp.status == 201, await resp.text()
    name = f"v-{uuid.uuid4().hex[:6]}"
    resp = await client.post(f"{API}/path{WS}", json=note(name, **{"dc:nature": entry}))
    assert resp.status == 201, await resp.text()
