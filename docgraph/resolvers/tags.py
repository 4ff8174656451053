"""Tags: labels on documents with the ``NXTag`` facet, kept in the
``nxtag:tags`` property (label and who tagged), as Nuxeo 10.10 keeps them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest
from docgraph.plugins import Enricher
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

if TYPE_CHECKING:
    from docgraph.plugins import Registry

KEY = "nxtag:tags"
MAX_LABEL = 200
MAX_TAGS = 100
# Nuxeo normalizes labels: no spaces, slashes, backslashes, quotes or percents.
_FORBIDDEN = re.compile(r"[\s/\\'%\"]+")


def labels(doc: Document) -> list[str]:
    return [t["label"] for t in doc.properties.get(KEY) or [] if isinstance(t, dict)]


def _normalized(tags: Sequence[str]) -> list[str]:
    if len(tags) > MAX_TAGS:
        raise BadRequest(f"At most {MAX_TAGS} tags at once")
    found = []
    for tag in tags:
        label = _FORBIDDEN.sub("", str(tag))
        if not label or len(label) > MAX_LABEL:
            raise BadRequest(f"A tag has 1 to {MAX_LABEL} characters: {str(tag)[:40]!r}")
        found.append(label)
    return list(dict.fromkeys(found))


def _require_taggable(ctx: RequestContext, doc: Document) -> None:
    if not documents.doctype_of(ctx, doc).has_schema("facetedTag"):
        raise BadRequest(f"Documents of type {doc.type} take no tags")


async def tag(ctx: RequestContext, doc: Document, tags: Sequence[str]) -> Document:
    """Add the labels the document does not have yet."""
    _require_taggable(ctx, doc)
    current = list(doc.properties.get(KEY) or [])
    have = set(labels(doc))
    added = [
        {"label": label, "username": ctx.principal.username}
        for label in _normalized(tags)
        if label not in have
    ]
    if not added:
        return doc
    return await documents.update(ctx, doc, {KEY: [*current, *added]})


async def untag(ctx: RequestContext, doc: Document, tags: Sequence[str] | None) -> Document:
    """Remove these labels (None: every one)."""
    _require_taggable(ctx, doc)
    removed = None if tags is None else set(_normalized(tags))
    current = list(doc.properties.get(KEY) or [])
    kept = [t for t in current if removed is not None and t.get("label") not in removed]
    if len(kept) == len(current):
        return doc
    return await documents.update(ctx, doc, {KEY: kept})


async def tags_enricher(ctx: RequestContext, docs: Sequence[Document]) -> list[Any]:
    return [labels(d) for d in docs]


def register(registry: Registry) -> None:
    registry.add_enricher(Enricher("document", "tags", tags_enricher, reads_properties=False))
