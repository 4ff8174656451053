"""``/userInvitation`` (administrators: list, accept, reject) and the
invitee's one-time link, ``POST /nuxeo/site/userRegistration/validate``,
where the token in the body is the credential."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway import keys
from docgraph.gateway.context import build_ctx
from docgraph.gateway.nuxeo.json import json_response
from docgraph.gateway.nuxeo.request import page_request, require_method
from docgraph.plugins import Call, Endpoint, Output, Writer
from docgraph.resolvers import invitations
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.invitations import Invitation
from docgraph.resolvers.typesystem.coerce import format_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry

VALIDATE_PATH = "/nuxeo/" + invitations.VALIDATE_PATH
_READ = frozenset({"GET", "HEAD"})
_PUT = frozenset({"PUT"})
# Who answers an invitation link: nobody yet; the token says who.
_INVITEE = Principal("invitee")


async def invitation_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/userInvitation``, ``/{id}``, ``/{id}/accept``, ``/{id}/reject``."""
    if not args:
        require_method(call, _READ, "userInvitation")
        return await invitations.listed(ctx, page_request(call.query, ctx.settings))
    if len(args) == 1:
        require_method(call, _READ, "userInvitation/{id}")
        return Invitation.from_record(await invitations.get(ctx, args[0]))
    if len(args) == 2 and args[1] in ("accept", "reject"):
        require_method(call, _PUT, f"userInvitation/{{id}}/{args[1]}")
        if args[1] == "accept":
            return await invitations.accept(ctx, args[0])
        return await invitations.reject(ctx, args[0])
    raise NotFound(f"No such resource: userInvitation/{'/'.join(args)}")


async def validate_handler(request: web.Request) -> web.Response:
    """The invitee chooses a password: ``{"token": ..., "password": ...}``."""
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        raise BadRequest("Send a JSON object with token and password") from None
    token, password = (
        (body.get("token"), body.get("password")) if isinstance(body, dict) else (None, None)
    )
    if not isinstance(token, str) or not isinstance(password, str) or len(token) > 200:
        raise BadRequest("Send a JSON object with token and password")
    request[keys.PRINCIPAL] = _INVITEE
    ctx = build_ctx(request, rendering=False)
    async with ctx.unit_of_work():
        invitation = await invitations.validate(ctx, token, password)
    return json_response(invitation_json(invitation), 200)


def invitation_json(invitation: Invitation) -> dict[str, Any]:
    return {
        "entity-type": "userInvitation",
        "id": str(invitation.id),
        "username": invitation.username,
        "email": invitation.email,
        "firstName": invitation.first_name,
        "lastName": invitation.last_name,
        "company": invitation.company,
        "groups": list(invitation.groups),
        "comment": invitation.comment,
        "validationMethod": invitation.validation_method.upper(),
        "state": invitation.state,
        "requestedBy": invitation.requested_by,
        "created": format_date(invitation.created),
    }


async def write_invitation(out: Output, invitation: Invitation) -> dict[str, Any]:
    return invitation_json(invitation)


def add_routes(app: web.Application) -> None:
    app.router.add_post(VALIDATE_PATH, validate_handler)


def register(registry: Registry) -> None:
    registry.add_endpoint(
        Endpoint("userInvitation", invitation_endpoint, frozenset({"GET", "HEAD", "PUT"}))
    )
    registry.add_writer(Writer(Invitation, write_invitation, entity="userInvitation"))
