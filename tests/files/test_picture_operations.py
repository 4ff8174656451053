"""Picture.Create (a Picture from an uploaded image) and Picture.RecomputeViews
(every view made now, by a bulk command, for administrators only)."""

from __future__ import annotations

import io
import uuid

import orjson
from PIL import Image

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic
from .helpers import API, WS, uploaded


def png(width: int = 400, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(out, "PNG")
    return out.getvalue()


async def created(client, folder_uid, name, batch, **params):
    reference = orjson.dumps({"upload-batch": batch, "upload-fileId": "0"}).decode()
    resp = await client.post(
        f"{API}/automation/Picture.Create",
        json={
            "input": folder_uid,
            "params": {
                "name": name,
                "properties": f"dc:title=Sky\noriginalPicture={reference}",
                **params,
            },
        },
        headers={"properties": "*"},
    )
    return resp.status, await resp.json()


async def test_a_picture_made_from_an_upload(client):
    folder = await (await client.get(f"{API}/path{WS}")).json()
    batch = await uploaded(client, ("sky.png", png(), "image/png"))
    status, picture = await created(client, folder["uid"], f"sky-{uuid.uuid4().hex[:6]}", batch)
    assert status == 200, picture
    assert picture["type"] == "Picture" and picture["title"] == "Sky"
    assert picture["properties"]["file:content"]["name"] == "sky.png"
    view = await client.get(f"{API}/id/{picture['uid']}/@rendition/Small")
    assert Image.open(io.BytesIO(await view.read())).size == (280, 140)
    # Custom view templates are refused, and nothing is made.
    batch = await uploaded(client, ("x.png", png(), "image/png"))
    status, body = await created(
        client, folder["uid"], "templated", batch, pictureTemplates="Tiny=10"
    )
    assert status == 400, body
    assert (await client.get(f"{API}/path{WS}/templated")).status == 404


async def test_views_are_made_ahead_for_administrators_only(client, db, app_database):
    name = f"gallery-{uuid.uuid4().hex[:6]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
    )
    folder = await resp.json()
    batch = await uploaded(client, ("wide.png", png(800, 400), "image/png"))
    status, picture = await created(client, folder["uid"], "wide", batch)
    assert status == 200, picture
    query = f"SELECT * FROM Picture WHERE ecm:parentId = '{folder['uid']}'"
    before = await db.fetchval("SELECT count(*) FROM conversion_cache")
    resp = await client.post(
        f"{API}/automation/Picture.RecomputeViews", json={"params": {"query": query}}
    )
    assert resp.status == 204, await resp.text()
    command = await db.fetchval(
        "SELECT id FROM bulk_commands WHERE action = 'recomputeViews' ORDER BY submitted DESC"
    )
    waited = await client.post(
        f"{API}/automation/Bulk.WaitForAction",
        json={"params": {"commandId": str(command), "timeoutSecond": 30}},
    )
    assert (await waited.json())["value"] is True
    status = await (await client.get(f"{API}/bulk/{command}")).json()
    assert (status["state"], status["total"], status["errorCount"]) == ("COMPLETED", 1, 0)
    # Five views, each now in the conversion cache.
    assert await db.fetchval("SELECT count(*) FROM conversion_cache") >= before + 5
    if await db_security.user_by_name(db, "painter") is None:
        await db_security.insert_user(db, "painter", hash_password("painter-pw"))
        await db_security.add_membership(db, "painter", "members")
    resp = await client.post(
        f"{API}/automation/Picture.RecomputeViews",
        json={"params": {"query": query}},
        headers=basic("painter", "painter-pw"),
    )
    assert resp.status == 404  # administrators only, as Nuxeo's REST bindings
