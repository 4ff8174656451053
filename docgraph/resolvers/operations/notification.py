"""Notification operations: writing to the server log."""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING

from docgraph.errors import BadRequest
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


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
