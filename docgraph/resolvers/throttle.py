"""Authentication failures per client address, in a sliding window.

An address that failed recently is *suspect*: its password checks wait in a
lane of their own, so a flood of wrong passwords cannot delay the first login
of anyone else. Past a number of failures in the window, the address is
answered 429 at once, without a hash. Nothing is ever locked for good: the
window slides, and an account is never locked as such (an attacker must not
be able to lock Administrator out), only addresses are.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque


class FailureLog:
    def __init__(self, window: float, limit: int, max_addresses: int = 10_000) -> None:
        self.window = window
        self.limit = limit
        self._max = max_addresses
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str, now: float) -> deque[float] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        return times

    def suspect(self, address: str) -> bool:
        return self._recent(address, time.monotonic()) is not None

    def retry_after(self, address: str) -> float | None:
        """Seconds until ``address`` may try again; None when it may now."""
        now = time.monotonic()
        times = self._recent(address, now)
        if times is None or len(times) < self.limit:
            return None
        return times[-self.limit] + self.window - now

    def record(self, address: str) -> None:
        now = time.monotonic()
        times = self._recent(address, now)
        if times is None:
            times = self._failures[address] = deque(maxlen=self.limit)
        times.append(now)
        self._failures.move_to_end(address)
        while len(self._failures) > self._max:
            self._failures.popitem(last=False)
