"""User invitation rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def insert(
    db: Database,
    id: UUID,
    *,
    username: str,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    company: str | None,
    groups: Sequence[str],
    comment: str | None,
    info: dict[str, Any],
    validation_method: str,
    requested_by: str,
) -> Record:
    row = await db.fetchrow(
        Q.invitations.insert,
        id,
        username,
        email,
        first_name,
        last_name,
        company,
        list(groups),
        comment,
        info,
        validation_method,
        requested_by,
    )
    assert row is not None
    return row


async def by_id(db: Database, id: UUID, *, for_update: bool = False) -> Record | None:
    query = Q.invitations.by_id_for_update if for_update else Q.invitations.by_id
    return await db.fetchrow(query, id)


async def by_token_for_update(db: Database, token_hash: bytes) -> Record | None:
    return await db.fetchrow(Q.invitations.by_token_for_update, token_hash)


async def open_ones(db: Database, limit: int, offset: int) -> list[Record]:
    return await db.fetch(Q.invitations.open, limit, offset)


async def set_state(db: Database, id: UUID, state: str, token_hash: bytes | None) -> Record:
    row = await db.fetchrow(Q.invitations.set_state, id, state, token_hash)
    assert row is not None
    return row
