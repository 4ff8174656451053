"""The audit log: every change to a document, recorded in the transaction of
the change from the unit of work's events (never by calls scattered through
the engine), and read back as a document's history or, by administrators,
across the repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from docgraph.db import audit as db_audit
from docgraph.db.audit import Filter
from docgraph.db.audit_query import AuditQueryError, compile_audit_query
from docgraph.db.pool import Database
from docgraph.errors import BadRequest, Forbidden
from docgraph.resolvers import events, paging, permissions
from docgraph.resolvers.context import DEFAULT_REPOSITORY, RequestContext
from docgraph.resolvers.events import ChangeEvent
from docgraph.resolvers.model import Document, Page, PageRequest
from docgraph.resolvers.typesystem.coerce import parse_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry

DOCUMENT_CATEGORY = "eventDocumentCategory"
# Nuxeo's event ids for the engine's change kinds.
EVENT_IDS = {
    events.CREATED: "documentCreated",
    events.MODIFIED: "documentModified",
    events.MOVED: "documentMoved",
    events.DELETED: "documentRemoved",
    events.SECURITY_CHANGED: "documentSecurityUpdated",
    events.CHECKED_IN: "documentCheckedIn",
    events.CHECKED_OUT: "documentCheckedOut",
    events.RESTORED: "documentRestored",
    events.LOCKED: "documentLocked",
    events.UNLOCKED: "documentUnlocked",
    events.TRASHED: "documentTrashed",
    events.UNTRASHED: "documentUntrashed",
    events.TRANSITION: "lifecycle_transition_event",
    events.PUBLISHED: "documentProxyPublished",
}
# Counting beyond this many entries is not worth its cost: the total is -2.
COUNT_LIMIT = 10_000
MAX_FILTER_VALUES = 50
MAX_NAME = 256


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: int
    event_id: str
    category: str
    principal: str
    comment: str | None
    doc_lifecycle: str | None
    doc_path: str | None
    doc_type: str | None
    doc_uuid: UUID | None
    repository: str
    event_date: datetime
    log_date: datetime
    extended: dict[str, Any]

    @classmethod
    def from_record(cls, r: Any) -> LogEntry:
        return cls(
            id=r["id"],
            event_id=r["event_id"],
            category=r["category"],
            principal=r["principal"],
            comment=r["comment"],
            doc_lifecycle=r["doc_lifecycle"],
            doc_path=r["doc_path"],
            doc_type=r["doc_type"],
            doc_uuid=r["doc_uuid"],
            repository=r["repository"],
            event_date=r["event_date"],
            log_date=r["log_date"],
            extended=r["extended"],
        )


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def entry_of(event: ChangeEvent) -> db_audit.Entry:
    details = dict(event.details)
    comment = details.pop("comment", None)
    doc = event.document
    # Events of plugins (workflows) name their own audit event and category.
    event_id = str(details.pop("audit_event", EVENT_IDS.get(event.kind, event.kind)))
    category = str(details.pop("audit_category", DOCUMENT_CATEGORY))
    if event.kind == events.CREATED and details.get("copied_from"):
        event_id = "documentCreatedByCopy"
    return db_audit.Entry(
        event_id=event_id,
        category=category,
        principal=event.principal,
        comment=None if comment is None else str(comment),
        doc_lifecycle=doc.state if isinstance(doc, Document) else None,
        doc_path=event.path if event.path is not None else _reported_path(doc),
        doc_type=event.doc_type,
        doc_uuid=event.doc_id,
        repository=event.repository,
        event_date=event.at,
        extended={key: _plain(value) for key, value in details.items()},
    )


def _reported_path(doc: Any) -> str | None:
    return doc.reported_path if isinstance(doc, Document) else None


async def record(ctx: RequestContext, changes: Sequence[ChangeEvent]) -> None:
    """The ``before_commit`` listener: the unit's changes join the log in its
    transaction, so an entry exists exactly when its change does."""
    await db_audit.append(ctx.work.db, [entry_of(c) for c in changes])


def _about(
    ctx: RequestContext,
    doc: Document,
    event_id: str,
    category: str,
    *,
    comment: str | None = None,
    extended: dict[str, Any] | None = None,
) -> db_audit.Entry:
    """An entry by the request's user about ``doc``, now."""
    return db_audit.Entry(
        event_id=event_id,
        category=category,
        principal=ctx.principal.username,
        comment=comment,
        doc_lifecycle=doc.state,
        doc_path=doc.reported_path,
        doc_type=doc.type,
        doc_uuid=doc.id,
        repository=doc.repository,
        event_date=datetime.now().astimezone(),
        extended=extended or {},
    )


async def log_event(
    ctx: RequestContext, doc: Document, event_id: str, category: str, comment: str | None
) -> Document:
    """An entry of one's own about a document one may read (``Audit.Log``)."""
    permissions.check_read(ctx, doc)
    if not event_id.strip() or len(event_id) > MAX_NAME or len(category) > MAX_NAME:
        raise BadRequest(f"An event id and a category have 1 to {MAX_NAME} characters")
    entry = _about(ctx, doc, event_id, category, comment=comment)
    await db_audit.append(ctx.work.db, [entry])
    return doc


# Logins are the authentication's events, not a document's.
LOGIN_CATEGORY = "NuxeoAuthentication"


async def login(db: Database, username: str, *, succeeded: bool, method: str) -> None:
    """A login checked against the accounts (``loginSuccess``/``loginFailed``):
    written when credentials are verified, not on every request their cached
    check lets through (Nuxeo logs the login that opens a session)."""
    entry = db_audit.Entry(
        event_id="loginSuccess" if succeeded else "loginFailed",
        category=LOGIN_CATEGORY,
        principal=username[:MAX_NAME],
        comment=None,
        doc_lifecycle=None,
        doc_path=None,
        doc_type=None,
        doc_uuid=None,
        repository=DEFAULT_REPOSITORY,
        event_date=datetime.now().astimezone(),
        extended={"method": method},
    )
    await db_audit.append(db, [entry])


async def download(ctx: RequestContext, doc: Document, xpath: str, filename: str | None) -> None:
    """A blob of ``doc`` served to the user, when downloads are audited
    (``audit_downloads``): its own entry, written at once (a download is a
    read, with no unit of work to join)."""
    if not ctx.settings.audit_downloads:
        return
    extended = {"blobXPath": xpath, "filename": filename, "downloadReason": "download"}
    entry = _about(ctx, doc, "download", DOCUMENT_CATEGORY, extended=extended)
    await db_audit.append(ctx.db, [entry])


@dataclass(frozen=True, slots=True)
class Criteria:
    """What a reader asks of the log (the ``@audit`` query parameters)."""

    event_ids: Sequence[str] = ()
    categories: Sequence[str] = ()
    principals: Sequence[str] = ()
    start: str | None = None
    end: str | None = None

    def filter(self, documents: Sequence[UUID] | None = None) -> Filter:
        for values in (self.event_ids, self.categories, self.principals):
            if len(values) > MAX_FILTER_VALUES or any(len(v) > MAX_NAME for v in values):
                raise BadRequest(f"At most {MAX_FILTER_VALUES} values of {MAX_NAME} characters")
        return Filter(
            documents=documents,
            event_ids=list(self.event_ids) or None,
            categories=list(self.categories) or None,
            principals=list(self.principals) or None,
            start=_date(self.start, "startEventDate"),
            end=_date(self.end, "endEventDate", end_of_day=True),
        )


def _date(text: str | None, name: str, *, end_of_day: bool = False) -> datetime | None:
    if text is None or not text.strip():
        return None
    try:
        found = parse_date(text)
    except ValueError:
        raise BadRequest(f"{name} must be an ISO date, not {text[:40]!r}") from None
    if end_of_day and len(text.strip()) == 10:  # yyyy-MM-dd: the whole day
        found = found.replace(hour=23, minute=59, second=59, microsecond=999999)
    return found


async def history(
    ctx: RequestContext, doc: Document, criteria: Criteria, request: PageRequest
) -> Page[LogEntry]:
    """The document's own entries, newest first; a version's or a proxy's
    include its live document's (a version's, up to the version)."""
    permissions.check_read(ctx, doc)
    where = criteria.filter([doc.id])
    if (doc.is_version or doc.is_proxy) and doc.version_series_id is not None:
        where = Filter(
            documents=[doc.id, doc.version_series_id],
            event_ids=where.event_ids,
            categories=where.categories,
            principals=where.principals,
            start=where.start,
            end=where.end,
            others_until=doc.created if doc.is_version else None,
        )
    return await _page(ctx, where, request)


async def browse(ctx: RequestContext, criteria: Criteria, request: PageRequest) -> Page[LogEntry]:
    """Entries across the repository: administrators only."""
    if not ctx.principal.is_administrator:
        raise Forbidden("Only administrators may read the whole audit log")
    return await _page(ctx, criteria.filter(), request)


async def query(ctx: RequestContext, text: str, request: PageRequest) -> Page[LogEntry]:
    """Entries an ``Audit.Query`` query finds (``from LogEntry log where ...``):
    administrators only."""
    if not ctx.principal.is_administrator:
        raise Forbidden("Only administrators may query the audit log")
    try:
        compiled = compile_audit_query(text)
    except AuditQueryError as exc:
        raise BadRequest(str(exc)) from None
    limit, offset = paging.window(request, ctx.settings.max_page_size)
    rows, total = await db_audit.query_page(ctx.db, compiled, limit, offset, COUNT_LIMIT)
    return _listed(ctx, rows, total, request, limit, offset)


async def _page(ctx: RequestContext, where: Filter, request: PageRequest) -> Page[LogEntry]:
    limit, offset = paging.window(request, ctx.settings.max_page_size)
    rows, total = await db_audit.page(ctx.db, where, limit, offset, COUNT_LIMIT)
    return _listed(ctx, rows, total, request, limit, offset)


def _listed(
    ctx: RequestContext,
    rows: Sequence[Any],
    total: int,
    request: PageRequest,
    limit: int,
    offset: int,
) -> Page[LogEntry]:
    entries = [LogEntry.from_record(r) for r in rows]
    return paging.page_of(
        entries,
        total,
        request,
        limit,
        offset,
        ctx.settings.max_page_size,
        "logEntries",
        count_limit=COUNT_LIMIT,
    )


def register(registry: Registry) -> None:
    registry.add_listener(record, phase="before_commit")
