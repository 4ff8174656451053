"""User invitations: User.Invite, the e-mail with its one-time link (caught
by a local SMTP server), the invitee choosing a password, the
administrators' accept and reject, who may invite, and GraphQL."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from .test_directories import member

API = "/nuxeo/api/v1"
VALIDATE = "/nuxeo/site/userRegistration/validate"


@pytest.fixture
def settings(base_settings, inbox):
    return dataclasses.replace(base_settings, smtp_host="127.0.0.1", smtp_port=inbox.port)


async def invite(client, user: dict | None = None, headers=None, status=200, **params) -> dict:
    body: dict = {"params": params}
    if user is not None:
        body["input"] = {"entity-type": "user", **user}
    resp = await client.post(f"{API}/automation/User.Invite", json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_an_invitee_chooses_a_password_and_signs_in(client, inbox):
    answer = await invite(
        client,
        {"id": "newbie", "properties": {"email": "newbie@example.com", "groups": ["members"]}},
        comment="welcome aboard",
    )
    invitation_id = answer["value"]
    token = await inbox.token_for("newbie@example.com")
    assert any("welcome aboard" in text for _, text in inbox.messages)
    anonymous = {"Authorization": ""}
    resp = await client.post(
        VALIDATE, json={"token": token, "password": "s3cret-pw"}, headers=anonymous
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["state"] == "validated"
    me = await client.get(f"{API}/me", headers={"Authorization": "Basic bmV3YmllOnMzY3JldC1wdw=="})
    body = await me.json()
    assert body["id"] == "newbie" and "members" in body["properties"]["groups"]
    # The link works once; a made-up one never.
    again = await client.post(VALIDATE, json={"token": token, "password": "x"}, headers=anonymous)
    assert again.status == 401
    made_up = await client.post(
        VALIDATE, json={"token": "guess", "password": "x"}, headers=anonymous
    )
    assert made_up.status == 401
    resp = await client.post(VALIDATE, data=b"not json", headers=anonymous)
    assert resp.status == 400
    resp = await client.get(f"{API}/userInvitation/{invitation_id}")
    assert (await resp.json())["state"] == "validated"


async def test_administrators_accept_and_reject(client, inbox):
    first = await invite(
        client, info={"username": "later", "email": "later@example.com"}, autoAccept=False
    )
    second = await invite(
        client, info={"username": "never", "email": "never@example.com"}, autoAccept=False
    )
    listed = await (await client.get(f"{API}/userInvitation")).json()
    pending = {i["username"]: i for i in listed["entries"]}
    assert pending["later"]["state"] == pending["never"]["state"] == "pending"
    assert not any("later@example.com" in to for to, _ in inbox.messages)
    resp = await client.put(f"{API}/userInvitation/{first['value']}/accept")
    assert (await resp.json())["state"] == "accepted"
    await inbox.token_for("later@example.com")
    resp = await client.put(f"{API}/userInvitation/{second['value']}/reject")
    assert (await resp.json())["state"] == "rejected"
    resp = await client.put(f"{API}/userInvitation/{second['value']}/accept")
    assert resp.status == 409


async def test_without_email_validation_the_account_is_created_at_once(client):
    await invite(
        client,
        info={"username": "direct", "password": "direct-pw"},
        validationMethod="NONE",
    )
    me = await client.get(f"{API}/me", headers={"Authorization": "Basic ZGlyZWN0OmRpcmVjdC1wdw=="})
    assert me.status == 200


async def test_who_may_invite_and_bad_invitations(client, db):
    reader = await member(db, "invreader")
    power = await member(db, "invpower")
    from docgraph.db import security as db_security

    await db_security.add_membership(db, "invpower", "powerusers")
    info = {"username": "someone", "email": "someone@example.com"}
    await invite(client, headers=reader, status=403, info=info)
    bad = {**info, "username": "boss", "groups": ["administrators"]}
    await invite(client, headers=power, status=403, info=bad)
    await invite(client, status=409, info={"username": "Administrator", "email": "a@b.c"})
    await invite(client, status=400, info={"username": "nomail"})
    await invite(client, status=400, info=info, validationMethod="PIGEON")
    await invite(client, status=400, info={"username": "nopw"}, validationMethod="NONE")
    await invite(client, status=400, info={"email": "x@y.z"})
    resp = await client.get(f"{API}/userInvitation", headers=reader)
    assert resp.status == 403
    await invite(client, headers=power, info=info)


async def test_graphql_invitations(client, inbox):
    query = """mutation { inviteUser(username: "gqlnew", email: "gqlnew@example.com",
                 autoAccept: false) { id state } }"""
    body = await (await client.post("/nuxeo/graphql", json={"query": query})).json()
    invitation = body["data"]["inviteUser"]
    assert invitation["state"] == "pending"
    body = await (
        await client.post(
            "/nuxeo/graphql",
            json={
                "query": "mutation($i: ID!) { acceptInvitation(id: $i) { state } }",
                "variables": {"i": invitation["id"]},
            },
        )
    ).json()
    assert body["data"]["acceptInvitation"]["state"] == "accepted"
    await inbox.token_for("gqlnew@example.com")


async def test_document_mail(client, inbox):
    resp = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={"entity-type": "document", "type": "Note", "name": "mailed"},
    )
    doc = await resp.json()

    async def mail(status: int = 200, **params):
        resp = await client.post(
            f"{API}/automation/Document.Mail", json={"input": doc["uid"], "params": params}
        )
        assert resp.status == status, await resp.text()

    await mail(
        **{"from": "me@example.com"},
        subject="About a note",
        message="See token=notatoken-just-text",
        to=["reader@example.com"],
        bcc=["hidden@example.com"],
    )
    for _ in range(100):
        if any("hidden@example.com" in to for to, _ in inbox.messages):
            break
        await asyncio.sleep(0.05)
    sent = [(to, text) for to, text in inbox.messages if "reader@example.com" in to]
    assert sent and "hidden@example.com" in sent[0][0] and "See token" in sent[0][1]
    await mail(400, **{"from": "me@example.com"}, subject="x\r\nBcc: evil@example.com",
               message="m", to=["a@example.com"])  # fmt: skip
    await mail(400, **{"from": "me@example.com"}, subject="x", message="m",
               to=[f"r{i}@example.com" for i in range(21)])  # fmt: skip
    await mail(400, **{"from": "me@example.com"}, subject="x", message="m", to=["nobody"])
