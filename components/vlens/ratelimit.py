"""Client-side rate limiter: keeps each tenant within Vlens' 10 requests/s and 60 requests/min.

Sliding windows over the send times of the last minute, so no window of any alignment ever holds
more than the limit. The client's windows are a little longer than the service's (1.1 s, 61 s) so
that requests bunched up by network jitter still arrive within the limit. One limiter per
(base_url, tenant), shared by every session in the process.

Vlens counts per tenant, not per process. Two ways to keep several replicas within it:

- **Through the shared store** (the app's store is PostgreSQL: ``share_through`` is called by
  ``components.integration.runtime``): ``SharedRateLimiter`` takes each slot in one transaction
  on the shared table of recent sends (``components.store.rate_sends``), so all replicas together
  keep to the tenant's limit and one busy replica may use all of it while the others are idle.
- **A share per replica** (no shared store: SQLite, the CLI, or the store unreachable): each
  process keeps ``replica_limits(N)`` with ``N`` = ``[vlens] replicas`` / ``VLENS_REPLICAS``
  (10/N per second, 60/N per minute, rounded down; N = 1, the default, is the whole limit).

When the shared store cannot be reached, ``SharedRateLimiter`` falls back to the share (logged
once per outage): it first holds back for one full window, because it cannot know what the other
replicas sent in the last minute, then keeps to the share. It tries the store again every
``STORE_RETRY_S`` and, once back, records the sends it made meanwhile so the others count them.
No ``acquire`` waits longer than ``max_wait_s``: it then raises ``VlensRateLimitedError``
(nothing was sent, nothing billed).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from .errors import VlensRateLimitedError

log = logging.getLogger("components.vlens.ratelimit")

PER_SECOND = 10
PER_MINUTE = 60
SERVICE_LIMITS = ((PER_SECOND, 1.0), (PER_MINUTE, 60.0))  # what Vlens enforces
CLIENT_LIMITS = ((PER_SECOND, 1.1), (PER_MINUTE, 61.0))  # what we keep to (jitter margin)
STORE_RETRY_S = 5.0  # while the shared store is away, how often to try it again

Limits = tuple[tuple[int, float], ...]


class Limiter(Protocol):
    """What the transport needs of a limiter."""

    @property
    def longest_wait_s(self) -> float: ...

    def wait_time(self) -> float: ...

    def try_acquire(self) -> float: ...

    def acquire(self) -> float: ...


class SharedSends(Protocol):
    """Recent sends per limiter key, kept where every replica sees them (the shared store).

    ``take`` and ``wait`` raise ``ConnectionError`` when the store cannot be reached (its text
    is logged: the error's kind, never an address or a password). ``now``
    is the caller's clock (tests); ``None`` means the store's own clock, one for all replicas.
    """

    def take(self, key: str, limits: Limits, *, now: float | None = None,
             earlier_ages: Sequence[float] = ()) -> float:
        """Record ``earlier_ages`` (sends made that long ago, not recorded yet), then a send
        now if the limits allow it (0 returned); else record nothing new, return the wait."""
        ...

    def wait(self, key: str, limits: Limits, *, now: float | None = None) -> float: ...


def wait_for(sent_newest_first: Sequence[float], limits: Limits, now: float) -> float:
    """Seconds until one more send fits ``limits``, given the send times in the longest window."""
    wait = 0.0
    for limit, window in limits:
        if len(sent_newest_first) >= limit:
            # The limit-th most recent send must leave the window before another may go.
            wait = max(wait, sent_newest_first[limit - 1] + window - now)
    return wait


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
        self._unshared: list[float] = []  # local times of sends made without the store

    @property
    def longest_wait_s(self) -> float:
        """The longest ``acquire`` waits before it gives up (plus one store round trip)."""
        return self._max_wait_s

    @property
    def shared(self) -> bool:
        """False while the store is away and the replica keeps to its share."""
        with self._lock:
            return self._away_since is None

    def wait_time(self) -> float:
        """Seconds until one more request may go out (0 when it may go now)."""
        if self._store_due():
            try:
                return max(0.0, self._sends.wait(self._key, self._limits,
                                                 now=self._shared_now()))
            except ConnectionError as exc:
                self._store_away(exc)
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
                        _describe(self._fallback.limits))

    def _store_back(self, now: float) -> None:
        with self._lock:
            was_away = self._away_since is not None
            self._away_since = None
            self._unshared = [t for t in self._unshared if t > now]  # the store has the rest
        if was_away:
            log.info("vlens rate limit: the shared store answers again; limits shared")


def _describe(limits: Limits) -> str:
    return ", ".join(f"{limit} per {window:g} s" for limit, window in limits)


_registry: dict[tuple[str, str, int, SharedSends | None], Limiter] = {}
_registry_lock = threading.Lock()
_shared_sends: SharedSends | None = None


def share_through(sends: SharedSends | None) -> None:
    """Keep the limits through ``sends`` (the shared store) from now on; None: per replica."""
    global _shared_sends
    with _registry_lock:
        _shared_sends = sends


def limiter_for(base_url: str, tenant: str, replicas: int = 1, *,
                shared: SharedSends | None = None) -> Limiter:
    """The process-wide limiter of one tenant on one service: through ``shared`` (default:
    what ``share_through`` set) when there is a shared store, else this replica's share."""
    with _registry_lock:
        sends = shared if shared is not None else _shared_sends
        key = (base_url, tenant, replicas, sends)
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = (
                RateLimiter(replica_limits(replicas)) if sends is None else
                SharedRateLimiter(sends, limiter_key(base_url, tenant),
                                  share=replica_limits(replicas)))
        return limiter


def reset_limiters() -> None:
    """Forget every limiter's history and the shared store (tests start with a clean slate)."""
    global _shared_sends
    with _registry_lock:
        _registry.clear()
        _shared_sends = None
