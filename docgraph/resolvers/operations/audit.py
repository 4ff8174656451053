"""Audit and event operations: log or fire an event of one's own, page through the log."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest
from docgraph.resolvers import audit, custom_events, documents
from docgraph.resolvers.audit import Criteria, LogEntry
from docgraph.resolvers.model import Document, IdRef, Page, PageRequest
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

HISTORY_PROVIDER = "DOCUMENT_HISTORY_PROVIDER"
BROWSER_PROVIDER = "AUDIT_BROWSER"


@operation(
    "Audit.LogEvent",
    aliases=["Audit.Log"],
    label="Log Event In Audit",
    category="Services",
    signature=[("document", "document")],
    collector=True,
    params=[
        Param("event", required=True, description="the event id"),
        Param("category", default="Automation"),
        Param("comment"),
    ],
    description="Record an event about the input document in the audit log.",
)
async def log_event(
    call: OperationCall, doc: Document, *, event: str, category: str, comment: str | None
) -> Document:
    return await audit.log_event(call.ctx, doc, event, category, comment)


@operation(
    "Event.Fire",
    aliases=["Notification.SendEvent"],
    label="Send Event",
    category="Notification",
    signature=[("document", "document")],
    collector=True,
    params=[Param("name", required=True, description="the event's name")],
    description="Fire an event of your naming about the input document: plugin listeners "
    "and live subscribers get it at commit, and the audit log keeps it.",
)
async def fire_event(call: OperationCall, doc: Document, *, name: str) -> Document:
    return await custom_events.fire(call.ctx, doc, name)


@operation(
    "Audit.QueryWithPageProvider",
    aliases=["Audit.PageProvider"],
    label="Audit Query With Page Provider",
    category="Services",
    signature=[("void", "logEntries")],
    administrators_only=True,
    params=[
        Param(
            "providerName",
            required=True,
            arg="provider",
            values=(HISTORY_PROVIDER, BROWSER_PROVIDER),
            description=f"{HISTORY_PROVIDER} (queryParams: the document id) or "
            f"{BROWSER_PROVIDER} (every document)",
        ),
        Param("queryParams", type="stringlist", arg="query_params"),
        Param(
            "namedQueryParams",
            type="properties",
            arg="named",
            description="eventIds, categories, principalName (comma lists), startDate, endDate",
        ),
        Param("currentPageIndex", type="integer", default=0, aliases=("page",), arg="page_index"),
        Param("pageSize", type="integer", default=0, arg="page_size"),
    ],
    description="A page of the audit log, newest first (administrators).",
)
async def query_with_page_provider(
    call: OperationCall,
    _input: None,
    *,
    provider: str,
    query_params: list[str] | None,
    named: dict[str, Any] | None,
    page_index: int,
    page_size: int,
) -> Page[LogEntry]:
    ctx = call.ctx
    criteria = _criteria(named or {})
    request = PageRequest(page_index, page_size)
    if provider == HISTORY_PROVIDER:
        if not query_params:
            raise BadRequest(f"{HISTORY_PROVIDER} takes the document id as its query parameter")
        doc = await documents.get(ctx, IdRef(query_params[0]))
        return await audit.history(ctx, doc, criteria, request)
    if provider == BROWSER_PROVIDER:
        return await audit.browse(ctx, criteria, request)
    raise BadRequest(f"Unknown audit page provider: {provider[:64]}")


@operation(
    "Audit.Query",
    label="Query Audit Service",
    category="Services",
    signature=[("void", "logEntries")],
    administrators_only=True,
    params=[
        Param("query", required=True, description="from LogEntry log where ... order by ..."),
        Param("pageNo", type="integer", default=1, arg="page_no", description="from 1"),
        Param("maxResults", type="integer", default=100, arg="max_results"),
    ],
    description="Audit entries a JPQL query over LogEntry finds (administrators): "
    "conditions on its fields with = <> < > IN LIKE IS NULL, AND OR NOT, ORDER BY.",
)
async def audit_query(
    call: OperationCall, _input: None, *, query: str, page_no: int, max_results: int
) -> Page[LogEntry]:
    request = PageRequest(max(page_no, 1) - 1, max_results)
    return await audit.query(call.ctx, query, request)


def _criteria(named: dict[str, Any]) -> Criteria:
    def listed(key: str) -> list[str]:
        value = named.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v.strip() for v in str(value).split(",") if v.strip()]

    def text(key: str) -> str | None:
        value = named.get(key)
        return None if value is None else str(value)

    return Criteria(
        event_ids=listed("eventIds"),
        categories=listed("categories"),
        principals=listed("principalName"),
        start=text("startDate"),
        end=text("endDate"),
    )


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
