"""Users, groups, memberships and ACEs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def user_by_name(db: Database, username: str) -> Record | None:
    return await db.fetchrow(Q.security.user_by_name, username)


async def set_password(db: Database, username: str, password_hash: str) -> bool:
    """False when there is no such user."""
    return await db.fetchval(Q.security.set_password, username, password_hash) is not None


async def groups_of_user(db: Database, username: str) -> list[Record]:
    return await db.fetch(Q.security.groups_of_user, username)


async def insert_user(
    db: Database,
    username: str,
    password_hash: str | None,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    company: str | None = None,
    email: str | None = None,
) -> None:
    await db.execute(
        Q.security.insert_user, username, password_hash, first_name, last_name, company, email
    )


async def insert_group(
    db: Database, groupname: str, grouplabel: str | None, description: str | None
) -> None:
    await db.execute(Q.security.insert_group, groupname, grouplabel, description)


async def add_membership(db: Database, username: str, groupname: str) -> None:
    await db.execute(Q.security.insert_membership, username, groupname)


async def insert_aces(
    db: Database,
    document_id: UUID,
    acl_name: str,
    aces: Iterable[tuple[str, str, bool, str | None, datetime | None, datetime | None]],
    *,
    acl_order: int = 0,
) -> None:
    """``aces`` = (principal, permission, granted, creator, begin, end), in order."""
    await db.executemany(
        Q.security.insert_ace,
        [(document_id, acl_name, acl_order, position, *ace) for position, ace in enumerate(aces)],
    )
