"""Things a user started and only that user sees (background conversions and
runs): found by the id given, or 404, the same for another user's as for
an unknown one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.errors import NotFound
from docgraph.resolvers.context import RequestContext


async def owned(
    ctx: RequestContext,
    fetch: Callable[[Database, UUID, str], Awaitable[Record | None]],
    text: str,
    what: str,
) -> Record:
    try:
        key = UUID(text)
    except ValueError:
        raise NotFound(f"No {what} {text[:40]}") from None
    found = await fetch(ctx.db, key, ctx.principal.username)
    if found is None:
        raise NotFound(f"No {what} {text[:40]}")
    return found
