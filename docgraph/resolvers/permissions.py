"""Nuxeo's permission model: the permission hierarchy and ACE evaluation.

A check walks the document's ACEs, then its ancestors' up to the root, and
the first ACE naming one of the user's principals (the user, each of its
groups, ``Everyone``) with a permission that includes the one checked decides:
granted or denied. No match is a refusal. Administrators bypass checks.

Reading goes through ``read_acl``, kept on each document row: the principals
that may browse it, in evaluation order, a denied one prefixed with ``-``
(see :func:`read_acl_of`). Listings and searches filter on its class inside
their SQL (0029_read_acl_classes.sql); a read by id or path checks the list
here. Every other permission loads the ACE chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from docgraph.db.acls import BrowseFilter
from docgraph.errors import Forbidden
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import Document

BROWSE = "Browse"
READ = "Read"
READ_SECURITY = "ReadSecurity"
READ_VERSION = "ReadVersion"
WRITE = "Write"
WRITE_PROPERTIES = "WriteProperties"
WRITE_VERSION = "WriteVersion"
ADD_CHILDREN = "AddChildren"
REMOVE = "Remove"
WRITE_SECURITY = "WriteSecurity"
EVERYTHING = "Everything"
EVERYONE = "Everyone"

# Creates the default content; never a user.
SYSTEM = "system"

# What each compound permission includes (nuxeo-core permissions-contrib).
INCLUDES: dict[str, tuple[str, ...]] = {
    "Browse": (),
    "ReadProperties": ("Browse",),
    "ReadChildren": (),
    "ReadLifeCycle": (),
    "ReviewParticipant": (),
    "ReadSecurity": (),
    "ReadVersion": (),
    "Read": (
        "Browse",
        "ReadVersion",
        "ReadProperties",
        "ReadChildren",
        "ReadLifeCycle",
        "ReadSecurity",
        "ReviewParticipant",
    ),
    "WriteProperties": (),
    "WriteVersion": ("WriteProperties",),
    "Version": ("ReadVersion", "WriteVersion"),
    "AddChildren": (),
    "RemoveChildren": (),
    "ManageWorkflows": (),
    "WriteLifeCycle": (),
    "Unlock": (),
    "Remove": ("RemoveChildren", "WriteLifeCycle"),
    "Write": (
        "AddChildren",
        "WriteProperties",
        "Remove",
        "ManageWorkflows",
        "WriteLifeCycle",
        "WriteVersion",
    ),
    "ReadRemove": ("Read", "Remove"),
    "ReadWrite": ("Read", "Write"),
    "WriteSecurity": (),
    "RestrictedRead": (),
    "MakeRecord": (),
    "SetRetention": (),
    "ManageLegalHold": (),
    "Comment": ("WriteLifeCycle",),
    "Moderate": (),
    "CanAskForPublishing": (),
    "ReadCanCollect": (),
    "DataVisualization": (),
    "ManageRecord": (),
    "Everything": (),
}
# Offered in user interfaces (the userVisiblePermissions enricher).
USER_VISIBLE = ("Read", "ReadWrite", "Everything")


@cache
def included_in(permission: str) -> frozenset[str]:
    """Every permission whose holder also holds ``permission``: itself, the
    compound permissions that include it (transitively), and Everything."""
    holders = {permission, EVERYTHING}
    changed = True
    while changed:
        changed = False
        for compound, parts in INCLUDES.items():
            if compound not in holders and holders.intersection(parts):
                holders.add(compound)
                changed = True
    return frozenset(holders)


@dataclass(frozen=True, slots=True)
class ACE:
    principal: str
    permission: str
    granted: bool
    creator: str | None = None
    begin: datetime | None = None
    end: datetime | None = None

    def active(self, now: datetime) -> bool:
        return (self.begin is None or self.begin <= now) and (self.end is None or self.end > now)

    def status(self, now: datetime) -> str:
        if self.begin is not None and self.begin > now:
            return "pending"
        if self.end is not None and self.end <= now:
            return "archived"
        return "effective"


def decide(chain: Iterable[ACE], names: Sequence[str], permission: str, now: datetime) -> bool:
    """The first active ACE naming one of ``names`` with a permission that
    includes ``permission`` decides; none is a refusal."""
    holders = included_in(permission)
    for ace in chain:
        if ace.principal in names and ace.permission in holders and ace.active(now):
            return ace.granted
    return False


def granted_to(chain: Iterable[ACE], permission: str, now: datetime) -> list[str]:
    """The principals ``chain`` grants ``permission`` (their first ACE about
    it decides), in the order of those ACEs."""
    holders = included_in(permission)
    first: dict[str, bool] = {}
    for ace in chain:
        if ace.permission in holders and ace.active(now) and ace.principal not in first:
            first[ace.principal] = ace.granted
    return [principal for principal, granted in first.items() if granted]


def read_acl_of(chain: Iterable[ACE], now: datetime) -> list[str]:
    """The ``read_acl`` of a document whose ACE chain (its own ACEs first,
    then its ancestors') is ``chain``: each principal once, in the order its
    first Browse-deciding ACE comes, denied ones as ``-principal``, and no
    deny after the last grant (it changes nothing: no match is a refusal).
    The SQL recompute (``security.sql``) computes the same list."""
    holders = included_in(BROWSE)
    first: dict[str, bool] = {}
    for ace in chain:
        if ace.permission in holders and ace.active(now) and ace.principal not in first:
            first[ace.principal] = ace.granted
            if ace.principal == EVERYONE:
                break  # every user matches Everyone: nothing after it is read
    entries = [p if granted else f"-{p}" for p, granted in first.items()]
    while entries and entries[-1].startswith("-"):
        entries.pop()
    return entries


def read_acl_with_grant(read_acl: Sequence[str], principal: str) -> list[str]:
    """The read_acl of a document whose own first ACE grants ``principal``
    Browse, below a parent whose read_acl is ``read_acl``."""
    if principal == EVERYONE:
        return [EVERYONE]
    rest = [e for e in read_acl if e not in (principal, f"-{principal}")]
    entries = [principal, *rest]
    while entries and entries[-1].startswith("-"):
        entries.pop()
    return entries


def may_browse(read_acl: Iterable[str], names: Sequence[str]) -> bool:
    """``read_acl`` evaluated for a user: the first entry naming one of its
    principals decides."""
    for entry in read_acl:
        if entry in names:
            return True
        if entry.startswith("-") and entry[1:] in names:
            return False
    return False


def can_read(principal: Principal, doc: Document) -> bool:
    return principal.is_administrator or may_browse(doc.read_acl, principal.names)


def refusal(ctx: RequestContext, permission: str) -> Forbidden:
    return Forbidden(f"Privilege '{permission}' is not granted to '{ctx.principal.username}'")


def check_read(ctx: RequestContext, doc: Document) -> None:
    if not can_read(ctx.principal, doc):
        raise refusal(ctx, READ)


async def has_permission(ctx: RequestContext, doc: Document, permission: str) -> bool:
    [held] = await holds(ctx, [doc], permission)
    return held


async def holds(ctx: RequestContext, docs: Sequence[Document], permission: str) -> list[bool]:
    """Whether the user holds ``permission`` on each document; the ACE chains
    of the whole list load in one statement."""
    if ctx.principal.is_administrator:
        return [True] * len(docs)
    if permission in (BROWSE, READ):
        return [can_read(ctx.principal, doc) for doc in docs]
    chains = await ace_chains(ctx, docs)
    now = datetime.now().astimezone()
    names = ctx.principal.names
    return [decide(chain, names, permission, now) for chain in chains]


async def held(ctx: RequestContext, docs: Sequence[Document]) -> list[list[str]]:
    """Every registered permission the user holds on each document; the ACE
    chains are built once for all of them."""
    names = list(INCLUDES)
    if ctx.principal.is_administrator:
        return [names for _ in docs]
    chains = await ace_chains(ctx, docs)
    now = datetime.now().astimezone()
    principals = ctx.principal.names
    return [
        [
            name
            for name in names
            if (
                can_read(ctx.principal, doc)
                if name in (BROWSE, READ)
                else decide(chain, principals, name, now)
            )
        ]
        for doc, chain in zip(docs, chains, strict=True)
    ]


async def check(ctx: RequestContext, doc: Document, permission: str) -> None:
    if not await has_permission(ctx, doc, permission):
        raise refusal(ctx, permission)


async def ace_chains(ctx: RequestContext, docs: Sequence[Document]) -> list[list[ACE]]:
    """Each document's ACEs followed by its ancestors', nearest first."""
    ids = list(dict.fromkeys(i for d in docs for i in (d.id, *reversed(d.ancestors))))
    acps = dict(zip(ids, await ctx.loaders.acp.load_many(ids), strict=True))
    return [
        [ace for i in (d.id, *reversed(d.ancestors)) for _, aces in acps[i] for ace in aces]
        for d in docs
    ]


def readers(ctx: RequestContext) -> tuple[str, ...] | None:
    """The permission filter of a listing's SQL: the user's principals, whose
    read_acl classes the statement works out itself; None for administrators
    (no filter)."""
    return None if ctx.principal.is_administrator else ctx.principal.names


async def browse_filter(ctx: RequestContext) -> BrowseFilter | None:
    """The permission filter a search puts in its SQL; None for
    administrators (no filter). Read once per request, again after a write."""
    if ctx.principal.is_administrator:
        return None
    return await ctx.loaders.browse_filter()
