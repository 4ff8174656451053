"""Cross-origin browsers (CORS) and JWT bearer tokens, both off unless configured."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import replace

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from ..conftest import ADMIN_AUTH

API = "/nuxeo/api/v1"
SECRET = "a-test-secret-that-is-long-enough-for-hs256"
ADMIN = {"Authorization": ADMIN_AUTH}
LATER = int(time.time()) + 3600


@pytest.fixture
async def make_client(aiohttp_client, database_url, base_settings, registry):
    from docgraph.gateway.app import create_app

    async def make(**changes):
        settings = replace(base_settings, **changes)
        return await aiohttp_client(create_app(settings, database_url, registry=registry))

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign(claims: dict, key: str = SECRET) -> str:
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(key))


def hs256(**claims) -> str:
    return sign({"sub": "Administrator", "exp": int(time.time()) + 60, **claims})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, claims: dict, key: bytes = b"") -> str:
    """A token built by hand: alg none, or HMAC with any key."""
    head, body = b64(json.dumps(header).encode()), b64(json.dumps(claims).encode())
    mac = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest() if key else b""
    return f"{head}.{body}.{b64(mac)}"


async def test_preflight_and_answers_name_allowed_origins_only(make_client):
    client = await make_client(cors_origins=("https://app.example",))
    preflight = await client.options(
        f"{API}/path/default-domain",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status == 204  # no credentials needed for a preflight
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    foreign = await client.options(
        f"{API}/path/default-domain",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"},
    )
    assert "Access-Control-Allow-Origin" not in foreign.headers
    answer = await client.get(
        f"{API}/path/default-domain",
        headers={"Origin": "https://app.example", **ADMIN},
    )
    assert answer.status == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert answer.headers["Vary"] == "Origin"
    # A refusal carries the header too, so that the browser shows the real error.
    refused = await client.get(
        f"{API}/path/default-domain", headers={"Origin": "https://app.example"}
    )
    assert refused.status == 401 and refused.headers["Access-Control-Allow-Origin"]


async def test_without_configuration_there_is_no_cors_and_no_bearer(make_client):
    client = await make_client()
    resp = await client.get(
        f"{API}/me", headers={"Origin": "https://app.example", **bearer(hs256())}
    )
    assert resp.status == 401
    assert "Access-Control-Allow-Origin" not in resp.headers


async def test_a_valid_jwt_authenticates_its_subject(make_client):
    client = await make_client(jwt_secret=SECRET)
    me = await client.get(f"{API}/me", headers=bearer(hs256()))
    assert me.status == 200 and (await me.json())["id"] == "Administrator"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: hs256(exp=int(time.time()) - 10), id="expired"),
        pytest.param(lambda: sign({"sub": "Administrator", "exp": LATER}, "x" * 40),
                     id="wrong-key"),
        pytest.param(lambda: sign({"sub": "Administrator"}), id="no-exp"),
        pytest.param(lambda: hs256(sub="nobody-here"), id="unknown-user"),
        pytest.param(lambda: hs256(nbf=int(time.time()) + 600), id="not-yet"),
        pytest.param(
            lambda: unsigned({"alg": "none"}, {"sub": "Administrator", "exp": LATER}),
            id="alg-none",
        ),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)  # fmt: skip
async def test_bad_jwts_are_refused(make_client, token):
    client = await make_client(jwt_secret=SECRET)
    resp = await client.get(f"{API}/me", headers=bearer(token()))
    assert resp.status == 401
    assert (await resp.json())["entity-type"] == "exception"


async def test_a_public_key_cannot_be_used_as_an_hmac_secret(make_client):
    key = RSAKey.generate_key(2048)
    public = key.as_pem(private=False).decode()
    client = await make_client(jwt_public_key=public, jwt_audience="docgraph")
    claims = {"sub": "Administrator", "exp": LATER, "aud": "docgraph"}
    good = jwt.encode({"alg": "RS256"}, claims, key)
    assert (await client.get(f"{API}/me", headers=bearer(good))).status == 200
    wrong_audience = jwt.encode({"alg": "RS256"}, {**claims, "aud": "other"}, key)
    assert (await client.get(f"{API}/me", headers=bearer(wrong_audience))).status == 401
    # The classic confusion attack: HS256 keyed with the public key's text.
    forged = unsigned({"alg": "HS256", "typ": "JWT"}, claims, public.encode())
    assert (await client.get(f"{API}/me", headers=bearer(forged))).status == 401


async def test_a_huge_bearer_token_is_refused_unparsed(make_client):
    client = await make_client(jwt_secret=SECRET)
    huge = "a" * 2500 + "." + "b" * 2500 + "." + "c" * 100
    resp = await client.get(f"{API}/me", headers=bearer(huge))
    assert resp.status == 401
    assert "too long" in (await resp.json())["message"]
