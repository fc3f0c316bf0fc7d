"""Client-side rate limiter: keeps each tenant within Vlens' 10 requests/s and 60 requests/min.

Sliding windows over the send times of the last minute, so no window of any alignment ever holds
more than the limit. The client's windows are a little longer than the service's (1.1 s, 61 s) so
that requests bunched up by network jitter still arrive within the limit.

``RateLimiter`` keeps them in this process. Vlens counts per tenant, not per process: with
several replicas, ``shared_ratelimit.SharedRateLimiter`` keeps them through the shared store, and
``replica_limits(N)`` is each replica's share without one. ``limiters.limiter_for`` picks one
limiter per (base_url, tenant), shared by every session in the process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from components.ratelimit_windows import Limits, wait_for

PER_SECOND = 10
PER_MINUTE = 60
SERVICE_LIMITS = ((PER_SECOND, 1.0), (PER_MINUTE, 60.0))  # what Vlens enforces
CLIENT_LIMITS = ((PER_SECOND, 1.1), (PER_MINUTE, 61.0))  # what we keep to (jitter margin)

__all__ = ["CLIENT_LIMITS", "SERVICE_LIMITS", "Limiter", "Limits", "RateLimiter",
           "limiter_key", "replica_limits"]


class Limiter(Protocol):
    """What the transport needs of a limiter."""

    @property
    def longest_wait_s(self) -> float: ...

    def wait_time(self) -> float: ...

    def try_acquire(self) -> float: ...

    def acquire(self) -> float: ...


def limiter_key(base_url: str, tenant: str) -> str:
    """The shared store's name for one tenant on one service: a hash, never the names."""
    tenant_hash = hashlib.sha256(tenant.encode()).hexdigest()[:32]
    url_hash = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:32]
    return tenant_hash + url_hash


def replica_limits(replicas: int) -> Limits:
    """This process's share of the tenant's limits when ``replicas`` processes share them."""
    if replicas < 1:
        raise ValueError("replicas must be at least 1")
    return tuple((max(1, limit // replicas), window) for limit, window in CLIENT_LIMITS)


class RateLimiter:
    """Blocking sliding-window limiter. ``clock`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        limits: Limits = CLIENT_LIMITS,
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
    def limits(self) -> Limits:
        return self._limits

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

    def hold(self) -> None:
        """Count every limit as used up now: nothing goes for the longest window."""
        with self._lock:
            self._sent.extend([self._clock()] * max(limit for limit, _ in self._limits))

    def _wait_locked(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - self._horizon:
            self._sent.popleft()
        newest = [self._sent[-i] for i in range(1, min(len(self._sent), self._most) + 1)]
        return wait_for(newest, self._limits, now)

    @property
    def _most(self) -> int:
        return max(limit for limit, _ in self._limits)


def describe(limits: Limits) -> str:
    return ", ".join(f"{limit} per {window:g} s" for limit, window in limits)
