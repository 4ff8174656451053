"""Documents over the Nuxeo REST API: read, create, update, delete, errors."""

from __future__ import annotations

import pytest

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"
JSON = {"Content-Type": "application/json"}


async def create(client, parent_path, type_, name, properties=None, **extra):
    body = {
        "entity-type": "document",
        "type": type_,
        "name": name,
        "properties": properties or {},
        **extra,
    }
    resp = await client.post(f"{API}/path{parent_path}", json=body)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def get(client, url, status=200, **kwargs):
    resp = await client.get(url, **kwargs)
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_document_json_has_every_contract_field(client):
    doc = await get(client, f"{API}/path/default-domain")
    assert list(doc)[:4] == ["entity-type", "repository", "uid", "path"]
    for key in (
        "type",
        "state",
        "parentRef",
        "isCheckedOut",
        "isRecord",
        "retainUntil",
        "hasLegalHold",
        "isUnderRetentionOrLegalHold",
        "isVersion",
        "isProxy",
        "changeToken",
        "isTrashed",
        "title",
        "lastModified",
        "properties",
        "facets",
        "schemas",
    ):
        assert key in doc
    assert doc["entity-type"] == "document"
    assert doc["repository"] == "default"
    assert doc["parentRef"] == "00000000-0000-0000-0000-000000000000"
    assert doc["state"] == "project"
    assert doc["changeToken"] == "0-0"
    assert "Folderish" in doc["facets"]
    assert {"name": "dublincore", "prefix": "dc"} in doc["schemas"]
    assert doc["properties"]["dc:creator"] == "system"
    assert doc["properties"]["dc:subjects"] == []
    assert doc["lastModified"] == doc["properties"]["dc:modified"]


async def test_default_content(client):
    root = await get(client, f"{API}/path/")
    assert root["type"] == "Root" and root["path"] == "/" and root["parentRef"] is None
    for path, type_, title in [
        ("/default-domain", "Domain", "Domain"),
        ("/default-domain/workspaces", "WorkspaceRoot", "Workspaces"),
        ("/default-domain/sections", "SectionRoot", "Sections"),
        ("/default-domain/templates", "TemplateRoot", "Templates"),
    ]:
        doc = await get(client, f"{API}/path{path}")
        assert (doc["type"], doc["title"]) == (type_, title)


async def test_same_document_by_id_path_alias_repo_and_trailing_slash(client):
    by_path = await get(client, f"{API}/path/default-domain/workspaces")
    uid = by_path["uid"]
    for url in (
        f"{API}/id/{uid}",
        f"{API}/id/{uid}/",
        f"/nuxeo/site/api/v1/id/{uid}",
        f"{API}/repo/default/id/{uid}",
        f"{API}/path/default-domain/workspaces/",
        f"{API}/repo/default/path/default-domain/workspaces",
    ):
        assert (await get(client, url))["uid"] == uid, url
    child = await get(client, f"{API}/id/{by_path['parentRef']}/workspaces")
    assert child["uid"] == uid


async def test_unknown_repository_is_404(client):
    body = await get(client, f"{API}/repo/nope/path/", status=404)
    assert body["entity-type"] == "exception" and body["status"] == 404
    await get(client, f"{API}/path/", status=404, headers={"X-NXRepository": "nope"})


async def test_properties_header_selects_schemas(client):
    url = f"{API}/path/default-domain"
    doc = await get(client, url, headers={"properties": "dublincore"})
    assert all(k.startswith("dc:") for k in doc["properties"])
    doc = await get(
        client, url, headers={"X-NXproperties": "common", "X-NXDocumentProperties": "domain"}
    )
    assert {k.split(":")[0] for k in doc["properties"]} == {"common", "domain"}
    doc = await get(client, url + "?properties=*")
    assert "dc:title" in doc["properties"] and "domain:display_type" in doc["properties"]
    doc = await get(client, url, headers={"properties": "nosuchschema"})
    assert doc["properties"] == {}


async def test_create_returns_201_with_maintained_dublincore(client):
    doc = await create(
        client,
        WS,
        "Workspace",
        "ws-create",
        {"dc:title": "Create", "dc:subjects": ["art", "sciences"]},
    )
    assert doc["path"] == f"{WS}/ws-create"
    props = doc["properties"]
    assert props["dc:title"] == "Create" and props["dc:subjects"] == ["art", "sciences"]
    assert props["dc:creator"] == "Administrator"
    assert props["dc:contributors"] == ["Administrator"]
    assert props["dc:lastContributor"] == "Administrator"
    assert props["dc:created"] == props["dc:modified"]
    assert doc["changeToken"] == "0-0"
    fetched = await get(client, f"{API}/id/{doc['uid']}")
    assert fetched == doc


async def test_names_with_spaces_and_non_ascii_work_in_paths(client):
    doc = await create(client, WS, "Workspace", "Projets Été", {"dc:title": "É"})
    assert doc["path"] == f"{WS}/Projets Été"
    fetched = await get(client, f"{API}/path{WS}/Projets%20%C3%89t%C3%A9")
    assert fetched["uid"] == doc["uid"]
    note = await create(client, f"{WS}/Projets%20%C3%89t%C3%A9", "Note", "ünïcode note")
    assert note["path"] == f"{WS}/Projets Été/ünïcode note"


async def test_name_taken_gets_a_suffix_and_long_names_are_cut(client):
    first = await create(client, WS, "Workspace", "twins")
    second = await create(client, WS, "Workspace", "twins")
    assert first["path"] == f"{WS}/twins"
    assert second["path"].startswith(f"{WS}/twins.") and second["uid"] != first["uid"]
    long = await create(client, WS, "Folder", "a/name that is much longer than twenty-four")
    assert long["path"] == f"{WS}/a-name that is much long"


async def test_create_without_type_or_name_is_400(client):
    for body in (
        {"entity-type": "document", "type": "File"},
        {"entity-type": "document", "name": "x"},
    ):
        resp = await client.post(f"{API}/path{WS}", json=body)
        assert resp.status == 400
        assert (await resp.json())["message"] == "type or name property is missing"


async def test_bad_input_is_400_and_changes_nothing(client):
    before = await get(client, f"{API}/path{WS}/@children?pageSize=1000")
    cases = [
        ({"entity-type": "document", "type": "Nope", "name": "x"}, "Type: Nope does not exist"),
        (
            {
                "entity-type": "document",
                "type": "File",
                "name": "x",
                "properties": {"dc:nope": "v"},
            },
            "Unknown property",
        ),
        (
            {
                "entity-type": "document",
                "type": "File",
                "name": "x",
                "properties": {"note:note": "v"},
            },
            "Unknown property",
        ),
        (
            {
                "entity-type": "document",
                "type": "File",
                "name": "x",
                "properties": {"dc:issued": "not a date"},
            },
            "Unable to deserialize property: dc:issued",
        ),
        (
            {
                "entity-type": "document",
                "type": "File",
                "name": "x",
                "properties": {"dc:subjects": "a"},
            },
            "Unable to deserialize property: dc:subjects",
        ),
        (
            {
                "entity-type": "document",
                "type": "File",
                "name": "x",
                "properties": {"dc:title": {"x": 1}},
            },
            "Unable to deserialize property: dc:title",
        ),
        ({"type": "File", "name": "x"}, "entity-type"),
        ([1, 2], "entity-type"),
    ]
    for body, message in cases:
        resp = await client.post(f"{API}/path{WS}", json=body)
        assert resp.status == 400, (body, await resp.text())
        error = await resp.json()
        assert error["entity-type"] == "exception" and error["status"] == 400
        assert message in error["message"], (message, error)
    resp = await client.post(f"{API}/path{WS}", data=b"{not json", headers=JSON)
    assert resp.status == 400
    assert "Malformed JSON" in (await resp.json())["message"]
    resp = await client.post(
        f"{API}/path{WS}", data=b"<x/>", headers={"Content-Type": "application/xml"}
    )
    assert resp.status == 415
    after = await get(client, f"{API}/path{WS}/@children?pageSize=1000")
    assert after["resultsCount"] == before["resultsCount"]


async def test_values_are_coerced_by_field_type(client):
    doc = await create(
        client,
        WS,
        "File",
        "coerced",
        {
            "dc:issued": "2019-03-01",
            "dc:valid": "2019-03-01T11:15:30.5+01:00",
            "uid:major_version": "3",
            "dc:title": 42,
        },
    )
    props = doc["properties"]
    assert props["dc:issued"] == "2019-03-01T00:00:00.000Z"
    assert props["dc:valid"] == "2019-03-01T10:15:30.500Z"
    assert props["dc:title"] == "42"
    # uid fields are system-set at creation
    assert props["uid:major_version"] == 0
    assert props["files:files"] == [] and props["file:content"] is None


async def test_put_merges_only_what_is_sent(client):
    doc = await create(client, WS, "File", "merge", {"dc:title": "T", "dc:description": "D"})
    resp = await client.put(
        f"{API}/id/{doc['uid']}",
        json={"entity-type": "document", "properties": {"dc:description": "D2"}},
    )
    assert resp.status == 200
    updated = await resp.json()
    assert updated["properties"]["dc:title"] == "T"
    assert updated["properties"]["dc:description"] == "D2"
    assert updated["changeToken"] == "1-1"
    assert updated["properties"]["dc:modified"] >= doc["properties"]["dc:modified"]


async def test_put_tolerates_a_whole_echoed_document(client):
    doc = await create(client, WS, "File", "echo", {"dc:title": "Echo"})
    doc["properties"]["dc:description"] = "changed"
    doc["properties"]["dc:creator"] = "someone-else"
    doc["title"] = "ignored"
    doc["contextParameters"] = {}
    resp = await client.put(f"{API}/id/{doc['uid']}", json=doc)
    assert resp.status == 200, await resp.text()
    updated = await resp.json()
    assert updated["properties"]["dc:description"] == "changed"
    assert updated["properties"]["dc:creator"] == "Administrator"
    assert updated["title"] == "Echo"


async def test_stale_or_malformed_change_token_is_409_and_changes_nothing(client):
    doc = await create(client, WS, "File", "token", {"dc:title": "v0"})
    url = f"{API}/id/{doc['uid']}"
    ok = await client.put(
        url,
        json={"entity-type": "document", "changeToken": "0-0", "properties": {"dc:title": "v1"}},
    )
    assert ok.status == 200
    for token in ("0-0", "garbage"):
        stale = await client.put(
            url,
            json={
                "entity-type": "document",
                "changeToken": token,
                "properties": {"dc:title": "v2"},
            },
        )
        assert stale.status == 409
        assert (await stale.json())["entity-type"] == "exception"
    assert (await get(client, url))["properties"]["dc:title"] == "v1"


async def test_delete_removes_the_subtree(client):
    folder = await create(client, WS, "Folder", "doomed")
    child = await create(client, f"{WS}/doomed", "Note", "child")
    resp = await client.delete(f"{API}/id/{folder['uid']}")
    assert resp.status == 204
    await get(client, f"{API}/id/{folder['uid']}", status=404)
    missing = await get(client, f"{API}/id/{child['uid']}", status=404)
    assert missing["message"] == child["uid"]


async def test_not_found_messages(client):
    body = await get(client, f"{API}/path/default-domain/nope", status=404)
    assert body == {"entity-type": "exception", "status": 404, "message": "/default-domain/nope"}
    body = await get(client, f"{API}/id/not-a-uuid", status=404)
    assert body["message"] == "not-a-uuid"
    body = await get(client, f"{API}/nosuchthing", status=404)
    assert body["message"] == "Type not found: nosuchthing"
    body = await get(client, f"{API}/path/@nosuchadapter", status=404)
    assert "nosuchadapter" in body["message"]


async def test_method_not_allowed_is_405(client):
    resp = await client.patch(f"{API}/path/default-domain", json={})
    assert resp.status == 405
    assert (await resp.json())["entity-type"] == "exception"
    resp = await client.post(f"{API}/path/default-domain/@children", json={})
    assert resp.status == 405


async def test_root_cannot_be_deleted(client):
    resp = await client.delete(f"{API}/path/")
    assert resp.status == 400


async def test_non_folderish_parent_refuses_children(client):
    await create(client, WS, "Note", "leaf")
    resp = await client.post(
        f"{API}/path{WS}/leaf", json={"entity-type": "document", "type": "Note", "name": "x"}
    )
    assert resp.status == 400


@pytest.mark.parametrize("header", [None, "Basic Zm9vOmJhcg==", "Basic !!!", "Bearer x"])
async def test_unauthenticated_is_401_with_challenge(anonymous, header):
    headers = {"Authorization": header} if header else {}
    resp = await anonymous.get(f"{API}/path/", headers=headers)
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"] == 'Basic realm="Nuxeo Automation"'
    body = await resp.json()
    assert body["entity-type"] == "exception" and body["status"] == 401


async def test_no_basic_header_suppresses_the_challenge(anonymous):
    resp = await anonymous.get(f"{API}/path/", headers={"X-No-Basic-Header": "true"})
    assert resp.status == 401 and "WWW-Authenticate" not in resp.headers


async def test_server_info_me_and_running_status(client, anonymous):
    cmis = await get(client, "/nuxeo/json/cmis")
    assert await get(client, "/nuxeo/json/cmis/") == cmis
    major, minor = cmis["default"]["productVersion"].split(".")[:2]
    assert (int(major), int(minor)) >= (10, 2)
    for url in (f"{API}/me", "/nuxeo/site/api/v1/me"):
        me = await get(client, url)
        assert me["entity-type"] == "user" and me["id"] == "Administrator"
        assert me["isAdministrator"] is True and me["isAnonymous"] is False
        assert me["properties"]["groups"] == ["administrators"]
        assert me["extendedGroups"][0]["name"] == "administrators"
        assert "password" not in me["properties"]
    resp = await anonymous.get("/nuxeo/runningstatus")
    assert resp.status == 200


async def test_fetch_lock_and_version_label(client):
    doc = await create(client, WS, "File", "labels")
    fetched = await get(
        client, f"{API}/id/{doc['uid']}", headers={"fetch-document": "versionLabel,lock"}
    )
    assert fetched["versionLabel"] == "0.0"
    assert "lockOwner" not in fetched


async def test_values_postgres_cannot_store_are_400(client):
    cases = [
        {"dc:title": "nul\x00byte"},
        {"dc:subjects": ["ok", "nul\x00"]},
        {"uid:major_version": "100000000000000000000000"},
    ]
    doc = await create(client, WS, "File", "storable")
    for props in cases:
        resp = await client.put(
            f"{API}/id/{doc['uid']}", json={"entity-type": "document", "properties": props}
        )
        assert resp.status == 400, (props, await resp.text())
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Note", "name": "a\x00b"}
    )
    assert resp.status == 400
    assert (await client.get(f"{API}/path{WS}/a%00b")).status == 404
    resp = await client.get(f"{API}/path{WS}/@children?currentPageIndex=1000000000000000000")
    assert resp.status == 400
    assert (await get(client, f"{API}/id/{doc['uid']}"))["changeToken"] == "0-0"


async def test_a_body_must_be_labelled_json(client):
    """A cross-site "simple" request (no JSON content type) cannot act."""
    resp = await client.post(
        f"{API}/automation/Document.Delete",
        data=b'{"input": "/default-domain/templates"}',
        headers={"Content-Type": "text/plain"},
    )
    assert resp.status == 415
    resp = await client.post(
        f"{API}/automation/Log",
        data=b'{"params": {"message": "x"}}',
        skip_auto_headers={"Content-Type"},
    )
    assert resp.status == 415
    assert (await client.get(f"{API}/path/default-domain/templates")).status == 200


async def test_a_non_string_change_token_is_checked_too(client):
    doc = await create(client, WS, "File", "numeric-token")
    resp = await client.put(
        f"{API}/id/{doc['uid']}",
        json={"entity-type": "document", "changeToken": 5, "properties": {"dc:title": "x"}},
    )
    assert resp.status == 409


async def test_bulk_creation_of_one_name_gives_distinct_names(client):
    await create(client, WS, "Folder", "bulk")
    refs = ",".join([f"{WS}/bulk"] * 8)
    resp = await client.post(
        f"{API}/automation/Document.Create",
        json={"input": f"docs:{refs}", "params": {"type": "Note"}},
    )
    assert resp.status == 200, await resp.text()
    paths = [e["path"] for e in (await resp.json())["entries"]]
    assert len(set(paths)) == 8 and f"{WS}/bulk/Untitled" in paths


async def test_a_document_of_an_unregistered_type_still_renders(client, db):
    doc = await create(client, WS, "Note", "orphan", {"dc:title": "Orphan"})
    await db.execute("UPDATE documents SET type = 'GoneWithItsPlugin' WHERE name = 'orphan'")
    fetched = await get(client, f"{API}/id/{doc['uid']}")
    assert fetched["type"] == "GoneWithItsPlugin" and fetched["title"] == "Orphan"
    listing = await get(client, f"{API}/path{WS}/@children?pageSize=1000")
    assert doc["uid"] in [e["uid"] for e in listing["entries"]]
