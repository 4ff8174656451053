"""The unit of work: one transaction and the change events raised in it.

Each door opens one for every mutating request, after the request body has
been read. It holds its own transaction handle; the engine reaches it through
``ctx.unit`` and writes with ``unit.db``. Events raised with :meth:`emit` are
applied to the request's loaders at once (reads later in the same request see
the write), handed to ``before_commit`` listeners inside the transaction, and
to ``after_commit`` listeners once it is durable. A rolled-back unit delivers
nothing and forgets every row the request had loaded.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docgraph.db.pool import Database
from docgraph.resolvers.events import ChangeEvent

if TYPE_CHECKING:
    from docgraph.resolvers.context import RequestContext

log = logging.getLogger(__name__)


@dataclass(slots=True)
class UnitOfWork:
    db: Database
    events: list[ChangeEvent] = field(default_factory=list)
    # Run once the unit has committed (never if it rolls back).
    on_commit: list[Callable[[], None]] = field(default_factory=list)

    def emit(self, ctx: RequestContext, event: ChangeEvent) -> None:
        self.events.append(event)
        ctx.loaders.apply(event)


@asynccontextmanager
async def unit_of_work(ctx: RequestContext) -> AsyncIterator[UnitOfWork]:
    """Open the request's unit of work; one per request, never nested."""
    if ctx.unit is not None:
        raise RuntimeError("a unit of work is already open for this request")
    listeners = ctx.registry.listeners
    try:
        async with ctx.database.transaction() as tx:
            unit = ctx.unit = UnitOfWork(tx)
            yield unit
            for listener in listeners:
                if listener.phase == "before_commit" and unit.events:
                    await listener.func(ctx, tuple(unit.events))
    except BaseException:
        ctx.loaders.clear()
        raise
    finally:
        ctx.unit = None
    for callback in unit.on_commit:
        callback()
    if unit.events:
        await _after_commit(ctx, tuple(unit.events))


async def _after_commit(ctx: RequestContext, events: tuple[ChangeEvent, ...]) -> None:
    for listener in ctx.registry.listeners:
        if listener.phase != "after_commit":
            continue
        try:
            await listener.func(ctx, events)
        except Exception:
            # The change is durable; a listener's failure must not turn it into an error.
            log.exception("change listener %r failed", listener.func)
