"""The Bulk Action Framework's REST doors: ``/bulk/{commandId}`` (its status),
``PUT /bulk/{commandId}/abort``, and ``POST /search/bulk/{action}`` /
``/search/pp/{provider}/bulk/{action}`` (submit a command: the body holds
the action's parameters, the query string the search)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.request import query_values, require_method
from docgraph.gateway.nuxeo.writers import Accepted
from docgraph.plugins import Endpoint
from docgraph.resolvers import bulk
from docgraph.resolvers.context import RequestContext

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry

_READ = frozenset({"GET", "HEAD"})


async def bulk_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    match args:
        case (command_id,):
            require_method(call, _READ, "bulk/{commandId}")
            return await bulk.status(ctx, command_id)
        case (command_id, "abort"):
            require_method(call, frozenset({"PUT"}), "bulk/{commandId}/abort")
            return await bulk.abort(ctx, command_id)
    raise NotFound(f"No such bulk resource: {'/'.join(args)[:200]}")


async def submit_from_search(
    ctx: RequestContext, action: str, provider: str | None, call: Call
) -> Accepted:
    """``POST /search[/pp/{provider}]/bulk/{action}?query=&queryParams=``."""
    require_method(call, frozenset({"POST"}), "search/bulk")
    body = await call.json()
    query = call.query.get("query")
    if provider is None and not query:
        raise BadRequest("A bulk command needs a query")
    size = call.query.get("batchSize")
    if size is not None and not size.isdigit():
        raise BadRequest("batchSize must be a positive integer")
    status = await bulk.submit(
        ctx,
        action,
        query=None if provider else query,
        provider=provider,
        query_params=query_values(call.query, "queryParams"),
        params=bulk.action_parameters(body),
        batch_size=int(size) if size else bulk.DEFAULT_BATCH_SIZE,
    )
    return Accepted(status)


def register(registry: Registry) -> None:
    registry.add_endpoint(Endpoint("bulk", bulk_endpoint, _READ | {"PUT"}))
