"""``/user``, ``/group`` and ``/me``: the usermanager endpoints of the REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.request import entity_body, page_request, require_method
from docgraph.gateway.nuxeo.writers import Created
from docgraph.plugins import Call, Endpoint
from docgraph.resolvers import accounts
from docgraph.resolvers.context import RequestContext

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_READ = frozenset({"GET", "HEAD"})
_ONE = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_CREATE = frozenset({"POST"})
_MEMBERSHIP = frozenset({"POST", "DELETE"})
_ALL = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE"})


async def user_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/user``, ``/user/search``, ``/user/{id}``, ``/user/{id}/group/{groupId}``."""
    if not args:
        require_method(call, _CREATE, "user")
        body = await entity_body(call, "user")
        properties = body.get("properties") or {}
        username = body.get("id") or properties.get("username")
        if not isinstance(username, str) or not username:
            raise BadRequest("A user needs an id (or properties.username)")
        return Created(await accounts.create_user(ctx, username, properties))
    if args == ("search",):
        require_method(call, _READ, "user/search")
        return await accounts.search_users(
            ctx, call.query.get("q"), page_request(call.query, ctx.settings)
        )
    username = args[0]
    if len(args) == 1:
        require_method(call, _ONE, "user")
        if call.method in _READ:
            return await accounts.get_user(ctx, username)
        if call.method == "DELETE":
            await accounts.delete_user(ctx, username)
            return None
        body = await entity_body(call, "user")
        return await accounts.update_user(ctx, username, body.get("properties") or {})
    if len(args) == 3 and args[1] == "group":
        return await _membership(ctx, call, username, args[2])
    raise NotFound(f"No such resource: user/{'/'.join(args)}")


async def _membership(ctx: RequestContext, call: Call, username: str, groupname: str) -> Any:
    require_method(call, _MEMBERSHIP, "a membership")
    if call.method == "POST":
        return Created(await accounts.add_to_group(ctx, username, groupname))
    await accounts.remove_from_group(ctx, username, groupname)
    return web.Response(text=username, content_type="text/plain")


async def group_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/group``, ``/group/search``, ``/group/{id}``, ``/group/{id}/user/{userId}``,
    ``/group/{id}/@users``, ``/group/{id}/@groups``."""
    if not args:
        require_method(call, _CREATE, "group")
        body = await entity_body(call, "group")
        properties = body.get("properties") or {}
        groupname = body.get("id") or body.get("groupname") or properties.get("groupname")
        if not isinstance(groupname, str) or not groupname:
            raise BadRequest("A group needs an id (or groupname)")
        return Created(await accounts.create_group(ctx, groupname, body))
    if args == ("search",):
        require_method(call, _READ, "group/search")
        return await accounts.search_groups(
            ctx, call.query.get("q"), page_request(call.query, ctx.settings)
        )
    groupname = args[0]
    if len(args) == 1:
        require_method(call, _ONE, "group")
        if call.method in _READ:
            return await accounts.get_group(ctx, groupname)
        if call.method == "DELETE":
            await accounts.delete_group(ctx, groupname)
            return None
        return await accounts.update_group(ctx, groupname, await entity_body(call, "group"))
    if len(args) == 3 and args[1] == "user":
        return await _membership(ctx, call, args[2], groupname)
    if len(args) == 2 and args[1] in ("@users", "@groups"):
        require_method(call, _READ, f"group/{args[1]}")
        group = await accounts.get_group(ctx, groupname)
        page = page_request(call.query, ctx.settings)
        if args[1] == "@users":
            return await accounts.member_page(ctx, group.member_users, "users", page)
        return await accounts.member_page(ctx, group.member_groups, "groups", page)
    raise NotFound(f"No such resource: group/{'/'.join(args)}")


async def me_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/me`` and ``PUT /me/changepassword``."""
    if not args:
        require_method(call, _READ, "me")
        return await accounts.get_user(ctx, ctx.principal.username)
    if args == ("changepassword",):
        require_method(call, frozenset({"PUT"}), "me/changepassword")
        body = await call.json()
        if not isinstance(body, dict):
            raise BadRequest("Send oldPassword and newPassword")
        return await accounts.change_own_password(
            ctx, body.get("oldPassword"), body.get("newPassword")
        )
    raise NotFound(f"No such resource: me/{'/'.join(args)}")


def register(registry: Registry) -> None:
    registry.add_endpoint(Endpoint("user", user_endpoint, _ALL))
    registry.add_endpoint(Endpoint("group", group_endpoint, _ALL))
    registry.add_endpoint(Endpoint("me", me_endpoint, frozenset({"GET", "HEAD", "PUT"})))
