"""Plugins contribute through the same registry calls as docgraph's own features."""

from __future__ import annotations

from typing import Any

import pytest

import docgraph.plugins as plugins
from docgraph.gateway.app import create_app
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.registry import OperationCall, Param, operation
from docgraph.resolvers.typesystem.model import DocType

from .conftest import ADMIN_AUTH


def shout_plugin(registry: plugins.Registry) -> None:
    @operation(
        registry.operations,
        "Shout.Title",
        signature=[("document", "string")],
        params=[Param("suffix", default="!")],
        category="Fun",
    )
    async def shout(call: OperationCall, doc: Document, *, suffix: str) -> str:
        return doc.title.upper() + suffix

    class TitleAdapter:
        name = "title"
        methods = frozenset({"GET"})

        async def __call__(self, ctx: Any, subject: Any, args: Any, call: Any) -> str:
            return subject.title

    registry.add_adapter(TitleAdapter())
    registry.types.add_types([DocType("Memo", extends="Note")])
    registry.types.extend_subtypes("Workspace", ["Memo"])


@pytest.fixture
async def plugged(aiohttp_client, database_url, settings):
    registry = plugins.build_registry(extra=[("shout", shout_plugin)])
    assert registry.loaded == ["shout"]
    return await aiohttp_client(
        create_app(settings, database_url, registry=registry), headers={"Authorization": ADMIN_AUTH}
    )


async def test_plugin_operation_adapter_and_type(plugged):
    catalogue = await (await plugged.get("/nuxeo/api/v1/automation")).json()
    shout = next(op for op in catalogue["operations"] if op["id"] == "Shout.Title")
    assert shout["signature"] == ["document", "string"] and shout["category"] == "Fun"
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


def test_entry_points_load_unless_disabled(monkeypatch):
    class FakeEntryPoint:
        name = "shout"

        def load(self):
            return shout_plugin

    monkeypatch.setattr(plugins, "entry_points", lambda group: [FakeEntryPoint()])
    assert plugins.build_registry().operations.get("Shout.Title") is not None
    assert plugins.build_registry(disabled=["shout"]).operations.get("Shout.Title") is None
    assert plugins.build_registry(enabled=[]).operations.get("Shout.Title") is None


def test_extension_points_are_documented():
    doc = plugins.__doc__ or ""
    for point in ("types", "operations", "add_adapter", "add_endpoint"):
        assert f"``{point}" in doc, point
