"""Rate limiter logic with an injected clock (no timed test), and retry timing helpers."""

from __future__ import annotations

import bisect
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from components.vlens.limiters import limiter_for
from components.vlens.ratelimit import SERVICE_LIMITS, RateLimiter, replica_limits
from components.vlens.transport import RetryPolicy, parse_retry_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_ten_per_second_then_waits_for_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(SERVICE_LIMITS, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        assert limiter.acquire() == 0
    assert limiter.wait_time() == 1.0
    clock.now += 0.4
    assert abs(limiter.wait_time() - 0.6) < 1e-9
    assert abs(limiter.acquire() - 0.6) < 1e-9  # the 11th waited until the first left the window
    assert clock.now == 1001.0


def test_client_keeps_a_margin_below_the_service_limit() -> None:
    """Sends paced by the client's windows still fit the service's windows when each request
    is delayed by a different network jitter of up to 90 ms."""
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)  # the client's default windows
    sent = []
    for _ in range(130):
        limiter.acquire()
        sent.append(clock.now)
    rng = random.Random(5)
    arrivals = sorted(t + rng.uniform(0.0, 0.09) for t in sent)
    arrival_clock = FakeClock()
    service = RateLimiter(SERVICE_LIMITS, clock=arrival_clock, sleep=arrival_clock.sleep)
    for t in arrivals:
        arrival_clock.now = t
        assert service.try_acquire() == 0  # the service never sees too many


def test_sixty_per_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(SERVICE_LIMITS, clock=clock, sleep=clock.sleep)
    sent_at = []
    for _ in range(75):
        limiter.acquire()
        sent_at.append(clock.now)
    # Never more than 10 in any second nor 60 in any minute.
    for i, t in enumerate(sent_at):
        assert sum(1 for u in sent_at[i:] if u < t + 1.0) <= 10
        assert sum(1 for u in sent_at[i:] if u < t + 60.0) <= 60
    assert sent_at[60] - sent_at[0] >= 60.0
    assert sent_at[59] - sent_at[0] < 10  # the first 60 went out at 10/s


def test_old_sends_leave_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(60):
        limiter.acquire()
    clock.now += 61
    assert limiter.wait_time() == 0


def test_one_limiter_per_tenant_shared_in_the_process() -> None:
    a = limiter_for("https://x.example", "t1")
    assert limiter_for("https://x.example", "t1") is a
    assert limiter_for("https://x.example", "t2") is not a


def test_backoff_grows_with_jitter_and_cap() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=8.0)
    assert policy.backoff(1, lambda: 0.0) == 0.25
    assert policy.backoff(1, lambda: 1.0) == 0.75
    assert policy.backoff(2, lambda: 0.5) == 1.0
    assert policy.backoff(10, lambda: 0.9) == 8.0


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    when = datetime(2030, 1, 1, tzinfo=UTC)
    header = format_datetime(when, usegmt=True)
    assert parse_retry_after(header, now=(when - timedelta(seconds=5)).timestamp()) == 5.0


def sends_of_two_busy_replicas(replicas_configured: int, seconds: float = 180) -> list[float]:
    """Send times of two app processes that each send as fast as their limiter allows."""
    clock = FakeClock()
    limiters = [RateLimiter(replica_limits(replicas_configured), clock=clock, sleep=clock.sleep)
                for _ in range(2)]
    sent: list[float] = []
    end = clock.now + seconds
    while clock.now < end:
        clock.now += min(limiter.wait_time() for limiter in limiters)
        sent += [clock.now for limiter in limiters if limiter.try_acquire() == 0]
    return sent


def busiest(sent: list[float], window: float) -> int:
    """The most sends in any window of ``window`` seconds."""
    return max(bisect.bisect_left(sent, t + window) - i for i, t in enumerate(sent))


def test_replicas_together_keep_to_the_tenants_limit() -> None:
    together = sends_of_two_busy_replicas(replicas_configured=2)
    for limit, window in SERVICE_LIMITS:
        assert busiest(together, window) <= limit
    assert busiest(together, 60.0) >= 58  # and they use it: each about half
    # Each process keeping the whole limit for itself, as before: twice the tenant's limit.
    assert busiest(sends_of_two_busy_replicas(replicas_configured=1), 60.0) == 120
