"""The connection gate: first come, first served, bounded, and never leaking a slot."""

from __future__ import annotations

import asyncio

import pytest

from docgraph.db.pool import Gate
from docgraph.errors import ServiceUnavailable


class Conn:
    def __init__(self, closed: bool = False) -> None:
        self.closed = closed

    def is_closed(self) -> bool:
        return self.closed

    def is_in_transaction(self) -> bool:
        return False


class FakePool:
    def __init__(self, size: int, fail: bool = False) -> None:
        self.size = size
        self.fail = fail
        self.released: list[Conn] = []

    def get_max_size(self) -> int:
        return self.size

    def get_idle_size(self) -> int:
        return 0

    async def acquire(self, timeout: float | None = None) -> Conn:  # noqa: ASYNC109 (asyncpg's signature)
        if self.fail:
            raise OSError("database unreachable")
        return Conn()

    async def release(self, conn: Conn) -> None:
        self.released.append(conn)


async def test_waiters_are_served_in_arrival_order():
    gate = Gate(FakePool(1), timeout=5)  # type: ignore[arg-type]
    held = await gate.acquire()
    order: list[int] = []

    async def wait(i: int) -> None:
        conn = await gate.acquire()
        order.append(i)
        await gate.release(conn)

    tasks = [asyncio.create_task(wait(i)) for i in range(5)]
    await asyncio.sleep(0)
    await gate.release(held)
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]


async def test_a_waiter_cancelled_as_a_connection_is_released():
    pool = FakePool(1)
    gate = Gate(pool, timeout=5)  # type: ignore[arg-type]
    held = await gate.acquire()
    waiter = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    waiter.cancel()  # its hand-off is cancelled before it runs again
    await gate.release(held)
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert gate.waiting == 0 and pool.released == [held]
    await gate.release(await gate.acquire())  # the slot is still there


async def test_bounded_queue_and_timeout():
    gate = Gate(FakePool(1), max_waiting=1, timeout=0.05)  # type: ignore[arg-type]
    held = await gate.acquire()
    waiting = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    with pytest.raises(ServiceUnavailable, match="too many"):
        await gate.acquire()
    with pytest.raises(ServiceUnavailable, match="within"):
        await waiting
    await gate.release(held)


async def test_a_broken_connection_frees_its_slot_even_when_the_database_is_down():
    pool = FakePool(1)
    gate = Gate(pool, timeout=1)  # type: ignore[arg-type]
    await gate.acquire()
    waiter = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    pool.fail = True
    await gate.release(Conn(closed=True))
    with pytest.raises(ServiceUnavailable):
        await waiter
    pool.fail = False
    conn = await gate.acquire()  # the slot was not lost
    await gate.release(conn)
