"""The schema is created and versioned by the app, once, however many processes start."""

from __future__ import annotations

import threading

from sqlalchemy import inspect, select

from components.store import open_store
from components.store.migrations import latest_version


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


def test_concurrent_first_starts_migrate_exactly_once(store_url: str) -> None:
    applied: list[list[int]] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            store = open_store(store_url, create=False)
            applied.append(store.migrate())
            store.dispose()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
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
