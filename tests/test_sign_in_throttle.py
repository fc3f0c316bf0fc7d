"""The operator sign-in throttle and the address it counts on, driven by an injected clock."""

from __future__ import annotations

from components.ui.client_address import VIA_PROXY, client_address
from components.ui.sign_in_throttle import SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_pair_waits_after_too_many_failures_and_may_try_again_later() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_pair=3, window_s=60, clock=clock)
    for _ in range(3):
        assert throttle.wait_s("alice", "1.2.3.4") == 0
        throttle.failed("alice", "1.2.3.4")
        clock.now += 1
    assert 55 < throttle.wait_s("alice", "1.2.3.4") <= 60
    assert throttle.wait_s("alice", "5.6.7.8") == 0  # alice elsewhere is not paused
    assert throttle.wait_s("bob", "1.2.3.4") == 0  # nor bob at that address
    clock.now += 58
    assert throttle.wait_s("alice", "1.2.3.4") == 0


def test_success_clears_the_pairs_count() -> None:
    throttle = SignInThrottle(per_pair=2, clock=Clock())
    throttle.failed("alice", "a")
    throttle.succeeded("alice", "a")
    throttle.failed("alice", "a")
    assert throttle.wait_s("alice", "a") == 0


def test_rotating_addresses_are_slowed_but_a_known_good_address_is_not() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_pair=5, per_account=4, overall=100, window_s=60, clock=clock)
    throttle.succeeded("alice", "198.51.100.7")
    for n in range(10):
        if throttle.wait_s("alice", f"203.0.113.{n}") == 0:
            throttle.failed("alice", f"203.0.113.{n}")
    assert throttle.wait_s("alice", "203.0.113.99") > 0  # 4 guesses per window, not 10
    assert throttle.wait_s("alice", "198.51.100.7") == 0
    assert throttle.wait_s("bob", "203.0.113.99") == 0  # other accounts unaffected
    clock.now += 61
    assert throttle.wait_s("alice", "203.0.113.99") == 0


def test_the_overall_ceiling_spans_accounts() -> None:
    throttle = SignInThrottle(per_pair=5, per_account=100, overall=3, clock=Clock())
    for account in ("a", "b", "c"):
        throttle.failed(account, "10.0.0.1")
    assert throttle.wait_s("d", "10.0.0.2") > 0


def test_forwarded_headers_are_not_believed_without_trusted_proxies() -> None:
    forged = [("X-Forwarded-For", "203.0.113.6")]
    assert client_address("203.0.113.6", forged, 0) == VIA_PROXY
    assert client_address("198.51.100.3", [], 0) == "198.51.100.3"
    assert client_address(None, [], 0) == "local"


def test_with_trusted_proxies_the_address_the_nearest_untrusted_hop_saw_counts() -> None:
    chain = [("x-forwarded-for", "203.0.113.77, 198.51.100.1"),
             ("X-Forwarded-For", "10.0.0.9")]
    assert client_address("10.0.0.2", chain, 1) == "10.0.0.9"
    assert client_address("10.0.0.2", chain, 2) == "198.51.100.1"
    # Fewer entries than proxies: it did not come through all of them.
    assert client_address("10.0.0.2", [("X-Forwarded-For", "1.2.3.4")], 2) == VIA_PROXY
