"""A mutating request's unit of work, opened once its body has arrived."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web

from docgraph.errors import TransientConflict
from docgraph.gateway.bodies import read_body
from docgraph.resolvers.context import RequestContext

T = TypeVar("T")
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
# Runs of a mutating request that hit a deadlock or serialization failure.
_ATTEMPTS = 3


async def in_unit(
    ctx: RequestContext, request: web.Request, handle: Callable[[], Awaitable[T]]
) -> T:
    """Reads run as they are; a write reads its body, then runs in one unit
    of work: a pipe commits or fails as a whole."""
    if request.method in _READS:
        return await handle()
    await read_body(request)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            async with ctx.unit_of_work():
                return await handle()
        except TransientConflict:
            # A deadlock or serialization failure rolled the unit back: the
            # same request, run again, usually succeeds.
            if attempt == _ATTEMPTS:
                raise
            await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")
