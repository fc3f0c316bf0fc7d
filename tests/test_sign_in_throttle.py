"""The operator sign-in throttle, driven by an injected clock."""

from __future__ import annotations

from components.ui.sign_in_throttle import SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_waits_after_too_many_failures_and_may_try_again_later() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_client=3, overall=100, window_s=60, clock=clock)
    for _ in range(3):
        assert throttle.wait_s("1.2.3.4") == 0
        throttle.failed("1.2.3.4")
        clock.now += 1
    assert 55 < throttle.wait_s("1.2.3.4") <= 60
    assert throttle.wait_s("5.6.7.8") == 0  # others are not punished for one client
    clock.now += 58
    assert throttle.wait_s("1.2.3.4") == 0


def test_success_clears_the_clients_count() -> None:
    throttle = SignInThrottle(per_client=2, overall=100, window_s=60, clock=Clock())
    throttle.failed("a")
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.wait_s("a") == 0


def test_rotating_addresses_hits_the_overall_ceiling() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_client=5, overall=4, window_s=60, clock=clock)
    for n in range(4):
        throttle.failed(f"10.0.0.{n}")
    assert throttle.wait_s("10.0.0.99") > 0
    clock.now += 61
    assert throttle.wait_s("10.0.0.99") == 0
