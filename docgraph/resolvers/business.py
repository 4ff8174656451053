"""Business objects (``@bo``): a document seen through a registered adapter
as a flat object of named fields, each mapped to a property. Reads and
writes go through ``documents``, with their permission checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.plugins import BusinessAdapter
from docgraph.resolvers import documents, properties
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

if TYPE_CHECKING:
    from docgraph.plugins import Registry


def adapter(ctx: RequestContext, name: str) -> BusinessAdapter:
    found = ctx.registry.business_adapters.get(name)
    if found is None:
        raise NotFound(f"No business adapter {name[:80]}")
    return found


def as_object(ctx: RequestContext, bo: BusinessAdapter, doc: Document) -> dict[str, Any]:
    """The document's fields, as the adapter names them."""
    if doc.type != bo.type:
        raise BadRequest(f"{bo.name} adapts {bo.type} documents, not {doc.type}")
    types = ctx.registry.types
    doctype = types.with_facets(doc.type, doc.mixins)
    values = {
        name: properties.render_xpath(types, doctype, doc.properties, xpath)
        for name, xpath in bo.fields.items()
    }
    return {"id": doc.uid, "type": doc.type, **values}


def _properties(bo: BusinessAdapter, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise BadRequest(f'The body must be {{"entity-type": "{bo.name}", "value": {{...}}}}')
    unknown = set(value) - set(bo.fields) - {"id", "type"}
    if unknown:
        raise BadRequest(f"{bo.name} has no field {sorted(unknown)[0][:80]}")
    return {bo.fields[name]: v for name, v in value.items() if name in bo.fields}


async def update(ctx: RequestContext, bo: BusinessAdapter, doc: Document, value: Any) -> Document:
    if doc.type != bo.type:
        raise BadRequest(f"{bo.name} adapts {bo.type} documents, not {doc.type}")
    return await documents.update(ctx, doc, _properties(bo, value))


async def create(
    ctx: RequestContext, bo: BusinessAdapter, parent: Document, name: str, value: Any
) -> Document:
    """A child of ``parent`` of the adapter's type, named ``name``."""
    return await documents.create(
        ctx, parent, type_name=bo.type, name=name, properties=_properties(bo, value)
    )


def register(registry: Registry) -> None:
    # Nuxeo's example adapter, with the same name and fields.
    registry.add_business_adapter(
        BusinessAdapter(
            "BusinessBeanAdapter",
            "Note",
            {"title": "dc:title", "description": "dc:description", "note": "note:note"},
        )
    )
