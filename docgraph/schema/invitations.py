"""User invitations in GraphQL, through the same engine calls as
``User.Invite`` and ``/userInvitation``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from docgraph.resolvers import invitations
from docgraph.resolvers.invitations import Invitation, UserEntity
from docgraph.resolvers.model import PageRequest
from docgraph.resolvers.typesystem.coerce import format_date
from docgraph.schema.documents import Context

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@strawberry.type(name="UserInvitation", description="A request that someone become a user.")
class InvitationType:
    id: strawberry.ID
    username: str
    email: str | None
    groups: list[str]
    comment: str | None
    state: str = strawberry.field(description="pending, accepted, rejected or validated")
    requested_by: str = strawberry.field(name="requestedBy")
    created: str

    @classmethod
    def of(cls, found: Invitation) -> InvitationType:
        return cls(
            id=strawberry.ID(str(found.id)),
            username=found.username,
            email=found.email,
            groups=list(found.groups),
            comment=found.comment,
            state=found.state,
            requested_by=found.requested_by,
            created=format_date(found.created),
        )


@strawberry.type
class InvitationQuery:
    @strawberry.field(
        name="userInvitations", description="Invitations still open (administrators)."
    )
    async def user_invitations(
        self,
        info: Context,
        page_size: Annotated[int, strawberry.argument(name="pageSize")] = 50,
        current_page_index: Annotated[int, strawberry.argument(name="currentPageIndex")] = 0,
    ) -> list[InvitationType]:
        page = await invitations.listed(info.context, PageRequest(current_page_index, page_size))
        return [InvitationType.of(i) for i in page.entries]


@strawberry.type
class InvitationMutation:
    @strawberry.mutation(
        name="inviteUser",
        description="Invite someone to become a user (administrators and power users).",
    )
    async def invite_user(
        self,
        info: Context,
        username: str,
        email: str | None = None,
        groups: list[str] | None = None,
        comment: str | None = None,
        auto_accept: Annotated[bool, strawberry.argument(name="autoAccept")] = True,
    ) -> InvitationType:
        user = UserEntity(username, {"email": email, "groups": groups or []})
        found = await invitations.invite(
            info.context, user, {}, auto_accept=auto_accept, comment=comment
        )
        return InvitationType.of(found)

    @strawberry.mutation(name="acceptInvitation")
    async def accept_invitation(self, info: Context, id: strawberry.ID) -> InvitationType:
        return InvitationType.of(await invitations.accept(info.context, str(id)))

    @strawberry.mutation(name="rejectInvitation")
    async def reject_invitation(self, info: Context, id: strawberry.ID) -> InvitationType:
        return InvitationType.of(await invitations.reject(info.context, str(id)))


def register(registry: Registry) -> None:
    registry.add_graphql(query=InvitationQuery, mutation=InvitationMutation)
