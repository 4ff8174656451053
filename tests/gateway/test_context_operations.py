"""Context operations, operations running operations, and chains declared
in a configuration file."""

from __future__ import annotations

import json

import pytest

from docgraph.gateway.app import create_app
from docgraph.plugins import PluginError, build_registry
from docgraph.plugins.chains import chains_file

from ..conftest import ADMIN_AUTH

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"

CHAINS = {
    "chains": [
        {
            "id": "CreateNoteThenBack",
            "description": "Create a note in the input, answer the input",
            "operations": [
                {"id": "Context.SetInputAsVar", "params": {"name": "folder"}},
                {"id": "Document.Create", "params": {"type": "Note", "name": "from-chain"}},
                {"id": "Context.SetInputAsVar", "params": {"name": "note"}},
                {"id": "Context.RestoreDocumentInput", "params": {"name": "folder"}},
            ],
        },
        {"id": "Loop", "operations": [{"id": "RunOperation", "params": {"id": "Loop"}}]},
        {
            "id": "NamedNote",
            "operations": [
                {
                    "id": "Document.Create",
                    "params": {
                        "type": "Note",
                        "name": "expr:ChainParameters['name']",
                        "properties": "dc:title=@{ChainParameters['title']} by @{CurrentUser.name}",
                    },
                }
            ],
        },
        {
            "id": "Scripted",
            "operations": [{"id": "Log", "params": {"message": "expr:Document.title + 1"}}],
        },
        {
            "id": "Titled",
            "operations": [
                {"id": "Document.Update", "params": {"properties": {"dc:title": "by chain"}}}
            ],
        },
    ]
}


@pytest.fixture
async def chained(aiohttp_client, database_url, settings, tmp_path):
    path = tmp_path / "chains.json"
    path.write_text(json.dumps(CHAINS))
    registry = build_registry(enabled=(), extra=[("chains file", chains_file(path))])
    app = create_app(settings, database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


async def op(client, op_id, input=None, params=None, context=None, status=200):
    body = {"params": params or {}, "context": context or {}}
    if input is not None:
        body["input"] = input
    resp = await client.post(f"{API}/automation/{op_id}", json=body)
    assert resp.status == status, await resp.text()
    return await resp.json() if resp.status == 200 else None


async def test_a_chain_from_the_file_runs_and_is_listed(chained):
    folder = await op(chained, "FileManager.CreateFolder", WS, {"title": "chain-home"})
    back = await op(chained, "Chain.CreateNoteThenBack", folder["uid"])
    assert back["uid"] == folder["uid"]
    note = await (await chained.get(f"{API}/path{WS}/chain-home/from-chain")).json()
    assert note["type"] == "Note"
    catalogue = await (await chained.get(f"{API}/automation")).json()
    assert "Chain.CreateNoteThenBack" in [c["url"] for c in catalogue["chains"]]
    # RunDocumentOperation runs a chain on each input; the inputs pass through.
    same = await op(chained, "RunDocumentOperation", note["uid"], {"id": "Titled"})
    assert same["uid"] == note["uid"]
    titled = await (await chained.get(f"{API}/id/{note['uid']}")).json()
    assert titled["title"] == "by chain"


def test_a_chain_naming_an_unknown_operation_stops_the_start(tmp_path):
    path = tmp_path / "chains.json"
    path.write_text(json.dumps({"chains": [{"id": "X", "operations": [{"id": "No.Such"}]}]}))
    with pytest.raises(PluginError, match="No.Such"):
        build_registry(enabled=(), extra=[("chains file", chains_file(path))])
    path.write_text('{"chains": [{"id": "Y"}]}')
    with pytest.raises(PluginError, match="operations"):
        build_registry(enabled=(), extra=[("chains file", chains_file(path))])


async def test_variables_the_stack_and_filters(client):
    folder = await op(client, "FileManager.CreateFolder", WS, {"title": "ctx-ops"})
    again = await op(
        client, "FileManager.CreateFolder", WS, {"title": "ctx-ops", "overwrite": True}
    )
    assert again["uid"] == folder["uid"]
    note = await op(client, "Document.Create", folder["uid"], {"type": "Note", "name": "n"})
    file = await op(client, "Document.Create", folder["uid"], {"type": "File", "name": "f"})
    # Variables from the request's context restore as inputs.
    restored = await op(
        client, "Context.RestoreDocumentInput", params={"name": "it"}, context={"it": note["uid"]}
    )
    assert restored["uid"] == note["uid"]
    await op(client, "Context.RestoreDocumentInput", params={"name": "absent"}, status=400)
    # Filters.
    kept = await op(
        client, "Document.Filter", f"docs:{note['uid']},{file['uid']}", {"types": "Note"}
    )
    assert [d["uid"] for d in kept["entries"]] == [note["uid"]]
    by_class = await op(
        client,
        "Document.Filter",
        f"docs:{note['uid']},{file['uid']}",
        {"class": "Document Version"},
    )
    assert by_class["entries"] == []
    await op(client, "Document.Filter", note["uid"], {"class": "Martian"}, status=400)
    # Properties and reloads.
    await op(client, "Document.Update", note["uid"], {"properties": {"dc:description": "d"}})
    cleared = await op(client, "Document.RemoveProperty", note["uid"], {"xpath": "dc:description"})
    assert cleared["properties"]["dc:description"] is None
    reloaded = await op(client, "Document.Reload", note["uid"])
    assert reloaded["changeToken"] == cleared["changeToken"]


async def test_operations_running_operations_stop_at_a_depth(client, tmp_path):
    # RunOperation itself, with no input: a harmless operation runs.
    await op(
        client, "RunOperation", params={"id": "Log", "parameters": {"message": "hi"}}, status=204
    )
    await op(client, "RunOperation", params={"id": "No.Such"}, status=404)


async def test_run_operation_through_graphql(client):
    async def gql(query, variables):
        resp = await client.post("/nuxeo/graphql", json={"query": query, "variables": variables})
        return await resp.json()

    run = """mutation($id: String!, $input: String, $params: JSON) {
        runOperation(id: $id, input: $input, params: $params) {
            kind document { uid title } documents { uid } value
        }
    }"""
    created = await gql(
        run,
        {
            "id": "Document.Create",
            "input": WS,
            "params": {"type": "Note", "name": "via-gql", "properties": {"dc:title": "Via"}},
        },
    )
    result = created["data"]["runOperation"]
    assert result["kind"] == "document" and result["document"]["title"] == "Via"
    listed = await gql(run, {"id": "Document.GetChildren", "input": WS})
    assert listed["data"]["runOperation"]["kind"] == "documents"
    assert result["document"]["uid"] in [
        d["uid"] for d in listed["data"]["runOperation"]["documents"]
    ]
    missing = await gql(run, {"id": "No.Such"})
    assert missing["errors"][0]["extensions"]["code"] == "operation_not_found"
    logged = await gql(run, {"id": "Log", "params": {"message": "from graphql"}})
    assert logged["data"]["runOperation"]["kind"] == "void"


async def test_an_operation_run_in_the_background(client):
    import asyncio

    resp = await client.post(
        f"{API}/automation/Document.Create/@async",
        json={"input": WS, "params": {"type": "Note", "name": "later"}},
        allow_redirects=False,
    )
    assert resp.status == 202, await resp.text()
    status_url = "/nuxeo" + resp.headers["Location"].split("/nuxeo", 1)[1]
    async with asyncio.timeout(10):
        for _ in range(1000):
            status = await client.get(status_url, allow_redirects=False)
            if status.status == 303:
                break
            assert (await status.json())["value"] == "RUNNING"
            await asyncio.sleep(0.05)
    result_url = "/nuxeo" + status.headers["Location"].split("/nuxeo", 1)[1]
    result = await client.get(result_url)
    assert result.status == 200
    assert (await result.json())["path"] == f"{WS}/later"
    assert (await client.get(result_url)).status == 404  # answered once
    failing = await client.post(
        f"{API}/automation/Document.Create/@async", json={"input": WS, "params": {}}
    )
    assert failing.status == 202  # a missing parameter shows in the result
    url = "/nuxeo" + failing.headers["Location"].split("/nuxeo", 1)[1].removesuffix("/status")
    async with asyncio.timeout(10):
        for _ in range(1000):  # polling, as a client would
            answer = await client.get(url)
            if answer.status != 404:
                break
            await asyncio.sleep(0.05)
    assert answer.status == 400
    unknown = await client.post(f"{API}/automation/No.Such/@async", json={})
    assert unknown.status == 404


async def test_business_objects(client):
    folder = await op(client, "FileManager.CreateFolder", WS, {"title": "bo-home"})
    base = f"{API}/id/{folder['uid']}/@bo/BusinessBeanAdapter"
    created = await client.post(
        f"{base}/memo",
        json={"entity-type": "BusinessBeanAdapter", "value": {"title": "Memo", "note": "text"}},
    )
    assert created.status == 201, await created.text()
    memo = (await created.json())["value"]
    assert memo["type"] == "Note" and memo["title"] == "Memo" and memo["note"] == "text"
    url = f"{API}/id/{memo['id']}/@bo/BusinessBeanAdapter"
    changed = await client.put(
        url, json={"entity-type": "BusinessBeanAdapter", "value": {"description": "d"}}
    )
    assert (await changed.json())["value"]["description"] == "d"
    read = await (await client.get(url)).json()
    assert read == {
        "entity-type": "BusinessBeanAdapter",
        "value": {
            "id": memo["id"],
            "type": "Note",
            "title": "Memo",
            "description": "d",
            "note": "text",
        },
    }
    assert (await client.get(f"{API}/id/{memo['id']}/@bo/Nope")).status == 404
    assert (await client.get(f"{API}/id/{folder['uid']}/@bo/BusinessBeanAdapter")).status == 400
    bad = await client.put(url, json={"entity-type": "BusinessBeanAdapter", "value": {"x": 1}})
    assert bad.status == 400


async def test_chain_steps_see_the_chain_parameters(chained):
    note = await op(chained, "Chain.NamedNote", WS, {"name": "chained-name", "title": "T"})
    assert note["path"] == f"{WS}/chained-name"
    assert note["title"] == "T by Administrator"
    refused = await chained.post(f"{API}/automation/Chain.Scripted", json={"params": {}})
    assert refused.status == 400
    assert "Unsupported expression" in (await refused.json())["message"]
