"""Request deadlines: one sweep cancels what ran too long, and only that."""

from __future__ import annotations

import asyncio

import pytest

from docgraph.gateway.deadlines import Deadlines


async def _work(deadlines: Deadlines, limit: float, seconds: float) -> str:
    task = deadlines.enter(limit)
    try:
        await asyncio.sleep(seconds)
        return "done"
    except asyncio.CancelledError:
        if deadlines.leave(task):
            return "expired"
        raise
    finally:
        deadlines.leave(task)


async def test_only_work_past_its_deadline_is_cancelled():
    deadlines = Deadlines(interval=0.02)
    async with deadlines.sweeping():
        slow = asyncio.create_task(_work(deadlines, 0.05, 5))
        quick = asyncio.create_task(_work(deadlines, 5, 0.1))
        assert await asyncio.wait_for(slow, 1) == "expired"
        assert await quick == "done"
    assert not deadlines._running and not deadlines._expired


async def test_other_cancellations_are_not_taken_for_expiry():
    deadlines = Deadlines(interval=0.02)
    async with deadlines.sweeping():
        task = asyncio.create_task(_work(deadlines, 5, 5))
        await asyncio.sleep(0.05)
        task.cancel()  # the client went away
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not deadlines._running
