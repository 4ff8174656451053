"""``@convert``: a document's main blob, or the blob on the left
(``@blob/{xpath}/@convert``), converted by ``converter``, to a MIME ``type``,
or to a file ``format``; other query parameters go to the converter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.plugins import Adapter
from docgraph.resolvers import blobs, conversions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry

_CHOICE = ("converter", "type", "format")


async def convert(ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call) -> Blob:
    blob = subject if isinstance(subject, Blob) else blobs.get(ctx, subject, "blobholder:0")
    query = call.query
    return await conversions.convert(
        ctx,
        blob,
        converter=query.get("converter"),
        mime_type=query.get("type"),
        format=query.get("format"),
        params={k: v for k, v in query.items() if k not in _CHOICE},
    )


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("convert", convert, accepts=(Document, Blob)))
