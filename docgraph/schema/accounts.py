"""Users and groups in GraphQL: the same engine functions as ``/user`` and ``/group``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from docgraph.errors import NotFound
from docgraph.resolvers import accounts
from docgraph.schema.documents import Context

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@strawberry.type(description="A user account; its password is never shown.")
class User:
    model: strawberry.Private[accounts.User]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.model.username)

    @strawberry.field
    def username(self) -> str:
        return self.model.username

    @strawberry.field(name="firstName")
    def first_name(self) -> str | None:
        return self.model.first_name

    @strawberry.field(name="lastName")
    def last_name(self) -> str | None:
        return self.model.last_name

    @strawberry.field
    def email(self) -> str | None:
        return self.model.email

    @strawberry.field
    def company(self) -> str | None:
        return self.model.company

    @strawberry.field(description="The groups the user was put in.")
    def groups(self) -> list[str]:
        return list(self.model.groups)

    @strawberry.field(
        name="extendedGroups", description="Every group, including through nested groups."
    )
    def extended_groups(self) -> list[str]:
        return [name for name, _ in self.model.all_groups]

    @strawberry.field(name="isAdministrator")
    def is_administrator(self) -> bool:
        return self.model.is_administrator


@strawberry.type(description="A group of users and of other groups.")
class Group:
    model: strawberry.Private[accounts.Group]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.model.groupname)

    @strawberry.field
    def groupname(self) -> str:
        return self.model.groupname

    @strawberry.field
    def grouplabel(self) -> str | None:
        return self.model.grouplabel

    @strawberry.field
    def description(self) -> str | None:
        return self.model.description

    @strawberry.field(name="memberUsers")
    def member_users(self) -> list[str]:
        return list(self.model.member_users)

    @strawberry.field(name="memberGroups")
    def member_groups(self) -> list[str]:
        return list(self.model.member_groups)

    @strawberry.field(name="parentGroups")
    def parent_groups(self) -> list[str]:
        return list(self.model.parent_groups)


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="A user by name; null if there is none.")
    async def user(self, info: Context, id: strawberry.ID) -> User | None:
        try:
            return User(model=await accounts.get_user(info.context, str(id)))
        except NotFound:
            return None

    @strawberry.field(description="A group by name; null if there is none.")
    async def group(self, info: Context, id: strawberry.ID) -> Group | None:
        try:
            return Group(model=await accounts.get_group(info.context, str(id)))
        except NotFound:
            return None

    @strawberry.field(description="The user making the request.")
    async def me(self, info: Context) -> User:
        return User(model=await accounts.get_user(info.context, info.context.principal.username))


def register(registry: Registry) -> None:
    registry.add_graphql(query=AccountsQuery)
