"""The schema is created and versioned by the app, once, however many processes start."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import inspect, select, text

from components.store import open_store
from components.store.engine import use_wal
from components.store.migrations import latest_version
from components.store.settings import sqlite_url


def test_a_new_database_gets_every_table_and_the_latest_version(store_url: str) -> None:
    store = open_store(store_url)
    try:
        tables = set(inspect(store.engine).get_table_names())
        assert {"vlens_links", "vlens_results", "vlens_outbox", "vlens_events",
                "vlens_schema_version"} <= tables
        assert store.schema_version() == latest_version()
    finally:
        store.dispose()


def test_opening_an_up_to_date_database_applies_nothing_again(store_url: str) -> None:
    first = open_store(store_url)
    second = open_store(store_url, create=False)
    try:
        assert second.migrate() == []
        with second.begin() as conn:
            rows = conn.execute(select(second.tables.schema_version.c.version)).all()
        assert [row.version for row in rows] == list(range(1, latest_version() + 1))
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.parametrize(("column", "version"), [("phone_seen_at", 4), ("result_recorded", 5)])
def test_a_store_from_before_a_hand_off_column_gains_it_and_keeps_its_rows(
        column: str, version: int, store_url: str) -> None:
    old = open_store(store_url)
    handoffs = old.tables.handoffs
    with old.begin() as conn:  # the store as the step before left it, with one hand-off
        conn.execute(handoffs.insert().values(
            id="h1", attempt_id="a1", language="ar", status="capturing", created_at=1.0,
            expires_at=601.0, updated_at=2.0))
        conn.execute(text(f"ALTER TABLE {handoffs.name} DROP COLUMN {column}"))
        conn.execute(old.tables.schema_version.delete().where(
            old.tables.schema_version.c.version == version))
    old.dispose()
    store = open_store(store_url, create=False)
    try:
        assert store.migrate() == [version]
        with store.begin() as conn:
            row = conn.execute(select(handoffs)).one()
        assert (row.id, row.status, row._mapping[column]) == ("h1", "capturing", None)
        assert store.schema_version() == latest_version()
    finally:
        store.dispose()


def _start_together(url: str, starts: int = 4) -> tuple[list[list[int]], list[BaseException]]:
    """``starts`` threads opening the store at ``url`` and migrating it at once: the versions
    each applied, and what any of them raised."""
    applied: list[list[int]] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            store = open_store(url, create=False)
            applied.append(store.migrate())
            store.dispose()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return applied, errors


def test_concurrent_first_starts_migrate_exactly_once(store_url: str) -> None:
    applied, errors = _start_together(store_url)
    assert errors == []
    assert sorted(len(versions) for versions in applied) == [0, 0, 0, latest_version()]


def test_an_in_memory_store_is_shared_by_threads_and_leaves_no_file(tmp_path, monkeypatch
                                                                      ) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite+pysqlite://")
    outbox = store.tables.outbox

    def write(n: int) -> None:
        with store.begin() as conn:
            conn.execute(outbox.insert().values(
                id=f"e{n}", event_type="t", payload="{}", created_at=0.0, status="pending",
                attempts=0, next_attempt_at=0.0))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.begin() as conn:
        assert len(conn.execute(select(outbox.c.id)).all()) == 8
    store.dispose()
    assert list(tmp_path.iterdir()) == []


def test_threads_opening_a_fresh_sqlite_file_together_are_never_refused(tmp_path) -> None:
    # Switching a fresh file to write-ahead logging at once from several connections made
    # SQLite answer "database is locked" without waiting, in ~6 % of such starts.
    errors: list[BaseException] = []
    for round_ in range(60):
        errors += _start_together(sqlite_url(tmp_path / f"store-{round_}.sqlite3"))[1]
    assert errors == []


class _LockedCursor:
    """A cursor whose WAL switch is refused as locked ``refusals`` times, then succeeds."""

    def __init__(self, refusals: int, message: str = "database is locked") -> None:
        self.refusals, self.message, self.calls = refusals, message, 0

    def execute(self, statement: str) -> None:
        assert statement == "PRAGMA journal_mode=WAL"
        self.calls += 1
        if self.calls <= self.refusals:
            raise sqlite3.OperationalError(self.message)


def test_a_wal_switch_refused_as_locked_is_tried_again() -> None:
    cursor = _LockedCursor(refusals=3)
    use_wal(cursor, budget_s=5.0)
    assert cursor.calls == 4


def test_a_wal_switch_still_locked_when_the_wait_is_over_is_reported() -> None:
    cursor = _LockedCursor(refusals=1000)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        use_wal(cursor, budget_s=0.05)
    assert 1 < cursor.calls < 20


def test_another_sqlite_error_on_the_wal_switch_is_not_retried() -> None:
    cursor = _LockedCursor(refusals=1, message="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        use_wal(cursor, budget_s=5.0)
    assert cursor.calls == 1
