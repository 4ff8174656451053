"""Previews (``@preview``): a file shown in a browser, safely.

Pictures (raster formats) and PDFs are shown as they are; text, HTML and
Markdown as their text in a page of docgraph's own (a user's HTML is never
served as a page of this site: it could run scripts with the viewer's
rights); anything else has no preview.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docgraph.errors import NotFound
from docgraph.plugins import Enricher
from docgraph.resolvers import blobs, conversions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.converters import HTML, MARKDOWN, PDF, as_text
from docgraph.resolvers.model import Blob, Document, GeneratedFile

if TYPE_CHECKING:
    from docgraph.plugins import Registry

# Pictures a browser shows without running anything (no SVG).
SHOWN_AS_IS = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", *PDF})


def previewable(blob: Blob) -> bool:
    mime = blob.mime_type
    return mime in SHOWN_AS_IS or mime.startswith("text/") or mime in (*HTML, *MARKDOWN)


async def preview(ctx: RequestContext, subject: Document | Blob) -> Blob | GeneratedFile:
    blob = subject if isinstance(subject, Blob) else blobs.main(ctx, subject)
    if blob is None or not previewable(blob):
        raise NotFound("Preview not available")
    if blob.mime_type in SHOWN_AS_IS:
        return blob
    text = await conversions.in_sandbox(as_text, await conversions.read_all(ctx, blob), blob)
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(blob.name)}</title></head>"
        f"<body><pre>{html.escape(text)}</pre></body></html>\n"
    ).encode()

    async def once() -> Any:
        yield page

    return GeneratedFile(f"{blob.name}.html", "text/html; charset=utf-8", once())


def preview_url(ctx: RequestContext, doc: Document) -> str | None:
    main = blobs.main(ctx, doc)
    if main is None or not previewable(main):
        return None
    return (
        f"{ctx.base_url}site/api/v1/repo/{doc.repository}/id/{doc.uid}/@preview/"
        f"?changeToken={doc.change_token}"
    )


async def preview_enricher(ctx: RequestContext, docs: Sequence[Document]) -> list[Any]:
    return [{"url": preview_url(ctx, d)} for d in docs]


def register(registry: Registry) -> None:
    registry.add_enricher(Enricher("document", "preview", preview_enricher))
