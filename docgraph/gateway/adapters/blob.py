"""``@blob/{xpath}``: a document's blob (GET, HEAD streams it; DELETE clears it).

``xpath`` may span segments (``files:files/0/file``) and may be ``blobholder:N``.
The blob is the step's value, so it pipes on (``@blob/file:content/@op/...``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.plugins import Adapter
from docgraph.resolvers import blobs, files
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def blob(ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call) -> Any:
    xpath = "/".join(args) or "blobholder:0"
    if call.method == "DELETE":
        await files.remove(ctx, subject, xpath)
        return None
    return blobs.get(ctx, subject, xpath)


def register(registry: Registry) -> None:
    registry.add_adapter(
        Adapter(
            "blob",
            blob,
            accepts=(Document,),
            methods=frozenset({"GET", "HEAD", "DELETE"}),
        )
    )
