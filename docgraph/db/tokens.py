"""Authentication token rows and the secret tokens are derived with."""

from __future__ import annotations

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def secret(db: Database, name: str, fresh: bytes) -> bytes:
    """The stored secret ``name``; ``fresh`` becomes it when there is none."""
    await db.execute(Q.tokens.ensure_secret, name, fresh)
    value: bytes = await db.fetchval(Q.tokens.secret, name)
    return value


async def token_of_device(
    db: Database, username: str, application: str, device_id: str
) -> Record | None:
    return await db.fetchrow(Q.tokens.token_of_device, username, application, device_id)


async def insert_token(
    db: Database,
    token_hash: bytes,
    username: str,
    application: str,
    device_id: str,
    description: str | None,
    permission: str,
    nonce: bytes,
) -> Record | None:
    return await db.fetchrow(
        Q.tokens.insert_token,
        token_hash,
        username,
        application,
        device_id,
        description,
        permission,
        nonce,
    )


async def token_by_hash(db: Database, token_hash: bytes) -> Record | None:
    return await db.fetchrow(Q.tokens.token_by_hash, token_hash)


async def tokens_of_user(db: Database, username: str, application: str | None) -> list[Record]:
    return await db.fetch(Q.tokens.tokens_of_user, username, application)


async def delete_token(db: Database, token_hash: bytes, username: str) -> bool:
    return await db.fetchval(Q.tokens.delete_token, token_hash, username) is not None
