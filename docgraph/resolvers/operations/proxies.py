"""Proxy and publishing operations."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from docgraph.resolvers import proxies
from docgraph.resolvers.model import Document, DocumentList, Page
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_ONE_DOC = [("document", "document")]
_OVERRIDE = Param(
    "override",
    type="boolean",
    default=True,
    description="replace the document's proxy already in the section",
)


@operation(
    "Document.PublishToSection",
    aliases=["Document.Publish"],
    label="Publish Document",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("target", type="document", required=True, description="the section"), _OVERRIDE],
    description="Publish the input document in a section: a proxy of its last version "
    "(checked in first if it changed); returns the proxy.",
)
async def publish(
    call: OperationCall, doc: Document, *, target: Document, override: bool
) -> Document:
    return await proxies.publish(call.ctx, doc, target, override=override)


@operation(
    "Document.PublishToSections",
    aliases=["Document.MultiPublish"],
    label="Multi-Publish",
    signature=[("document", "documents")],
    collector=True,
    writes=True,
    params=[
        Param("target", type="documents", required=True, description="the sections"),
        _OVERRIDE,
    ],
    description="Publish the input document in each of the sections; returns the proxies.",
)
async def multi_publish(
    call: OperationCall, doc: Document, *, target: DocumentList | Page[Document], override: bool
) -> DocumentList:
    return DocumentList(
        [await proxies.publish(call.ctx, doc, section, override=override) for section in target]
    )


@operation(
    "Document.CreateLiveProxy",
    aliases=["CreateProxyLive"],
    label="Create Proxy Live",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param(
            "Destination Path",
            type="document",
            required=True,
            arg="destination",
            description="the folder of the proxy",
        )
    ],
    description="A proxy of the input (live) document in the destination folder.",
)
async def create_live_proxy(
    call: OperationCall, doc: Document, *, destination: Document
) -> Document:
    return await proxies.create_live_proxy(call.ctx, doc, destination)


@operation(
    "Proxy.GetSourceDocument",
    aliases=["GetLiveDocument"],
    label="Get Live Document",
    category="Fetch",
    signature=_ONE_DOC,
    collector=True,
    description="The live document behind the input proxy or version.",
)
async def get_source(call: OperationCall, doc: Document) -> Document:
    return await proxies.source(call.ctx, doc)


@operation(
    "Document.RemoveProxies",
    label="Remove Proxies",
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[Param("save", type="boolean", default=True)],
    description="Remove every proxy of the input document and of its versions.",
)
async def remove_proxies(call: OperationCall, doc: Document, *, save: bool) -> Document:
    return await proxies.remove_all(call.ctx, doc)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
