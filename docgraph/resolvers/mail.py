"""Sending e-mail through the configured SMTP server (aiosmtplib); without
one, a log line says what was not sent. Mail goes out once the request's
changes are committed: a rolled-back request sends nothing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from docgraph.errors import BadRequest
from docgraph.resolvers.context import RequestContext
from docgraph.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT = 30.0
MAX_RECIPIENTS = 20
MAX_BODY = 1_000_000
# Sending outlives the request that asked for it; keep the tasks referenced.
_SENDING: set[asyncio.Task[bool]] = set()


@dataclass(frozen=True, slots=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    sender: str | None = None
    html: bool = False

    def check(self) -> Mail:
        """A 400 for what would break the message or make it a relay: too
        many recipients, line breaks in headers (header injection), no @."""
        recipients = [*self.to, *self.cc, *self.bcc]
        if not recipients or len(recipients) > MAX_RECIPIENTS:
            raise BadRequest(f"A mail goes to 1 to {MAX_RECIPIENTS} recipients")
        for value in [*recipients, self.reply_to or "x@x", self.sender or "x@x"]:
            if "@" not in value or any(c in value for c in "\r\n") or len(value) > 320:
                raise BadRequest(f"Not an e-mail address: {value[:60]!r}")
        if any(c in self.subject for c in "\r\n") or len(self.subject) > 1000:
            raise BadRequest("A subject is one line of at most 1,000 characters")
        if len(self.body) > MAX_BODY:
            raise BadRequest(f"A message has at most {MAX_BODY} characters")
        return self

    def message(self, settings: Settings) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender or settings.mail_from
        message["To"] = ", ".join(self.to)
        if self.cc:
            message["Cc"] = ", ".join(self.cc)
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message["Subject"] = self.subject
        message.set_content(self.body, subtype="html" if self.html else "plain")
        return message


async def send(settings: Settings, mail: Mail) -> bool:
    """Whether the message went out; failures are logged, never raised (the
    change that asked for it is already committed)."""
    recipients = [*mail.to, *mail.cc, *mail.bcc]
    if settings.smtp_host is None:
        log.warning(
            "e-mail to %s not sent (%s): no SMTP server is configured (DOCGRAPH_SMTP_HOST)",
            ", ".join(recipients),
            mail.subject,
        )
        return False
    try:
        await aiosmtplib.send(
            mail.message(settings),
            recipients=recipients,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=TIMEOUT,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        log.error("e-mail to %s (%s) failed: %s", ", ".join(recipients), mail.subject, exc)
        return False
    return True


def send_soon(settings: Settings, mail: Mail) -> None:
    """Send ``mail`` in the background (the caller does not wait for SMTP)."""
    task = asyncio.get_running_loop().create_task(send(settings, mail))
    _SENDING.add(task)
    task.add_done_callback(_SENDING.discard)


def send_after_commit(ctx: RequestContext, mail: Mail) -> None:
    """Send ``mail`` once the request's unit of work commits."""
    settings = ctx.settings
    ctx.work.on_commit.append(lambda: send_soon(settings, mail))


def addresses(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in values or () if v.strip())
