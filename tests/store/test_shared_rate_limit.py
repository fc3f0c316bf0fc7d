"""The Vlens rate limit kept through the shared store: replicas (each its own engine on one
database, as separate processes would have) together keep to the tenant's limit, one busy replica
may use all of it, and a store that cannot be reached leaves each replica its share."""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable, Iterator, Sequence

import pytest
from sqlalchemy import select

from components.integration.config import IntegrationConfig
from components.integration.runtime import get_runtime
from components.store import Store, StoreSettings, open_store
from components.store.rate_sends import StoreSends
from components.vlens import VlensClient
from components.vlens.errors import VlensRateLimitedError
from components.vlens.ratelimit import (
    CLIENT_LIMITS,
    STORE_RETRY_S,
    Limits,
    RateLimiter,
    SharedRateLimiter,
    limiter_for,
    limiter_key,
    replica_limits,
    reset_limiters,
)
from components.vlens.simulator import Scenario, Simulator
from tests.conftest import FAST_RETRY

KEY = limiter_key("https://vlens.example", "tenant")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def replicas(store_url: str) -> Iterator[Callable[[], Store]]:
    """``replica()``: another store connection to the same database (another process)."""
    opened: list[Store] = []

    def replica() -> Store:
        opened.append(open_store(store_url))
        return opened[-1]

    yield replica
    for store in opened:
        store.dispose()


def shared(store: Store, clock: FakeClock, replicas_configured: int = 2) -> SharedRateLimiter:
    return SharedRateLimiter(StoreSends(store), KEY, share=replica_limits(replicas_configured),
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
        replicas: Callable[[], Store]) -> None:
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
        replicas: Callable[[], Store]) -> None:
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


def test_old_sends_are_pruned_and_no_request_detail_is_kept(replicas: Callable[[], Store]) -> None:
    clock = FakeClock()
    store = replicas()
    limiter = shared(store, clock)
    for _ in range(12):
        limiter.acquire()
    clock.now += 61.0
    limiter.acquire()
    with store.begin() as conn:
        rows = conn.execute(select(store.tables.rate_sends)).mappings().all()
    assert [row["sent_at"] for row in rows] == [clock.now]  # the old minute is gone
    assert set(rows[0]) == {"id", "limiter_key", "sent_at"}
    assert rows[0]["limiter_key"] == KEY and "tenant" not in KEY and "vlens" not in KEY


def test_threads_of_two_replicas_sending_at_once_keep_to_the_limit(
        replicas: Callable[[], Store]) -> None:
    """Real threads, a real database and its clock: three sessions in each of two replicas."""
    stores = [replicas(), replicas()]
    limiters = [SharedRateLimiter(StoreSends(store), KEY) for store in stores]
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
    with stores[0].begin() as conn:
        sent = conn.execute(select(stores[0].tables.rate_sends.c.sent_at)).scalars().all()
    assert len(sent) == 2 * 3 * sends_per_thread  # 24 sends: at least 2.2 s of windows
    assert busiest(sent, 1.1) == 10
    assert max(sent) - min(sent) >= 2.2


def test_store_down_falls_back_to_the_replicas_share_after_holding_back_one_window(
        caplog: pytest.LogCaptureFixture) -> None:
    down = open_store("postgresql+psycopg://vlens@127.0.0.1:9/vlens", create=False)  # refused
    clock = FakeClock()
    limiter = shared(down, clock, replicas_configured=2)
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
    down.dispose()


class Switchable:
    """The real shared store behind a switch that makes it unreachable."""

    def __init__(self, sends: StoreSends) -> None:
        self.sends = sends
        self.down = False

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
        replicas: Callable[[], Store]) -> None:
    clock = FakeClock()
    switch = Switchable(StoreSends(replicas()))
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
        replicas: Callable[[], Store]) -> None:
    clock = FakeClock()
    store = replicas()
    busy = shared(store, clock)
    for _ in range(60):
        busy.acquire()  # the whole minute used by one replica
    patient = SharedRateLimiter(StoreSends(replicas()), KEY, clock=clock, sleep=clock.sleep,
                                max_wait_s=30.0)
    before = clock.now
    with pytest.raises(VlensRateLimitedError):
        patient.acquire()
    assert clock.now == before  # it said so at once: the wait (55 s) is over its bound
    assert patient.longest_wait_s == 30.0


def test_limiter_for_keeps_the_limit_through_a_postgresql_runtime_only(store_url: str) -> None:
    runtime = get_runtime(IntegrationConfig(store=StoreSettings(store_url)))
    try:
        limiter = limiter_for("https://vlens.example", "tenant", replicas=2)
        if runtime.store.dialect == "postgresql":
            assert isinstance(limiter, SharedRateLimiter)
        else:  # one process's SQLite: the in-process limiter at the configured share
            assert isinstance(limiter, RateLimiter) and limiter.limits == replica_limits(2)
    finally:
        reset_limiters()
        runtime.store.dispose()


def test_two_clients_sharing_a_store_get_no_429_from_the_simulator(
        start_simulator: Callable[..., Simulator], replicas: Callable[[], Store]) -> None:
    """Two replicas' clients, each sending as fast as its limiter lets it, against the simulator
    (which enforces Vlens' 10/s and 60/min): 24 logins in ~2.2 s, none refused. One session
    per replica: more threads than cores would test the scheduler against the 0.1 s margin."""
    simulator = start_simulator(Scenario(rate_limit=True))
    config = simulator.demo_config()
    clients = [VlensClient(config, retry=FAST_RETRY,
                           limiter=SharedRateLimiter(StoreSends(replicas()), limiter_key(
                               config.base_url, config.tenancy_name)))
               for _ in range(2)]
    errors = run_logins(clients, sessions=1, per_session=12)
    assert (errors, simulator.state.rate_limited) == ([], 0)
    assert len(simulator.requests_to("credentials/Login")) == 24


def test_two_clients_each_with_the_whole_limit_are_refused(
        start_simulator: Callable[..., Simulator]) -> None:
    """The same load with each replica keeping the whole limit for itself: Vlens says 429."""
    simulator = start_simulator(Scenario(rate_limit=True))
    config = simulator.demo_config()
    clients = [VlensClient(config, retry=FAST_RETRY, limiter=RateLimiter()) for _ in range(2)]
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
