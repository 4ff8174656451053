"""Writing results as Nuxeo JSON: writers looked up by type, enrichers per page.

A step's result goes to :func:`respond`. The writer registered for its type
(or the closest base class) builds the JSON; when the writer names an entity
(``document``), the enrichers the request asked for run once over the whole
page before their values are written under ``contextParameters``. Nested
entities (enricher values) are written one level deeper: with the default
``depth`` they get neither properties nor enrichers of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from docgraph.gateway.nuxeo import download
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.plugins import Output, Writer
from docgraph.resolvers import blobs
from docgraph.resolvers.accounts import Group, User
from docgraph.resolvers.acls import ACP
from docgraph.resolvers.bulk import BulkStatus
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import (
    Blob,
    BlobList,
    Document,
    DocumentList,
    EmptyDocument,
    GeneratedFile,
    Page,
    ResultRow,
)
from docgraph.resolvers.rendered import WrittenPage

if TYPE_CHECKING:
    from docgraph.plugins import Registry

# Values that are already JSON when nested inside another entity.
_PLAIN = (str, int, float, bool, dict, list)


@dataclass(frozen=True, slots=True)
class Created:
    """A result to answer with 201."""

    value: Any


@dataclass(frozen=True, slots=True)
class Accepted:
    """A result to answer with 202: work that goes on after the answer."""

    value: Any


class Renderer:
    """The :class:`~docgraph.plugins.Output` of the REST door."""

    __slots__ = ("ctx", "level")

    def __init__(self, ctx: RequestContext, level: int = 0) -> None:
        self.ctx = ctx
        self.level = level

    @property
    def nested(self) -> bool:
        """True below the levels ``depth`` grants properties and enrichers."""
        return self.level >= self.ctx.rendering.depth

    async def render(self, value: Any) -> Any:
        if value is None or (self.level > 0 and isinstance(value, _PLAIN)):
            return value
        return (await self.render_many([value]))[0]

    async def render_many(self, values: Sequence[Any]) -> list[Any]:
        registry = self.ctx.registry
        groups: dict[Writer, list[int]] = {}
        for index, value in enumerate(values):
            writer = registry.writer_for(type(value))
            if writer is None:
                raise TypeError(f"no writer for {type(value).__qualname__}")
            groups.setdefault(writer, []).append(index)
        out: list[Any] = [None] * len(values)
        for writer, indexes in groups.items():
            items = [values[i] for i in indexes]
            written = [await writer.func(self, item) for item in items]
            if writer.entity is not None and not self.nested:
                await self._enrich(writer.entity, items, written)
            for index, body in zip(indexes, written, strict=True):
                out[index] = body
        return out

    async def _enrich(self, entity: str, items: list[Any], written: list[Any]) -> None:
        registry = self.ctx.registry
        names = self.ctx.rendering.enrichers_of(entity)
        # Unknown enricher names are ignored, as in Nuxeo.
        enrichers = [e for n in names if (e := registry.enrichers.get((entity, n))) is not None]
        if not enrichers:
            return
        inner = Renderer(self.ctx, self.level + 1)
        for body in written:
            body["contextParameters"] = {}
        for enricher in enrichers:
            values = await enricher.func(self.ctx, items)
            for body, value in zip(written, values, strict=True):
                body["contextParameters"][enricher.name] = await inner.render(value)


async def respond(ctx: RequestContext, value: Any) -> web.StreamResponse:
    """The HTTP answer for a step's result."""
    status = 200
    if isinstance(value, Created):
        status, value = 201, value.value
    elif isinstance(value, Accepted):
        status, value = 202, value.value
    if isinstance(value, web.StreamResponse):
        return value
    if value is None:
        return web.Response(status=204)
    body = await Renderer(ctx).render(value)
    if isinstance(body, web.StreamResponse):
        return body
    return nx_json.json_response(body, status)


async def write_document(out: Output, doc: Document) -> dict[str, Any]:
    return nx_json.document(out.ctx, doc, with_properties=not out.nested)


async def write_empty_document(out: Output, doc: EmptyDocument) -> dict[str, Any]:
    return nx_json.empty_document(out.ctx, doc)


async def write_documents(out: Output, docs: DocumentList) -> dict[str, Any]:
    return {"entity-type": "documents", "entries": await out.render_many(docs.entries)}


async def write_page(out: Output, page: Page[Any]) -> dict[str, Any]:
    entries = await out.render_many(page.entries)
    return {"entity-type": page.kind, **nx_json.paging(page), "entries": entries}


async def write_written_page(out: Output, page: WrittenPage) -> orjson.Fragment:
    """A page PostgreSQL wrote: its JSON as it is."""
    return orjson.Fragment(page.json)


async def write_result_row(out: Output, row: ResultRow) -> dict[str, Any]:
    return dict(row.values)


async def write_bulk_status(out: Output, status: BulkStatus) -> dict[str, Any]:
    return nx_json.bulk_status(status)


async def write_user(out: Output, account: User) -> dict[str, Any]:
    return nx_json.user(account)


async def write_group(out: Output, account: Group) -> dict[str, Any]:
    return nx_json.group(out.ctx, account)


async def write_scalar(out: Output, value: Any) -> dict[str, Any]:
    return nx_json.scalar(value)


async def write_mapping(out: Output, value: dict[str, Any]) -> dict[str, Any]:
    """An entity built by its producer (it has an ``entity-type``) as it is;
    any other mapping as an automation ``map`` result."""
    return value if "entity-type" in value else nx_json.scalar(value)


async def write_acp(out: Output, acp: ACP) -> dict[str, Any]:
    return nx_json.acp(acp)


async def write_blob(out: Output, blob: Blob) -> Any:
    """The bytes themselves, streamed (or, nested in an entity, blob JSON)."""
    if out.nested:
        return blobs.as_json(out.ctx, blob)
    return await download.blob_response(out.ctx.blobs, blob)


async def write_blob_list(out: Output, value: BlobList) -> Any:
    return download.blobs_response(out.ctx.blobs, value)


async def write_generated(out: Output, value: GeneratedFile) -> Any:
    return download.GeneratedResponse(value)


def register(registry: Registry) -> None:
    registry.add_writer(Writer(ACP, write_acp))
    registry.add_writer(Writer(Blob, write_blob))
    registry.add_writer(Writer(BlobList, write_blob_list))
    registry.add_writer(Writer(GeneratedFile, write_generated))
    registry.add_writer(Writer(Document, write_document, entity="document"))
    registry.add_writer(Writer(EmptyDocument, write_empty_document))
    registry.add_writer(Writer(Page, write_page))
    registry.add_writer(Writer(WrittenPage, write_written_page))
    registry.add_writer(Writer(DocumentList, write_documents))
    registry.add_writer(Writer(ResultRow, write_result_row))
    registry.add_writer(Writer(BulkStatus, write_bulk_status))
    registry.add_writer(Writer(User, write_user, entity="user"))
    registry.add_writer(Writer(Group, write_group, entity="group"))
    registry.add_writer(Writer(dict, write_mapping))
    registry.add_writer(Writer(object, write_scalar))
