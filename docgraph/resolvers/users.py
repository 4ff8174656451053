"""Principals: password authentication and the groups a user belongs to."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from docgraph.db import security as db_security
from docgraph.db.notify import ACCOUNTS, notify
from docgraph.db.pool import Database
from docgraph.errors import BadRequest, NotFound, TooManyRequests, Unauthorized
from docgraph.resolvers import audit
from docgraph.resolvers.bearer import BearerVerifier
from docgraph.resolvers.context import Principal
from docgraph.resolvers.throttle import FailureLog

if TYPE_CHECKING:
    from docgraph.resolvers.context import RequestContext

ADMINISTRATORS = "administrators"
ADMINISTRATOR = "Administrator"

_hasher = PasswordHasher()
_CONCURRENT_HASHES = 2
# Checks from addresses that failed recently: one at a time, this many waiting.
_SUSPECT_QUEUE = 16


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("docgraph: no such user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def load_principal(db: Database, username: str) -> Principal | None:
    user = await db_security.user_by_name(db, username)
    if user is None:
        return None
    groups = await db_security.groups_of_user(db, username)
    names = tuple(g["groupname"] for g in groups)
    return Principal(
        username=user["username"],
        groups=names,
        is_administrator=ADMINISTRATORS in names or user["username"] == ADMINISTRATOR,
    )


def check_password(password: Any, min_length: int) -> str:
    """The password policy: a string of at least ``min_length`` characters."""
    if not isinstance(password, str) or len(password) < max(min_length, 1):
        raise BadRequest(f"A password has at least {max(min_length, 1)} characters")
    return password


async def hash_off_loop(password: str) -> str:
    """argon2 is CPU-bound on purpose: never on the event loop."""
    return await asyncio.to_thread(hash_password, password)


async def set_password(db: Database, username: str, password: str, min_length: int) -> None:
    """Replace a user's password (hashed with argon2); NotFound if no such user."""
    hashed = await hash_off_loop(check_password(password, min_length))
    if not await db_security.set_password(db, username, hashed):
        raise NotFound(f"No such user: {username}")


class Authenticator:
    """Checks Basic credentials. A verified credential is cached for a short
    while so that a read does not pay an argon2 hash on every request.

    argon2 is CPU-bound on purpose: checks run off the event loop, a few at a
    time, in two lanes: addresses that failed recently wait in their own, so
    that a flood of wrong passwords cannot delay anybody else's login, and are
    answered 429 past ``failures_per_window`` (see ``throttle``)."""

    def __init__(
        self,
        cache_seconds: float = 60.0,
        max_entries: int = 4096,
        *,
        failure_window: float = 60.0,
        failures_per_window: int = 20,
    ) -> None:
        self._ttl = cache_seconds
        self._max = max_entries
        self._cache: OrderedDict[bytes, tuple[float, Principal]] = OrderedDict()
        # One verification per credential at a time: concurrent requests with
        # the same credential wait for it instead of each paying a hash.
        self._pending: dict[bytes, asyncio.Future[Principal]] = {}
        self.failures = FailureLog(failure_window, failures_per_window)
        self._lanes: dict[bool, asyncio.Semaphore] = {}
        self._suspect_waiting = 0
        self._inflight: Counter[str] = Counter()

    async def _check(self, stored: str, password: str, *, suspect: bool) -> bool:
        lane = self._lanes.get(suspect)
        if lane is None:
            lane = self._lanes[suspect] = asyncio.Semaphore(1 if suspect else _CONCURRENT_HASHES)
        if suspect:
            if self._suspect_waiting >= _SUSPECT_QUEUE:
                raise TooManyRequests("Too many failed logins are being checked", 1)
            self._suspect_waiting += 1
        try:
            async with lane:
                return await asyncio.to_thread(verify_password, stored, password)
        finally:
            if suspect:
                self._suspect_waiting -= 1

    def forget_all(self) -> None:
        self._cache.clear()

    def forget(self, username: str) -> None:
        """Drop the cached credentials of ``username`` (its password or groups
        changed): its next request is verified again."""
        for key, (_, principal) in list(self._cache.items()):
            if principal.username == username:
                del self._cache[key]

    @staticmethod
    def _key(username: str, password: str) -> bytes:
        return hashlib.sha256(f"{username}\0{password}".encode()).digest()

    async def authenticate(
        self, db: Database, username: str, password: str, address: str = ""
    ) -> Principal:
        key = self._key(username, password)
        if (cached := self._cached(key, address)) is not None:
            return cached
        pending = self._pending.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this request was cancelled
                # The request doing the check was: check for ourselves.
                return await self.authenticate(db, username, password, address)
        future: asyncio.Future[Principal] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            try:
                principal = await self._verify(db, username, password, address)
            except Unauthorized:
                self.failures.record(address)
                await audit.login(db, username, succeeded=False, method="basic")
                raise
            await audit.login(db, username, succeeded=True, method="basic")
        except asyncio.CancelledError:
            future.cancel()  # those waiting for it check for themselves
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no warning when nobody else waited
            raise
        else:
            future.set_result(principal)
            self._remember(key, principal, self._ttl)
            return principal
        finally:
            del self._pending[key]

    def _cached(self, key: bytes, address: str) -> Principal | None:
        """A still-valid cached principal for ``key``; else None, once the
        address is known not to be throttled."""
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        wait = self.failures.retry_after(address)
        if wait is not None:
            raise TooManyRequests("Too many failed logins from this address", wait)
        return None

    def _remember(self, key: bytes, principal: Principal, seconds: float) -> None:
        if seconds > 0:
            self._cache[key] = (time.monotonic() + seconds, principal)
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)

    async def _principal_of(self, db: Database, username: str | None, address: str) -> Principal:
        principal = None if username is None else await load_principal(db, username)
        if principal is None:
            self.failures.record(address)
            raise Unauthorized("Authentication failed")
        return principal

    async def authenticate_token(self, db: Database, token: str, address: str = "") -> Principal:
        """The user an authentication token names (cached like passwords)."""
        key = hashlib.sha256(f"token\0{token}".encode()).digest()
        if (cached := self._cached(key, address)) is not None:
            return cached
        from docgraph.resolvers.tokens import owner

        principal = await self._principal_of(db, await owner(db, token), address)
        await audit.login(db, principal.username, succeeded=True, method="token")
        self._remember(key, principal, self._ttl)
        return principal

    async def authenticate_bearer(
        self, db: Database, verifier: BearerVerifier, token: str, address: str = ""
    ) -> Principal:
        """The user a valid JWT names; cached until the token expires at most."""
        key = hashlib.sha256(f"bearer\0{token}".encode()).digest()
        if (cached := self._cached(key, address)) is not None:
            return cached
        try:
            claims = verifier.verify(token)
        except Unauthorized:
            self.failures.record(address)
            raise
        principal = await self._principal_of(db, claims.username, address)
        await audit.login(db, principal.username, succeeded=True, method="bearer")
        self._remember(key, principal, min(self._ttl, claims.expires - time.time()))
        return principal

    async def _verify(self, db: Database, username: str, password: str, address: str) -> Principal:
        user = await db_security.user_by_name(db, username)
        # An unknown user costs a hash too, so that timing does not tell
        # which user names exist.
        has_password = bool(user and user["password_hash"])
        stored = user["password_hash"] if user and has_password else _dummy_hash()
        # A burst from one address is suspect too, before its first failure lands.
        suspect = self.failures.suspect(address) or self._inflight[address] >= _CONCURRENT_HASHES
        self._inflight[address] += 1
        try:
            verified = await self._check(stored, password, suspect=suspect)
        finally:
            self._inflight[address] -= 1
            if not self._inflight[address]:
                del self._inflight[address]
        # An account without a password cannot log in with one (the dummy
        # hash only keeps the timing alike).
        if not verified or not has_password:
            raise Unauthorized("Authentication failed")
        principal = await load_principal(db, username)
        if principal is None:
            raise Unauthorized("Authentication failed")
        return principal


async def credentials_changed(ctx: RequestContext, username: str | None = None) -> None:
    """Once the unit of work commits, every process verifies the credentials
    of ``username`` (of everybody: a change of group relations) again: this
    one at once, the others when the notification reaches them."""
    await notify(ctx.work.db, ACCOUNTS, username or "*")
    authenticator = ctx.authenticator
    if authenticator is not None:
        ctx.work.on_commit.append(lambda: on_accounts_message(authenticator)(username or "*"))


def on_accounts_message(authenticator: Authenticator) -> Callable[[str], None]:
    """What a process does with an accounts notification."""

    def forget(payload: str) -> None:
        if payload == "*":
            authenticator.forget_all()
        else:
            authenticator.forget(payload)

    return forget
