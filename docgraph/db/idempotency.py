"""Idempotency keys and the answers kept for them (see migration 0013)."""

from __future__ import annotations

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def claim(db: Database, owner: str, key: str, ttl: float, stale: float) -> bool:
    return await db.fetchval(Q.idempotency.claim, owner, key, ttl, stale) is not None


async def request(db: Database, owner: str, key: str) -> Record | None:
    return await db.fetchrow(Q.idempotency.request, owner, key)


async def finish(
    db: Database, owner: str, key: str, status: int, content_type: str, body: bytes
) -> None:
    await db.execute(Q.idempotency.finish, owner, key, status, content_type, body)


async def release(db: Database, owner: str, key: str) -> None:
    await db.execute(Q.idempotency.release, owner, key)


async def drop_expired(db: Database) -> None:
    await db.execute(Q.idempotency.drop_expired)
