"""The asyncpg boundary: a pool wrapper whose queries can join a unit of work.

Resolvers never touch asyncpg; they call functions of ``db/`` with a
:class:`Database`. Outside a transaction each statement takes a pooled
connection; inside ``async with db.transaction() as tx`` every statement of
``tx`` runs, one at a time, on the transaction's connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias

import asyncpg
import orjson

from docgraph import errors

Record: TypeAlias = asyncpg.Record


@dataclass(slots=True)
class QueryStats:
    """Statements sent to PostgreSQL; tests read it to prove batching."""

    statements: int = 0


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename,
            schema="pg_catalog",
            encoder=lambda v: orjson.dumps(v).decode(),
            decoder=orjson.loads,
        )


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    """Driver errors that a client's input can cause become docgraph errors."""
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        raise errors.Conflict(f"Already exists: {exc.detail or exc.constraint_name}") from exc
    except asyncpg.ForeignKeyViolationError as exc:
        raise errors.Conflict("Referenced entity does not exist or is still referenced") from exc
    except asyncpg.SerializationError as exc:
        raise errors.Conflict("Concurrent modification, retry the request") from exc
    except asyncpg.DataError as exc:
        # A value PostgreSQL cannot store (bad encoding, out of range): the
        # engine validates first, this is the safety net.
        raise errors.BadRequest(f"Invalid value: {exc}") from exc


class Database:
    """Runs statements on the pool, or on one connection inside a transaction."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        stats: QueryStats | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> None:
        self.pool = pool
        self.stats = stats or QueryStats()
        self._conn = conn
        # asyncpg runs one statement at a time per connection; DataLoaders may
        # dispatch concurrently, so the transaction's statements queue here.
        self._lock = asyncio.Lock() if conn is not None else None

    @property
    def in_transaction(self) -> bool:
        return self._conn is not None

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        self.stats.statements += 1
        if self._conn is None:
            async with self.pool.acquire() as conn, _translated():
                yield conn
        else:
            assert self._lock is not None
            async with self._lock, _translated():
                yield self._conn

    async def fetch(self, query: str, *args: Any) -> list[Record]:
        async with self._connection() as conn:
            return await conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Record | None:
        async with self._connection() as conn:
            return await conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self._connection() as conn:
            return await conn.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        async with self._connection() as conn:
            return await conn.execute(query, *args)

    async def executemany(self, query: str, args: Sequence[Sequence[Any]]) -> None:
        async with self._connection() as conn:
            await conn.executemany(query, args)

    async def lock(self, key: int) -> None:
        """Take a transaction-scoped advisory lock (released at commit)."""
        assert self.in_transaction, "advisory locks here are transaction-scoped"
        await self.execute("SELECT pg_advisory_xact_lock($1)", key)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """A unit of work; re-entering from inside one joins it."""
        if self._conn is not None:
            yield self
            return
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                yield Database(self.pool, self.stats, conn)


async def _reset_connection(conn: asyncpg.Connection) -> None:
    """docgraph keeps no session state (no LISTEN, no SET, transaction-scoped
    locks only), so a released connection only needs an aborted transaction
    closed; asyncpg's full reset would cost a round trip per statement."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_reset_connection,
    )
    assert pool is not None
    return pool
