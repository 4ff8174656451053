"""Access control lists: reading a document's ACP and changing its ACEs.

An ACP is the document's named ACLs (``local`` first), then ``inherited``,
the ancestors' ACEs nearest first, computed. Every change rewrites one ACL,
then recomputes ``read_acl`` for the document's whole subtree in one
statement, inside the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from docgraph.db import acls as db_acls
from docgraph.db import security as db_security
from docgraph.db.pool import Database
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events, permissions
from docgraph.resolvers.context import DEFAULT_REPOSITORY, Principal, RequestContext
from docgraph.resolvers.model import Document
from docgraph.resolvers.permissions import ACE, EVERYONE, EVERYTHING
from docgraph.resolvers.typesystem.coerce import format_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry
    from docgraph.settings import Settings

SYSTEM_PRINCIPAL = Principal(permissions.SYSTEM, is_administrator=True)
LOCAL = "local"
# Principals granted in one call: an ACL is read whole on every check.
MAX_PRINCIPALS = 1000
INHERITED = "inherited"
ADMINISTRATORS = "administrators"


@dataclass(frozen=True, slots=True)
class ACL:
    name: str
    aces: tuple[ACE, ...]


@dataclass(frozen=True, slots=True)
class ACP:
    """What ``@acl`` and the ``acls`` enricher write: the document's ACLs,
    then ``inherited`` (omitted when empty, as each empty ACL is)."""

    document: Document
    acls: tuple[ACL, ...]


def ace_id(ace: ACE) -> str:
    """``username:permission:granted:creator:beginMillis:endMillis``, Nuxeo's id."""

    def millis(at: datetime | None) -> str:
        return "" if at is None else str(int(at.timestamp() * 1000))

    granted = "true" if ace.granted else "false"
    return ":".join(
        [
            ace.principal,
            ace.permission,
            granted,
            ace.creator or "",
            millis(ace.begin),
            millis(ace.end),
        ]
    )


def is_block(ace: ACE) -> bool:
    return ace.principal == EVERYONE and ace.permission == EVERYTHING and not ace.granted


async def acps(ctx: RequestContext, docs: Sequence[Document]) -> list[ACP]:
    """The ACP of each document; all their ACEs load in one statement."""
    ids = list(dict.fromkeys(i for d in docs for i in (d.id, *d.ancestors)))
    own = dict(zip(ids, await ctx.loaders.acp.load_many(ids), strict=True))
    out = []
    for doc in docs:
        mine = [ACL(name, tuple(aces)) for name, aces in own[doc.id] if aces]
        inherited: list[ACE] = []
        for ancestor in reversed(doc.ancestors):
            inherited.extend(ace for _, aces in own[ancestor] for ace in aces)
        if inherited:
            mine.append(ACL(INHERITED, tuple(inherited)))
        out.append(ACP(doc, tuple(mine)))
    return out


async def acp(ctx: RequestContext, doc: Document) -> ACP:
    [found] = await acps(ctx, [doc])
    return found


async def _acl(ctx: RequestContext, doc: Document, name: str) -> list[ACE]:
    [own] = await ctx.loaders.acp.load_many([doc.id])
    return next((list(aces) for acl_name, aces in own if acl_name == name), [])


def _check_name(name: str) -> str:
    if not name or name == INHERITED:
        raise BadRequest(f"Cannot write the ACL {name!r}")
    return name


async def _rewrite(
    ctx: RequestContext, doc: Document, name: str, change: Callable[[list[ACE]], list[ACE]]
) -> Document:
    """Apply ``change`` to the ACL ``name`` of ``doc`` (WriteSecurity needed),
    then bring the subtree's read_acl up to date."""
    _check_name(name)
    doc = await documents.for_write(ctx, doc, permissions.WRITE_SECURITY)
    before = await _acl(ctx, doc, name)
    after = change(list(before))
    if after == before:
        return doc
    unit = ctx.work
    rows = [(a.principal, a.permission, a.granted, a.creator, a.begin, a.end) for a in after]
    await db_acls.replace_acl(unit.db, doc.id, name, rows)
    await recompute(ctx, doc.id)
    [changed] = await documents.reload(ctx, [doc.id])
    unit.emit(ctx, documents.change(ctx, events.SECURITY_CHANGED, changed, datetime.now(UTC)))
    return changed


async def refresh_timed(
    database: Database, registry: Registry, settings: Settings, since: datetime, until: datetime
) -> int:
    """read_acl honours ACEs in effect when it was computed: recompute the
    subtrees below every ACE whose begin or end fell in (since, until]; the
    number of subtrees. The server runs this periodically; direct checks of
    other permissions read the ACEs and their periods at query time."""
    ctx = RequestContext(SYSTEM_PRINCIPAL, DEFAULT_REPOSITORY, database, registry, settings)
    try:
        async with ctx.unit_of_work() as unit:
            roots = await db_acls.timed_aces_crossed(unit.db, since, until)
            for root in roots:
                await recompute(ctx, root)
    finally:
        await ctx.close()
    return len(roots)


async def recompute(ctx: RequestContext, root_id: UUID) -> int:
    """read_acl of the subtree of ``root_id`` from its ACEs, in one statement."""
    holders = sorted(permissions.included_in(permissions.BROWSE))
    return await db_acls.recompute_read_acl(ctx.work.db, root_id, holders)


def _check_permission(permission: str) -> str:
    if permission not in permissions.INCLUDES:
        raise BadRequest(f"Unknown permission: {permission}")
    return permission


def _check_period(begin: datetime | None, end: datetime | None) -> None:
    if begin is not None and end is not None and end <= begin:
        raise BadRequest("The end of a permission must come after its begin")


async def add_permission(
    ctx: RequestContext,
    doc: Document,
    principals: Sequence[str],
    permission: str,
    *,
    acl: str = LOCAL,
    begin: datetime | None = None,
    end: datetime | None = None,
    block_inheritance: bool = False,
) -> Document:
    """Grant ``permission`` to each principal; new ACEs go before a block
    ACE, as in Nuxeo; one already there is not added twice."""
    if not principals:
        raise BadRequest("A user, users or email is required")
    if len(principals) > MAX_PRINCIPALS:
        raise BadRequest(f"At most {MAX_PRINCIPALS} users or groups per call")
    _check_permission(permission)
    _check_period(begin, end)
    creator = ctx.principal.username
    new = [ACE(p, permission, True, creator, begin, end) for p in principals]

    def change(aces: list[ACE]) -> list[ACE]:
        at = next((i for i, a in enumerate(aces) if is_block(a)), len(aces))
        added = [a for a in dict.fromkeys(new) if a not in aces]
        result = aces[:at] + added + aces[at:]
        return _blocked(ctx, result) if block_inheritance else result

    return await _rewrite(ctx, doc, acl, change)


async def replace_permission(
    ctx: RequestContext,
    doc: Document,
    ace: str,
    principal: str,
    permission: str,
    *,
    acl: str = LOCAL,
    begin: datetime | None = None,
    end: datetime | None = None,
) -> Document:
    """The ACE whose id is ``ace`` becomes a grant of ``permission`` to ``principal``."""
    _check_permission(permission)
    _check_period(begin, end)

    def change(aces: list[ACE]) -> list[ACE]:
        at = next((i for i, a in enumerate(aces) if ace_id(a) == ace), None)
        if at is None:
            raise BadRequest(f"No ACE with id {ace} in the ACL {acl}")
        aces[at] = ACE(principal, permission, True, ctx.principal.username, begin, end)
        return aces

    return await _rewrite(ctx, doc, acl, change)


async def remove_permission(
    ctx: RequestContext,
    doc: Document,
    *,
    ace: str | None = None,
    principal: str | None = None,
    acl: str = LOCAL,
) -> Document:
    """Remove the ACE with id ``ace``, or every ACE of ``principal``."""
    if (ace is None) == (principal is None):
        raise BadRequest("Give exactly one of id and user")

    def change(aces: list[ACE]) -> list[ACE]:
        if ace is not None:
            return [a for a in aces if ace_id(a) != ace]
        return [a for a in aces if a.principal != principal]

    return await _rewrite(ctx, doc, acl, change)


def _blocked(ctx: RequestContext, aces: list[ACE]) -> list[ACE]:
    """Nuxeo's block: the current user and the administrators group keep
    Everything, then Everyone is denied Everything."""
    if any(is_block(a) for a in aces):
        return aces
    user = ctx.principal.username
    keep = [ACE(p, EVERYTHING, True, user) for p in dict.fromkeys([user, ADMINISTRATORS])]
    return [*aces, *(a for a in keep if a not in aces), ACE(EVERYONE, EVERYTHING, False, user)]


async def block_inheritance(ctx: RequestContext, doc: Document, *, acl: str = LOCAL) -> Document:
    return await _rewrite(ctx, doc, acl, lambda aces: _blocked(ctx, aces))


async def unblock_inheritance(ctx: RequestContext, doc: Document, *, acl: str = LOCAL) -> Document:
    """Only the block ACE goes; the grants added with it stay."""
    return await _rewrite(ctx, doc, acl, lambda aces: [a for a in aces if not is_block(a)])


async def remove_acl(ctx: RequestContext, doc: Document, acl: str) -> Document:
    return await _rewrite(ctx, doc, acl, lambda aces: [])


async def set_ace(
    ctx: RequestContext,
    doc: Document,
    principal: str,
    permission: str,
    *,
    granted: bool = True,
    overwrite: bool = True,
    acl: str = LOCAL,
) -> Document:
    """The legacy ``Document.AddACE``: with ``overwrite``, the principal's
    other ACEs in the ACL go; the new ACE is appended."""
    _check_permission(permission)
    new = ACE(principal, permission, granted, ctx.principal.username)

    def change(aces: list[ACE]) -> list[ACE]:
        if overwrite:
            aces = [a for a in aces if a.principal != principal]
        return aces if new in aces else [*aces, new]

    return await _rewrite(ctx, doc, acl, change)


def ace_entry(ace: ACE, now: datetime) -> dict[str, Any]:
    """An ACE as the ``acls`` enricher writes it (``@acl`` drops ``externalUser``)."""
    return {
        "id": ace_id(ace),
        "username": ace.principal,
        "externalUser": False,
        "permission": ace.permission,
        "granted": ace.granted,
        "creator": ace.creator,
        "begin": None if ace.begin is None else format_date(ace.begin),
        "end": None if ace.end is None else format_date(ace.end),
        "status": ace.status(now),
    }


# Users gathered from groups (resolveGroups) at most: a huge group is cut here.
MAX_RESOLVED_USERS = 10_000


@dataclass(frozen=True, slots=True)
class Holders:
    """Who holds a permission on a document: users and groups named by the
    ACEs that grant it (the first ACE naming a principal decides)."""

    users: tuple[str, ...]
    groups: tuple[str, ...]


async def holders(ctx: RequestContext, doc: Document, permission: str) -> Holders:
    """The principals granted ``permission`` on ``doc`` (Nuxeo's
    GetUsersGroupIdsWithPermissionOnDoc); the caller needs ReadSecurity."""
    if permission not in permissions.INCLUDES:
        raise BadRequest(f"Unknown permission: {permission[:64]}")
    await permissions.check(ctx, doc, permissions.READ_SECURITY)
    [chain] = await permissions.ace_chains(ctx, [doc])
    granted = permissions.granted_to(chain, permission, datetime.now(UTC))
    groups = {r["groupname"] for r in await db_security.groups_by_names(ctx.db, granted)}
    return Holders(
        tuple(p for p in granted if p not in groups and p != permissions.EVERYONE),
        tuple(p for p in granted if p in groups),
    )


async def users_of_groups(ctx: RequestContext, groups: Sequence[str]) -> list[str]:
    """The users of ``groups`` and of their subgroups, each once."""
    users: dict[str, None] = {}
    seen: set[str] = set()
    pending = list(groups)
    while pending and len(users) < MAX_RESOLVED_USERS:
        batch = [g for g in dict.fromkeys(pending) if g not in seen]
        seen.update(batch)
        pending = []
        for row in await db_security.group_relations(ctx.db, batch):
            users.update(dict.fromkeys(row["member_users"]))
            pending.extend(row["member_groups"])
    return list(users)[:MAX_RESOLVED_USERS]
