"""Client-side rate limiter: keeps each tenant within Vlens' 10 requests/s and 60 requests/min.

Sliding windows over the send times of the last minute, so no window of any alignment ever holds
more than the limit. The client's windows are a little longer than the service's (1.1 s, 61 s) so
that requests bunched up by network jitter still arrive within the limit. One limiter per
(base_url, tenant), shared by every session in the process.

Vlens counts per tenant, not per process: with N replicas of the app (``[vlens] replicas = N``)
each process keeps to its share, ``replica_limits(N)`` (10/N per second, 60/N per minute,
rounded down), so all of them together stay within the tenant's limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

PER_SECOND = 10
PER_MINUTE = 60
SERVICE_LIMITS = ((PER_SECOND, 1.0), (PER_MINUTE, 60.0))  # what Vlens enforces
CLIENT_LIMITS = ((PER_SECOND, 1.1), (PER_MINUTE, 61.0))  # what we keep to (jitter margin)


def replica_limits(replicas: int) -> tuple[tuple[int, float], ...]:
    """This process's share of the tenant's limits when ``replicas`` processes share them."""
    if replicas < 1:
        raise ValueError("replicas must be at least 1")
    return tuple((max(1, limit // replicas), window) for limit, window in CLIENT_LIMITS)


class RateLimiter:
    """Blocking sliding-window limiter. ``clock`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        limits: tuple[tuple[int, float], ...] = CLIENT_LIMITS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._limits = limits
        self._horizon = max(window for _, window in limits)
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    @property
    def longest_wait_s(self) -> float:
        """The longest one ``acquire`` waits when this process is the only sender."""
        return self._horizon

    def wait_time(self) -> float:
        """Seconds until one more request may go out (0 when it may go now)."""
        with self._lock:
            return self._wait_locked(self._clock())

    def try_acquire(self) -> float:
        """Record a request if one may go now and return 0; else return the seconds to wait."""
        with self._lock:
            now = self._clock()
            wait = self._wait_locked(now)
            if wait <= 0:
                self._sent.append(now)
            return max(0.0, wait)

    def acquire(self) -> float:
        """Block until a request may be sent, record it, and return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_locked(now)
                if wait <= 0:
                    self._sent.append(now)
                    return waited
            self._sleep(wait)
            waited += wait

    def _wait_locked(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - self._horizon:
            self._sent.popleft()
        wait = 0.0
        for limit, window in self._limits:
            if len(self._sent) < limit:
                continue
            # The limit-th most recent send must leave the window before another may go.
            oldest_in_way = self._sent[-limit]
            wait = max(wait, oldest_in_way + window - now)
        return wait


_registry: dict[tuple[str, str, int], RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(base_url: str, tenant: str, replicas: int = 1) -> RateLimiter:
    """The process-wide limiter of one tenant on one service (this replica's share)."""
    key = (base_url, tenant, replicas)
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = RateLimiter(replica_limits(replicas))
        return limiter


def reset_limiters() -> None:
    """Forget every limiter's history (tests start each simulator with a clean slate)."""
    with _registry_lock:
        _registry.clear()
