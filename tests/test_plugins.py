"""Plugins contribute through the same registry calls as docgraph's own features."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncGenerator
from typing import Any

import pytest
import strawberry

import docgraph.plugins as plugins
from docgraph.gateway.app import create_app
from docgraph.plugins import Adapter, Chain, ChainStep, DocType, Param, operation
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.schema import build_schema

from .conftest import ADMIN_AUTH


@operation(
    "Shout.Title",
    signature=[("document", "string")],
    params=[Param("suffix", default="!")],
    category="Fun",
)
async def shout(call: OperationCall, doc: Document, *, suffix: str) -> str:
    return doc.title.upper() + suffix


async def title(ctx: Any, subject: Document, args: tuple[str, ...], call: Any) -> str:
    return subject.title


@strawberry.type
class ShoutQuery:
    @strawberry.field
    def shout(self, text: str) -> str:
        return text.upper()


def shout_plugin(registry: plugins.Registry) -> None:
    registry.add_operations([shout])
    registry.add_chain(Chain("ShoutTwice", (ChainStep("Shout.Title"), ChainStep("Shout.Title"))))
    registry.add_adapter(Adapter("title", title, accepts=(Document,)))
    registry.add_types([DocType("Memo", extends="Note")])
    registry.allow_subtypes("Workspace", ["Memo"])
    registry.add_graphql(query=ShoutQuery)


@pytest.fixture
async def plugged(aiohttp_client, database_url, settings):
    registry = plugins.build_registry(enabled=(), extra=[("shout", shout_plugin)])
    assert registry.loaded == ["shout"]
    return await aiohttp_client(
        create_app(settings, database_url, registry=registry), headers={"Authorization": ADMIN_AUTH}
    )


async def test_plugin_operation_adapter_and_type(plugged):
    catalogue = await (await plugged.get("/nuxeo/api/v1/automation")).json()
    op = next(op for op in catalogue["operations"] if op["id"] == "Shout.Title")
    assert op["signature"] == ["document", "string"] and op["category"] == "Fun"
    assert [c["id"] for c in catalogue["chains"]] == ["Chain.ShoutTwice"]
    resp = await plugged.post(
        "/nuxeo/api/v1/path/default-domain/@op/Shout.Title", json={"params": {"suffix": "?"}}
    )
    assert await resp.json() == {"entity-type": "string", "value": "DOMAIN?"}
    resp = await plugged.get("/nuxeo/api/v1/path/default-domain/@title")
    assert (await resp.json())["value"] == "Domain"
    resp = await plugged.post(
        "/nuxeo/api/v1/path/default-domain/workspaces",
        json={
            "entity-type": "document",
            "type": "Memo",
            "name": "memo",
            "properties": {"note:note": "inherits Note's schemas"},
        },
    )
    assert resp.status == 201
    assert "note" in [s["name"] for s in (await resp.json())["schemas"]]
    resp = await plugged.post("/nuxeo/graphql", json={"query": '{ shout(text: "hi") }'})
    assert (await resp.json())["data"] == {"shout": "HI"}


async def test_chain_pipes_each_output_into_the_next(plugged):
    # The second Shout.Title gets a string, which it does not accept.
    resp = await plugged.post(
        "/nuxeo/api/v1/automation/Chain.ShoutTwice",
        json={"input": "/default-domain", "params": {}},
    )
    assert resp.status == 400
    assert "does not accept an input of type string" in (await resp.json())["message"]


async def test_adapter_checks_method_and_input_in_one_place(plugged):
    resp = await plugged.delete("/nuxeo/api/v1/path/default-domain/@title")
    assert resp.status == 405
    assert resp.headers["Allow"] == "GET, HEAD"
    resp = await plugged.get("/nuxeo/api/v1/path/default-domain/@children/@title")
    assert resp.status == 400
    assert "@title does not apply to an input of type documents" in (await resp.json())["message"]


def test_entry_points_load_unless_disabled(monkeypatch):
    class FakeEntryPoint:
        name = "shout"
        value = "shout:register"

        def load(self):
            return shout_plugin

    monkeypatch.setattr(plugins.loading, "entry_points", lambda group: [FakeEntryPoint()])
    assert plugins.build_registry().operations.get("Shout.Title") is not None
    assert plugins.build_registry(disabled=["shout"]).operations.get("Shout.Title") is None
    assert plugins.build_registry(enabled=[]).operations.get("Shout.Title") is None


def test_a_plugin_that_fails_to_load_stops_start_up_naming_it(monkeypatch):
    class Broken:
        name = "broken"
        value = "broken_plugin:register"

        def load(self):
            raise ImportError("No module named 'broken_plugin'")

    monkeypatch.setattr(plugins.loading, "entry_points", lambda group: [Broken()])
    with pytest.raises(plugins.PluginError, match="plugin 'broken'.*broken_plugin"):
        plugins.build_registry()


def test_registering_a_name_twice_names_both_contributors():
    def again(registry: plugins.Registry) -> None:
        registry.add_adapter(Adapter("children", title))

    with pytest.raises(plugins.PluginError, match="'docgraph.gateway.adapters.children'.*'again'"):
        plugins.build_registry(enabled=(), extra=[("again", again)])

    def replacing(registry: plugins.Registry) -> None:
        registry.add_adapter(Adapter("children", title, accepts=(Document,)), replace=True)

    registry = plugins.build_registry(enabled=(), extra=[("replacing", replacing)])
    assert registry.adapters["children"].handler is title


def test_an_alias_taken_by_another_operation_is_refused():
    @operation("My.Fetch", aliases=["Document.Fetch"], signature=[("void", "void")])
    async def my_fetch(call: OperationCall, _input: None) -> None: ...

    with pytest.raises(plugins.PluginError, match="Document.Fetch"):
        plugins.build_registry(enabled=(), extra=[("mine", lambda r: r.add_operations([my_fetch]))])


def test_params_must_match_the_function_signature_at_start_up():
    @operation("Bad.Params", signature=[("void", "void")], params=[Param("changeToken")])
    async def bad(call: OperationCall, _input: None, *, change_token: str | None) -> None: ...

    with pytest.raises(plugins.PluginError, match=r"Bad.Params.*changeToken.*change_token"):
        plugins.build_registry(enabled=(), extra=[("bad", lambda r: r.add_operations([bad]))])

    @operation("Bad.Type", signature=[("void", "void")], params=[Param("x", type="hologram")])
    async def untyped(call: OperationCall, _input: None, *, x: Any) -> None: ...

    with pytest.raises(plugins.PluginError, match="unknown parameter type 'hologram'"):
        plugins.build_registry(enabled=(), extra=[("t", lambda r: r.add_operations([untyped]))])


def test_a_graphql_field_contributed_twice_fails_the_schema_build():
    @strawberry.type
    class Clash:
        @strawberry.field
        def document(self) -> str:
            return ""

    registry = plugins.build_registry(
        enabled=(), extra=[("clash", lambda r: r.add_graphql(query=Clash))]
    )
    with pytest.raises(plugins.DuplicateContribution, match="Query.document.*'clash'"):
        build_schema(registry)


def test_a_document_field_clashing_with_a_document_type_field_fails_the_schema_build():
    @strawberry.type
    class Clash:
        @strawberry.field
        def dublincore(self) -> str:
            return ""

    registry = plugins.build_registry(
        enabled=(), extra=[("clash", lambda r: r.add_graphql(document=Clash))]
    )
    with pytest.raises(plugins.DuplicateContribution, match="Document.dublincore.*'clash'"):
        build_schema(registry)


async def test_a_periodic_runs_on_its_timer_while_the_server_runs(
    aiohttp_client, database_url, settings
):
    runs: list[str] = []
    ticked = asyncio.Event()

    async def tick(database, registry, settings) -> None:
        runs.append(await database.fetchval("SELECT 'ran'"))
        if len(runs) == 2:
            ticked.set()
        raise RuntimeError("a failing run is logged; the next one still comes")

    registry = plugins.build_registry(
        enabled=(),
        extra=[("ticker", lambda r: r.add_periodic(plugins.Periodic("tick", tick, 0.05)))],
    )
    client = await aiohttp_client(create_app(settings, database_url, registry=registry))
    await asyncio.wait_for(ticked.wait(), 5)
    assert runs[:2] == ["ran", "ran"]
    await client.close()
    stopped = len(runs)
    await asyncio.sleep(0.2)
    assert len(runs) == stopped  # it stops with the server


def test_the_contract_imports_no_engine_internals():
    code = (
        "import sys, docgraph.plugins; "
        "bad = [m for m in sys.modules if m.startswith(('aiohttp', 'asyncpg', 'strawberry', "
        "'docgraph.db', 'docgraph.gateway', 'docgraph.schema', 'docgraph.resolvers.documents'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@strawberry.type
class Ticks:
    @strawberry.subscription
    async def ticks(self, count: int) -> AsyncGenerator[int, None]:
        for i in range(count):
            yield i


def test_subscription_fields_join_the_schema():
    registry = plugins.build_registry(
        enabled=(), extra=[("ticks", lambda r: r.add_graphql(subscription=Ticks))]
    )
    assert "ticks(count: Int!): Int!" in build_schema(registry).as_str()
