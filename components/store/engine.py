"""``Store``: an engine, typed tables and one way to run a transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.pool import StaticPool

from .migrations import migrate
from .schema import Tables, schema_version
from .settings import StoreSettings, normalise_url

SQLITE_BUSY_TIMEOUT_MS = 15_000
POSTGRES_CONNECT_TIMEOUT_S = 5  # an unreachable server fails fast (e.g. the rate limiter's)


class Store:
    """The app's relational store. ``with store.begin() as conn:`` is one transaction."""

    def __init__(self, engine: Engine, *, serialise: bool = False) -> None:
        self.engine = engine
        self.tables = Tables()
        # An in-memory SQLite database is one shared connection: one transaction at a time.
        self._serial: threading.RLock | None = threading.RLock() if serialise else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self._serial or nullcontext(), self.engine.begin() as conn:
            yield conn

    def migrate(self) -> list[int]:
        """Create or upgrade the schema; the versions applied now."""
        with self.begin() as conn:
            return migrate(conn)

    def schema_version(self) -> int:
        with self.begin() as conn:
            versions = conn.execute(select(schema_version.c.version)).scalars().all()
        return max(versions, default=0)

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:  # never the URL: it may carry a password
        return f"Store({self.dialect})"


def _sqlite_engine(url: str, *, memory: bool, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
                   **pool: Any) -> Engine:
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}, **pool}
    if memory:
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if not memory:
            use_wal(cursor, busy_timeout_ms / 1000)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Take the write lock up front: no read-then-write upgrade can fail half-way.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def use_wal(cursor: Any, budget_s: float) -> None:
    """Switch the database file to write-ahead logging, waiting up to ``budget_s`` for it.

    The switch reads the file, then needs it alone: two connections doing it at once (several
    threads opening a fresh file) can each hold what the other waits for, and SQLite then
    answers "database is locked" at once rather than wait. Such an answer is tried again."""
    deadline = time.monotonic() + budget_s
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(0.2, pause * 2)


def open_store(settings: StoreSettings | str, *, create: bool = True) -> Store:
    """Connect to the store at ``settings`` and (by default) bring its schema up to date."""
    url = settings.url if isinstance(settings, StoreSettings) else normalise_url(settings)
    memory = url == "sqlite+pysqlite://"
    if url.startswith("sqlite"):
        store = Store(_sqlite_engine(url, memory=memory), serialise=memory)
    else:
        store = Store(create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                    connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}))
    if create:
        store.migrate()
    return store


def side_store(store: Store, *, pool_size: int, pool_timeout_s: float,
               busy_timeout_ms: int) -> Store | None:
    """A second, small connection pool to ``store``'s database for one job whose waits must be
    bounded (the rate limiter's): none of the app's connections, at most ``pool_timeout_s`` to
    get one of its own, at most ``busy_timeout_ms`` for SQLite's write lock. None for an
    in-memory SQLite store (one connection: use ``store`` itself). Release with ``dispose``."""
    url = store.engine.url
    pool = {"pool_size": pool_size, "max_overflow": pool_size, "pool_timeout": pool_timeout_s}
    if store.dialect == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return Store(_sqlite_engine(url.render_as_string(hide_password=False), memory=False,
                                    busy_timeout_ms=busy_timeout_ms, **pool))
    return Store(create_engine(url, pool_pre_ping=True, **pool,
                               connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}))
