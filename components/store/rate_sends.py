"""The replicas' shared record of recent Vlens sends: ``StoreSends``, a
``components.ratelimit_windows.SharedSends`` for the Vlens client's shared rate limiter.

One transaction per slot: lock the limiter key (PostgreSQL: a transaction-level advisory lock on
the key's hash; SQLite: ``BEGIN IMMEDIATE`` already serialises writers), read the clock, prune the
key's sends older than the longest window, count the rest against each window, record the send
if they allow it. Asking how long to wait is one read, without the lock. PostgreSQL's
``clock_timestamp()`` is the one clock of every replica, so clock skew between pods cannot let
two of them count different windows.

Every wait is bounded: the record has a small pool of its own (not the app's, which the pages
and the delivery worker share) with a short wait for a free connection, connecting fails after
5 s, and each statement (so the wait for the key's lock) after ``STATEMENT_TIMEOUT_MS``. A store
that cannot be reached raises ``StoreSendsUnavailable`` (a ConnectionError); one that is only
busy (a lock or a connection not had in time) raises ``StoreSendsBusy`` (a TimeoutError).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from components.ratelimit_windows import Limits, wait_for

from .engine import POSTGRES_CONNECT_TIMEOUT_S, Store, side_store

STATEMENT_TIMEOUT_MS = 3_000  # each statement's longest run, so the wait for the key's lock
POOL_TIMEOUT_S = 2.0  # the longest wait for one of the record's own connections
POOL_SIZE = 2  # and as many more under load
# Statements of one take, each bounded by the statement timeout: the pool's liveness ping,
# SET LOCAL, lock, clock, delete, insert the earlier sends, select, insert, COMMIT.
STATEMENTS_PER_CALL = 9
# The store's "busy" answers (PostgreSQL SQLSTATEs): statement timeout or cancel, lock not
# available, serialization failure, deadlock. Another try shortly may well succeed.
_BUSY_SQLSTATES = frozenset({"57014", "55P03", "40001", "40P01"})
_SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class StoreSendsUnavailable(ConnectionError):
    """The store cannot be reached; the message names the error's type only (never the URL)."""


class StoreSendsBusy(TimeoutError):
    """The store answers but gave no answer in time (the key's lock, a free connection) or
    failed this once; the message names the error's type only."""


class StoreSends:
    """Recent sends per limiter key in ``vlens_rate_sends``, through a small pool of its own.

    ``statement_timeout_ms`` and ``pool_timeout_s`` are the bounds above (tests shorten them).
    """

    def __init__(self, store: Store, *, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
                 pool_timeout_s: float = POOL_TIMEOUT_S, pool_size: int = POOL_SIZE) -> None:
        self._own = side_store(store, pool_size=pool_size, pool_timeout_s=pool_timeout_s,
                               busy_timeout_ms=statement_timeout_ms)
        self._store = self._own or store
        self._table = store.tables.rate_sends
        self._statement_timeout_ms = statement_timeout_ms
        self._pool_timeout_s = pool_timeout_s

    def __repr__(self) -> str:
        return f"StoreSends({self._store!r})"

    @property
    def store(self) -> Store:
        """The connections the record uses (its own pool; the app's for in-memory SQLite)."""
        return self._store

    @property
    def longest_call_s(self) -> float:
        """The longest one ``take`` or ``wait`` lasts while the database answers or refuses:
        the pool's wait, connecting, every statement's timeout. (A database that stops
        answering without closing the connection is bounded by TCP, not by this.)"""
        statements_s = self._statement_timeout_ms / 1000
        if self._store.dialect == "postgresql":
            return (self._pool_timeout_s + POSTGRES_CONNECT_TIMEOUT_S
                    + STATEMENTS_PER_CALL * statements_s)
        return self._pool_timeout_s + statements_s  # SQLite: only the write lock is waited for

    def dispose(self) -> None:
        """Close the record's own connections (never the app's store)."""
        if self._own is not None:
            self._own.dispose()

    def take(self, key: str, limits: Limits, *, now: float | None = None,
             earlier_ages: Sequence[float] = ()) -> float:
        """Record ``earlier_ages`` (sends made that long ago, not recorded yet), then one send
        now if every window has room (0 returned); else return the seconds to wait."""
        horizon = max(window for _, window in limits)
        try:
            with self._store.begin() as conn:
                store_now = self._lock(conn, key)
                at = store_now if now is None else now
                conn.execute(delete(self._table).where(
                    self._table.c.limiter_key == key,
                    self._table.c.sent_at <= at - horizon))
                earlier = [{"limiter_key": key, "sent_at": at - age}
                           for age in earlier_ages if 0 <= age < horizon]
                if earlier:
                    conn.execute(insert(self._table), earlier)
                wait = wait_for(self._recent(conn, key, limits, at), limits, at)
                if wait <= 0:
                    conn.execute(insert(self._table).values(limiter_key=key, sent_at=at))
                return max(0.0, wait)
        except SQLAlchemyError as exc:
            raise _failure(exc) from None

    def wait(self, key: str, limits: Limits, *, now: float | None = None) -> float:
        """Seconds until one more send fits (0: now); records nothing, takes no lock."""
        try:
            with self._store.begin() as conn:
                at = self._now(conn) if now is None else now
                return max(0.0, wait_for(self._recent(conn, key, limits, at), limits, at))
        except SQLAlchemyError as exc:
            raise _failure(exc) from None

    def _recent(self, conn: Connection, key: str, limits: Limits, at: float) -> list[float]:
        """The key's sends within the longest window, newest first, as many as any limit."""
        horizon = max(window for _, window in limits)
        most = max(limit for limit, _ in limits)
        return list(conn.execute(
            select(self._table.c.sent_at)
            .where(self._table.c.limiter_key == key, self._table.c.sent_at > at - horizon)
            .order_by(self._table.c.sent_at.desc())
            .limit(most)).scalars().all())

    def _now(self, conn: Connection) -> float:
        """The store's clock (PostgreSQL: every replica's), each statement bounded from here."""
        if conn.dialect.name != "postgresql":
            return time.time()
        self._bound(conn)
        now = conn.execute(text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one()
        return float(now)

    def _lock(self, conn: Connection, key: str) -> float:
        """Serialise the key's takers; the store's clock once the lock is held."""
        if conn.dialect.name != "postgresql":
            return time.time()  # BEGIN IMMEDIATE holds SQLite's write lock already
        self._bound(conn)
        conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": advisory_key(key)})
        now = conn.execute(text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one()
        return float(now)

    def _bound(self, conn: Connection) -> None:
        conn.execute(text(f"SET LOCAL statement_timeout = {int(self._statement_timeout_ms)}"))


def _failure(exc: SQLAlchemyError) -> StoreSendsBusy | StoreSendsUnavailable:
    """Busy (try again shortly) or unavailable (the connection failed), by the error's kind."""
    name = type(exc).__name__
    if isinstance(exc, PoolTimeout):  # no free connection in the record's own pool in time
        return StoreSendsBusy(name)
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return StoreSendsUnavailable(name)
        orig = exc.orig
        if getattr(orig, "sqlstate", None) in _BUSY_SQLSTATES:
            return StoreSendsBusy(name)
        if isinstance(orig, sqlite3.Error) and (
                getattr(orig, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_BUSY_CODES:
            return StoreSendsBusy(name)
        if isinstance(exc, OperationalError):  # refused, unreachable, closed by the server
            return StoreSendsUnavailable(name)
    return StoreSendsBusy(name)  # anything else: tried again; in a row, the limiter gives up


def advisory_key(key: str) -> int:
    """A signed 64-bit lock number for the limiter key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
