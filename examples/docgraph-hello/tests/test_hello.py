"""docgraph-hello through both doors, as installed (entry point) — no wiring by hand.

The fixtures ``docgraph_database`` (a fresh database, with this plugin's
migrations) and ``aiohttp_client`` come from docgraph's and pytest-aiohttp's
pytest plugins.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("docgraph_hello", reason="docgraph-hello is not installed")

from docgraph.gateway.app import create_app
from docgraph.plugins import build_registry
from docgraph.settings import Settings
from docgraph.testing import ADMIN_AUTH

API = "/nuxeo/api/v1"
WORKSPACES = "/default-domain/workspaces"


@pytest.fixture(scope="module")
def registry():
    return build_registry(enabled=["hello"])


@pytest.fixture(scope="module")
def database_url(docgraph_database, registry):
    return docgraph_database("hello", registry)


@pytest.fixture
async def client(aiohttp_client, database_url, registry):
    settings = Settings(pool_min_size=1, pool_max_size=2)
    app = create_app(settings, database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


@pytest.fixture
async def note(client):
    resp = await client.post(
        f"{API}/path{WORKSPACES}",
        json={
            "entity-type": "document",
            "type": "Note",
            "name": "counted",
            "properties": {
                "dc:title": "Three little words",
                "dc:description": "two more",
                "note:note": "<p>Hello <b>plugin</b> world</p>",
            },
        },
    )
    assert resp.status == 201
    return await resp.json()


def test_installing_the_package_is_enough():
    assert "hello" in build_registry().loaded


async def test_endpoint_greets_and_records_in_the_plugin_table(client):
    resp = await client.get(f"{API}/hello/Ada")
    assert await resp.json() == {
        "entity-type": "greeting",
        "name": "Ada",
        "message": "Hello, Ada!",
        "greeted": 0,
    }
    for expected in (1, 2):
        resp = await client.post(f"{API}/hello/Ada")
        assert (await resp.json())["greeted"] == expected
    assert (await (await client.get(f"{API}/hello/Ada")).json())["greeted"] == 2
    resp = await client.delete(f"{API}/hello/Ada")
    assert resp.status == 405 and resp.headers["Allow"] == "GET, HEAD, POST"
    assert (await client.get(f"{API}/hello")).status == 404
    assert (await client.get(f"{API}/hello/{'x' * 101}")).status == 400


async def test_wordcount_adapter_and_enricher(client, note):
    resp = await client.get(f"{API}/id/{note['uid']}/@wordcount")
    assert await resp.json() == {
        "entity-type": "wordcount",
        "uid": note["uid"],
        "title": 3,
        "description": 2,
        "note": 3,
        "total": 8,
    }
    resp = await client.get(f"{API}/path{WORKSPACES}/@children/@wordcount")
    assert resp.status == 400  # a page of documents is not a document
    resp = await client.get(
        f"{API}/path{WORKSPACES}/@children", headers={"enrichers.document": "wordcount"}
    )
    entries = {e["uid"]: e for e in (await resp.json())["entries"]}
    assert entries[note["uid"]]["contextParameters"] == {"wordcount": 8}


async def test_operation_and_document_type(client, note):
    resp = await client.post(f"{API}/automation/Hello.Greet", json={"params": {"name": "Bob"}})
    assert await resp.json() == {"entity-type": "string", "value": "Hello, Bob!"}
    resp = await client.post(
        f"{API}/path{WORKSPACES}",
        json={
            "entity-type": "document",
            "type": "Greeting",
            "name": "hi",
            "properties": {"dc:title": "Hi", "greeting:recipient": "Grace"},
        },
    )
    assert resp.status == 201
    greeting = await resp.json()
    assert {"name": "greeting", "prefix": "greeting"} in greeting["schemas"]
    resp = await client.post(f"{API}/id/{greeting['uid']}/@op/Hello.Greet", json={"params": {}})
    assert (await resp.json())["value"] == "Hello, Grace!"


async def test_graphql_fields(client, note):
    resp = await client.post(
        "/nuxeo/graphql",
        json={
            "query": 'query($id: ID!) { hello(name: "Ada") { message } '
            "wordcount(id: $id) { total } document(id: $id) { title } }",
            "variables": {"id": note["uid"]},
        },
    )
    body = await resp.json()
    assert body["data"] == {
        "hello": {"message": "Hello, Ada!"},
        "wordcount": {"total": 8},
        "document": {"title": "Three little words"},
    }


def test_docgraph_migrate_applies_the_plugin_migration(docgraph_database):
    bare = docgraph_database("hello_cli")  # docgraph's migrations only
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    env["DOCGRAPH_PLUGINS"] = "hello"
    run = [sys.executable, "-m", "docgraph", "migrate", "--database-url", bare]
    result = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "hello: 0001_greetings.sql" in result.stdout
    again = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert "0 migration(s) applied" in again.stdout
