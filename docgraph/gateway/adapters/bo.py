"""``@bo/{adapterName}``: a document as a business object (GET), updated
from one (PUT); ``@bo/{adapterName}/{newName}`` (POST) creates a child from
one. JSON: ``{"entity-type": "<adapter>", "value": {"id", "type", <fields>}}``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.writers import Created
from docgraph.plugins import Adapter
from docgraph.resolvers import business
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def bo(ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call) -> Any:
    if not args or len(args) > 2:
        raise NotFound("Name a business adapter: @bo/{adapterName}[/{newName}]")
    adapter = business.adapter(ctx, args[0])
    if call.method in ("GET", "HEAD"):
        return _json(ctx, adapter, subject)
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest(f'The body must be {{"entity-type": "{adapter.name}", "value": {{...}}}}')
    value = body.get("value", body)
    if call.method == "PUT":
        return _json(ctx, adapter, await business.update(ctx, adapter, subject, value))
    if len(args) != 2:
        raise BadRequest("Name the new document: POST @bo/{adapterName}/{newName}")
    created = await business.create(ctx, adapter, subject, args[1], value)
    return Created(_json(ctx, adapter, created))


def _json(ctx: RequestContext, adapter: Any, doc: Document) -> dict[str, Any]:
    return {"entity-type": adapter.name, "value": business.as_object(ctx, adapter, doc)}


def register(registry: Registry) -> None:
    registry.add_adapter(
        Adapter("bo", bo, accepts=(Document,), methods=frozenset({"GET", "HEAD", "PUT", "POST"}))
    )
