"""Users, groups, memberships and ACEs."""

from __future__ import annotations

from collections.abc import Sequence

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
) -> bool:
    """False when the name is taken."""
    inserted = await db.fetchval(
        Q.security.insert_user, username, password_hash, first_name, last_name, company, email
    )
    return inserted is not None


async def insert_group(
    db: Database, groupname: str, grouplabel: str | None, description: str | None
) -> bool:
    """False when the name is taken."""
    inserted = await db.fetchval(Q.security.insert_group, groupname, grouplabel, description)
    return inserted is not None


async def add_membership(db: Database, username: str, groupname: str) -> None:
    await db.execute(Q.security.insert_membership, username, groupname)


async def groups_reach(db: Database, groups: Sequence[str], target: str) -> bool:
    """Whether one of ``groups`` is ``target`` or nested inside it."""
    return bool(await db.fetchval(Q.security.groups_reach, list(groups), target))


async def users_by_names(db: Database, names: Sequence[str]) -> list[Record]:
    return await db.fetch(Q.security.users_by_names, list(names))


async def groups_of_users(db: Database, names: Sequence[str]) -> list[Record]:
    """(username, groupname, grouplabel, direct) for every group of each user."""
    return await db.fetch(Q.security.groups_of_users, list(names))


async def search_users(
    db: Database, text: str | None, limit: int, offset: int
) -> tuple[list[str], int]:
    rows = await db.fetch(Q.security.search_users, text, limit, offset)
    return [r["username"] for r in rows], rows[0]["total"] if rows else 0


async def update_user(
    db: Database,
    username: str,
    *,
    first_name: str | None,
    last_name: str | None,
    company: str | None,
    email: str | None,
    tenant_id: str | None,
) -> bool:
    found = await db.fetchval(
        Q.security.update_user, username, first_name, last_name, company, email, tenant_id
    )
    return found is not None


async def delete_user(db: Database, username: str) -> bool:
    return await db.fetchval(Q.security.delete_user, username) is not None


async def set_user_groups(db: Database, username: str, groups: Sequence[str]) -> None:
    await db.execute(Q.security.set_user_groups, username, list(groups))


async def remove_membership(db: Database, username: str, groupname: str) -> bool:
    return await db.fetchval(Q.security.delete_membership, username, groupname) is not None


async def groups_by_names(db: Database, names: Sequence[str]) -> list[Record]:
    return await db.fetch(Q.security.groups_by_names, list(names))


async def group_relations(db: Database, names: Sequence[str]) -> list[Record]:
    return await db.fetch(Q.security.group_relations, list(names))


async def search_groups(
    db: Database, text: str | None, limit: int, offset: int
) -> tuple[list[str], int]:
    rows = await db.fetch(Q.security.search_groups, text, limit, offset)
    return [r["groupname"] for r in rows], rows[0]["total"] if rows else 0


async def update_group(
    db: Database,
    groupname: str,
    grouplabel: str | None,
    description: str | None,
    tenant: str | None,
) -> bool:
    found = await db.fetchval(Q.security.update_group, groupname, grouplabel, description, tenant)
    return found is not None


async def delete_group(db: Database, groupname: str) -> bool:
    return await db.fetchval(Q.security.delete_group, groupname) is not None


async def set_group_relations(
    db: Database,
    groupname: str,
    *,
    member_users: Sequence[str] | None = None,
    member_groups: Sequence[str] | None = None,
    parent_groups: Sequence[str] | None = None,
) -> None:
    """Replace the memberships given (None leaves one as it is)."""
    if member_users is not None:
        await db.execute(Q.security.set_group_members, groupname, list(member_users))
    if member_groups is not None:
        await db.execute(Q.security.set_group_subgroups, groupname, list(member_groups))
    if parent_groups is not None:
        await db.execute(Q.security.set_group_parents, groupname, list(parent_groups))


async def username_by_email(db: Database, email: str) -> str | None:
    found: str | None = await db.fetchval(Q.security.username_by_email, email)
    return found
