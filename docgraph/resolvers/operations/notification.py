"""Notification operations: writing to the server log."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from docgraph.errors import BadRequest
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

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
    # Under docgraph's own namespace: a client cannot write as another logger.
    logger = logging.getLogger(f"docgraph.automation.{category or 'Log'}")
    logger.log(_LEVELS[level.lower()], "%s", message)


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
