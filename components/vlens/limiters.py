"""One Vlens rate limiter per (base_url, tenant) and replica count, shared by every session in
the process: through the shared store (``SharedRateLimiter``) once ``share_through`` was called
(``components.integration.runtime`` does, when the app's store is PostgreSQL), else the
in-process ``RateLimiter`` at this replica's share (SQLite, the CLI)."""

from __future__ import annotations

import threading

from components.ratelimit_windows import SharedSends

from .ratelimit import Limiter, RateLimiter, limiter_key, replica_limits
from .shared_ratelimit import SharedRateLimiter

_registry: dict[tuple[str, str, int, SharedSends | None], Limiter] = {}
_registry_lock = threading.Lock()
_shared_sends: SharedSends | None = None


def share_through(sends: SharedSends | None) -> None:
    """Keep the limits through ``sends`` (the shared store) from now on; None: per replica."""
    global _shared_sends
    with _registry_lock:
        _shared_sends = sends


def limiter_for(base_url: str, tenant: str, replicas: int = 1, *,
                shared: SharedSends | None = None) -> Limiter:
    """The process-wide limiter of one tenant on one service: through ``shared`` (default:
    what ``share_through`` set) when there is a shared store, else this replica's share."""
    with _registry_lock:
        sends = shared if shared is not None else _shared_sends
        key = (base_url, tenant, replicas, sends)
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = (
                RateLimiter(replica_limits(replicas)) if sends is None else
                SharedRateLimiter(sends, limiter_key(base_url, tenant),
                                  share=replica_limits(replicas)))
        return limiter


def reset_limiters() -> None:
    """Forget every limiter's history and the shared store (tests start with a clean slate)."""
    global _shared_sends
    with _registry_lock:
        _registry.clear()
        _shared_sends = None


def stop_sharing_through(sends: SharedSends) -> None:
    """Back to the per-replica share if ``sends`` is what the limiters share through (its store
    is being closed); limiters already made through it are forgotten."""
    global _shared_sends
    with _registry_lock:
        if _shared_sends is sends:
            _shared_sends = None
        for key in [key for key in _registry if key[3] is sends]:
            del _registry[key]
