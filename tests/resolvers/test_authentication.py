"""Password authentication: argon2 hashes, a short cache, one check per credential."""

from __future__ import annotations

import asyncio

import pytest

from docgraph.errors import TooManyRequests, Unauthorized
from docgraph.resolvers import throttle, users


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


async def test_failed_logins_from_an_address_are_throttled_without_hashing(db, monkeypatch):
    auth = users.Authenticator(failure_window=60, failures_per_window=3)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await auth.authenticate(db, "Administrator", "guess", "10.0.0.9")
    monkeypatch.setattr(users, "verify_password", None)  # any hash now would crash
    with pytest.raises(TooManyRequests) as refused:
        await auth.authenticate(db, "Administrator", "Administrator", "10.0.0.9")
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.headers()["Retry-After"] == str(refused.value.retry_after)
    monkeypatch.undo()
    # Only the address is throttled, never the account: Administrator logs in elsewhere.
    principal = await auth.authenticate(db, "Administrator", "Administrator", "10.0.0.1")
    assert principal.username == "Administrator"


def test_the_failure_window_slides(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    log = throttle.FailureLog(window=60, limit=2)
    log.record("a")
    now[0] += 30
    log.record("a")
    assert log.retry_after("a") == pytest.approx(30)
    now[0] += 31
    assert log.retry_after("a") is None and log.suspect("a")
    now[0] += 30
    assert not log.suspect("a")
