"""Webhook delivery from the outbox to a real receiver, driven with an injected clock."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from components.integration.delivery import DeliveryWorker, WebhookSender
from components.integration.outbox import RetryPolicy, enqueue, resend, status_counts
from components.store import Store
from tests.webhook_receiver import running_receiver

SECRET = "webhook-secret-for-tests"
T0 = 1_800_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _event(store: Store, clock: Clock, reference: str = "cust-1") -> str:
    with store.begin() as conn:
        return enqueue(conn, store, "verification.completed",
                       {"reference": reference, "verdict": "verified"}, now=clock())


def _worker(store: Store, url: str, clock: Clock, *, read_timeout: float = 5.0
            ) -> DeliveryWorker:
    return DeliveryWorker(store, WebhookSender(url, SECRET, timeout=(2.0, read_timeout)),
                          clock=clock, rng=random.Random(7))


def _row(store: Store, event_id: str):  # type: ignore[no-untyped-def]
    outbox = store.tables.outbox
    with store.begin() as conn:
        return conn.execute(select(outbox).where(outbox.c.id == event_id)).one()


def test_an_event_is_delivered_once_with_a_signature_the_receiver_verifies(store: Store
                                                                           ) -> None:
    clock = Clock()
    event_id = _event(store, clock)
    with running_receiver() as receiver:
        assert _worker(store, receiver.url, clock).run_once() == 1
        assert _worker(store, receiver.url, clock).run_once() == 0
    [delivery] = receiver.deliveries
    assert delivery.event_id == event_id
    assert delivery.signed_with(SECRET)
    assert not delivery.signed_with("some-other-secret-value")
    assert delivery.headers["Webhook-Timestamp"] == str(int(T0))
    body = json.loads(delivery.body)
    assert (body["id"], body["type"], body["data"]["reference"]) == (
        event_id, "verification.completed", "cust-1")
    row = _row(store, event_id)
    assert (row.status, row.attempts, row.last_http_status) == ("delivered", 1, 200)


def test_a_receiver_down_for_a_while_gets_the_event_once_when_it_is_back(store: Store) -> None:
    clock = Clock()
    event_id = _event(store, clock)
    with running_receiver() as probe:  # learn a free port, then leave it closed
        port = probe.port
    url = f"http://127.0.0.1:{port}/hooks/vlens"
    worker = _worker(store, url, clock)
    assert worker.run_once() == 0
    row = _row(store, event_id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "connection failed")
    assert row.next_attempt_at > T0
    assert worker.run_once() == 0  # not due yet: no attempt
    assert _row(store, event_id).attempts == 1
    with running_receiver(port=port) as receiver:
        clock.now = row.next_attempt_at
        assert worker.run_once() == 1
        assert worker.run_once() == 0
    assert [d.event_id for d in receiver.deliveries] == [event_id]
    assert _row(store, event_id).status == "delivered"


def test_server_errors_and_timeouts_are_retried_with_growing_delays_then_dead_lettered(
        store: Store) -> None:
    clock = Clock()
    policy = RetryPolicy(base_delay_s=60, max_delay_s=3600, give_up_after_s=6 * 3600)
    event_id = _event(store, clock)
    answers: list[int | str] = [500, "hang", 503] + [500] * 60
    delays = []
    with running_receiver(answers) as receiver:
        worker = _worker(store, receiver.url, clock, read_timeout=0.3)
        worker.policy = policy
        while _row(store, event_id).status != "dead":
            before = clock.now
            assert worker.run_once() == 0
            row = _row(store, event_id)
            delays.append(row.next_attempt_at - before)
            clock.now = row.next_attempt_at
        receiver.release()
    row = _row(store, event_id)
    assert row.status == "dead"
    assert row.next_attempt_at == T0 + 6 * 3600  # the last try is at the window's end
    assert [d.answered for d in receiver.deliveries][:3] == [500, "hang", 503]
    assert _errors_seen(receiver.deliveries) == {500, "hang", 503}
    assert len({d.event_id for d in receiver.deliveries}) == 1
    # equal jitter: each delay is between half and all of min(cap, base * 2^(n-1))
    for n, delay in enumerate(delays[:-2], start=1):
        full = min(3600, 60 * 2 ** (n - 1))
        assert full / 2 <= delay <= full, (n, delay)
    assert 8 <= len(receiver.deliveries) <= 16  # ~2.7 k s apart once capped
    assert status_counts(store)["dead"] == 1


def _errors_seen(deliveries: list) -> set:  # type: ignore[type-arg]
    return {d.answered for d in deliveries}


def test_a_dead_event_resent_by_an_operator_is_delivered(store: Store) -> None:
    clock = Clock()
    event_id = _event(store, clock)
    outbox = store.tables.outbox
    with store.begin() as conn:
        conn.execute(outbox.update().values(status="dead", attempts=30))
    with running_receiver() as receiver:
        worker = _worker(store, receiver.url, clock)
        assert worker.run_once() == 0
        clock.now += 1
        assert resend(store, event_id, now=clock())
        assert worker.run_once() == 1
    assert [d.event_id for d in receiver.deliveries] == [event_id]
    assert _row(store, event_id).status == "delivered"


def test_a_leased_event_is_not_claimed_again_until_the_lease_expires(store: Store) -> None:
    from components.integration.outbox import claim_due

    clock = Clock()
    event_id = _event(store, clock)
    assert [e.id for e in claim_due(store, "a", now=T0, lease_s=60)] == [event_id]
    assert claim_due(store, "b", now=T0 + 59, lease_s=60) == []
    assert [e.id for e in claim_due(store, "b", now=T0 + 60, lease_s=60)] == [event_id]


@pytest.mark.parametrize("status", [404, 301])
def test_a_non_2xx_answer_is_not_a_delivery(store: Store, status: int) -> None:
    clock = Clock()
    event_id = _event(store, clock)
    with running_receiver([status]) as receiver:
        assert _worker(store, receiver.url, clock).run_once() == 0
    row = _row(store, event_id)
    assert (row.status, row.last_http_status, row.last_error) == ("failed", status,
                                                                  f"HTTP {status}")
