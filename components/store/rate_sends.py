"""The replicas' shared record of recent Vlens sends: ``StoreSends`` for
``components.vlens.ratelimit.SharedRateLimiter``.

One transaction per slot: lock the limiter key (PostgreSQL: a transaction-level advisory lock on
the key's hash; SQLite: ``BEGIN IMMEDIATE`` already serialises writers), read the clock, prune the
key's sends older than the longest window, count the rest against each window, record the send
if they allow it. PostgreSQL's ``clock_timestamp()`` is the one clock of every replica, so clock
skew between pods cannot let two of them count different windows. A store that cannot be reached
or answer within ``STATEMENT_TIMEOUT_MS`` raises ``StoreSendsUnavailable`` (a ConnectionError).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from components.vlens.ratelimit import Limits, wait_for

from .engine import Store

STATEMENT_TIMEOUT_MS = 3_000  # also the longest wait for the key's lock


class StoreSendsUnavailable(ConnectionError):
    """The store did not answer; the message names the error's type only (never the URL)."""


class StoreSends:
    """Recent sends per limiter key in ``vlens_rate_sends``."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._table = store.tables.rate_sends

    def __repr__(self) -> str:
        return f"StoreSends({self._store!r})"

    def take(self, key: str, limits: Limits, *, now: float | None = None,
             earlier_ages: Sequence[float] = ()) -> float:
        """Record ``earlier_ages`` (sends made that long ago, not recorded yet), then one send
        now if every window has room (0 returned); else return the seconds to wait."""
        return self._run(key, limits, now, earlier_ages, take=True)

    def wait(self, key: str, limits: Limits, *, now: float | None = None) -> float:
        """Seconds until one more send fits (0: now); records nothing."""
        return self._run(key, limits, now, (), take=False)

    def _run(self, key: str, limits: Limits, now: float | None, earlier_ages: Sequence[float],
             *, take: bool) -> float:
        horizon = max(window for _, window in limits)
        most = max(limit for limit, _ in limits)
        try:
            with self._store.begin() as conn:
                store_now = self._lock(conn, key)
                at = store_now if now is None else now
                if take:
                    conn.execute(delete(self._table).where(
                        self._table.c.limiter_key == key,
                        self._table.c.sent_at <= at - horizon))
                    earlier = [{"limiter_key": key, "sent_at": at - age}
                               for age in earlier_ages if 0 <= age < horizon]
                    if earlier:
                        conn.execute(insert(self._table), earlier)
                sent = conn.execute(
                    select(self._table.c.sent_at)
                    .where(self._table.c.limiter_key == key,
                           self._table.c.sent_at > at - horizon)
                    .order_by(self._table.c.sent_at.desc())
                    .limit(most)).scalars().all()
                wait = wait_for(sent, limits, at)
                if take and wait <= 0:
                    conn.execute(insert(self._table).values(limiter_key=key, sent_at=at))
                return max(0.0, wait)
        except SQLAlchemyError as exc:
            raise StoreSendsUnavailable(type(exc).__name__) from None

    def _lock(self, conn: Connection, key: str) -> float:
        """Serialise the key's takers; the store's clock once the lock is held."""
        if conn.dialect.name != "postgresql":
            return time.time()
        conn.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": advisory_key(key)})
        now = conn.execute(text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one()
        return float(now)


def advisory_key(key: str) -> int:
    """A signed 64-bit lock number for the limiter key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)

