"""The bulk actions docgraph ships, under Nuxeo's names.

Each acts on one batch of documents, as the user who submitted the command:
the engine's own writes check permissions, locks and change tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, InvalidProperty
from docgraph.plugins import BulkAction
from docgraph.resolvers import blobs, documents, lifecycle, renditions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, DocumentList
from docgraph.resolvers.operations.execute import execute, require

if TYPE_CHECKING:
    from docgraph.plugins import Registry

RECOMPUTE_VIEWS = "recomputeViews"


def _check_properties(ctx: RequestContext, params: Mapping[str, Any]) -> None:
    if not params:
        raise BadRequest("setProperties needs the properties to set as its parameters")
    for key in params:
        prefix, _, name = key.partition(":")
        schema = ctx.registry.types.schema_by_key(prefix)
        if schema is None or schema.field(name) is None:
            raise InvalidProperty(f"Unknown property: {key[:120]}")


async def set_properties(
    ctx: RequestContext, docs: Sequence[Document], params: Mapping[str, Any]
) -> None:
    for doc in docs:
        await documents.update(ctx, doc, params)


def _check_trash(ctx: RequestContext, params: Mapping[str, Any]) -> None:
    if not isinstance(params.get("value", True), bool) or set(params) - {"value"}:
        raise BadRequest('trash takes one parameter, "value": true (trash) or false (restore)')


async def trash(ctx: RequestContext, docs: Sequence[Document], params: Mapping[str, Any]) -> None:
    move = lifecycle.trash if params.get("value", True) else lifecycle.untrash
    for doc in docs:
        await move(ctx, doc)


async def remove_proxy(
    ctx: RequestContext, docs: Sequence[Document], params: Mapping[str, Any]
) -> None:
    for doc in docs:
        if doc.is_proxy:
            await documents.delete(ctx, doc)


def _check_automation(ctx: RequestContext, params: Mapping[str, Any]) -> None:
    op_id = params.get("operationId")
    if not isinstance(op_id, str) or not op_id:
        raise BadRequest("automation needs an operationId")
    require(ctx, op_id)  # 404 for an unknown one (or one the user may not run)
    if not isinstance(params.get("parameters", {}), dict):
        raise BadRequest("automation's parameters must be a JSON object")


async def automation(
    ctx: RequestContext, docs: Sequence[Document], params: Mapping[str, Any]
) -> None:
    """The operation, with the batch as its input."""
    await execute(ctx, params["operationId"], DocumentList(list(docs)), params.get("parameters"))


async def recompute_views(
    ctx: RequestContext, docs: Sequence[Document], params: Mapping[str, Any]
) -> None:
    """Every picture view of the pictures, made now (they are renditions,
    kept in the conversion cache by the picture's digest)."""
    for doc in docs:
        if "Picture" not in documents.facets(ctx, doc) or blobs.main(ctx, doc) is None:
            continue
        for view in renditions.PICTURE_VIEWS:
            await renditions.render(ctx, doc, view)


def register(registry: Registry) -> None:
    registry.add_bulk_action(BulkAction("setProperties", set_properties, _check_properties))
    registry.add_bulk_action(BulkAction("trash", trash, _check_trash))
    registry.add_bulk_action(BulkAction("removeProxy", remove_proxy))
    registry.add_bulk_action(BulkAction("automation", automation, _check_automation))
    registry.add_bulk_action(BulkAction(RECOMPUTE_VIEWS, recompute_views, administrators_only=True))
