"""Users and groups in GraphQL: the same engine functions as ``/user`` and ``/group``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from docgraph.errors import NotFound
from docgraph.resolvers import accounts
from docgraph.resolvers.model import PageRequest
from docgraph.schema.arguments import page_fields
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


@strawberry.type(description="A page of users.")
class Users:
    entries: list[User]
    total_size: int = strawberry.field(name="totalSize")
    current_page_index: int = strawberry.field(name="currentPageIndex")
    page_size: int = strawberry.field(name="pageSize")
    number_of_pages: int = strawberry.field(name="numberOfPages")


@strawberry.type(description="A page of groups.")
class Groups:
    entries: list[Group]
    total_size: int = strawberry.field(name="totalSize")
    current_page_index: int = strawberry.field(name="currentPageIndex")
    page_size: int = strawberry.field(name="pageSize")
    number_of_pages: int = strawberry.field(name="numberOfPages")


PageIndex = Annotated[int, strawberry.argument(name="currentPageIndex")]
PageSize = Annotated[int, strawberry.argument(name="pageSize")]
Names = Annotated[list[str] | None, strawberry.argument(description="replaces the list when given")]


_REPLACES = "replaces the list when given"
MemberUsers = Annotated[
    list[str] | None, strawberry.argument(name="memberUsers", description=_REPLACES)
]
MemberGroups = Annotated[
    list[str] | None, strawberry.argument(name="memberGroups", description=_REPLACES)
]
ParentGroups = Annotated[
    list[str] | None, strawberry.argument(name="parentGroups", description=_REPLACES)
]


@strawberry.type
class AccountsQuery:
    @strawberry.field(
        description="Users whose name, first or last name or email contains q (* for all)."
    )
    async def users(
        self, info: Context, q: str, current_page_index: PageIndex = 0, page_size: PageSize = 50
    ) -> Users:
        page = await accounts.search_users(
            info.context, q, PageRequest(current_page_index, page_size)
        )
        return Users(entries=[User(model=u) for u in page.entries], **page_fields(page))

    @strawberry.field(description="Groups whose name or label contains q (* for all).")
    async def groups(
        self, info: Context, q: str, current_page_index: PageIndex = 0, page_size: PageSize = 50
    ) -> Groups:
        page = await accounts.search_groups(
            info.context, q, PageRequest(current_page_index, page_size)
        )
        return Groups(entries=[Group(model=g) for g in page.entries], **page_fields(page))

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


def _present(**values: Any) -> dict[str, Any]:
    """The arguments given: an omitted one leaves the stored value alone."""
    return {k: v for k, v in values.items() if v is not None}


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(name="createUser", description="Administrators and power users.")
    async def create_user(
        self,
        info: Context,
        username: str,
        password: str | None = None,
        first_name: Annotated[str | None, strawberry.argument(name="firstName")] = None,
        last_name: Annotated[str | None, strawberry.argument(name="lastName")] = None,
        email: str | None = None,
        company: str | None = None,
        groups: Names = None,
    ) -> User:
        properties = _present(
            password=password,
            firstName=first_name,
            lastName=last_name,
            email=email,
            company=company,
            groups=groups,
        )
        return User(model=await accounts.create_user(info.context, username, properties))

    @strawberry.mutation(name="updateUser", description="Only the fields given change.")
    async def update_user(
        self,
        info: Context,
        username: str,
        password: str | None = None,
        first_name: Annotated[str | None, strawberry.argument(name="firstName")] = None,
        last_name: Annotated[str | None, strawberry.argument(name="lastName")] = None,
        email: str | None = None,
        company: str | None = None,
        groups: Names = None,
    ) -> User:
        properties = _present(
            password=password,
            firstName=first_name,
            lastName=last_name,
            email=email,
            company=company,
            groups=groups,
        )
        return User(model=await accounts.update_user(info.context, username, properties))

    @strawberry.mutation(name="deleteUser")
    async def delete_user(self, info: Context, username: str) -> bool:
        await accounts.delete_user(info.context, username)
        return True

    @strawberry.mutation(name="addUserToGroup")
    async def add_user_to_group(self, info: Context, username: str, groupname: str) -> User:
        return User(model=await accounts.add_to_group(info.context, username, groupname))

    @strawberry.mutation(name="removeUserFromGroup")
    async def remove_user_from_group(self, info: Context, username: str, groupname: str) -> User:
        return User(model=await accounts.remove_from_group(info.context, username, groupname))

    @strawberry.mutation(name="createGroup")
    async def create_group(
        self,
        info: Context,
        groupname: str,
        grouplabel: str | None = None,
        description: str | None = None,
        member_users: MemberUsers = None,
        member_groups: MemberGroups = None,
        parent_groups: ParentGroups = None,
    ) -> Group:
        body = _group_body(grouplabel, description, member_users, member_groups, parent_groups)
        return Group(model=await accounts.create_group(info.context, groupname, body))

    @strawberry.mutation(name="updateGroup", description="Only the fields given change.")
    async def update_group(
        self,
        info: Context,
        groupname: str,
        grouplabel: str | None = None,
        description: str | None = None,
        member_users: MemberUsers = None,
        member_groups: MemberGroups = None,
        parent_groups: ParentGroups = None,
    ) -> Group:
        body = _group_body(grouplabel, description, member_users, member_groups, parent_groups)
        return Group(model=await accounts.update_group(info.context, groupname, body))

    @strawberry.mutation(name="deleteGroup")
    async def delete_group(self, info: Context, groupname: str) -> bool:
        await accounts.delete_group(info.context, groupname)
        return True


def _group_body(
    label: str | None,
    description: str | None,
    users: list[str] | None,
    members: list[str] | None,
    parents: list[str] | None,
) -> dict[str, Any]:
    """The REST body the engine takes for a group."""
    return {
        **_present(grouplabel=label, memberUsers=users, memberGroups=members, parentGroups=parents),
        "properties": _present(description=description),
    }


def register(registry: Registry) -> None:
    registry.add_graphql(query=AccountsQuery, mutation=AccountsMutation)
