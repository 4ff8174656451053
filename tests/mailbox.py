"""A local SMTP server the tests start, and what it received."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body()
        assert body is not None
        self.messages.append((list(envelope.rcpt_tos), body.get_content()))
        return "250 OK"

    async def to(self, address: str, count: int, patience: float = 5.0) -> list[str]:
        """The texts sent to ``address`` once ``count`` have come (or
        ``patience`` seconds passed), after a short wait for any that should
        not come."""
        for _ in range(int(patience / 0.05)):
            if len(self._texts(address)) >= count:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        return self._texts(address)

    def _texts(self, address: str) -> list[str]:
        return [text for to, text in self.messages if address in to]

    async def token_for(self, address: str) -> str:
        for _ in range(100):
            for to, text in self.messages:
                if address in to and (found := re.search(r"token=([\w%-]+)", text)):
                    return found.group(1)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no invitation reached {address}")


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    found = Inbox()
    controller = Controller(found, hostname="127.0.0.1", port=port)
    controller.start()
    found.port = port  # type: ignore[attr-defined]
    yield found
    controller.stop()
