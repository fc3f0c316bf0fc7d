"""Webhook outbox throughput and delivery latency on this machine.

    uv run python -m benchmarks.outbox_bench [--events 500] [--samples 100]
                                             [--postgres | --database-url URL]

Baseline: the same signed POSTs sent straight to a loopback receiver, no database. Then:
events written to the outbox (one transaction each, as at the end of a verification), the
worker draining them (claim with a lease, POST, mark delivered), and the latency from commit
to arrival with the worker thread running (woken by the writer, as in the app).
Default store: a SQLite file in a temporary directory; ``--postgres`` starts a throwaway
PostgreSQL cluster (scripts.throwaway_postgres). Both are removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from components.integration.delivery import DeliveryWorker, WebhookSender
from components.integration.outbox import ClaimedEvent, enqueue, event_body
from components.store import Store, open_store
from components.store.settings import sqlite_url
from scripts.throwaway_postgres import throwaway_cluster

SECRET = "benchmark-webhook-secret"


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.arrived:
                    receiver.arrivals[self.headers["Webhook-Id"]] = time.perf_counter()
                    receiver.arrived.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, event_id: str, timeout: float = 30.0) -> float:
        with self.arrived:
            if not self.arrived.wait_for(lambda: event_id in self.arrivals, timeout):
                raise RuntimeError(f"{event_id} did not arrive")
            return self.arrivals[event_id]


def _data(i: int) -> dict[str, object]:
    return {"reference": f"bench-{i}", "verdict": "verified", "transaction_id": f"tx-{i}",
            "request_ids": {"id_front": "r1", "id_back": "r2", "liveness": "r3"}}


def baseline(receiver: Receiver, n: int) -> float:
    sender = WebhookSender(receiver.url, SECRET)
    started = time.perf_counter()
    for i in range(n):
        body = event_body(f"base_{i}", "verification.completed", _data(i), time.time())
        sender.send(ClaimedEvent(f"base_{i}", "verification.completed", body.encode(), 0,
                                 time.time()), int(time.time()))
    elapsed = time.perf_counter() - started
    sender.close()
    return n / elapsed


def write_rate(store: Store, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        with store.begin() as conn:
            enqueue(conn, store, "verification.completed", _data(i), now=time.time())
    return n / (time.perf_counter() - started)


def drain_rate(store: Store, receiver: Receiver, n: int) -> float:
    worker = DeliveryWorker(store, WebhookSender(receiver.url, SECRET))
    started = time.perf_counter()
    delivered = worker.run_once()
    elapsed = time.perf_counter() - started
    if delivered != n:
        raise RuntimeError(f"delivered {delivered} of {n}")
    return n / elapsed


def latencies(store: Store, receiver: Receiver, samples: int) -> list[float]:
    worker = DeliveryWorker(store, WebhookSender(receiver.url, SECRET), idle_poll_s=1.0).start()
    measured = []
    try:
        for i in range(samples):
            with store.begin() as conn:
                event_id = enqueue(conn, store, "verification.completed", _data(i),
                                   now=time.time())
            committed = time.perf_counter()
            worker.wake()
            measured.append(receiver.wait_for(event_id) - committed)
    finally:
        worker.stop()
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--samples", type=int, default=100)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="default: a temporary SQLite file")
    where.add_argument("--postgres", action="store_true",
                       help="start a throwaway PostgreSQL cluster and use it")
    args = parser.parse_args()
    receiver = Receiver()
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="vlens-outbox-bench-"))
        url = args.database_url or sqlite_url(Path(tmp) / "bench.sqlite3")
        if args.postgres:
            url = stack.enter_context(throwaway_cluster())
        store = open_store(url)
        try:
            base = baseline(receiver, args.events)
            written = write_rate(store, args.events)
            drained = drain_rate(store, receiver, args.events)
            lat = sorted(1000 * x for x in latencies(store, receiver, args.samples))
        finally:
            store.dispose()
    p95 = lat[max(0, round(0.95 * len(lat)) - 1)]
    print(f"store: {store.dialect}, {args.events} events, {args.samples} latency samples")
    print(f"baseline: signed POSTs straight to the receiver   {base:8.0f} /s")
    print(f"outbox writes (one transaction per event)         {written:8.0f} /s")
    print(f"worker drain (claim, POST, mark delivered)        {drained:8.0f} /s  "
          f"({drained / base:.2f}x the baseline)")
    print(f"commit-to-arrival latency, worker running         p50 {statistics.median(lat):.1f} ms"
          f"  p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
