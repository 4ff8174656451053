"""Request deadlines, enforced by one periodic sweep.

``asyncio.timeout`` arms and disarms a timer for every request (about 9 µs on
this stack, a few per cent of a document read); the deadlines here cost a
dictionary entry, and one sweep per interval cancels whatever ran past its
deadline. A deadline is therefore kept to within one interval.
"""

from __future__ import annotations

import asyncio
import contextlib

from docgraph.background import running


class Deadlines:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._running: dict[asyncio.Task[object], float] = {}
        self._expired: set[asyncio.Task[object]] = set()

    def enter(self, limit: float) -> asyncio.Task[object]:
        """The current task must end within ``limit`` seconds."""
        task = asyncio.current_task()
        assert task is not None
        self._running[task] = asyncio.get_running_loop().time() + limit
        return task

    def leave(self, task: asyncio.Task[object]) -> bool:
        """The task's work ended; True when it ended because its deadline passed
        (its cancellation is then withdrawn, so that it can answer)."""
        self._running.pop(task, None)
        if task not in self._expired:
            return False
        self._expired.discard(task)
        task.uncancel()
        return True

    def lift(self) -> None:
        """The current task no longer has a deadline: a transfer of any length
        (an upload, a download) is bounded by idle timeouts instead."""
        task = asyncio.current_task()
        if task is not None:
            self._running.pop(task, None)

    def sweep(self) -> None:
        now = asyncio.get_running_loop().time()
        late = [task for task, deadline in self._running.items() if deadline <= now]
        for task in late:
            del self._running[task]
            self._expired.add(task)
            task.cancel()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.sweep()

    def sweeping(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Sweeps for as long as the block runs (the application's lifetime)."""
        return running(self.run(), "request deadlines")
