"""User and group operations, and changing who the rest of a chain runs as.
The engine's account rules apply (who may manage whom)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, Conflict, Forbidden, NotFound
from docgraph.resolvers import accounts, invitations
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation
from docgraph.resolvers.users import load_principal

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_MODES = ("CREATE_OR_UPDATE", "CREATE", "UPDATE")


@operation(
    "User.Get",
    aliases=["NuxeoPrincipal.Get"],
    category="Users & Groups",
    label="Get User",
    signature=[("void", "user")],
    params=[Param("login", description="the user; the current one when absent")],
    description="A user account.",
)
async def get_user(call: OperationCall, _input: None, *, login: str | None) -> accounts.User:
    return await accounts.get_user(call.ctx, login or call.ctx.principal.username)


@operation(
    "Group.Get",
    category="Users & Groups",
    label="Get Group",
    signature=[("void", "group")],
    params=[Param("groupname", required=True)],
    description="A group.",
)
async def get_group(call: OperationCall, _input: None, *, groupname: str) -> accounts.Group:
    return await accounts.get_group(call.ctx, groupname)


def _mode(mode: str) -> str:
    mode = mode.upper()
    if mode not in _MODES:
        raise BadRequest(f"mode must be one of {', '.join(_MODES)}")
    return mode


async def _exists(lookup: Any) -> bool:
    try:
        await lookup
    except NotFound:
        return False
    return True


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@operation(
    "User.CreateOrUpdate",
    aliases=["Services.CreateUser"],
    category="Users & Groups",
    label="Create or Update User",
    signature=[("void", "void")],
    writes=True,
    params=[
        Param("username", required=True),
        Param("password"),
        Param("email"),
        Param("firstName", arg="first_name"),
        Param("lastName", arg="last_name"),
        Param("company"),
        Param("groups", type="stringlist"),
        Param("mode", default="CREATE_OR_UPDATE", values=_MODES),
    ],
    description="Create a user, or update the fields given of an existing one.",
)
async def create_or_update_user(
    call: OperationCall,
    _input: None,
    *,
    username: str,
    password: str | None,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    company: str | None,
    groups: list[str] | None,
    mode: str,
) -> None:
    ctx, mode = call.ctx, _mode(mode)
    properties = _given(
        password=password,
        email=email,
        firstName=first_name,
        lastName=last_name,
        company=company,
        groups=groups,
    )
    exists = await _exists(accounts.get_user(ctx, username))
    if exists and mode == "CREATE":
        raise Conflict(f"user already exists: {username}")
    if not exists and mode == "UPDATE":
        raise NotFound(f"user does not exist: {username}")
    if exists:
        await accounts.update_user(ctx, username, properties)
    else:
        await accounts.create_user(ctx, username, properties)


@operation(
    "Group.CreateOrUpdate",
    category="Users & Groups",
    label="Create or Update Group",
    signature=[("void", "void")],
    writes=True,
    params=[
        Param("groupname", required=True),
        Param("grouplabel"),
        Param("description"),
        Param("members", type="stringlist", description="member users"),
        Param("subGroups", type="stringlist", arg="sub_groups"),
        Param("parentGroups", type="stringlist", arg="parent_groups"),
        Param("mode", default="CREATE_OR_UPDATE", values=_MODES),
    ],
    description="Create a group, or update the fields given of an existing one.",
)
async def create_or_update_group(
    call: OperationCall,
    _input: None,
    *,
    groupname: str,
    grouplabel: str | None,
    description: str | None,
    members: list[str] | None,
    sub_groups: list[str] | None,
    parent_groups: list[str] | None,
    mode: str,
) -> None:
    ctx, mode = call.ctx, _mode(mode)
    body = {
        **_given(
            grouplabel=grouplabel,
            memberUsers=members,
            memberGroups=sub_groups,
            parentGroups=parent_groups,
        ),
        "properties": _given(description=description),
    }
    exists = await _exists(accounts.get_group(ctx, groupname))
    if exists and mode == "CREATE":
        raise Conflict(f"group already exists: {groupname}")
    if not exists and mode == "UPDATE":
        raise NotFound(f"group does not exist: {groupname}")
    if exists:
        await accounts.update_group(ctx, groupname, body)
    else:
        await accounts.create_group(ctx, groupname, body)


@operation(
    "Auth.LoginAs",
    category="Users & Groups",
    label="Login As",
    signature=[("void", "void"), ("document", "document")],
    params=[Param("name", description="the user the rest of the chain runs as")],
    description="Administrators only: run the rest of the chain as another user.",
)
async def login_as(call: OperationCall, value: Any, *, name: str | None) -> Any:
    ctx = call.ctx
    if not ctx.principal.is_administrator:
        raise Forbidden("Only administrators may log in as another user")
    if name:
        principal = await load_principal(ctx.db, name)
        if principal is None:
            raise NotFound(f"user does not exist: {name}")
        call.logins.append(ctx.principal)
        _run_as(ctx, principal)
    return value


def _run_as(ctx: RequestContext, principal: Principal) -> None:
    ctx.principal = principal
    # Listings cached so far were filtered for the previous user.
    ctx.loaders.clear()


@operation(
    "Auth.Logout",
    category="Users & Groups",
    label="Logout",
    signature=[("void", "void"), ("document", "document")],
    description="The rest of the chain runs as the user before the last Auth.LoginAs.",
)
async def logout(call: OperationCall, value: Any) -> Any:
    if call.logins:
        _run_as(call.ctx, call.logins.pop())
    return value


@operation(
    "User.Invite",
    category="Users & Groups",
    label="Invite a user",
    signature=[("user", "string"), ("void", "string")],
    params=[
        Param(
            "validationMethod",
            type="validationmethod",
            default="EMAIL",
            values=("EMAIL", "NONE"),
            arg="validation_method",
            description="EMAIL: the invitee chooses a password from a one-time link",
        ),
        Param("autoAccept", type="boolean", default=True, arg="auto_accept"),
        Param(
            "info",
            type="properties",
            description="the account asked for when there is no user input (username, "
            "email, firstName, lastName, company, groups); password, for NONE",
        ),
        Param("comment"),
    ],
    description="Store a registration request (administrators and power users); its id.",
)
async def invite(
    call: OperationCall,
    user: invitations.UserEntity | None,
    *,
    validation_method: str,
    auto_accept: bool,
    info: dict[str, Any] | None,
    comment: str | None,
) -> str:
    invitation = await invitations.invite(
        call.ctx,
        user,
        info or {},
        validation_method=invitations.method(validation_method),
        auto_accept=auto_accept,
        comment=comment,
    )
    return str(invitation.id)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
