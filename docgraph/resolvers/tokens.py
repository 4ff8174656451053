"""Authentication tokens: one per (user, application, device), as in Nuxeo.

A token is ``HMAC-SHA256(secret, user, application, device, nonce)`` shaped as
a UUID. The database keeps its SHA-256 and the nonce, never the token: asked
again for the same triplet, the server derives the same token (Nuxeo's
contract) while a copy of the database alone does not yield usable tokens
when the secret is kept outside it (``DOCGRAPH_TOKEN_SECRET``). Without that
setting, a random secret is stored in the database at first use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from docgraph.db import tokens as db_tokens
from docgraph.db.pool import Database, Record
from docgraph.errors import BadRequest, NotFound
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.users import credentials_changed

_SECRET_NAME = "token"
# Tokens handed out per user: each one is a credential to keep track of.
MAX_TOKENS_PER_USER = 1000
_MAX_FIELD = 1000


@dataclass(frozen=True, slots=True)
class Token:
    token: str
    username: str
    application: str
    device_id: str
    device_description: str | None
    permission: str
    created: datetime


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def _secret(ctx: RequestContext) -> bytes:
    configured = ctx.settings.token_secret
    if configured:
        return configured.encode()
    return await db_tokens.secret(ctx.db, _SECRET_NAME, secrets.token_bytes(32))


def _derive(secret: bytes, row_fields: tuple[str, str, str], nonce: bytes) -> str:
    message = "\0".join(row_fields).encode() + b"\0" + nonce
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _token(secret: bytes, row: Record) -> Token:
    fields = (row["username"], row["application"], row["device_id"])
    return Token(
        _derive(secret, fields, row["nonce"]),
        row["username"],
        row["application"],
        row["device_id"],
        row["device_description"],
        row["permission"],
        row["created"],
    )


def _required(value: str | None, name: str) -> str:
    if not value or not value.strip():
        raise BadRequest(f"Missing parameter: {name}")
    if len(value) > _MAX_FIELD:
        raise BadRequest(f"{name} is longer than {_MAX_FIELD} characters")
    return value


async def acquire(
    ctx: RequestContext,
    application: str | None,
    device_id: str | None,
    permission: str | None,
    description: str | None = None,
) -> tuple[Token, bool]:
    """The user's token for this application and device, made if there is
    none; True when it was made now."""
    user = ctx.principal.username
    application = _required(application, "applicationName")
    device_id = _required(device_id, "deviceId")
    permission = _required(permission, "permission")
    if description is not None and len(description) > _MAX_FIELD:
        raise BadRequest(f"deviceDescription is longer than {_MAX_FIELD} characters")
    secret = await _secret(ctx)
    db = ctx.work.db
    existing = await db_tokens.token_of_device(db, user, application, device_id)
    if existing is not None:
        return _token(secret, existing), False
    if len(await db_tokens.tokens_of_user(db, user, None)) >= MAX_TOKENS_PER_USER:
        raise BadRequest(f"A user may hold at most {MAX_TOKENS_PER_USER} tokens")
    nonce = secrets.token_bytes(16)
    token = _derive(secret, (user, application, device_id), nonce)
    row = await db_tokens.insert_token(
        db, hash_token(token), user, application, device_id, description, permission, nonce
    )
    if row is None:  # a concurrent request made it first: answer that one
        existing = await db_tokens.token_of_device(db, user, application, device_id)
        assert existing is not None
        return _token(secret, existing), False
    return _token(secret, row), True


async def revoke_device(
    ctx: RequestContext, application: str | None, device_id: str | None
) -> None:
    """Revoke the token of this application and device; 400 when there is none."""
    user = ctx.principal.username
    row = await db_tokens.token_of_device(
        ctx.work.db,
        user,
        _required(application, "applicationName"),
        _required(device_id, "deviceId"),
    )
    if row is None:
        raise BadRequest("No token for this application and device")
    await db_tokens.delete_token(ctx.work.db, row["token_hash"], user)
    await credentials_changed(ctx, ctx.principal.username)


async def revoke(ctx: RequestContext, token: str) -> None:
    """Revoke one of the user's tokens; 404 for any other."""
    if not await db_tokens.delete_token(ctx.work.db, hash_token(token), ctx.principal.username):
        raise NotFound("Token not found")
    await credentials_changed(ctx, ctx.principal.username)


async def of_user(ctx: RequestContext, application: str | None = None) -> list[Token]:
    secret = await _secret(ctx)
    rows = await db_tokens.tokens_of_user(ctx.db, ctx.principal.username, application)
    return [_token(secret, row) for row in rows]


async def owner(db: Database, token: str) -> str | None:
    """The user a token authenticates, or None."""
    row = await db_tokens.token_by_hash(db, hash_token(token))
    return None if row is None else str(row["username"])
