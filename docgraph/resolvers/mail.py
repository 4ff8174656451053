"""Sending e-mail through the configured SMTP server (aiosmtplib); without
one, a log line says what was not sent."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from docgraph.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT = 30.0


async def send(settings: Settings, to: str, subject: str, body: str) -> bool:
    """Whether the message went out; failures are logged, never raised (the
    change that asked for it is already committed)."""
    if settings.smtp_host is None:
        log.warning(
            "e-mail to %s not sent (%s): no SMTP server is configured (DOCGRAPH_SMTP_HOST)",
            to,
            subject,
        )
        return False
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=TIMEOUT,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        log.error("e-mail to %s (%s) failed: %s", to, subject, exc)
        return False
    return True
