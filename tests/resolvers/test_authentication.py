"""Password authentication: argon2 hashes, a short cache, one check per credential."""

from __future__ import annotations

import asyncio

import pytest

from docgraph.errors import Unauthorized
from docgraph.resolvers import users


async def test_verified_credentials_are_cached_and_checked_once(db, monkeypatch):
    calls = 0
    real = users.verify_password

    def counting(stored, password):
        nonlocal calls
        calls += 1
        return real(stored, password)

    monkeypatch.setattr(users, "verify_password", counting)
    auth = users.Authenticator(cache_seconds=60)
    principals = await asyncio.gather(
        *[auth.authenticate(db, "Administrator", "Administrator") for _ in range(10)]
    )
    assert calls == 1
    assert {p.username for p in principals} == {"Administrator"}
    assert principals[0].is_administrator and principals[0].groups == ("administrators",)
    await auth.authenticate(db, "Administrator", "Administrator")
    assert calls == 1


async def test_wrong_or_unknown_credentials_are_refused_every_time(db):
    auth = users.Authenticator(cache_seconds=60)
    for username, password in [("Administrator", "wrong"), ("nobody", "x"), ("Administrator", "")]:
        with pytest.raises(Unauthorized):
            await auth.authenticate(db, username, password)
    results = await asyncio.gather(
        *[auth.authenticate(db, "Administrator", "nope") for _ in range(3)],
        return_exceptions=True,
    )
    assert all(isinstance(r, Unauthorized) for r in results)


async def test_cache_can_be_disabled(db):
    auth = users.Authenticator(cache_seconds=0)
    await auth.authenticate(db, "Administrator", "Administrator")
    assert auth._cache == {}


def test_hashes_are_argon2():
    hashed = users.hash_password("s3cret")
    assert hashed.startswith("$argon2id$")
    assert users.verify_password(hashed, "s3cret")
    assert not users.verify_password(hashed, "S3cret")
    assert not users.verify_password(None, "s3cret")
    assert not users.verify_password("not a hash", "s3cret")
