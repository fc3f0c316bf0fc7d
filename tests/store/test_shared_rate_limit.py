"""The Vlens rate limit kept through the shared store: replicas (each its own engine on one
database, as separate processes would have) together keep to the tenant's limit, one busy replica
may use all of it, and a store that cannot be reached leaves each replica its share."""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select, text

from components.integration.config import IntegrationConfig
from components.integration.runtime import close_runtimes, get_runtime
from components.ratelimit_windows import Limits
from components.store import Store, StoreSettings, open_store
from components.store.rate_sends import StoreSends, advisory_key
from components.vlens import VlensClient
from components.vlens.errors import VlensRateLimitedError
from components.vlens.limiters import limiter_for
from components.vlens.ratelimit import CLIENT_LIMITS, RateLimiter, limiter_key, replica_limits
from components.vlens.shared_ratelimit import (
    BUSY_AWAY_AFTER,
    BUSY_RETRY_S,
    STORE_RETRY_S,
    SharedRateLimiter,
)
from components.vlens.simulator import Scenario, Simulator
from tests.conftest import FAST_RETRY

KEY = limiter_key("https://vlens.example", "tenant")
# The client's limits with a margin wide enough for a loaded test host's stalls (real threads).
STALL_SAFE_LIMITS = ((CLIENT_LIMITS[0][0], 1.6), CLIENT_LIMITS[1])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


Replica = Callable[..., StoreSends]


@pytest.fixture
def replicas(store_url: str) -> Iterator[Replica]:
    """``replica(**bounds)``: another process's record of sends on the same database (its own
    store and the record's own pool)."""
    opened: list[tuple[Store, StoreSends]] = []

    def replica(**bounds: Any) -> StoreSends:
        store = open_store(store_url)
        opened.append((store, StoreSends(store, **bounds)))
        return opened[-1][1]

    yield replica
    for store, sends in opened:
        sends.dispose()
        store.dispose()


def shared(sends: StoreSends, clock: FakeClock, replicas_configured: int = 2) -> SharedRateLimiter:
    return SharedRateLimiter(sends, KEY, share=replica_limits(replicas_configured),
                             clock=clock, sleep=clock.sleep)


def busiest(sent: Sequence[float], window: float) -> int:
    """The most sends in any window of ``window`` seconds."""
    ordered = sorted(sent)
    return max((bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)),
               default=0)


def sends_while_busy(limiters: Sequence[SharedRateLimiter | RateLimiter], clock: FakeClock,
                     seconds: float) -> list[list[float]]:
    """Each limiter's send times when its replica sends as fast as it lets it."""
    sent: list[list[float]] = [[] for _ in limiters]
    end = clock.now + seconds
    while True:
        clock.now += min(limiter.wait_time() for limiter in limiters)
        if clock.now >= end:
            return sent
        for mine, limiter in zip(sent, limiters, strict=True):
            if limiter.try_acquire() == 0:
                mine.append(clock.now)


def test_two_busy_replicas_on_one_store_keep_together_to_the_tenants_limit(
        replicas: Replica) -> None:
    clock = FakeClock()
    first, second = shared(replicas(), clock), shared(replicas(), clock)
    sent = sends_while_busy([first, second], clock, seconds=150)
    together = sent[0] + sent[1]
    for limit, window in CLIENT_LIMITS:  # the client's windows: 10 per 1.1 s, 60 per 61 s
        assert busiest(together, window) <= limit
    assert busiest(together, 61.0) == 60  # and they use all of it
    assert len(together) >= 150  # 60 a minute over 150 s (and the first 60 at 10 per 1.1 s)
    assert min(len(sent[0]), len(sent[1])) >= 50  # neither starves the other


def test_one_busy_replica_gets_the_whole_limit_while_the_other_is_idle(
        replicas: Replica) -> None:
    clock = FakeClock()
    busy, idle = shared(replicas(), clock), shared(replicas(), clock)
    sent = sends_while_busy([busy], clock, seconds=61)[0]
    assert busiest(sent, 1.1) == 10
    assert len(sent) == 60  # the whole minute's limit, not the configured share of 30
    clock.now = sent[-1]
    assert idle.wait_time() > 50  # the idle replica sees the tenant's minute used up
    # The per-replica share (no shared store) leaves the busy replica half of it.
    alone = RateLimiter(replica_limits(2), clock=clock, sleep=clock.sleep)
    assert len(sends_while_busy([alone], clock, seconds=61)[0]) == 30


def test_old_sends_are_pruned_and_no_request_detail_is_kept(replicas: Replica) -> None:
    clock = FakeClock()
    sends = replicas()
    limiter = shared(sends, clock)
    for _ in range(12):
        limiter.acquire()
    clock.now += 61.0
    limiter.acquire()
    with sends.store.begin() as conn:
        rows = conn.execute(select(sends.store.tables.rate_sends)).mappings().all()
    assert [row["sent_at"] for row in rows] == [clock.now]  # the old minute is gone
    assert set(rows[0]) == {"id", "limiter_key", "sent_at"}
    assert rows[0]["limiter_key"] == KEY and "tenant" not in KEY and "vlens" not in KEY


def test_threads_of_two_replicas_sending_at_once_keep_to_the_limit(
        replicas: Replica) -> None:
    """Real threads, a real database and its clock: three sessions in each of two replicas."""
    records = [replicas(), replicas()]
    limiters = [SharedRateLimiter(sends, KEY) for sends in records]
    sends_per_thread = 4
    errors: list[BaseException] = []

    def session(limiter: SharedRateLimiter) -> None:
        try:
            for _ in range(sends_per_thread):
                limiter.acquire()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(limiter,))
               for limiter in limiters for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert all(limiter.shared for limiter in limiters)
    with records[0].store.begin() as conn:
        sent = conn.execute(select(records[0].store.tables.rate_sends.c.sent_at)).scalars().all()
    assert len(sent) == 2 * 3 * sends_per_thread  # 24 sends: at least 2.2 s of windows
    assert busiest(sent, 1.1) == 10
    assert max(sent) - min(sent) >= 2.2


def test_store_down_falls_back_to_the_replicas_share_after_holding_back_one_window(
        caplog: pytest.LogCaptureFixture) -> None:
    down = open_store("postgresql+psycopg://vlens@127.0.0.1:9/vlens", create=False)  # refused
    record = StoreSends(down)
    clock = FakeClock()
    limiter = shared(record, clock, replicas_configured=2)
    caplog.set_level(logging.INFO, "components.vlens.ratelimit")
    started = clock.now
    sent = sends_while_busy([limiter], clock, seconds=61.0 + 121.0)[0]
    assert not limiter.shared
    # The others' sends of the last minute are unknown: nothing for one window, then the share.
    assert sent[0] - started == pytest.approx(61.0)
    assert busiest(sent, 1.1) == 5 and busiest(sent, 61.0) == 30
    assert len(sent) == 60  # two minutes at the share: never blocked for good
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # logged once for the outage, not per request
    assert "OperationalError" in warnings[0].getMessage()
    assert "vlens@" not in caplog.text and "127.0.0.1" not in caplog.text
    record.dispose()
    down.dispose()


class Switchable:
    """The real shared store behind a switch that makes it unreachable."""

    def __init__(self, sends: StoreSends) -> None:
        self.sends = sends
        self.down = False
        self.longest_call_s = sends.longest_call_s

    def take(self, key: str, limits: Limits, *, now: float | None = None,
             earlier_ages: Sequence[float] = ()) -> float:
        if self.down:
            raise ConnectionError("switched off")
        return self.sends.take(key, limits, now=now, earlier_ages=earlier_ages)

    def wait(self, key: str, limits: Limits, *, now: float | None = None) -> float:
        if self.down:
            raise ConnectionError("switched off")
        return self.sends.wait(key, limits, now=now)


def test_a_replica_back_on_the_store_records_the_sends_it_made_without_it(
        replicas: Replica) -> None:
    clock = FakeClock()
    switch = Switchable(replicas())
    away = SharedRateLimiter(switch, KEY, share=replica_limits(2), clock=clock, sleep=clock.sleep)
    other = shared(replicas(), clock)
    switch.down = True
    away_sent = []
    for _ in range(5):  # after holding back one window, at its share
        away.acquire()
        away_sent.append(clock.now)
    assert not away.shared and away_sent[0] == away_sent[-1]
    switch.down = False
    clock.now += STORE_RETRY_S
    away.acquire()  # back on the store: its 5 earlier sends are recorded with this one
    away_sent.append(clock.now)
    assert away.shared
    other_sent = sends_while_busy([other], clock, seconds=50.0)[0]
    assert busiest(away_sent + other_sent, 61.0) == 60
    assert len(other_sent) == 54


def test_acquire_gives_up_with_rate_limited_rather_than_waiting_without_end(
        replicas: Replica) -> None:
    clock = FakeClock()
    busy = shared(replicas(), clock)
    for _ in range(60):
        busy.acquire()  # the whole minute used by one replica
    record = replicas()
    patient = SharedRateLimiter(record, KEY, clock=clock, sleep=clock.sleep, max_wait_s=30.0)
    before = clock.now
    with pytest.raises(VlensRateLimitedError):
        patient.acquire()
    assert clock.now == before  # it said so at once: the wait (55 s) is over its bound
    # Its bound, and one store call that may start just before it (pool wait, connecting,
    # statement timeouts): what the client's longest_run_s counts.
    assert patient.longest_wait_s == 30.0 + record.longest_call_s
    assert record.longest_call_s == (2.0 + 3.0 if record.store.dialect == "sqlite"
                                     else 2.0 + 5.0 + 9 * 3.0)


def test_limiter_for_keeps_the_limit_through_a_postgresql_runtime_only(store_url: str) -> None:
    runtime = get_runtime(IntegrationConfig(store=StoreSettings(store_url)))
    try:
        limiter = limiter_for("https://vlens.example", "tenant", replicas=2)
        if runtime.store.dialect == "postgresql":
            assert isinstance(limiter, SharedRateLimiter)
        else:  # one process's SQLite: the in-process limiter at the configured share
            assert isinstance(limiter, RateLimiter) and limiter.limits == replica_limits(2)
    finally:
        close_runtimes(store_url)
    # Closed: no limiter shares through its store any more; the share per replica again.
    after = limiter_for("https://vlens.example", "tenant", replicas=2)
    assert isinstance(after, RateLimiter) and after.limits == replica_limits(2)


def test_two_clients_sharing_a_store_get_no_429_from_the_simulator(
        start_simulator: Callable[..., Simulator], replicas: Replica) -> None:
    """Two replicas' clients, each sending as fast as its limiter lets it, against the simulator
    (which enforces Vlens' 10/s and 60/min): 24 logins in ~3.2 s, none refused.

    The limiter times a send when it records it; the simulator when the request arrives. The
    product's margin for that gap (10 per 1.1 s) is checked exactly with a fake clock above; here
    the margin is 0.6 s, because a shared 2-core CI host once held one request back for more
    than 0.1 s between the two. Without sharing, the same margin still gets 429s (next test).
    """
    simulator = start_simulator(Scenario(rate_limit=True))
    config = simulator.demo_config()
    key = limiter_key(config.base_url, config.tenancy_name)
    clients = [VlensClient(config, retry=FAST_RETRY,
                           limiter=SharedRateLimiter(replicas(), key, limits=STALL_SAFE_LIMITS))
               for _ in range(2)]
    errors = run_logins(clients, sessions=1, per_session=12)
    assert (errors, simulator.state.rate_limited) == ([], 0)
    assert len(simulator.requests_to("credentials/Login")) == 24


def test_two_clients_each_with_the_whole_limit_are_refused(
        start_simulator: Callable[..., Simulator]) -> None:
    """The same load with each replica keeping the whole limit for itself: Vlens says 429."""
    simulator = start_simulator(Scenario(rate_limit=True))
    config = simulator.demo_config()
    clients = [VlensClient(config, retry=FAST_RETRY, limiter=RateLimiter(STALL_SAFE_LIMITS))
               for _ in range(2)]
    run_logins(clients, sessions=1, per_session=12)
    assert simulator.state.rate_limited > 0


def run_logins(clients: Sequence[VlensClient], *, sessions: int,
               per_session: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def session(client: VlensClient) -> None:
        for _ in range(per_session):
            try:
                client.login()
            except Exception as exc:  # reported to the test
                errors.append(exc)

    threads = [threading.Thread(target=session, args=(client,))
               for client in clients for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for client in clients:
        client.close()
    return errors


@contextmanager
def key_locked(store_url: str) -> Iterator[None]:
    """Another process holds the key's lock (PostgreSQL: the advisory lock; SQLite: the write
    lock) for as long as the block runs."""
    holder = open_store(store_url)
    conn = holder.engine.connect()
    try:
        if holder.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": advisory_key(KEY)})
        else:
            conn.begin()  # BEGIN IMMEDIATE: the write lock
        yield
    finally:
        if holder.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_key(KEY)})
        conn.rollback()
        conn.close()
        holder.dispose()


@contextmanager
def pool_used_up(sends: StoreSends) -> Iterator[None]:
    """Every connection of the record's own pool checked out by others."""
    held = [sends.store.engine.connect() for _ in range(2)]  # pool_size=1 and its one overflow
    try:
        yield
    finally:
        for conn in held:
            conn.close()


@pytest.mark.parametrize("held", ["the key's lock", "every pooled connection"])
def test_a_store_busy_for_a_moment_delays_the_send_without_holding_back(
        held: str, replicas: Replica, store_url: str) -> None:
    """A lock or a free connection not had within its short bound is "busy": the replica tries
    again shortly and sends as soon as the store answers, not after a minute's hold."""
    clock = FakeClock()
    sends = replicas(statement_timeout_ms=200, pool_timeout_s=0.2, pool_size=1)
    limiter = shared(sends, clock)
    busy = key_locked(store_url) if held == "the key's lock" else pool_used_up(sends)
    with busy:
        assert limiter.try_acquire() == BUSY_RETRY_S  # nothing recorded; try again shortly
    assert limiter.shared
    clock.now += BUSY_RETRY_S
    assert limiter.try_acquire() == 0  # sent at once: no hold
    assert limiter.wait_time() == 0 and limiter.shared


def test_a_store_busy_several_times_in_a_row_counts_as_away(
        replicas: Replica, store_url: str) -> None:
    clock = FakeClock()
    limiter = shared(replicas(statement_timeout_ms=100), clock)
    with key_locked(store_url):
        waits = [limiter.try_acquire() for _ in range(BUSY_AWAY_AFTER)]
    assert waits[:-1] == [BUSY_RETRY_S] * (BUSY_AWAY_AFTER - 1)
    assert not limiter.shared
    assert waits[-1] == pytest.approx(61.0)  # then as when away: one window held back


def test_an_acquire_against_a_busy_store_gives_up_within_its_bound(
        replicas: Replica, store_url: str) -> None:
    """Busy answers are retried within the acquire's max wait; it never waits past it."""
    clock = FakeClock()
    limiter = SharedRateLimiter(replicas(statement_timeout_ms=100), KEY, clock=clock,
                                sleep=clock.sleep, max_wait_s=0.3)
    started = clock.now
    with key_locked(store_url), pytest.raises(VlensRateLimitedError):
        limiter.acquire()
    assert limiter.shared  # two busy answers, a retry between them: not away
    assert clock.now - started == pytest.approx(BUSY_RETRY_S)


def test_asking_how_long_to_wait_does_not_queue_behind_a_takers_lock(
        replicas: Replica, store_url: str) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("SQLite: one process, every transaction takes the write lock")
    clock = FakeClock()
    limiter = shared(replicas(statement_timeout_ms=200), clock)
    with key_locked(store_url):
        assert limiter.wait_time() == 0  # read without the lock: answered, not "busy"
    assert limiter.shared


def test_a_clients_longest_run_counts_the_shared_stores_bounded_calls(
        start_simulator: Callable[..., Simulator], replicas: Replica) -> None:
    config = start_simulator(Scenario()).demo_config()
    record = replicas()
    limiter = SharedRateLimiter(record, KEY)
    assert limiter.longest_wait_s == 2 * 61.0 + record.longest_call_s
    with VlensClient(config, retry=FAST_RETRY, limiter=limiter) as client, \
            VlensClient(config, retry=FAST_RETRY, limiter=RateLimiter()) as local:
        # 12 calls per run at most, each with up to FAST_RETRY's attempts: each attempt's
        # limiter wait is the longer by the store's bound.
        extra = client.longest_run_s - local.longest_run_s
        assert extra == pytest.approx(12 * FAST_RETRY.attempts * (limiter.longest_wait_s - 61.0))
