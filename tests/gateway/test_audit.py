"""The audit log: written with each change, in its transaction; @audit with
its filters; Audit.LogEvent and the administrators' page provider; GraphQL;
append-only."""

from __future__ import annotations

import uuid
from dataclasses import replace

import asyncpg
import pytest

from docgraph.gateway.app import create_app

from ..conftest import ADMIN_AUTH, basic
from .test_directories import member
from .test_versions import make, op, put

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def history(client, uid: str, headers=None, **params) -> dict:
    resp = await client.get(f"{API}/id/{uid}/@audit", params=params, headers=headers)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_a_documents_life_is_in_its_history(client):
    tag = uuid.uuid4().hex[:6]
    folder = await make(client, WS, "Folder", f"life-{tag}")
    doc = await make(client, folder["path"], "File", "doc", "one")
    await put(client, doc["uid"], {"dc:title": "two"})
    await op(client, "Document.Lock", doc["uid"])
    await op(client, "Document.Unlock", doc["uid"])
    await op(client, "Document.CheckIn", doc["uid"], version="major", comment="first release")
    await op(client, "Document.FollowLifecycleTransition", doc["uid"], value="approve")
    await op(client, "Document.AddPermission", doc["uid"], user="members", permission="Write")
    found = await history(client, doc["uid"])
    assert found["entity-type"] == "logEntries" and found["resultsCount"] == 7
    assert [e["eventId"] for e in found["entries"]] == [
        "documentSecurityUpdated",
        "lifecycle_transition_event",
        "documentCheckedIn",
        "documentUnlocked",
        "documentLocked",
        "documentModified",
        "documentCreated",
    ]
    created = found["entries"][-1]
    assert created["entity-type"] == "logEntry" and created["category"] == "eventDocumentCategory"
    assert created["principalName"] == "Administrator" and created["docType"] == "File"
    assert created["docPath"] == doc["path"] and created["docUUID"] == doc["uid"]
    assert created["docLifeCycle"] == "project" and created["repositoryId"] == "default"
    checked_in = found["entries"][2]
    assert checked_in["comment"] == "first release"
    assert checked_in["extended"]["version_label"] == "1.0"
    # Filters: event ids, principals, dates; paging.
    only = await history(client, doc["uid"], eventId="documentLocked")
    assert [e["eventId"] for e in only["entries"]] == ["documentLocked"]
    assert (await history(client, doc["uid"], principalName="nobody"))["entries"] == []
    assert (await history(client, doc["uid"], startEventDate="2999-01-01"))["entries"] == []
    assert len((await history(client, doc["uid"], endEventDate="2999-01-01"))["entries"]) == 7
    page = await history(client, doc["uid"], pageSize=2, currentPageIndex=1)
    assert [e["eventId"] for e in page["entries"]] == ["documentCheckedIn", "documentUnlocked"]
    assert (await client.get(f"{API}/id/{doc['uid']}/@audit?startEventDate=soon")).status == 400
    # A version's history is its own and its live document's, up to it.
    [version] = (await op(client, "Document.GetVersions", doc["uid"]))["entries"]
    events = [e["eventId"] for e in (await history(client, version["uid"]))["entries"]]
    assert "lifecycle_transition_event" not in events and "documentCreated" in events
    # Moves, copies and removals are recorded too, and outlive the document.
    await op(client, "Document.Copy", doc["uid"], target=folder["path"], name="copy")
    assert (await client.delete(f"{API}/id/{doc['uid']}")).status == 204
    latest = await history(client, folder["uid"])
    assert latest["entries"][0]["eventId"] == "documentCreated"


async def test_a_rolled_back_change_leaves_no_entry(client):
    tag = uuid.uuid4().hex[:6]
    first = await make(client, WS, "File", f"rollback-a-{tag}")
    second = await make(client, WS, "File", f"rollback-b-{tag}")
    await put(client, second["uid"], {"dc:title": "moved on"})
    # The first document takes the update, the second refuses its stale
    # token: the whole request is undone, its log entry with it.
    resp = await client.post(
        f"{API}/automation/Document.Update",
        json={
            "input": f"docs:{first['uid']},{second['uid']}",
            "params": {"properties": {"dc:title": "x"}, "changeToken": "0-0"},
        },
    )
    assert resp.status == 409
    assert [e["eventId"] for e in (await history(client, first["uid"]))["entries"]] == [
        "documentCreated"
    ]


async def test_the_log_is_append_only(app_database):
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await app_database.execute("DELETE FROM audit_log")
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await app_database.execute("UPDATE audit_log SET principal = 'someone'")


async def test_log_event_and_the_page_provider(client, db):
    doc = await make(client, WS, "File", f"logged-{uuid.uuid4().hex[:6]}")
    logged = await op(
        client, "Audit.LogEvent", doc["uid"], event="reviewed", category="Review", comment="ok"
    )
    assert logged["uid"] == doc["uid"]
    entry = (await history(client, doc["uid"], category="Review"))["entries"][0]
    assert entry["eventId"] == "reviewed" and entry["comment"] == "ok"
    resp = await client.post(
        f"{API}/automation/Audit.PageProvider",
        json={
            "params": {
                "providerName": "AUDIT_BROWSER",
                "namedQueryParams": {"eventIds": "reviewed"},
                "pageSize": 5,
            }
        },
    )
    browsed = await resp.json()
    assert resp.status == 200, browsed
    assert browsed["entity-type"] == "logEntries"
    assert {e["eventId"] for e in browsed["entries"]} == {"reviewed"}
    resp = await client.post(
        f"{API}/automation/Audit.QueryWithPageProvider",
        json={"params": {"providerName": "DOCUMENT_HISTORY_PROVIDER", "queryParams": [doc["uid"]]}},
    )
    assert [e["eventId"] for e in (await resp.json())["entries"]] == ["reviewed", "documentCreated"]
    # Members neither see nor run the administrators' provider; they read the
    # history of what they may read.
    reader = await member(db, "auditreader")
    resp = await client.post(
        f"{API}/automation/Audit.PageProvider",
        json={"params": {"providerName": "AUDIT_BROWSER"}},
        headers=reader,
    )
    assert resp.status == 404
    assert (await history(client, doc["uid"], headers=reader))["resultsCount"] == 2


async def test_graphql_audit(client, db):
    doc = await make(client, WS, "Note", f"gaudit-{uuid.uuid4().hex[:6]}")
    query = """query($id: ID!) { document(id: $id) { audit(eventIds: ["documentCreated"]) {
                 totalSize entries { eventId principalName docPath } } } }"""
    resp = await client.post(
        "/nuxeo/graphql", json={"query": query, "variables": {"id": doc["uid"]}}
    )
    data = (await resp.json())["data"]["document"]["audit"]
    assert data["totalSize"] == 1
    assert data["entries"] == [
        {"eventId": "documentCreated", "principalName": "Administrator", "docPath": doc["path"]}
    ]
    query = "{ auditLog(pageSize: 3) { entries { eventId } } }"
    body = await (await client.post("/nuxeo/graphql", json={"query": query})).json()
    assert len(body["data"]["auditLog"]["entries"]) == 3
    reader = await member(db, "gqlauditreader")
    body = await (await client.post("/nuxeo/graphql", json={"query": query}, headers=reader)).json()
    assert body["errors"][0]["extensions"]["code"] == "forbidden"


async def test_logins_are_in_the_log_once_per_verification(client, db):
    """A verified login is logged (``loginSuccess``), a refused one too
    (``loginFailed``); the requests a cached verification lets through are
    not logins."""
    name = f"login-{uuid.uuid4().hex[:6]}"
    headers = await member(db, name)
    for _ in range(3):
        assert (await client.get(f"{API}/path/", headers=headers)).status == 200
    wrong = {"Authorization": basic(name, "not-the-password")["Authorization"]}
    assert (await client.get(f"{API}/path/", headers=wrong)).status == 401

    async def logins(event_id: str) -> list[dict]:
        resp = await client.post(
            f"{API}/automation/Audit.PageProvider",
            json={
                "params": {
                    "providerName": "AUDIT_BROWSER",
                    "namedQueryParams": {"eventIds": event_id, "principalName": name},
                }
            },
        )
        assert resp.status == 200, await resp.text()
        return (await resp.json())["entries"]

    [success] = await logins("loginSuccess")
    assert success["category"] == "NuxeoAuthentication"
    assert success["principalName"] == name and success["docUUID"] is None
    [failure] = await logins("loginFailed")
    assert failure["principalName"] == name


async def _file(client, name: str) -> dict:
    batch = (await (await client.post(f"{API}/upload")).json())["batchId"]
    resp = await client.post(
        f"{API}/upload/{batch}/0",
        data=b"audited bytes",
        headers={"X-File-Name": "a.txt", "X-File-Type": "text/plain"},
    )
    assert resp.status == 201, await resp.text()
    resp = await client.post(
        f"{API}/path{WS}",
        json={
            "entity-type": "document",
            "type": "File",
            "name": name,
            "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
        },
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


@pytest.mark.parametrize("audited", [True, False])
async def test_downloads_are_in_the_log_when_configured(
    aiohttp_client, database_url, settings, audited
):
    app = create_app(replace(settings, audit_downloads=audited), database_url)
    client = await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})
    doc = await _file(client, f"dl-{uuid.uuid4().hex[:6]}")
    resp = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert await resp.read() == b"audited bytes"
    resp = await client.get(f"/nuxeo/nxfile/default/{doc['uid']}/file:content/a.txt")
    assert await resp.read() == b"audited bytes"
    assert (await client.head(f"{API}/id/{doc['uid']}/@blob/file:content")).status == 200
    piped = f"{API}/id/{doc['uid']}/@blob/file:content/@op/Blob.ToPDF"
    assert (await client.post(piped, json={})).status == 200
    entries = (await history(client, doc["uid"], eventId="download"))["entries"]
    if not audited:
        assert entries == []
        return
    # The two GETs; neither the HEAD nor the blob piped into a conversion.
    assert len(entries) == 2
    assert entries[0]["extended"]["blobXPath"] == "file:content"
    assert entries[0]["extended"]["filename"] == "a.txt"
    assert entries[0]["principalName"] == "Administrator"


async def test_audit_query_for_administrators(client, db):
    doc = await make(client, WS, "Note", f"aq-{uuid.uuid4().hex[:6]}")
    await op(client, "Audit.LogEvent", doc["uid"], event="quoted'event", category="Q")

    async def query(text: str, status: int = 200, headers=None, **params) -> dict:
        resp = await client.post(
            f"{API}/automation/Audit.Query",
            json={"params": {"query": text, **params}},
            headers=headers,
        )
        assert resp.status == status, await resp.text()
        return await resp.json()

    found = await query(
        f"from LogEntry log where log.docUUID = '{doc['uid']}'"
        " and log.eventId in ('documentCreated', 'quoted''event')"
        " order by log.eventDate asc"
    )
    assert found["entity-type"] == "logEntries"
    assert [e["eventId"] for e in found["entries"]] == ["documentCreated", "quoted'event"]
    found = await query(
        f"FROM LogEntry WHERE docUUID = '{doc['uid']}' AND NOT category = 'Q'"
        " AND eventDate > '2000-01-01'",
        maxResults=1,
    )
    assert [e["eventId"] for e in found["entries"]] == ["documentCreated"]
    # Bad queries are 400s naming the problem, an injection attempt only a value.
    for bad in (
        "select * from audit_log",
        "from LogEntry log where log.password = 'x'",
        "from LogEntry log where log.eventDate > 'yesterday'",
        "from LogEntry log where log.eventId = 'x' or 1=1; drop table audit_log",
        "from LogEntry log where " + " or ".join(["log.id = 1"] * 200),
    ):
        body = await query(bad, status=400)
        assert body["entity-type"] == "exception"
    found = await query("from LogEntry log where log.eventId = 'x'' or ''1''=''1'")
    assert found["entries"] == []
    reader = await member(db, "auditqueryreader")
    await query("from LogEntry", status=404, headers=reader)
