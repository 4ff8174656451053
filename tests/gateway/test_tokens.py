"""Token authentication: acquire (the same token again per device), use,
list, revoke; tokens are stored hashed."""

from __future__ import annotations

from ..conftest import ADMIN_AUTH

TOKEN = "/nuxeo/authentication/token"
API = "/nuxeo/api/v1"
DEVICE = {"applicationName": "Nuxeo Drive", "deviceId": "dev-1", "permission": "ReadWrite"}


async def test_a_token_is_acquired_used_listed_and_revoked(client, db):
    first = await client.get(TOKEN, params={**DEVICE, "deviceDescription": "GNU/Linux"})
    assert first.status == 201 and first.content_type == "text/plain"
    token = await first.text()
    assert "\n" not in token and len(token) == 36
    again = await client.get(TOKEN, params=DEVICE)
    assert await again.text() == token  # same user, application and device
    other = await client.get(TOKEN, params={**DEVICE, "deviceId": "dev-2"})
    assert await other.text() != token

    # The token alone authenticates, as a header or a query parameter.
    me = await client.get(
        f"{API}/me", headers={"X-Authentication-Token": token, "Authorization": ""}
    )
    assert me.status == 200 and (await me.json())["id"] == "Administrator"
    assert (
        await client.get(f"{API}/me", params={"token": token}, headers={"Authorization": ""})
    ).status == 200

    stored = await db.fetch("SELECT token_hash, nonce FROM auth_tokens")
    assert all(token.encode() not in bytes(r["token_hash"]) for r in stored)
    raw = await db.fetchval("SELECT string_agg(t::text, ' ') FROM auth_tokens t")
    assert token not in raw

    listed = await (await client.get(f"{API}/token", params={"application": "Nuxeo Drive"})).json()
    entry = next(e for e in listed["entries"] if e["id"] == token)
    assert entry["entity-type"] == "token" and entry["deviceId"] == "dev-1"
    assert entry["deviceDescription"] == "GNU/Linux" and entry["permission"] == "ReadWrite"

    revoked = await client.get(TOKEN, params={**DEVICE, "revoke": "true"})
    assert revoked.status == 202
    refused = await client.get(
        f"{API}/me", headers={"X-Authentication-Token": token, "Authorization": ""}
    )
    assert refused.status == 401
    assert (await client.get(TOKEN, params={**DEVICE, "revoke": "true"})).status == 400

    created = await client.post(
        f"{API}/token", params={"application": "app", "deviceId": "d", "permission": "Read"}
    )
    assert created.status == 201
    second = await created.text()
    assert (await client.delete(f"{API}/token/{second}")).status == 204
    assert (await client.delete(f"{API}/token/{second}")).status == 404


async def test_token_requests_need_their_parameters_and_credentials(client):
    for missing in ("applicationName", "deviceId", "permission"):
        params = {k: v for k, v in DEVICE.items() if k != missing}
        resp = await client.get(TOKEN, params=params)
        assert resp.status == 400, missing
        assert (await resp.json())["entity-type"] == "exception"
    assert (await client.get(TOKEN, params={**DEVICE, "deviceId": "x" * 5000})).status == 400
    anonymous = await client.get(TOKEN, params=DEVICE, headers={"Authorization": ""})
    assert anonymous.status == 401
    bogus = await client.get(
        f"{API}/me", headers={"X-Authentication-Token": "not-a-token", "Authorization": ""}
    )
    assert bogus.status == 401
    assert ADMIN_AUTH  # Basic still works beside tokens
    assert (await client.get(f"{API}/me")).status == 200
