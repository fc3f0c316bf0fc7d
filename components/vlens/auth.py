"""Service token lifecycle: log in lazily, refresh before expiry, log in again when refused.

One ``TokenManager`` per (base_url, tenant, user) is shared by every session in the process, so
a busy app logs in once, not once per visitor. Thread-safe, and no lock is held across the
network: one session logs in while the others wait for that same login (and share its token or
its failure), so a login that hangs costs every waiting session one deadline, not one each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import VlensError, VlensTimeoutError
from .models import TokenGrant

# Refresh when less than this share of the token's lifetime is left (capped at 5 minutes).
REFRESH_SHARE = 0.1
REFRESH_MARGIN_MAX_S = 300.0
LOGIN_WAIT_MAX_S = 900.0  # backstop only: a login ends by its transport deadline


@dataclass
class _Held:
    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: float | None = None
    refresh_at: float = 0.0


class _Login:
    """A login (or refresh) under way; the sessions that need a token meanwhile wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: str | None = None
        self.error: BaseException | None = None


class TokenManager:
    """Holds one service token. ``login`` and ``refresh`` are the client's endpoint calls."""

    def __init__(
        self,
        *,
        static_token: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._static = static_token
        self._clock = clock
        self._held: _Held | None = None
        self._lock = threading.Lock()  # guards _held and _login; never held across the network
        self._login: _Login | None = None

    def token(
        self,
        login: Callable[[], TokenGrant],
        refresh: Callable[[str], TokenGrant],
    ) -> str:
        """A valid access token: cached, refreshed when close to expiry, or freshly logged in."""
        if self._static is not None:
            return self._static
        with self._lock:
            held = self._held
            if held is not None and self._clock() < held.refresh_at:
                return held.access_token
            under_way = self._login
            if under_way is None:
                mine = self._login = _Login()
        if under_way is not None:
            return _outcome_of(under_way)
        try:
            mine.token = self._fetch(held, login, refresh)
            return mine.token
        except BaseException as exc:
            mine.error = exc
            raise
        finally:
            with self._lock:
                self._login = None
            mine.done.set()

    def _fetch(
        self,
        held: _Held | None,
        login: Callable[[], TokenGrant],
        refresh: Callable[[str], TokenGrant],
    ) -> str:
        """Refresh when the refresh token is still good, else log in (no lock held)."""
        if held is not None and held.refresh_token and (
            held.refresh_expires_at is None or self._clock() < held.refresh_expires_at
        ):
            try:
                grant = refresh(held.refresh_token)
            except VlensError:
                pass  # a refused refresh falls back to a full login
            else:
                return self._store(grant, keep=held).access_token
        return self._store(login(), keep=None).access_token

    def invalidate(self, token: str) -> bool:
        """Forget ``token`` after the service refused it. Returns False when there is no way to
        get another one (pre-issued token), so the caller should give up."""
        if self._static is not None:
            return False
        with self._lock:
            if self._held is not None and self._held.access_token == token:
                self._held = None
        return True

    def clear(self) -> None:
        with self._lock:
            self._held = None

    def _store(self, grant: TokenGrant, keep: _Held | None) -> _Held:
        with self._lock:
            return self._store_locked(grant, keep)

    def _store_locked(self, grant: TokenGrant, keep: _Held | None) -> _Held:
        now = self._clock()
        lifetime = max(0.0, grant.expire_in_seconds)
        margin = min(REFRESH_MARGIN_MAX_S, lifetime * REFRESH_SHARE)
        refresh_token = grant.refresh_token or (keep.refresh_token if keep else None)
        refresh_expires_at = (
            now + grant.refresh_token_expire_in_seconds
            if grant.refresh_token_expire_in_seconds is not None
            else (keep.refresh_expires_at if keep else None)
        )
        self._held = _Held(
            access_token=grant.access_token,
            expires_at=now + lifetime,
            refresh_token=refresh_token,
            refresh_expires_at=refresh_expires_at,
            refresh_at=now + lifetime - margin,
        )
        return self._held


def _outcome_of(login: _Login) -> str:
    """The token another session's login got, or its failure (after waiting for it).

    That login ends by its own deadline; the wait here is only a backstop."""
    if not login.done.wait(LOGIN_WAIT_MAX_S):
        raise VlensTimeoutError("The app's login to Vlens did not finish",
                                message_ar="لم يكتمل تسجيل دخول التطبيق إلى خدمة Vlens")
    if login.error is not None:
        raise login.error
    assert login.token is not None
    return login.token


_registry: dict[tuple[str, str, str], TokenManager] = {}
_registry_lock = threading.Lock()


def token_manager_for(key: tuple[str, str, str], static_token: str | None) -> TokenManager:
    """The process-wide token holder for one (base_url, tenant, user); a pre-issued token
    needs no sharing and gets its own holder."""
    if static_token is not None:
        return TokenManager(static_token=static_token)
    with _registry_lock:
        manager = _registry.get(key)
        if manager is None:
            manager = _registry[key] = TokenManager(static_token=static_token)
        return manager


def reset_token_managers() -> None:
    """Forget every cached token (tests, or after the operator changes credentials)."""
    with _registry_lock:
        _registry.clear()

