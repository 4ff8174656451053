"""``@audit``: a document's history, and the log entry JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.gateway.nuxeo.request import page_request, query_values
from docgraph.plugins import Adapter, Output, Writer
from docgraph.resolvers import audit
from docgraph.resolvers.audit import Criteria, LogEntry
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, Page
from docgraph.resolvers.typesystem.coerce import format_date

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def audit_adapter(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> Page[LogEntry]:
    query = call.query
    criteria = Criteria(
        event_ids=query_values(query, "eventId"),
        categories=query_values(query, "category"),
        principals=query_values(query, "principalName"),
        start=query.get("startEventDate"),
        end=query.get("endEventDate"),
    )
    return await audit.history(ctx, subject, criteria, page_request(call.query, ctx.settings))


def entry_json(entry: LogEntry) -> dict[str, Any]:
    return {
        "entity-type": "logEntry",
        "id": entry.id,
        "category": entry.category,
        "principalName": entry.principal,
        "comment": entry.comment,
        "docLifeCycle": entry.doc_lifecycle,
        "docPath": entry.doc_path,
        "docType": entry.doc_type,
        "docUUID": None if entry.doc_uuid is None else str(entry.doc_uuid),
        "eventId": entry.event_id,
        "repositoryId": entry.repository,
        "eventDate": format_date(entry.event_date),
        "logDate": format_date(entry.log_date),
        "extended": entry.extended,
    }


async def write_entry(out: Output, entry: LogEntry) -> dict[str, Any]:
    return entry_json(entry)


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("audit", audit_adapter, accepts=(Document,)))
    registry.add_writer(Writer(LogEntry, write_entry, entity="logEntry"))
