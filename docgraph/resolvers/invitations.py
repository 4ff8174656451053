"""User invitations: someone asks that a person become a user (``User.Invite``);
once accepted (at once with ``autoAccept``, else by an administrator), the
invitee gets an e-mail with a one-time link to choose a password, which
creates the account (``validationMethod`` EMAIL); with NONE, the account is
created on acceptance, with the password the invitation carries.

Administrators and power users invite; administrators accept and reject.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID, uuid4

from docgraph.db import invitations as db_invitations
from docgraph.db import security as db_security
from docgraph.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from docgraph.resolvers import accounts, mail, paging, permissions
from docgraph.resolvers.accounts import POWERUSERS
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import Page, PageRequest

if TYPE_CHECKING:
    from docgraph.plugins import Registry

EMAIL = "email"
NONE = "none"
METHODS = (EMAIL, NONE)
VALIDATE_PATH = "site/userRegistration/validate"
SYSTEM = Principal(permissions.SYSTEM, is_administrator=True)
_USER_FIELDS = ("email", "firstName", "lastName", "company")


@dataclass(frozen=True, slots=True)
class UserEntity:
    """A ``user`` entity given as an operation's input: the account asked for."""

    username: str
    properties: Mapping[str, Any]

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> UserEntity:
        properties = body.get("properties") or {}
        if not isinstance(properties, Mapping):
            raise BadRequest("A user's properties must be a JSON object")
        username = body.get("id") or properties.get("username")
        if not isinstance(username, str):
            raise BadRequest("A user needs a username")
        return cls(username, properties)


@dataclass(frozen=True, slots=True)
class Invitation:
    id: UUID
    username: str
    email: str | None
    first_name: str | None
    last_name: str | None
    company: str | None
    groups: tuple[str, ...]
    comment: str | None
    validation_method: str
    state: str
    requested_by: str
    created: datetime

    @classmethod
    def from_record(cls, r: Any) -> Invitation:
        return cls(
            id=r["id"],
            username=r["username"],
            email=r["email"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            company=r["company"],
            groups=tuple(r["groups"]),
            comment=r["comment"],
            validation_method=r["validation_method"],
            state=r["state"],
            requested_by=r["requested_by"],
            created=r["created"],
        )


def method(text: str | None) -> str:
    chosen = (text or EMAIL).strip().lower()
    if chosen not in METHODS:
        raise BadRequest(f"validationMethod is EMAIL or NONE, not {str(text)[:20]!r}")
    return chosen


def _may_invite(ctx: RequestContext) -> None:
    principal = ctx.principal
    if not (principal.is_administrator or POWERUSERS in principal.groups):
        raise Forbidden("Only administrators and power users invite users")


def _may_decide(ctx: RequestContext) -> None:
    if not ctx.principal.is_administrator:
        raise Forbidden("Only administrators accept or reject invitations")


async def invite(
    ctx: RequestContext,
    user: UserEntity | None,
    info: Mapping[str, Any],
    *,
    validation_method: str = EMAIL,
    auto_accept: bool = True,
    comment: str | None = None,
) -> Invitation:
    """Store the invitation (and accept it with ``auto_accept``)."""
    _may_invite(ctx)
    fields: dict[str, Any] = {**info, **(user.properties if user else {})}
    username = user.username if user else fields.get("username")
    if not isinstance(username, str) or not username.strip():
        raise BadRequest("An invitation needs the username it asks for")
    values = {key: fields.get(key) for key in _USER_FIELDS}
    if any(v is not None and not isinstance(v, str) for v in values.values()):
        raise BadRequest("email, firstName, lastName and company are strings")
    if validation_method == EMAIL and not values["email"]:
        raise BadRequest("An invitation by e-mail needs the invitee's email")
    groups = fields.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise BadRequest("groups is a list of group names")
    if await db_security.user_by_name(ctx.db, username) is not None:
        raise Conflict(f"user already exists: {username}")
    # What the account will be created with, checked now (names, groups).
    await accounts.check_new_user(ctx, username, {"groups": groups})
    extra = {k: v for k, v in info.items() if k == "password" and isinstance(v, str)}
    row = await db_invitations.insert(
        ctx.work.db,
        uuid4(),
        username=username,
        email=values["email"],
        first_name=values["firstName"],
        last_name=values["lastName"],
        company=values["company"],
        groups=groups,
        comment=comment,
        info=extra,
        validation_method=validation_method,
        requested_by=ctx.principal.username,
    )
    invitation = Invitation.from_record(row)
    if auto_accept:
        invitation = await _accept(ctx, invitation, dict(row["info"]))
    return invitation


async def listed(ctx: RequestContext, request: PageRequest) -> Page[Invitation]:
    _may_decide(ctx)
    limit, offset = paging.window(request, ctx.settings.max_page_size)
    rows = await db_invitations.open_ones(ctx.db, limit + 1, offset)
    found = [Invitation.from_record(r) for r in rows[:limit]]
    total = offset + len(rows)
    return paging.page_of(
        found, total, request, limit, offset, ctx.settings.max_page_size, "userInvitations"
    )


async def get(ctx: RequestContext, invitation_id: str, *, for_update: bool = False) -> Any:
    _may_decide(ctx)
    try:
        key = UUID(invitation_id)
    except ValueError:
        raise NotFound(f"Invitation not found: {invitation_id[:64]}") from None
    db = ctx.work.db if for_update else ctx.db
    row = await db_invitations.by_id(db, key, for_update=for_update)
    if row is None:
        raise NotFound(f"Invitation not found: {invitation_id[:64]}")
    return row


async def accept(ctx: RequestContext, invitation_id: str) -> Invitation:
    row = await get(ctx, invitation_id, for_update=True)
    invitation = Invitation.from_record(row)
    if invitation.state != "pending":
        raise Conflict(f"Invitation {invitation.id} is {invitation.state}")
    return await _accept(ctx, invitation, dict(row["info"]))


async def reject(ctx: RequestContext, invitation_id: str) -> Invitation:
    row = await get(ctx, invitation_id, for_update=True)
    invitation = Invitation.from_record(row)
    if invitation.state not in ("pending", "accepted"):
        raise Conflict(f"Invitation {invitation.id} is {invitation.state}")
    row = await db_invitations.set_state(ctx.work.db, invitation.id, "rejected", None)
    return Invitation.from_record(row)


async def _accept(
    ctx: RequestContext, invitation: Invitation, info: Mapping[str, Any]
) -> Invitation:
    db = ctx.work.db
    if invitation.validation_method == NONE:
        password = info.get("password")
        if not isinstance(password, str):
            raise BadRequest("Without e-mail validation, the invitation's info needs a password")
        await _create_user(ctx, invitation, password)
        row = await db_invitations.set_state(db, invitation.id, "validated", None)
        return Invitation.from_record(row)
    token = secrets.token_urlsafe(32)
    row = await db_invitations.set_state(db, invitation.id, "accepted", _digest(token))
    accepted = Invitation.from_record(row)
    link = f"{ctx.base_url}{VALIDATE_PATH}?token={quote(token)}"
    body = (
        f"{invitation.requested_by} invites you to become the user {invitation.username}.\n\n"
        f"To choose your password, send it with this one-time token to\n{link}\n"
        f'(POST a JSON object with "token" and "password").\n'
    )
    if invitation.comment:
        body += f"\nTheir message: {invitation.comment}\n"
    assert accepted.email is not None
    mail.send_after_commit(ctx, mail.Mail((accepted.email,), "Your invitation", body))
    return accepted


async def validate(ctx: RequestContext, token: str, password: str) -> Invitation:
    """The invitee's answer: the token proves the e-mail reached them; the
    account is created with their password (the token works once)."""
    row = await db_invitations.by_token_for_update(ctx.work.db, _digest(token))
    if row is None or row["state"] != "accepted":
        raise Unauthorized("This invitation link is not valid (any more)")
    invitation = Invitation.from_record(row)
    await _create_user(ctx, invitation, password)
    row = await db_invitations.set_state(ctx.work.db, invitation.id, "validated", None)
    return Invitation.from_record(row)


async def _create_user(ctx: RequestContext, invitation: Invitation, password: str) -> None:
    """The account, created by the system (whoever completes the flow)."""
    system = dataclasses.replace(ctx, principal=SYSTEM)
    await accounts.create_user(
        system,
        invitation.username,
        {
            "password": password,
            "groups": list(invitation.groups),
            "email": invitation.email,
            "firstName": invitation.first_name,
            "lastName": invitation.last_name,
            "company": invitation.company,
        },
    )


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def register(registry: Registry) -> None:
    registry.add_input_type("user", UserEntity)
