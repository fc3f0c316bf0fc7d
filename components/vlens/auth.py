"""Service token lifecycle: log in lazily, refresh before expiry, log in again when refused.

One ``TokenManager`` per (base_url, tenant, user) is shared by every session in the process, so
a busy app logs in once, not once per visitor. Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import VlensError
from .models import TokenGrant

# Refresh when less than this share of the token's lifetime is left (capped at 5 minutes).
REFRESH_SHARE = 0.1
REFRESH_MARGIN_MAX_S = 300.0


@dataclass
class _Held:
    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: float | None = None
    refresh_at: float = 0.0


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
        self._lock = threading.Lock()

    def token(
        self,
        login: Callable[[], TokenGrant],
        refresh: Callable[[str], TokenGrant],
    ) -> str:
        """A valid access token: cached, refreshed when close to expiry, or freshly logged in."""
        if self._static is not None:
            return self._static
        with self._lock:
            now = self._clock()
            held = self._held
            if held is not None and now < held.refresh_at:
                return held.access_token
            if held is not None and held.refresh_token and (
                held.refresh_expires_at is None or now < held.refresh_expires_at
            ):
                try:
                    return self._store(refresh(held.refresh_token), keep=held).access_token
                except VlensError:
                    pass  # a refused refresh falls back to a full login
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

