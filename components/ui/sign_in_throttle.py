"""Process-wide pause after repeated wrong passwords (no Streamlit import; clock injectable).

Counting failures in the browser session alone would let anyone reset the count by reloading the
page, so failures are counted per client address for the whole server process, with a ceiling
across all addresses that stops a guesser who rotates addresses.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class SignInThrottle:
    """At most ``per_client`` failures per client and ``overall`` in all per ``window_s``."""

    def __init__(
        self,
        per_client: int = 5,
        overall: int = 20,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_client = per_client
        self.overall = overall
        self.window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._by_client: defaultdict[str, deque[float]] = defaultdict(deque)
        self._all: deque[float] = deque()

    def wait_s(self, client: str) -> float:
        """Seconds ``client`` must wait before trying again (0 when it may try now)."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            waits = [0.0]
            mine = self._by_client.get(client)
            if mine is not None and len(mine) >= self.per_client:
                waits.append(mine[-self.per_client] + self.window_s - now)
            if len(self._all) >= self.overall:
                waits.append(self._all[-self.overall] + self.window_s - now)
            return max(waits)

    def failed(self, client: str) -> int:
        """Record a wrong password; returns the client's failures inside the window."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            self._by_client[client].append(now)
            self._all.append(now)
            return len(self._by_client[client])

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._by_client.pop(client, None)

    def reset(self) -> None:
        with self._lock:
            self._by_client.clear()
            self._all.clear()

    def _forget_old(self, now: float) -> None:
        cutoff = now - self.window_s
        while self._all and self._all[0] <= cutoff:
            self._all.popleft()
        for client in list(self._by_client):
            times = self._by_client[client]
            while times and times[0] <= cutoff:
                times.popleft()
            if not times:
                del self._by_client[client]
