"""Webhook delivery: a worker that claims due outbox events and POSTs them, signed.

Headers: ``Webhook-Id`` (the event id, the receiver's idempotency key), ``Webhook-Timestamp``
(epoch seconds of this attempt) and ``Webhook-Signature`` (``signing.webhook_signature``). A 2xx
answer is delivered; anything else (non-2xx, timeout, refused connection) is retried.
One worker thread per process and configuration (``runtime.get_runtime``);
``python -m components.integration.delivery`` runs one in the foreground.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests

from components.store import Store, open_store

from .config import load_integration_config
from .outbox import ClaimedEvent, RetryPolicy, claim_due, mark_delivered, mark_failed, next_due_at
from .signing import webhook_signature

log = logging.getLogger("vlens.webhooks")

DEFAULT_LEASE_S = 60.0  # longer than one attempt (connect + read timeout)
CONNECT_TIMEOUT_S, READ_TIMEOUT_S = 5.0, 10.0
IDLE_POLL_S = 5.0  # how often an idle worker looks for events written by other processes
MIN_WAIT_S = 0.05


@dataclass(frozen=True)
class AttemptResult:
    delivered: bool
    http_status: int | None
    error: str | None


class WebhookSender:
    """POSTs one event body with the signature headers."""

    def __init__(self, url: str, secret: str, *, timeout: tuple[float, float] = (
                 CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._http = requests.Session()

    def send(self, event: ClaimedEvent, timestamp: int) -> AttemptResult:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "vlens-capture-webhooks/1",
            "Webhook-Id": event.id,
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": webhook_signature(self._secret, event.id, timestamp, event.body),
        }
        try:
            response = self._http.post(self._url, data=event.body, headers=headers,
                                       timeout=self._timeout, allow_redirects=False)
        except requests.Timeout:
            return AttemptResult(False, None, "timeout")
        except requests.ConnectionError:
            return AttemptResult(False, None, "connection failed")
        except requests.RequestException as exc:
            return AttemptResult(False, None, type(exc).__name__)
        response.close()
        if 200 <= response.status_code < 300:
            return AttemptResult(True, response.status_code, None)
        return AttemptResult(False, response.status_code, f"HTTP {response.status_code}")

    def close(self) -> None:
        self._http.close()


class DeliveryWorker:
    """Delivers due events. ``run_once()`` is one pass (tests drive it with their own clock);
    ``start()`` runs passes on a daemon thread until ``stop()``."""

    def __init__(self, store: Store, sender: WebhookSender, *,
                 clock: Callable[[], float] = time.time, policy: RetryPolicy | None = None,
                 lease_s: float = DEFAULT_LEASE_S, batch: int = 10,
                 rng: random.Random | None = None, owner: str | None = None,
                 idle_poll_s: float = IDLE_POLL_S) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.lease_s = lease_s
        self.batch = batch
        self.rng = rng or random.Random()
        self.owner = owner or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.idle_poll_s = idle_poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Claim and attempt every due event (batch by batch); how many were delivered."""
        delivered = 0
        while True:
            claimed = claim_due(self.store, self.owner, now=self.clock(), lease_s=self.lease_s,
                                limit=self.batch)
            if not claimed:
                return delivered
            for event in claimed:
                delivered += self._attempt(event)

    def _attempt(self, event: ClaimedEvent) -> int:
        result = self.sender.send(event, int(self.clock()))
        now = self.clock()
        if result.delivered:
            mark_delivered(self.store, event.id, self.owner, now=now,
                           http_status=result.http_status or 200)
            log.info("webhook %s delivered (attempt %d)", event.id, event.attempts + 1)
            return 1
        status = mark_failed(self.store, event, self.owner, now=now,
                             error=result.error or "failed", http_status=result.http_status,
                             policy=self.policy, rng=self.rng)
        log.warning("webhook %s attempt %d failed (%s): %s", event.id, event.attempts + 1,
                    result.error, "dead-lettered" if status == "dead" else "will retry")
        return 0

    def wake(self) -> None:
        """Deliver now (called after a new event is written)."""
        self._wake.set()

    def start(self) -> DeliveryWorker:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="vlens-webhooks",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
                due = next_due_at(self.store)
            except Exception:  # the database is away: keep the thread, try again later
                log.exception("webhook delivery pass failed")
                due = None
            wait = self.idle_poll_s if due is None else min(
                self.idle_poll_s, max(MIN_WAIT_S, due - self.clock()))
            self._wake.wait(wait)
            self._wake.clear()


def main(argv: Sequence[str] | None = None) -> int:
    """Run a delivery worker in the foreground, configured from ``VLENS_*`` variables."""
    parser = argparse.ArgumentParser(prog="python -m components.integration.delivery")
    parser.add_argument("--lease-s", type=float, default=DEFAULT_LEASE_S,
                        help="how long a claimed event is this worker's")
    parser.add_argument("--poll-s", type=float, default=IDLE_POLL_S,
                        help="how often an idle worker looks for new events")
    parser.add_argument("--batch", type=int, default=10, help="events claimed at a time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_integration_config(None, os.environ, demo=False)
    if not config.webhooks_enabled:
        print("set VLENS_WEBHOOK_URL and VLENS_WEBHOOK_SECRET", file=sys.stderr)
        return 2
    assert config.webhook_url is not None and config.webhook_secret is not None
    store = open_store(config.store)
    worker = DeliveryWorker(store, WebhookSender(config.webhook_url, config.webhook_secret),
                            lease_s=args.lease_s, idle_poll_s=args.poll_s, batch=args.batch)
    print(f"delivery worker {worker.owner} started", flush=True)
    worker.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        worker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
