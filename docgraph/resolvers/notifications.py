"""Notification subscriptions: a user asks to be told, by e-mail, when a
document (or anything in a folder) is modified, created in it, or moves on in
a workflow (``Document.Subscribe``). Once a unit of work commits, its change
events are matched against the subscriptions of the documents and their
ancestors, in one statement, and each subscriber who may still read the
document gets one message per notification; the user who made the change
is not told about it."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docgraph.db import notifications as db_notifications
from docgraph.errors import BadRequest
from docgraph.plugins import Enricher
from docgraph.resolvers import events as kinds
from docgraph.resolvers import mail, permissions
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.events import ChangeEvent
from docgraph.resolvers.model import Document
from docgraph.resolvers.users import load_principal

if TYPE_CHECKING:
    from docgraph.plugins import Registry

log = logging.getLogger(__name__)

MODIFICATION = "Modification"
CREATION = "Creation"
WORKFLOW_CHANGE = "Workflow Change"
NOTIFICATIONS = (MODIFICATION, CREATION, WORKFLOW_CHANGE)
# Messages one unit of work sends at most; a larger fan-out is logged, not sent.
MAX_MESSAGES = 200


def _names(given: Sequence[str] | None) -> list[str]:
    if not given:
        return list(NOTIFICATIONS)
    unknown = [n for n in given if n not in NOTIFICATIONS]
    if unknown:
        raise BadRequest(
            f"Unknown notification {unknown[0][:64]!r} (known: {', '.join(NOTIFICATIONS)})"
        )
    return list(dict.fromkeys(given))


async def subscribe(
    ctx: RequestContext, doc: Document, names: Sequence[str] | None = None
) -> Document:
    """Subscribe the user to ``names`` (all of them by default) on a document
    they may read."""
    permissions.check_read(ctx, doc)
    await db_notifications.subscribe(ctx.work.db, doc.id, ctx.principal.username, _names(names))
    return doc


async def unsubscribe(
    ctx: RequestContext, doc: Document, names: Sequence[str] | None = None
) -> Document:
    permissions.check_read(ctx, doc)
    await db_notifications.unsubscribe(ctx.work.db, doc.id, ctx.principal.username, _names(names))
    return doc


async def subscribed(ctx: RequestContext, docs: Sequence[Document]) -> list[list[str]]:
    """The ``subscribedNotifications`` enricher: the user's, per document."""
    rows = await db_notifications.of_user(ctx.db, [d.id for d in docs], ctx.principal.username)
    found: dict[object, list[str]] = defaultdict(list)
    for row in rows:
        found[row["document_id"]].append(row["notification"])
    return [found.get(doc.id, []) for doc in docs]


def _notification_of(event: ChangeEvent) -> str | None:
    details = dict(event.details)
    if details.get("audit_category") == "Routing":
        return WORKFLOW_CHANGE
    if event.kind == kinds.CREATED:
        return CREATION
    if event.kind == kinds.MODIFIED:
        return MODIFICATION
    return None


def _message(ctx: RequestContext, event: ChangeEvent, doc: Document, name: str) -> tuple[str, str]:
    url = f"{ctx.base_url}api/v1/id/{doc.uid}" if ctx.base_url else doc.uid
    subject = f"[docgraph] {name}: {doc.title}"[:200].replace("\r", " ").replace("\n", " ")
    body = (
        f"{event.principal} {'created' if name == CREATION else 'changed'} "
        f"{doc.title!r} ({doc.reported_path}).\n\n{url}\n\n"
        "You receive this message because you subscribed to this document or to a folder "
        "holding it."
    )
    return subject, body


async def notify(ctx: RequestContext, changes: Sequence[ChangeEvent]) -> None:
    """The ``after_commit`` listener: tell the subscribers."""
    wanted = []
    for event in changes:
        name = _notification_of(event)
        if name is not None and isinstance(event.document, Document):
            wanted.append((event, event.document, name))
    if not wanted:
        return
    watched = {d for _, doc, _ in wanted for d in (doc.id, *doc.ancestors)}
    names = sorted({name for _, _, name in wanted})
    rows = await db_notifications.subscribers(ctx.db, list(watched), names, MAX_MESSAGES + 1)
    if not rows:
        return
    sent: set[tuple[str, str, object]] = set()
    principals: dict[str, Principal | None] = {}
    for event, doc, name in wanted:
        reach = {doc.id, *doc.ancestors}
        for row in rows:
            user = row["username"]
            key = (user, name, doc.id)
            if row["notification"] != name or row["document_id"] not in reach or key in sent:
                continue
            if user == event.principal:
                continue
            if user not in principals:
                principals[user] = await load_principal(ctx.db, user)
            principal = principals[user]
            if principal is None or not permissions.can_read(principal, doc):
                continue
            if len(sent) >= MAX_MESSAGES:
                log.warning("notifications of one change stop at %d messages", MAX_MESSAGES)
                return
            sent.add(key)
            subject, body = _message(ctx, event, doc, name)
            try:
                message = mail.Mail((row["email"],), subject, body).check()
            except BadRequest:
                log.warning("user %s has no usable e-mail address", user)
                continue
            mail.send_soon(ctx.settings, message)


def register(registry: Registry) -> None:
    registry.add_listener(notify, phase="after_commit")
    registry.add_enricher(
        Enricher("document", "subscribedNotifications", subscribed, reads_properties=False)
    )
