"""Hostile input gets a clear 4xx in Nuxeo's exception JSON, never a 500."""

from __future__ import annotations

import asyncio
import base64
import secrets

import pytest

from .test_rest_documents import API, WS

ADMIN = base64.b64encode(b"Administrator:Administrator")


async def raw_request(client, head: bytes) -> tuple[int, bytes]:
    """Send bytes aiohttp's client would refuse to send (non-UTF-8 headers)."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        b"GET /nuxeo/api/v1/path/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + head + b"\r\n"
    )
    response = await reader.read()
    writer.close()
    status = int(response.split(b" ", 2)[1])
    return status, response


@pytest.mark.parametrize(
    "header",
    [
        b"Authorization: Basic \xc3\xa9\xc3\xa9\r\n",
        b"Authorization: Basic " + ADMIN + b"\r\nX-NXRepository: \xff\xfe\r\n",
        b"Authorization: Basic " + ADMIN + b"\r\nRepository: caf\xe9\r\n",
    ],
    ids=["non-ascii-credentials", "non-utf8-repository", "latin1-repository"],
)
async def test_undecodable_headers(client, header):
    status, response = await raw_request(client, header)
    assert status in (401, 404), response
    assert b'"entity-type":"exception"' in response


async def test_server_header_names_no_versions(client):
    resp = await client.get(f"{API}/path/")
    assert resp.headers["Server"] == "docgraph"


async def create(client, name="n", **properties):
    return await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "Note", "name": name, "properties": properties},
    )


async def test_a_long_incompressible_title_is_stored(client):
    title = secrets.token_hex(4000)
    resp = await create(client, "long-title", **{"dc:title": title})
    assert resp.status == 201, await resp.text()
    listing = await client.get(f"{API}/path{WS}/@children?pageSize=1000")
    assert title in [e["title"] for e in (await listing.json())["entries"]]


async def test_a_path_too_long_for_the_index_is_a_400(client):
    path = WS
    for depth in range(200):  # noqa: B007 (the depth reached is checked below)
        resp = await client.post(
            f"{API}/path{path}",
            json={"entity-type": "document", "type": "Folder", "name": secrets.token_hex(12)},
        )
        if resp.status != 201:
            break
        path = (await resp.json())["path"]
    body = await resp.json()
    assert resp.status == 400 and "2048 bytes" in body["message"], body
    assert 70 < depth < 100


@pytest.mark.parametrize(
    "query",
    [
        "pageSize=18446744073709551616",
        "pageSize=-99999999999",
        "currentPageIndex=" + "9" * 5000,
        "pageSize=%C2%B2",
    ],
)
async def test_out_of_range_paging(client, query):
    resp = await client.get(f"{API}/path{WS}/@children?{query}")
    assert resp.status == 400
    assert len((await resp.json())["message"]) < 100


async def test_a_huge_change_token_is_a_conflict_not_a_crash(client):
    resp = await create(client, "tokened")
    doc = await resp.json()
    resp = await client.put(
        f"{API}/id/{doc['uid']}",
        json={"entity-type": "document", "changeToken": "1-" + "9" * 4400, "properties": {}},
    )
    assert resp.status == 409


async def test_control_characters_leave_names(client):
    resp = await create(client, "two\nlines\tand\x1bescape")
    assert resp.status == 201
    assert (await resp.json())["path"].endswith("/two lines and escape")


async def test_a_second_root_cannot_be_created(client):
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Root", "name": "root"}
    )
    assert resp.status == 400
