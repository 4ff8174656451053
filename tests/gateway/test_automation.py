"""Automation: catalogue, execution, input forms, piping through @op."""

from __future__ import annotations

import logging

API = "/nuxeo/api/v1"
SITE = "/nuxeo/site/automation"
WS = "/default-domain/workspaces"


async def run(client, op, body, status=200, root=f"{API}/automation", headers=None):
    resp = await client.post(f"{root}/{op}", json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return None if status == 204 else await resp.json()


async def test_catalogue_layout(client):
    for url in (f"{API}/automation", SITE, f"{SITE}/"):
        resp = await client.get(url)
        assert resp.status == 200
        body = await resp.json()
        assert body["paths"] == {"login": "login"} and body["codecs"] == [] and body["chains"] == []
    ops = {op["id"]: op for op in body["operations"]}
    for op_id in (
        "Log",
        "Repository.GetDocument",
        "Document.Create",
        "Document.Update",
        "Document.Delete",
        "Document.GetChildren",
        "Document.GetParent",
        "Document.SetProperty",
    ):
        assert op_id in ops
    fetch = ops["Repository.GetDocument"]
    assert list(fetch) == [
        "id",
        "aliases",
        "label",
        "category",
        "requires",
        "description",
        "url",
        "signature",
        "params",
    ]
    assert fetch["aliases"] == ["Document.Fetch"]
    assert fetch["signature"] == ["void", "document"]
    assert fetch["params"][0] == {
        "name": "value",
        "description": "",
        "type": "document",
        "required": True,
        "widget": None,
        "order": 0,
        "values": [],
    }
    create = ops["Document.Create"]
    assert create["signature"] == ["document", "document", "documents", "documents"]
    assert [p["name"] for p in create["params"]] == ["type", "name", "properties"]
    labels = [op["label"] for op in body["operations"]]
    assert labels == sorted(labels)
    one = await client.get(f"{API}/automation/Document.Fetch")
    assert (await one.json())["id"] == "Repository.GetDocument"


async def test_log_is_void(client, caplog):
    with caplog.at_level(logging.INFO):
        await run(
            client,
            "Log",
            {"params": {"message": "hello log", "level": "warn", "category": "docgraph.test"}},
            status=204,
        )
    assert any(
        r.message == "[docgraph.test] Administrator: hello log" and r.name == "docgraph.automation"
        for r in caplog.records
    )
    await run(client, "Log", {"params": {"message": "x", "level": "loud"}}, status=400)


async def test_log_cannot_forge_lines_or_create_loggers(client, caplog):
    before = set(logging.root.manager.loggerDict)
    with caplog.at_level(logging.INFO):
        for i in range(50):
            params = {"message": "ok\n2026-01-01 ERROR forged\r", "category": f"cat{i}\n"}
            await run(client, "Log", {"params": params}, status=204)
    assert set(logging.root.manager.loggerDict) == before
    logged = [r.getMessage() for r in caplog.records if r.name == "docgraph.automation"]
    assert len(logged) == 50
    assert all("\n" not in m and "\r" not in m for m in logged)
    assert logged[0] == "[cat0\\n] Administrator: ok\\n2026-01-01 ERROR forged\\r"


async def test_fetch_by_alias_on_both_roots(client):
    for root in (f"{API}/automation", SITE):
        doc = await run(
            client, "Document.Fetch", {"params": {"value": "/default-domain"}}, root=root
        )
        assert doc["path"] == "/default-domain" and doc["entity-type"] == "document"
    doc = await run(client, "Repository.GetDocument", {"params": {"value": doc["uid"]}})
    assert doc["path"] == "/default-domain"


async def test_create_update_set_property_delete(client):
    ws = await run(
        client,
        "Document.Create",
        {
            "input": f"doc:{WS}",
            "params": {"type": "Workspace", "name": "auto", "properties": {"dc:title": "Auto"}},
        },
    )
    assert ws["path"] == f"{WS}/auto" and ws["title"] == "Auto"
    # the Python client sends properties as Java-properties text
    note = await run(
        client,
        "Document.Create",
        {
            "input": ws["uid"],
            "params": {
                "type": "Note",
                "name": "n",
                "properties": "dc:title=A note\ndc:subjects=art,sciences\nnote:note=x=y",
            },
        },
    )
    props = note["properties"]
    assert props["dc:title"] == "A note" and props["dc:subjects"] == ["art", "sciences"]
    assert props["note:note"] == "x=y"
    updated = await run(
        client,
        "Document.Update",
        {
            "input": f"doc:{note['uid']}",
            "params": {
                "properties": {"dc:description": "described"},
                "changeToken": note["changeToken"],
            },
        },
    )
    assert updated["properties"]["dc:description"] == "described"
    assert updated["properties"]["dc:title"] == "A note"
    stale = await client.post(
        f"{API}/automation/Document.Update",
        json={
            "input": note["uid"],
            "params": {"properties": {"dc:title": "z"}, "changeToken": "0-0"},
        },
    )
    assert stale.status == 409
    set_ = await run(
        client,
        "Document.SetProperty",
        {"input": note["uid"], "params": {"xpath": "dc:title", "value": "Renamed"}},
    )
    assert set_["title"] == "Renamed"
    await run(client, "Document.Delete", {"input": note["uid"]}, status=204)
    missing = await client.get(f"{API}/id/{note['uid']}")
    assert missing.status == 404


async def test_children_parent_and_documents_input(client):
    kids = await run(client, "Document.GetChildren", {"input": "/default-domain"})
    assert kids["entity-type"] == "documents"
    assert sorted(e["path"] for e in kids["entries"]) == [
        "/default-domain/sections",
        "/default-domain/templates",
        "/default-domain/workspaces",
    ]
    ids = ",".join(e["uid"] for e in kids["entries"])
    parents = await run(client, "Document.GetParent", {"input": f"docs:{ids}"})
    assert [e["path"] for e in parents["entries"]] == ["/default-domain"] * 3
    root = await run(
        client, "Document.GetParent", {"input": f"doc:{WS}", "params": {"type": "Root"}}
    )
    assert root["path"] == "/"


async def test_void_operation_header(client):
    resp = await client.post(
        f"{API}/automation/Document.Fetch",
        json={"params": {"value": "/"}},
        headers={"X-NXVoidOperation": "true"},
    )
    assert resp.status == 204 and await resp.read() == b""


async def test_errors(client):
    resp = await client.post(f"{API}/automation/No.Such", json={"params": {}})
    assert resp.status == 404
    assert (await resp.json())["entity-type"] == "exception"
    missing_param = await client.post(f"{API}/automation/Document.Fetch", json={"params": {}})
    assert missing_param.status == 400
    assert "value" in (await missing_param.json())["message"]
    not_found = await client.post(
        f"{API}/automation/Document.Fetch", json={"params": {"value": "/nope"}}
    )
    assert not_found.status == 404
    assert (await not_found.json())["message"].startswith(
        "Failed to invoke operation: Repository.GetDocument"
    )
    for body in (b"", b"[1]", b"{bad"):
        resp = await client.post(
            f"{API}/automation/Log", data=body, headers={"Content-Type": "application/json"}
        )
        assert resp.status == 400, body
    wrong_input = await client.post(
        f"{API}/automation/Document.GetChildren", json={"input": "hello"}
    )
    assert wrong_input.status == 400


async def test_a_failing_request_changes_nothing(client):
    """The first document is updated, the second refuses: both stay as they were."""
    resp = await client.post(
        f"{API}/automation/Document.Update",
        json={
            "input": f"docs:/default-domain,{WS}",
            "params": {"properties": {"dc:description": "half", "domain:display_type": True}},
        },
    )
    assert resp.status == 400
    assert "Unknown property: domain:display_type" in (await resp.json())["message"]
    for path in ("/default-domain", WS):
        doc = await (await client.get(f"{API}/path{path}")).json()
        assert doc["properties"]["dc:description"] is None, path
        assert doc["changeToken"] == "0-0"


async def test_op_adapter_pipes_the_left_value(client):
    doc = await client.post(f"{API}/path/default-domain/@op/Document.GetChildren", json={})
    assert doc.status == 200
    assert len((await doc.json())["entries"]) == 3
    piped = await client.post(
        f"{API}/path/default-domain/@children/@op/Document.GetParent", json={"params": {}}
    )
    body = await piped.json()
    assert [e["path"] for e in body["entries"]] == ["/default-domain"] * 3
    resp = await client.post(
        f"{API}/path/default-domain/templates/@op/Document.SetProperty",
        json={"params": {"xpath": "dc:description", "value": "piped"}},
    )
    assert (await resp.json())["properties"]["dc:description"] == "piped"
    unknown = await client.post(f"{API}/path/default-domain/@op/No.Such", json={})
    assert unknown.status == 404
    get = await client.get(f"{API}/path/default-domain/@op/Document.GetChildren")
    assert get.status == 405


async def test_login(client):
    resp = await client.post(f"{API}/automation/login")
    body = await resp.json()
    assert body == {
        "entity-type": "login",
        "id": "Administrator",
        "name": "Administrator",
        "username": "Administrator",
        "isAdministrator": True,
        "groups": ["administrators"],
    }
