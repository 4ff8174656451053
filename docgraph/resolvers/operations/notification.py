"""Notification operations: the server log, mail, and subscriptions to changes."""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING

from docgraph.errors import BadRequest
from docgraph.resolvers import mail, permissions
from docgraph.resolvers import notifications as subscriptions
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_log = logging.getLogger("docgraph.automation")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


@operation(
    "Log",
    aliases=["LogOperation"],
    category="Notification",
    label="Log",
    signature=[("void", "void")],
    params=[Param("message", required=True), Param("level", default="info"), Param("category")],
    description="Write a message to the server log.",
)
async def log_message(
    call: OperationCall, _input: None, *, message: str, level: str, category: str | None
) -> None:
    if level.lower() not in _LEVELS:
        raise BadRequest(f"Unknown log level: {level}")
    # One logger under docgraph's namespace (a client can neither write as
    # another logger nor create loggers), and no raw control characters: a
    # message cannot forge log lines.
    _log.log(
        _LEVELS[level.lower()],
        "[%s] %s: %s",
        _printable(category or "Log"),
        call.ctx.principal.username,
        _printable(message),
    )


@operation(
    "Document.Mail",
    aliases=["Notification.SendMail"],
    category="Notification",
    label="Send E-Mail",
    signature=[("document", "document")],
    collector=True,
    params=[
        Param("from", required=True, arg="sender"),
        Param("subject", required=True),
        Param("message", required=True, description="sent as it is (no template)"),
        Param("to", type="stringlist"),
        Param("cc", type="stringlist"),
        Param("bcc", type="stringlist"),
        Param("replyto", arg="reply_to"),
        Param("HTML", type="boolean", default=False, arg="html"),
    ],
    description="Send an e-mail about the input document (which the user may read), "
    "once the request's changes are committed; to at most 20 recipients.",
)
async def send_mail(
    call: OperationCall,
    doc: Document,
    *,
    sender: str,
    subject: str,
    message: str,
    to: list[str] | None,
    cc: list[str] | None,
    bcc: list[str] | None,
    reply_to: str | None,
    html: bool,
) -> Document:
    permissions.check_read(call.ctx, doc)
    outgoing = mail.Mail(
        to=mail.addresses(to),
        subject=subject,
        body=message,
        cc=mail.addresses(cc),
        bcc=mail.addresses(bcc),
        reply_to=reply_to,
        sender=sender,
        html=html,
    ).check()
    mail.send_after_commit(call.ctx, outgoing)
    return doc


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@operation(
    "Document.Subscribe",
    label="Subscribe",
    category="Notification",
    signature=[("document", "document")],
    collector=True,
    params=[Param("notifications", type="stringlist", description="default: all of them")],
    description="Be told by e-mail of changes to the input documents (and their content).",
)
async def subscribe(
    call: OperationCall, doc: Document, *, notifications: list[str] | None
) -> Document:
    return await subscriptions.subscribe(call.ctx, doc, notifications)


@operation(
    "Document.Unsubscribe",
    label="Unsubscribe",
    category="Notification",
    signature=[("document", "document")],
    collector=True,
    params=[Param("notifications", type="stringlist", description="default: all of them")],
    description="Stop being told of changes to the input documents.",
)
async def unsubscribe(
    call: OperationCall, doc: Document, *, notifications: list[str] | None
) -> Document:
    return await subscriptions.unsubscribe(call.ctx, doc, notifications)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
