"""``@rendition/{name}``: another form of the document (pdf, thumbnail,
xmlExport, zipExport, zipTreeExport and what plugins add)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgraph.errors import NotFound
from docgraph.plugins import Adapter
from docgraph.resolvers import renditions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document, GeneratedFile

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def rendition(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Blob | GeneratedFile:
    if len(args) != 1:
        raise NotFound("Name one rendition: @rendition/{name}")
    return await renditions.render(ctx, subject, args[0])


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("rendition", rendition, accepts=(Document,)))
