"""Work a request starts and leaves running (``@async`` automation): held
here so that it can be stopped, one by one or all at shutdown."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID


class AsyncRuns:
    """The runs this process is doing, so that they can be stopped."""

    def __init__(self) -> None:
        self.tasks: dict[UUID, asyncio.Task[None]] = {}

    def spawn(self, run_id: UUID, work: Any) -> None:
        task = asyncio.create_task(work, name=f"automation run {run_id}")
        self.tasks[run_id] = task
        task.add_done_callback(lambda _: self.tasks.pop(run_id, None))

    def stop(self, run_id: UUID) -> None:
        task = self.tasks.pop(run_id, None)
        if task is not None:
            task.cancel()

    async def close(self) -> None:
        tasks = list(self.tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
