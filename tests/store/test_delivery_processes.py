"""Delivery across processes: a worker killed mid-delivery, two workers on one PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from components.integration.outbox import enqueue
from components.store import Store
from tests.webhook_receiver import running_receiver

SECRET = "webhook-secret-for-tests"
ROOT = Path(__file__).resolve().parents[2]


class Workers:
    """``python -m components.integration.delivery`` processes on the test's store."""

    def __init__(self, store_url: str, webhook_url: str) -> None:
        self.env = {**os.environ, "VLENS_DATABASE_URL": store_url,
                    "VLENS_WEBHOOK_URL": webhook_url, "VLENS_WEBHOOK_SECRET": SECRET}
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "components.integration.delivery", *args], cwd=ROOT,
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.processes.append(process)
        assert process.stdout is not None
        assert "started" in process.stdout.readline()
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(store_url: str) -> Iterator[list[Workers]]:
    made: list[Workers] = []
    yield made
    for group in made:
        group.stop_all()


def _enqueue(store: Store, n: int) -> list[str]:
    with store.begin() as conn:
        return [enqueue(conn, store, "verification.completed", {"reference": f"c{i}"},
                        now=time.time()) for i in range(n)]


def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll another process's progress (it cannot tell us); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker process did not record the delivery"
        time.sleep(0.05)


def _outbox(store: Store) -> list:  # type: ignore[type-arg]
    outbox = store.tables.outbox
    with store.begin() as conn:
        return list(conn.execute(select(outbox.c.id, outbox.c.status, outbox.c.lease_owner,
                                        outbox.c.delivered_by, outbox.c.attempts)))


def test_an_app_process_killed_mid_delivery_delivers_after_restart_and_loses_nothing(
        store: Store, store_url: str, workers: list[Workers]) -> None:
    [event_id] = _enqueue(store, 1)
    with running_receiver(["hang"]) as receiver:
        group = Workers(store_url, receiver.url)
        workers.append(group)
        first = group.start("--lease-s", "2", "--poll-s", "0.2")
        receiver.wait_for(1)  # the first worker is inside the HTTP call now
        first.kill()
        first.wait()
        [row] = _outbox(store)
        assert row.status == "pending" and row.lease_owner is not None  # leased, unfinished
        group.start("--lease-s", "2", "--poll-s", "0.2")
        deliveries = receiver.wait_for(2)
        receiver.release()
        _wait_until(lambda: _outbox(store)[0].status == "delivered")  # answered, now recorded
    assert [d.event_id for d in deliveries] == [event_id, event_id]
    assert [d.answered for d in deliveries] == ["hang", 200]
    [row] = _outbox(store)
    assert (row.status, row.attempts) == ("delivered", 1)
    assert row.delivered_by != row.lease_owner


def test_two_app_processes_on_one_postgresql_deliver_each_event_once(
        store: Store, store_url: str, workers: list[Workers]) -> None:
    if store.dialect != "postgresql":
        pytest.skip("replicas share PostgreSQL; SQLite is for one process")
    with running_receiver() as receiver:
        group = Workers(store_url, receiver.url)
        workers.append(group)
        for _ in range(2):
            group.start("--poll-s", "0.1", "--batch", "3")
        event_ids = _enqueue(store, 60)
        deliveries = receiver.wait_for(60, timeout=60)
        group.stop_all()
    assert Counter(d.event_id for d in deliveries) == Counter(event_ids)
    rows = _outbox(store)
    assert {row.status for row in rows} == {"delivered"}
    by_worker = Counter(row.delivered_by for row in rows)
    assert len(by_worker) == 2, by_worker  # both replicas took part
