"""Token lifecycle logic with an injected clock: lazy login, refresh before expiry, fallbacks."""

from __future__ import annotations

import itertools

from components.vlens import VlensAuthError
from components.vlens.auth import TokenManager, token_manager_for
from components.vlens.models import TokenGrant


class Service:
    """Counts calls; hands out numbered tokens that live ``ttl`` seconds."""

    def __init__(self, ttl: float = 100.0, refresh_fails: bool = False) -> None:
        self.ttl, self.refresh_fails = ttl, refresh_fails
        self.logins = 0
        self.refreshes: list[str] = []
        self._numbers = itertools.count(1)

    def login(self) -> TokenGrant:
        self.logins += 1
        return self._grant()

    def refresh(self, refresh_token: str) -> TokenGrant:
        self.refreshes.append(refresh_token)
        if self.refresh_fails:
            raise VlensAuthError("refresh refused", code=401)
        return self._grant()

    def _grant(self) -> TokenGrant:
        n = next(self._numbers)
        return TokenGrant(f"access-{n}", self.ttl, f"refresh-{n}", 1000.0)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_lazy_login_then_cached() -> None:
    service, clock = Service(), Clock()
    tokens = TokenManager(clock=clock)
    assert service.logins == 0
    assert tokens.token(service.login, service.refresh) == "access-1"
    clock.now = 89.0
    assert tokens.token(service.login, service.refresh) == "access-1"
    assert service.logins == 1 and service.refreshes == []


def test_refreshes_in_the_last_tenth_of_the_lifetime() -> None:
    service, clock = Service(), Clock()
    tokens = TokenManager(clock=clock)
    tokens.token(service.login, service.refresh)
    clock.now = 91.0  # 9 s left of 100
    assert tokens.token(service.login, service.refresh) == "access-2"
    assert service.refreshes == ["refresh-1"] and service.logins == 1


def test_failed_refresh_falls_back_to_login() -> None:
    service, clock = Service(refresh_fails=True), Clock()
    tokens = TokenManager(clock=clock)
    tokens.token(service.login, service.refresh)
    clock.now = 95.0
    assert tokens.token(service.login, service.refresh) == "access-2"
    assert service.refreshes == ["refresh-1"] and service.logins == 2


def test_expired_refresh_token_means_login() -> None:
    service, clock = Service(), Clock()
    tokens = TokenManager(clock=clock)
    tokens.token(service.login, service.refresh)
    clock.now = 2000.0  # refresh token (1000 s) expired too
    tokens.token(service.login, service.refresh)
    assert service.refreshes == [] and service.logins == 2


def test_invalidate_forces_a_new_login() -> None:
    service, clock = Service(), Clock()
    tokens = TokenManager(clock=clock)
    first = tokens.token(service.login, service.refresh)
    assert tokens.invalidate("someone-elses-token")
    assert tokens.token(service.login, service.refresh) == first  # not ours: kept
    assert tokens.invalidate(first)
    assert tokens.token(service.login, service.refresh) == "access-2"


def test_pre_issued_token_is_never_replaced() -> None:
    service = Service()
    tokens = TokenManager(static_token="given")
    assert tokens.token(service.login, service.refresh) == "given"
    assert not tokens.invalidate("given")
    assert service.logins == 0


def test_holders_are_shared_per_service_tenant_and_user() -> None:
    key = ("https://v.example", "tenant", "user")
    assert token_manager_for(key, None) is token_manager_for(key, None)
    assert token_manager_for(key, None) is not token_manager_for((*key[:2], "other"), None)
    assert token_manager_for(key, "tok") is not token_manager_for(key, None)
