"""Users and groups: reading, searching and, for those allowed, managing them.

Everybody may read users and groups. Administrators manage them; members of
``powerusers`` manage those that are not (transitively) administrators.
Every user may change their own password given the old one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docgraph.db import security as db_security
from docgraph.db.pool import Record
from docgraph.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from docgraph.resolvers import paging
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Page, PageRequest
from docgraph.resolvers.users import (
    ADMINISTRATOR,
    ADMINISTRATORS,
    check_password,
    credentials_changed,
    hash_off_loop,
    verify_password,
)

POWERUSERS = "powerusers"
# Editable user fields: JSON name -> column.
USER_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "company": "company",
    "email": "email",
    "tenantId": "tenant_id",
}


@dataclass(frozen=True, slots=True)
class User:
    username: str
    first_name: str | None
    last_name: str | None
    company: str | None
    email: str | None
    tenant_id: str | None
    # Groups the user was put in, and every group it belongs to through them.
    groups: tuple[str, ...]
    all_groups: tuple[tuple[str, str | None], ...]

    @property
    def is_administrator(self) -> bool:
        return self.username == ADMINISTRATOR or any(
            name == ADMINISTRATORS for name, _ in self.all_groups
        )


@dataclass(frozen=True, slots=True)
class Group:
    groupname: str
    grouplabel: str | None
    description: str | None
    tenant_id: str | None
    member_users: tuple[str, ...]
    member_groups: tuple[str, ...]
    parent_groups: tuple[str, ...]


# -- reading -------------------------------------------------------------------


async def load_users(ctx: RequestContext, names: Sequence[str]) -> list[User]:
    """The users named that exist, in the order given: two statements for any number."""
    rows = {r["username"]: r for r in await db_security.users_by_names(ctx.db, names)}
    memberships: dict[str, list[Record]] = {}
    for row in await db_security.groups_of_users(ctx.db, list(rows)):
        memberships.setdefault(row["username"], []).append(row)
    return [_user(rows[n], memberships.get(n, [])) for n in names if n in rows]


def _user(row: Record, groups: list[Record]) -> User:
    return User(
        username=row["username"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        company=row["company"],
        email=row["email"],
        tenant_id=row["tenant_id"],
        groups=tuple(g["groupname"] for g in groups if g["direct"]),
        all_groups=tuple((g["groupname"], g["grouplabel"]) for g in groups),
    )


async def get_user(ctx: RequestContext, username: str) -> User:
    found = await load_users(ctx, [username])
    if not found:
        raise NotFound("user does not exist")
    return found[0]


async def load_groups(ctx: RequestContext, names: Sequence[str]) -> list[Group]:
    rows = {r["groupname"]: r for r in await db_security.groups_by_names(ctx.db, names)}
    relations = {r["groupname"]: r for r in await db_security.group_relations(ctx.db, list(rows))}
    return [_group(rows[n], relations[n]) for n in names if n in rows]


def _group(row: Record, relations: Record) -> Group:
    return Group(
        groupname=row["groupname"],
        grouplabel=row["grouplabel"],
        description=row["description"],
        tenant_id=row["tenant_id"],
        member_users=tuple(relations["member_users"]),
        member_groups=tuple(relations["member_groups"]),
        parent_groups=tuple(relations["parent_groups"]),
    )


async def get_group(ctx: RequestContext, groupname: str) -> Group:
    found = await load_groups(ctx, [groupname])
    if not found:
        raise NotFound("group does not exist")
    return found[0]


def _search_text(q: str | None) -> str | None:
    """``*`` is everyone; otherwise a case-insensitive substring."""
    text = (q or "").strip().lower()
    return None if text in ("", "*") else text


async def search_users(ctx: RequestContext, q: str | None, page: PageRequest) -> Page[User]:
    return await _search(ctx, q, page, "users")


async def search_groups(ctx: RequestContext, q: str | None, page: PageRequest) -> Page[Group]:
    return await _search(ctx, q, page, "groups")


async def _search(ctx: RequestContext, q: str | None, page: PageRequest, kind: str) -> Page[Any]:
    """A page of users or groups matching ``q``; an empty ``q`` finds none, as in Nuxeo."""
    limit, offset = paging.window(page, ctx.settings.max_page_size)
    names: list[str] = []
    total = 0
    if (q or "").strip():
        search = db_security.search_users if kind == "users" else db_security.search_groups
        names, total = await search(ctx.db, _search_text(q), limit, offset)
    return paging.page_of(
        await _load(ctx, kind, names), total, page, limit, offset, ctx.settings.max_page_size, kind
    )


async def _load(ctx: RequestContext, kind: str, names: Sequence[str]) -> list[Any]:
    return await (load_users(ctx, names) if kind == "users" else load_groups(ctx, names))


async def member_page(
    ctx: RequestContext, names: Sequence[str], kind: str, page: PageRequest
) -> Page[Any]:
    """A page of a group's member users or groups."""
    limit, offset = paging.window(page, ctx.settings.max_page_size)
    loaded = await _load(ctx, kind, list(names)[offset : offset + limit])
    return paging.page_of(loaded, len(names), page, limit, offset, ctx.settings.max_page_size, kind)


# -- managing ------------------------------------------------------------------


async def _may_manage(
    ctx: RequestContext, *, user: User | None = None, groups: Sequence[str] = ()
) -> None:
    """Administrators manage every account; ``powerusers`` those that do not
    reach ``administrators``, directly or through nested groups."""
    principal = ctx.principal
    if principal.is_administrator:
        return
    if POWERUSERS in principal.groups:
        touches_admins = (user is not None and user.is_administrator) or (
            bool(groups) and await db_security.groups_reach(ctx.db, groups, ADMINISTRATORS)
        )
        if not touches_admins:
            return
    raise Forbidden(f"'{principal.username}' may not manage these users and groups")


def _text(properties: Mapping[str, Any], key: str) -> str | None:
    value = properties.get(key)
    if value is None or isinstance(value, str):
        return value
    raise BadRequest(f"{key} must be a string")


def _names(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BadRequest(f"{what} must be a list of names")
    return list(dict.fromkeys(value))


def _check_name(name: str, what: str) -> None:
    if not name or len(name) > 255 or "\x00" in name or "/" in name:
        raise BadRequest(f"A {what} name has 1 to 255 characters and no '/'")


async def _new_password(ctx: RequestContext, password: Any) -> str:
    return await hash_off_loop(check_password(password, ctx.settings.password_min_length))


async def _require_groups(ctx: RequestContext, names: Sequence[str]) -> None:
    existing = {g["groupname"] for g in await db_security.groups_by_names(ctx.db, names)}
    if missing := [n for n in names if n not in existing]:
        raise BadRequest(f"group does not exist: {', '.join(missing)}")


async def _require_users(ctx: RequestContext, names: Sequence[str]) -> None:
    existing = {u["username"] for u in await db_security.users_by_names(ctx.db, names)}
    if missing := [n for n in names if n not in existing]:
        raise BadRequest(f"user does not exist: {', '.join(missing)}")


async def check_new_user(
    ctx: RequestContext, username: str, properties: Mapping[str, Any]
) -> list[str]:
    """That the user may create this account (its name, its groups); its groups."""
    _check_name(username, "user")
    groups = _names(properties.get("groups") or [], "groups")
    await _may_manage(ctx, groups=groups)
    await _require_groups(ctx, groups)
    return groups


async def create_user(ctx: RequestContext, username: str, properties: Mapping[str, Any]) -> User:
    groups = await check_new_user(ctx, username, properties)
    password = properties.get("password")
    hashed = None if password is None else await _new_password(ctx, password)
    db = ctx.work.db
    inserted = await db_security.insert_user(
        db,
        username,
        hashed,
        first_name=_text(properties, "firstName"),
        last_name=_text(properties, "lastName"),
        company=_text(properties, "company"),
        email=_text(properties, "email"),
    )
    if not inserted:
        raise Conflict(f"user already exists: {username}")
    await db_security.set_user_groups(db, username, groups)
    return await get_user(ctx, username)


async def update_user(ctx: RequestContext, username: str, properties: Mapping[str, Any]) -> User:
    """Fields sent replace the stored ones; ``password`` sets a new one,
    ``groups`` replaces the user's groups."""
    current = await get_user(ctx, username)
    groups = None if "groups" not in properties else _names(properties["groups"], "groups")
    await _may_manage(ctx, user=current, groups=groups or ())
    db = ctx.work.db
    merged = {
        column: _text(properties, key) if key in properties else getattr(current, column)
        for key, column in USER_FIELDS.items()
    }
    await db_security.update_user(db, username, **merged)
    if properties.get("password") is not None:
        await db_security.set_password(
            db, username, await _new_password(ctx, properties["password"])
        )
    if groups is not None:
        await _require_groups(ctx, groups)
        await db_security.set_user_groups(db, username, groups)
    await credentials_changed(ctx, username)
    return await get_user(ctx, username)


async def delete_user(ctx: RequestContext, username: str) -> None:
    current = await get_user(ctx, username)
    await _may_manage(ctx, user=current)
    if username == ctx.principal.username:
        raise BadRequest("A user cannot delete itself")
    await db_security.delete_user(ctx.work.db, username)
    await credentials_changed(ctx, username)


async def add_to_group(ctx: RequestContext, username: str, groupname: str) -> User:
    user, group = await get_user(ctx, username), await get_group(ctx, groupname)
    await _may_manage(ctx, user=user, groups=[group.groupname])
    await db_security.add_membership(ctx.work.db, username, groupname)
    await credentials_changed(ctx, username)
    return await get_user(ctx, username)


async def remove_from_group(ctx: RequestContext, username: str, groupname: str) -> User:
    user, group = await get_user(ctx, username), await get_group(ctx, groupname)
    await _may_manage(ctx, user=user, groups=[group.groupname])
    if not await db_security.remove_membership(ctx.work.db, username, groupname):
        raise NotFound(f"{username} is not a member of {groupname}")
    await credentials_changed(ctx, username)
    return await get_user(ctx, username)


async def change_own_password(ctx: RequestContext, old: Any, new: Any) -> User:
    username = ctx.principal.username
    row = await db_security.user_by_name(ctx.db, username)
    stored = row["password_hash"] if row is not None else None
    if not isinstance(old, str) or not await asyncio.to_thread(verify_password, stored, old):
        raise Unauthorized("The old password is wrong")
    await db_security.set_password(ctx.work.db, username, await _new_password(ctx, new))
    await credentials_changed(ctx, username)
    return await get_user(ctx, username)


async def create_group(ctx: RequestContext, groupname: str, body: Mapping[str, Any]) -> Group:
    _check_name(groupname, "group")
    parents = _names(body["parentGroups"], "parentGroups") if "parentGroups" in body else []
    await _may_manage(ctx, groups=[groupname, *parents])
    properties = body.get("properties") or {}
    inserted = await db_security.insert_group(
        ctx.work.db,
        groupname,
        _text(body, "grouplabel") or _text(properties, "grouplabel"),
        _text(properties, "description"),
    )
    if not inserted:
        raise Conflict(f"group already exists: {groupname}")
    await _set_relations(ctx, groupname, body)
    return await get_group(ctx, groupname)


async def update_group(ctx: RequestContext, groupname: str, body: Mapping[str, Any]) -> Group:
    current = await get_group(ctx, groupname)
    parents = _names(body["parentGroups"], "parentGroups") if "parentGroups" in body else []
    await _may_manage(ctx, groups=[groupname, *parents])
    properties = body.get("properties") or {}
    label = _text(body, "grouplabel") if "grouplabel" in body else _text(properties, "grouplabel")
    description = (
        _text(properties, "description") if "description" in properties else current.description
    )
    await db_security.update_group(
        ctx.work.db,
        groupname,
        label if label is not None else current.grouplabel,
        description,
        current.tenant_id,
    )
    await _set_relations(ctx, groupname, body)
    return await get_group(ctx, groupname)


async def _set_relations(ctx: RequestContext, groupname: str, body: Mapping[str, Any]) -> None:
    users = _names(body["memberUsers"], "memberUsers") if "memberUsers" in body else None
    members = _names(body["memberGroups"], "memberGroups") if "memberGroups" in body else None
    parents = _names(body["parentGroups"], "parentGroups") if "parentGroups" in body else None
    if users:
        await _require_users(ctx, users)
    # Member groups are names, which need not exist (Nuxeo's references);
    # parents are groups this one joins, and must.
    if parents:
        await _require_groups(ctx, parents)
    for names in (members, parents):
        if names and groupname in names:
            raise BadRequest("A group cannot contain itself")
    await db_security.set_group_relations(
        ctx.work.db,
        groupname,
        member_users=users,
        member_groups=members,
        parent_groups=parents,
    )
    # Who belongs to what changed, possibly for many users at once.
    await credentials_changed(ctx)


async def delete_group(ctx: RequestContext, groupname: str) -> None:
    await get_group(ctx, groupname)
    await _may_manage(ctx, groups=[groupname])
    if groupname == ADMINISTRATORS:
        raise BadRequest("The administrators group cannot be deleted")
    await db_security.delete_group(ctx.work.db, groupname)
    await credentials_changed(ctx)
