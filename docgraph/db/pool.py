"""The asyncpg boundary: a pool wrapper whose queries can join a unit of work.

Resolvers never touch asyncpg; they call functions of ``db/`` with a
:class:`Database`. Three kinds share one API:

- the pool (``Database(pool)``): each statement takes a pooled connection;
- a request's session (``db.session()``): the first statement takes one
  connection and the request keeps it until ``close()``, so that a request
  waits for the pool once, in arrival order, instead of once per statement;
- a transaction (``async with db.transaction() as tx``): every statement of
  ``tx`` runs, one at a time, on the transaction's connection.

Every wait for a connection goes through the :class:`Gate`: at most
``max_waiting`` requests queue (first come, first served), each for at most
``timeout`` seconds; beyond either, the client is told to retry (503).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import deque
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


class Gate:
    """Bounded, timed, first-come-first-served waiting for a pooled connection.

    A released connection goes straight to the longest waiter. (The pool's own
    queue lets a newcomer take a connection just released before the waiter
    woken for it runs; that waiter then queues again at the back, and under
    load some requests wait for seconds while others never do.)"""

    def __init__(self, pool: asyncpg.Pool, *, max_waiting: int = 256, timeout: float = 10.0):
        self.pool = pool
        self.max_waiting = max_waiting
        self.timeout = timeout
        self._free = pool.get_max_size()
        # (deadline, handoff), oldest first: deadlines are in arrival order, so
        # one timer, armed for the oldest waiter, expires them all (a timer per
        # waiter would cost every request under load).
        self._waiters: deque[tuple[float, asyncio.Future[asyncpg.Connection]]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def saturated(self) -> bool:
        """More requests wait for a connection than the pool holds."""
        return self.waiting > self.pool.get_max_size()

    async def acquire(self) -> asyncpg.Connection:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            try:
                # An idle connection is handed over at once; only opening a
                # new one can hang, and only that needs the (costly) timeout.
                idle = self.pool.get_idle_size() > 0
                return await self.pool.acquire(timeout=None if idle else self.timeout)
            except BaseException as exc:
                await self._slot_freed()
                if isinstance(exc, TimeoutError):
                    raise self._busy() from exc
                raise
        if len(self._waiters) >= self.max_waiting:
            raise errors.ServiceUnavailable("The server is busy: too many requests are waiting")
        loop = asyncio.get_running_loop()
        handoff: asyncio.Future[asyncpg.Connection] = loop.create_future()
        entry = (loop.time() + self.timeout, handoff)
        self._waiters.append(entry)
        self._arm(loop)
        try:
            return await handoff
        except BaseException:
            if handoff.done() and not handoff.cancelled() and handoff.exception() is None:
                # Handed a connection just as the wait ended: pass it on.
                await self.release(handoff.result())
            else:
                handoff.cancel()
                # release() or the timer may have dropped it from the queue already.
                with contextlib.suppress(ValueError):
                    self._waiters.remove(entry)
            raise

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is None and self._waiters:
            self._timer = loop.call_at(self._waiters[0][0], self._expire, loop)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        while self._waiters and self._waiters[0][0] <= now:
            _, handoff = self._waiters.popleft()
            if not handoff.done():
                handoff.set_exception(self._busy())
        self._arm(loop)

    def _busy(self) -> errors.ServiceUnavailable:
        return errors.ServiceUnavailable(
            f"No database connection within {self.timeout:g} s: the server is busy"
        )

    def _next_waiter(self) -> asyncio.Future[asyncpg.Connection] | None:
        while self._waiters:
            _, handoff = self._waiters.popleft()
            if not handoff.done():
                return handoff
        return None

    async def release(self, conn: asyncpg.Connection) -> None:
        if conn.is_closed() or conn.is_in_transaction():
            # The pool resets or replaces it; the slot it frees goes on.
            await self.pool.release(conn)
            await self._slot_freed()
            return
        handoff = self._next_waiter()
        if handoff is not None:
            handoff.set_result(conn)
            return
        self._free += 1
        await self.pool.release(conn)

    async def _slot_freed(self) -> None:
        """A slot with no connection in hand: the longest waiter gets a fresh
        connection for it, or it becomes free."""
        handoff = self._next_waiter()
        if handoff is None:
            self._free += 1
            return
        try:
            conn = await self.pool.acquire(timeout=self.timeout)
        except Exception:  # the database is unreachable: tell the waiter, keep the slot
            self._free += 1
            if not handoff.done():
                handoff.set_exception(self._busy())
            return
        if handoff.done():  # it gave up meanwhile
            await self.release(conn)
        else:
            handoff.set_result(conn)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename,
            schema="pg_catalog",
            encoder=lambda v: orjson.dumps(v).decode(),
            decoder=orjson.loads,
        )


def _translate(exc: asyncpg.PostgresError) -> Exception:
    """Driver errors that a client's input can cause become docgraph errors;
    any other stays as it is (a bug, answered 500)."""
    if isinstance(exc, asyncpg.UniqueViolationError):
        return errors.Conflict(f"Already exists: {exc.detail or exc.constraint_name}")
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return errors.Conflict("Referenced entity does not exist or is still referenced")
    if isinstance(exc, asyncpg.SerializationError | asyncpg.DeadlockDetectedError):
        return errors.TransientConflict("Concurrent modification, retry the request")
    if isinstance(exc, asyncpg.DataError):
        # A value PostgreSQL cannot store (bad encoding, out of range): the
        # engine validates first, this is the safety net.
        return errors.BadRequest(f"Invalid value: {exc}")
    return exc


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    try:
        yield
    except asyncpg.PostgresError as exc:
        translated = _translate(exc)
        if translated is exc:
            raise
        raise translated from exc


def lock_key(name: str) -> int:
    """An advisory lock number for a name (64 bits of its digest)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class Database:
    """Runs statements on the pool, a request's connection, or a transaction."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        stats: QueryStats | None = None,
        conn: asyncpg.Connection | None = None,
        *,
        gate: Gate | None = None,
        sticky: bool = False,
        in_transaction: bool = False,
        lock: asyncio.Lock | None = None,
    ) -> None:
        self.pool = pool
        self.stats = stats or QueryStats()
        self.gate = gate or Gate(pool)
        self._conn = conn
        self._sticky = sticky
        self._in_transaction = in_transaction
        # asyncpg runs one statement at a time per connection; DataLoaders may
        # dispatch concurrently, so a held connection's statements queue here.
        self._lock = lock or (asyncio.Lock() if sticky or conn is not None else None)

    @property
    def in_transaction(self) -> bool:
        return self._in_transaction

    def session(self) -> Database:
        """A request's database: one connection, taken at its first statement."""
        return Database(self.pool, self.stats, gate=self.gate, sticky=True)

    async def close(self) -> None:
        """Give a session's connection back to the pool."""
        if self._sticky and self._conn is not None:
            conn, self._conn = self._conn, None
            await self.gate.release(conn)

    async def _held(self) -> asyncpg.Connection:
        if self._conn is None:
            self._conn = await self.gate.acquire()
        return self._conn

    async def _run(self, method: str, query: str, args: Sequence[Any]) -> Any:
        """One statement, on the right connection, driver errors translated.
        (Plain awaits rather than context managers: this runs for every statement.)"""
        self.stats.statements += 1
        try:
            if self._lock is None:
                conn = await self.gate.acquire()
                try:
                    return await getattr(conn, method)(query, *args)
                finally:
                    await self.gate.release(conn)
            async with self._lock:
                conn = await self._held()
                return await getattr(conn, method)(query, *args)
        except asyncpg.PostgresError as exc:
            translated = _translate(exc)
            if translated is exc:
                raise
            raise translated from exc

    async def fetch(self, query: str, *args: Any) -> list[Record]:
        return await self._run("fetch", query, args)

    async def fetchrow(self, query: str, *args: Any) -> Record | None:
        return await self._run("fetchrow", query, args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self._run("fetchval", query, args)

    async def execute(self, query: str, *args: Any) -> str:
        return await self._run("execute", query, args)

    async def executemany(self, query: str, args: Sequence[Sequence[Any]]) -> None:
        await self._run("executemany", query, (args,))

    async def lock(self, key: int) -> None:
        """Take a transaction-scoped advisory lock (released at commit)."""
        assert self.in_transaction, "advisory locks here are transaction-scoped"
        await self.execute("SELECT pg_advisory_xact_lock($1)", key)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """A unit of work; re-entering from inside one joins it. On a session,
        the transaction runs on the session's connection."""
        if self._in_transaction:
            yield self
            return
        if self._sticky:
            assert self._lock is not None
            async with self._lock:
                conn = await self._held()
            async with _translated(), conn.transaction():
                # One lock for the connection, whichever handle a statement uses.
                yield Database(
                    self.pool,
                    self.stats,
                    conn,
                    gate=self.gate,
                    in_transaction=True,
                    lock=self._lock,
                )
            return
        conn = await self.gate.acquire()
        try:
            async with _translated(), conn.transaction():
                yield Database(self.pool, self.stats, conn, gate=self.gate, in_transaction=True)
        finally:
            await self.gate.release(conn)


async def _reset_connection(conn: asyncpg.Connection) -> None:
    """docgraph keeps no session state (no LISTEN, no SET, transaction-scoped
    locks only), so a released connection only needs an aborted transaction
    closed; asyncpg's full reset would cost a round trip per statement."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


# Every statement is planned for its own parameters. After five runs of a
# prepared statement PostgreSQL may switch to a generic plan; for a search
# filtered by a member's permissions that plan walked a whole index (1.8 s
# instead of 70 ms at a million documents). Planning each time costs a few
# microseconds per statement.
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_reset_connection,
        server_settings=SERVER_SETTINGS,
    )
    assert pool is not None
    return pool
