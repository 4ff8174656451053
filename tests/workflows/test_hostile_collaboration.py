"""Hostile input on this session's new doors (directories, comments, audit,
versions, proxies, workflows, tasks, invitations): a clear 4xx in Nuxeo's
exception JSON, never a 500."""

from __future__ import annotations

import json
import uuid

import pytest

from docgraph.gateway.app import create_app
from docgraph.plugins import build_registry

from ..conftest import ADMIN_AUTH

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
JUNK = ["", "%00", "..%2F..", "x" * 3000, "\u202e\U0001f600", "' OR 1=1 --", "null"]


@pytest.fixture(scope="module")
def registry():
    return build_registry(enabled=["workflows"])


@pytest.fixture(scope="module")
def database_url(docgraph_database, registry):
    return docgraph_database("hostile_collab", registry)


@pytest.fixture
async def client(aiohttp_client, database_url, settings, registry):
    app = create_app(settings, database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


@pytest.fixture
async def doc(client):
    resp = await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "File", "name": f"h-{uuid.uuid4().hex[:6]}"},
    )
    return await resp.json()


def requests(uid: str, junk: str) -> list[tuple[str, str, object, dict | None]]:
    entry = {"entity-type": "directoryEntry", "properties": {"id": junk, "ordering": junk}}
    comment = {"entity-type": "comment", "text": junk, "creationDate": junk}
    start = {"entity-type": "workflow", "workflowModelName": junk, "attachedDocumentIds": junk}
    search = {"defaults:dc_nature": junk, "defaults:dc_nature_agg": junk}
    return [
        ("GET", f"{API}/directory/{junk}", None, None),
        ("GET", f"{API}/directory/nature/{junk}", None, None),
        ("PUT", f"{API}/directory/nature/{junk}", {"entity-type": "directoryEntry"}, None),
        ("POST", f"{API}/directory/nature", entry, None),
        ("GET", f"{API}/id/{uid}/@comment/{junk}", None, None),
        ("PUT", f"{API}/id/{uid}/@comment/{junk}", {"text": junk}, None),
        ("POST", f"{API}/id/{uid}/@comment", comment, None),
        ("GET", f"{API}/id/{uid}/@annotation", None, {"xpath": junk}),
        ("GET", f"{API}/id/{uid}/@audit", None, {"eventId": junk, "startEventDate": junk}),
        ("PUT", f"{API}/id/{uid}", {"entity-type": "document", "properties": {}}, None),
        ("GET", f"{API}/workflow/{junk}", None, None),
        ("DELETE", f"{API}/workflow/{junk}", None, None),
        ("GET", f"{API}/workflowModel/{junk}/graph", None, None),
        ("POST", f"{API}/workflow", start, None),
        ("GET", f"{API}/task", None, {"workflowInstanceId": junk, "userId": junk}),
        ("PUT", f"{API}/task/{junk}/{junk}", {"entity-type": "task", "id": junk}, None),
        ("PUT", f"{API}/task/{junk}/reassign", None, {"actors": junk}),
        ("GET", f"{API}/userInvitation/{junk}", None, None),
        ("PUT", f"{API}/userInvitation/{junk}/accept", None, None),
        ("GET", f"{API}/query/default_search", None, search),
    ]  # fmt: skip


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
async def test_junk_never_answers_500(client, doc, junk):
    for method, url, body, params in requests(doc["uid"], junk):
        headers = {"X-Versioning-Option": junk} if method == "PUT" and "/id/" in url else None
        resp = await client.request(method, url, json=body, params=params, headers=headers)
        assert resp.status < 500, (method, url, resp.status, await resp.text())
        if resp.status >= 400 and resp.content_type == "application/json":
            assert (await resp.json())["entity-type"] == "exception", (method, url)


async def test_automation_junk_never_answers_500(client, doc):
    calls = [
        ("Document.CheckIn", {"version": "huge"}),
        ("Document.RestoreVersion", {}),
        ("Document.PublishToSection", {"target": doc["uid"]}),
        ("Document.Order", {"before": doc["uid"]}),
        ("Document.AddItemToListProperty", {"xpath": "dc:title", "complexJsonProperties": "[1]"}),
        ("Document.RemoveItemFromListProperty", {"xpath": "nope:nope", "index": -1}),
        ("Document.ResetSchema", {"schema": "x" * 500}),
        ("Services.TagDocument", {"tags": ["x" * 1000]}),
        ("Document.AddFacet", {"facet": "\x00"}),
        ("Audit.LogEvent", {"event": "x" * 1000}),
        ("Context.StartWorkflow", {"id": "Nope"}),
        ("Directory.ReadEntries", {"directoryName": "nature", "entries": "{"}),
        ("User.Invite", {"info": {"username": ["x"]}}),
    ]
    for op_id, params in calls:
        resp = await client.post(
            f"{API}/automation/{op_id}", json={"input": doc["uid"], "params": params}
        )
        assert 400 <= resp.status < 500, (op_id, resp.status, await resp.text())


async def test_repeated_values_are_bounded(client, doc):
    """Lists a client controls stop at a stated size: 400, not work."""
    many = [f"v{i}" for i in range(1001)]
    checks = [
        ("GET", f"{API}/query/default_search", None, [("defaults:dc_nature", json.dumps(many))]),
        ("GET", f"{API}/id/{doc['uid']}/@audit", None, [("eventId", v) for v in many[:51]]),
        ("POST", f"{API}/automation/Directory.CreateEntries", {
            "params": {"directoryName": "nature", "entries": json.dumps([{"id": v} for v in many])}
        }, None),
        ("POST", f"{API}/workflow", {
            "entity-type": "workflow", "workflowModelName": "SerialDocumentReview",
            "variables": {"participants": many[:101]},
        }, None),
        ("POST", f"{API}/automation/Services.TagDocument", {
            "input": doc["uid"], "params": {"tags": many[:101]}
        }, None),
    ]  # fmt: skip
    for method, url, body, params in checks:
        resp = await client.request(method, url, json=body, params=params)
        assert resp.status == 400, (url, resp.status, await resp.text())
