"""Mutations on permissions: the security operations, through the same engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from docgraph.resolvers import acls, documents
from docgraph.resolvers.model import IdRef
from docgraph.resolvers.typesystem.coerce import parse_date
from docgraph.schema.documents import Context, Document

if TYPE_CHECKING:
    from docgraph.plugins import Registry

AclName = Annotated[str, strawberry.argument(description="the ACL written (default: local)")]


@strawberry.type
class SecurityMutation:
    @strawberry.mutation(name="addPermission", description="Grant a permission to users or groups.")
    async def add_permission(
        self,
        info: Context,
        id: strawberry.ID,
        permission: str,
        users: list[str],
        acl: AclName = acls.LOCAL,
        begin: str | None = None,
        end: str | None = None,
        block_inheritance: Annotated[bool, strawberry.argument(name="blockInheritance")] = False,
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        changed = await acls.add_permission(
            ctx,
            doc,
            users,
            permission,
            acl=acl,
            begin=None if begin is None else parse_date(begin),
            end=None if end is None else parse_date(end),
            block_inheritance=block_inheritance,
        )
        return Document.of(ctx, changed)

    @strawberry.mutation(
        name="removePermission", description="Remove one ACE by id, or every ACE of a user."
    )
    async def remove_permission(
        self,
        info: Context,
        id: strawberry.ID,
        ace_id: Annotated[str | None, strawberry.argument(name="aceId")] = None,
        user: str | None = None,
        acl: AclName = acls.LOCAL,
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        changed = await acls.remove_permission(ctx, doc, ace=ace_id, principal=user, acl=acl)
        return Document.of(ctx, changed)

    @strawberry.mutation(name="blockPermissionInheritance")
    async def block_permission_inheritance(
        self, info: Context, id: strawberry.ID, acl: AclName = acls.LOCAL
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await acls.block_inheritance(ctx, doc, acl=acl))

    @strawberry.mutation(name="unblockPermissionInheritance")
    async def unblock_permission_inheritance(
        self, info: Context, id: strawberry.ID, acl: AclName = acls.LOCAL
    ) -> Document:
        ctx = info.context
        doc = await documents.get(ctx, IdRef(str(id)))
        return Document.of(ctx, await acls.unblock_inheritance(ctx, doc, acl=acl))


def register(registry: Registry) -> None:
    registry.add_graphql(mutation=SecurityMutation)
