"""Security operations: granting, replacing and removing permissions, blocking
inheritance. Each needs WriteSecurity on the input document."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

from docgraph.db import security as db_security
from docgraph.errors import BadRequest
from docgraph.resolvers import acls
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation
from docgraph.resolvers.typesystem.coerce import parse_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_ONE_DOC = [("document", "document")]
_PERIOD = [
    Param("begin", type="date", description="when the permission takes effect"),
    Param("end", type="date", description="when it ends"),
]


def _date(text: str | None) -> datetime | None:
    return None if text is None else parse_date(text)


@operation(
    "Document.AddPermission",
    aliases=["Document.AddACL"],
    label="Add Permission",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("permission", required=True),
        Param("username", aliases=("user",), description="a user or group"),
        Param("users", type="stringlist", description="users or groups"),
        Param("email", description="the user with this email address"),
        Param("acl", default=acls.LOCAL),
        *_PERIOD,
        Param("blockInheritance", type="boolean", default=False, arg="block_inheritance"),
        Param("notify", type="boolean", default=False),
        Param("comment"),
    ],
    description="Grant a permission on the input document to users or groups.",
)
async def add_permission(
    call: OperationCall,
    doc: Document,
    *,
    permission: str,
    username: str | None,
    users: list[str] | None,
    email: str | None,
    acl: str,
    begin: str | None,
    end: str | None,
    block_inheritance: bool,
    notify: bool,
    comment: str | None,
) -> Document:
    principals = [*(users or []), *([username] if username else [])]
    if email:
        found = await db_security.username_by_email(call.ctx.db, email)
        if found is None:
            raise BadRequest(f"No user with the email address {email}")
        principals.append(found)
    return await acls.add_permission(
        call.ctx,
        doc,
        principals,
        permission,
        acl=acl,
        begin=_date(begin),
        end=_date(end),
        block_inheritance=block_inheritance,
    )


@operation(
    "Document.ReplacePermission",
    label="Replace Permission",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("username", required=True, aliases=("user",)),
        Param("permission", required=True),
        Param("id", required=True, arg="ace", description="the id of the ACE to replace"),
        Param("acl", default=acls.LOCAL),
        *_PERIOD,
        Param("notify", type="boolean", default=False),
        Param("comment"),
    ],
    description="Replace one ACE of the input document by a new grant.",
)
async def replace_permission(
    call: OperationCall,
    doc: Document,
    *,
    username: str,
    permission: str,
    ace: str,
    acl: str,
    begin: str | None,
    end: str | None,
    notify: bool,
    comment: str | None,
) -> Document:
    return await acls.replace_permission(
        call.ctx, doc, ace, username, permission, acl=acl, begin=_date(begin), end=_date(end)
    )


@operation(
    "Document.RemovePermission",
    label="Remove Permission",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("id", arg="ace", description="the id of the ACE to remove"),
        Param("user", aliases=("username",), description="remove every ACE of this principal"),
        Param("acl", default=acls.LOCAL),
    ],
    description="Remove an ACE, or every ACE of a user, from the input document.",
)
async def remove_permission(
    call: OperationCall, doc: Document, *, ace: str | None, user: str | None, acl: str
) -> Document:
    return await acls.remove_permission(call.ctx, doc, ace=ace, principal=user, acl=acl)


@operation(
    "Document.AddACE",
    aliases=["Document.SetACE"],
    label="Set ACL",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("user", required=True, aliases=("username",)),
        Param("permission", required=True),
        Param("acl", default=acls.LOCAL),
        Param("grant", type="boolean", default=True),
        Param("overwrite", type="boolean", default=True),
    ],
    description="Legacy: set an ACE (granted or denied) on the input document.",
)
async def set_ace(
    call: OperationCall,
    doc: Document,
    *,
    user: str,
    permission: str,
    acl: str,
    grant: bool,
    overwrite: bool,
) -> Document:
    return await acls.set_ace(
        call.ctx, doc, user, permission, granted=grant, overwrite=overwrite, acl=acl
    )


@operation(
    "Document.BlockPermissionInheritance",
    label="Block Permission Inheritance",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("acl", default=acls.LOCAL)],
    description="Stop the input document from inheriting its parent's permissions "
    "(the current user and administrators keep Everything).",
)
async def block_inheritance(call: OperationCall, doc: Document, *, acl: str) -> Document:
    return await acls.block_inheritance(call.ctx, doc, acl=acl)


@operation(
    "Document.UnblockPermissionInheritance",
    label="Unblock Permission Inheritance",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("acl", default=acls.LOCAL)],
    description="Inherit the parent's permissions again.",
)
async def unblock_inheritance(call: OperationCall, doc: Document, *, acl: str) -> Document:
    return await acls.unblock_inheritance(call.ctx, doc, acl=acl)


@operation(
    "Document.RemoveACL",
    label="Remove ACL",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("acl", required=True)],
    description="Remove a whole ACL of the input document.",
)
async def remove_acl(call: OperationCall, doc: Document, *, acl: str) -> Document:
    return await acls.remove_acl(call.ctx, doc, acl)


@operation(
    "Context.GetUsersGroupIdsWithPermissionOnDoc",
    aliases=["Document.GetUsersAndGroups"],
    label="Get Users and Groups",
    category="Users & Groups",
    signature=[("document", "document")],
    params=[
        Param("permission", required=True),
        Param("variable name", required=True, arg="variable"),
        Param("ignore groups", type="boolean", default=False, arg="ignore_groups"),
        Param("resolve groups", type="boolean", default=False, arg="resolve_groups"),
        Param("prefix identifiers", type="boolean", default=False, arg="prefixed"),
    ],
    description="Put in a context variable the users and groups granted a permission "
    "on the input document (resolve groups: their users instead).",
)
async def users_and_groups(
    call: OperationCall,
    doc: Document,
    *,
    permission: str,
    variable: str,
    ignore_groups: bool,
    resolve_groups: bool,
    prefixed: bool,
) -> Document:
    found = await acls.holders(call.ctx, doc, permission)
    users, groups = list(found.users), list(found.groups)
    if resolve_groups:
        users = list(dict.fromkeys([*users, *await acls.users_of_groups(call.ctx, groups)]))
        groups = []
    if ignore_groups:
        groups = []
    if prefixed:
        users, groups = [f"user:{u}" for u in users], [f"group:{g}" for g in groups]
    call.vars[variable] = [*users, *groups]
    return doc


@operation(
    "Context.GetEmailsWithPermissionOnDoc",
    aliases=["Document.GetPrincipalEmails"],
    label="Get Principal Emails",
    category="Users & Groups",
    signature=[("document", "document")],
    params=[
        Param("permission", required=True),
        Param("variable name", required=True, arg="variable"),
        Param("ignore groups", type="boolean", default=False, arg="ignore_groups"),
    ],
    description="Put in a context variable the e-mail addresses of the users granted a "
    "permission on the input document (and of the members of such groups).",
)
async def emails(
    call: OperationCall, doc: Document, *, permission: str, variable: str, ignore_groups: bool
) -> Document:
    found = await acls.holders(call.ctx, doc, permission)
    users = list(found.users)
    if not ignore_groups:
        users = list(dict.fromkeys([*users, *await acls.users_of_groups(call.ctx, found.groups)]))
    rows = await db_security.users_by_names(call.ctx.db, users)
    call.vars[variable] = [r["email"] for r in rows if r["email"]]
    return doc


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
