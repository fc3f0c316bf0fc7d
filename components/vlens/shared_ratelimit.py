"""``SharedRateLimiter``: a tenant's Vlens limits kept by all replicas together through the
shared store (``components.ratelimit_windows.SharedSends``, e.g. ``components.store.rate_sends``):
each slot is taken in one transaction on the shared table of recent sends, so the replicas
together keep to the tenant's limit and one busy replica may use all of it while the others idle.

The store's failures are of two kinds:

- **busy** (``TimeoutError``: the key's lock or a free connection not had in time): the slot is
  tried again after ``BUSY_RETRY_S``, within the acquire's ``max_wait_s``; nothing is held back.
  ``BUSY_AWAY_AFTER`` failures in a row count as the store being away.
- **away** (``ConnectionError``: refused, unreachable, connection lost): the replica keeps to its
  ``share`` (logged once per outage). It first holds back for one full window, because it cannot
  know what the other replicas sent in the last minute, then keeps to the share. It tries the
  store again every ``STORE_RETRY_S`` and, once back, records the sends it made meanwhile.

No ``acquire`` waits longer than ``longest_wait_s`` (``max_wait_s`` and one store call's bound):
it then raises ``VlensRateLimitedError`` (nothing was sent, nothing billed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from components.ratelimit_windows import Limits, SharedSends

from .errors import VlensRateLimitedError
from .ratelimit import CLIENT_LIMITS, RateLimiter, describe

log = logging.getLogger("components.vlens.ratelimit")

STORE_RETRY_S = 5.0  # while the shared store is away, how often to try it again
BUSY_RETRY_S = 0.2  # after a busy answer, how soon to try again
BUSY_AWAY_AFTER = 3  # busy answers in a row that count as the store being away


class SharedRateLimiter:
    """A tenant's limits kept by all replicas together through ``SharedSends``; the replica's
    ``share`` on its own while the store is away. Same interface as ``RateLimiter``.

    ``clock`` (injectable, with ``sleep``) is this process's clock; when given, the shared
    store uses it too (tests), otherwise the store's own clock (one for every replica).
    """

    def __init__(
        self,
        sends: SharedSends,
        key: str,
        *,
        limits: Limits = CLIENT_LIMITS,
        share: Limits = CLIENT_LIMITS,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_wait_s: float | None = None,
    ) -> None:
        self._sends = sends
        self._key = key
        self._limits = limits
        self._horizon = max(window for _, window in limits)
        self._shared_clock = clock
        self._clock = clock or time.monotonic
        self._sleep = sleep
        self._fallback = RateLimiter(share, clock=self._clock, sleep=sleep)
        # Long enough for the fallback's hold and then its own window.
        self._max_wait_s = max_wait_s if max_wait_s is not None else 2 * self._horizon
        self._lock = threading.Lock()
        self._away_since: float | None = None  # local time the store was found away
        self._tried_at = 0.0  # local time of the last try while away
        self._busy_in_a_row = 0
        self._unshared: list[float] = []  # local times of sends made without the store

    @property
    def longest_wait_s(self) -> float:
        """The longest ``acquire`` lasts: its ``max_wait_s``, then one more store call at most
        (the last try may start just before the bound)."""
        return self._max_wait_s + self._sends.longest_call_s

    @property
    def shared(self) -> bool:
        """False while the store is away and the replica keeps to its share."""
        with self._lock:
            return self._away_since is None

    def wait_time(self) -> float:
        """Seconds until one more request may go out (0 when it may go now)."""
        if self._store_due():
            try:
                wait = self._sends.wait(self._key, self._limits, now=self._shared_now())
            except ConnectionError as exc:
                self._store_away(exc)
            except TimeoutError as exc:
                if not self._store_busy(exc):
                    return BUSY_RETRY_S
            else:
                return max(0.0, wait)
        return self._fallback.wait_time()

    def try_acquire(self) -> float:
        """Record a request if one may go now and return 0; else return the seconds to wait."""
        if self._store_due():
            now = self._clock()
            with self._lock:
                ages = [now - t for t in self._unshared if now - t < self._horizon]
            try:
                wait = self._sends.take(self._key, self._limits, now=self._shared_now(),
                                        earlier_ages=ages)
            except ConnectionError as exc:
                self._store_away(exc)
            except TimeoutError as exc:
                if not self._store_busy(exc):
                    return BUSY_RETRY_S  # nothing recorded: try again shortly
            else:
                self._store_back(now)
                return max(0.0, wait)
        wait = self._fallback.try_acquire()
        if wait <= 0:
            with self._lock:
                self._unshared.append(self._clock())
        return wait

    def acquire(self) -> float:
        """Block until a request may be sent, record it, and return the seconds waited."""
        started = self._clock()
        while True:
            wait = self.try_acquire()
            if wait <= 0:
                return self._clock() - started
            if self._clock() - started + wait > self._max_wait_s:
                raise VlensRateLimitedError(
                    "The app's replicas are using all of Vlens' request rate; try again in a "
                    "minute", code=429,
                    message_ar="تستخدم نسخ التطبيق كل عدد الطلبات المسموح به لدى Vlens؛ "
                               "حاول مرة أخرى بعد دقيقة")
            self._sleep(wait)

    def _shared_now(self) -> float | None:
        return self._shared_clock() if self._shared_clock is not None else None

    def _store_due(self) -> bool:
        """Whether to ask the store: always while it answers, every STORE_RETRY_S while away."""
        with self._lock:
            if self._away_since is None:
                return True
            now = self._clock()
            if now - self._tried_at < STORE_RETRY_S:
                return False
            self._tried_at = now
            return True

    def _store_busy(self, exc: BaseException) -> bool:
        """Count a busy answer; True when there were so many in a row that the store is away."""
        with self._lock:
            if self._away_since is not None:
                return True  # still away: the retry did not get through
            self._busy_in_a_row += 1
            away = self._busy_in_a_row >= BUSY_AWAY_AFTER
        if away:
            self._store_away(exc)
        else:
            log.info("vlens rate limit: the shared store is busy (%s); trying again",
                     str(exc) or type(exc).__name__)
        return away

    def _store_away(self, exc: BaseException) -> None:
        with self._lock:
            first = self._away_since is None
            if first:
                self._away_since = self._tried_at = self._clock()
        if first:
            # The others' sends of the last window are unknown: hold back for one window.
            self._fallback.hold()
            log.warning("vlens rate limit: the shared store cannot be reached (%s); keeping "
                        "to this replica's share %s", str(exc) or type(exc).__name__,
                        describe(self._fallback.limits))

    def _store_back(self, now: float) -> None:
        with self._lock:
            was_away = self._away_since is not None
            self._away_since = None
            self._busy_in_a_row = 0
            self._unshared = [t for t in self._unshared if t > now]  # the store has the rest
        if was_away:
            log.info("vlens rate limit: the shared store answers again; limits shared")
