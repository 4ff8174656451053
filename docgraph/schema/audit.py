"""The audit log in GraphQL: ``Document.audit`` and, for administrators,
``Query.auditLog``, through the same engine calls as ``@audit``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from docgraph.resolvers import audit
from docgraph.resolvers.audit import Criteria
from docgraph.resolvers.audit import LogEntry as EntryModel
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Page, PageRequest
from docgraph.resolvers.typesystem.coerce import format_date
from docgraph.schema.arguments import page_fields

if TYPE_CHECKING:
    from docgraph.plugins import Registry

# (schema.documents imports this module: its Context is not importable here.)
Context = Info[RequestContext, None]
PageSize = Annotated[int, strawberry.argument(name="pageSize")]
PageIndex = Annotated[int, strawberry.argument(name="currentPageIndex")]
EventIds = Annotated[list[str] | None, strawberry.argument(name="eventIds")]
Principals = Annotated[list[str] | None, strawberry.argument(name="principalNames")]
Since = Annotated[str | None, strawberry.argument(name="startEventDate")]
Until = Annotated[str | None, strawberry.argument(name="endEventDate")]


@strawberry.type(description="An entry of the audit log.")
class LogEntry:
    id: int
    event_id: str = strawberry.field(name="eventId")
    category: str
    principal_name: str = strawberry.field(name="principalName")
    comment: str | None
    doc_life_cycle: str | None = strawberry.field(name="docLifeCycle")
    doc_path: str | None = strawberry.field(name="docPath")
    doc_type: str | None = strawberry.field(name="docType")
    doc_uuid: str | None = strawberry.field(name="docUUID")
    event_date: str = strawberry.field(name="eventDate")
    log_date: str = strawberry.field(name="logDate")
    extended: JSON

    @classmethod
    def of(cls, entry: EntryModel) -> LogEntry:
        return cls(
            id=entry.id,
            event_id=entry.event_id,
            category=entry.category,
            principal_name=entry.principal,
            comment=entry.comment,
            doc_life_cycle=entry.doc_lifecycle,
            doc_path=entry.doc_path,
            doc_type=entry.doc_type,
            doc_uuid=None if entry.doc_uuid is None else str(entry.doc_uuid),
            event_date=format_date(entry.event_date),
            log_date=format_date(entry.log_date),
            extended=cast(JSON, entry.extended),
        )


@strawberry.type(description="A page of audit entries, newest first.")
class LogEntries:
    entries: list[LogEntry]
    total_size: int = strawberry.field(
        name="totalSize", description="-2 beyond the number the server counts"
    )
    current_page_index: int = strawberry.field(name="currentPageIndex")
    page_size: int = strawberry.field(name="pageSize")
    number_of_pages: int = strawberry.field(name="numberOfPages")

    @classmethod
    def of(cls, page: Page[EntryModel]) -> LogEntries:
        return cls(entries=[LogEntry.of(e) for e in page.entries], **page_fields(page))


def criteria(
    event_ids: list[str] | None,
    principal_names: list[str] | None,
    start: str | None,
    end: str | None,
) -> Criteria:
    return Criteria(
        event_ids=event_ids or (), principals=principal_names or (), start=start, end=end
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        name="auditLog", description="Entries across the repository (administrators)."
    )
    async def audit_log(
        self,
        info: Context,
        page_size: PageSize = 50,
        current_page_index: PageIndex = 0,
        event_ids: EventIds = None,
        principal_names: Principals = None,
        start_event_date: Since = None,
        end_event_date: Until = None,
    ) -> LogEntries:
        page = await audit.browse(
            info.context,
            criteria(event_ids, principal_names, start_event_date, end_event_date),
            PageRequest(current_page_index, page_size),
        )
        return LogEntries.of(page)


def register(registry: Registry) -> None:
    registry.add_graphql(query=AuditQuery, types=(LogEntry, LogEntries))
