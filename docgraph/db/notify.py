"""PostgreSQL NOTIFY/LISTEN between docgraph processes.

A notification sent inside a transaction is delivered when it commits, to
every process listening, the sender included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import asyncpg

from docgraph.background import running
from docgraph.db.pool import Database

log = logging.getLogger(__name__)

# Payload: a user name whose cached credentials are stale, or "*" for everyone.
ACCOUNTS = "docgraph_accounts"
# Payload: a JSON list of committed document changes (resolvers/live.py).
CHANGES = "docgraph_changes"


async def notify(db: Database, channel: str, payload: str) -> None:
    await db.execute("SELECT pg_notify($1, $2)", channel, payload)


@contextlib.asynccontextmanager
async def listening(
    dsn: str,
    channel: str,
    on_message: Callable[[str], None],
    on_reconnect: Callable[[], None],
    retry_seconds: float = 1.0,
) -> AsyncIterator[None]:
    """Calls ``on_message(payload)`` for each notification while the block
    runs, on a connection of its own; after losing that connection (messages
    may have been missed) it reconnects and calls ``on_reconnect()``."""

    def received(conn: object, pid: int, chan: str, payload: str) -> None:
        on_message(payload)

    async def listen_forever() -> None:
        first = True
        while True:
            try:
                conn = await asyncpg.connect(dsn)
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(retry_seconds)
                continue
            try:
                lost = _termination(conn)
                await conn.add_listener(channel, received)
                if not first:
                    on_reconnect()
                first = False
                await lost
                log.warning("lost the %s listener connection; reconnecting", channel)
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(retry_seconds)
            finally:
                await conn.close()

    async with running(listen_forever(), f"listen {channel}"):
        yield


def _termination(conn: asyncpg.Connection) -> asyncio.Future[None]:
    """A future done when ``conn`` is lost."""
    lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def terminated(_: object) -> None:
        if not lost.done():
            lost.set_result(None)

    conn.add_termination_listener(terminated)
    return lost
