"""The server-side home of every customer's attempt, keyed by an unguessable token that the
page URL carries, so a reload or a restored tab finds the attempt again.

Bounded: at most ``max_attempts`` live at once (a visitor opening attempts by the thousand
cannot exhaust memory: once full, new ones are refused until old ones expire), each dropped
after ``idle_s`` without a visit or ``lifetime_s`` after it began. Expired and deleted
attempts are closed (camera analysis stopped, images released). In memory only, per process:
the documented deployment pins a customer to one process (sticky sessions).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

from components.ui.attempt import Attempt
from components.ui.i18n import Language

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 300
IDLE_S = 20 * 60.0
LIFETIME_S = 2 * 60 * 60.0
TOKEN_BYTES = 32


class AttemptRegistry:
    def __init__(
        self,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        idle_s: float = IDLE_S,
        lifetime_s: float = LIFETIME_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_attempts = max_attempts
        self.idle_s = idle_s
        self.lifetime_s = lifetime_s
        self._clock = clock
        self._lock = threading.Lock()
        self._attempts: dict[str, Attempt] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._attempts)

    def open(self, language: Language) -> Attempt | None:
        """A new attempt, or None when the registry is full of live attempts."""
        now = self._clock()
        with self._lock:
            expired = self._sweep(now)
            if len(self._attempts) >= self.max_attempts:
                attempt = None
            else:
                token = secrets.token_urlsafe(TOKEN_BYTES)
                attempt = Attempt(token=token, language=language, created_at=now,
                                  last_seen=now)
                self._attempts[token] = attempt
        self._close_all(expired)
        if attempt is None:
            log.warning("attempt registry full (%d live attempts): a new one was refused",
                        self.max_attempts)
        return attempt

    def find(self, token: str) -> Attempt | None:
        """The live attempt for ``token`` (its visit noted), or None: unknown or expired."""
        now = self._clock()
        with self._lock:
            attempt = self._attempts.get(token)
            expired = [] if attempt is None else self._expire_if_due(attempt, now)
            if attempt is not None and not expired:
                attempt.last_seen = now
        self._close_all(expired)
        return None if attempt is None or expired else attempt

    def close(self, token: str) -> None:
        """Drop the attempt (if any) and everything it holds."""
        with self._lock:
            attempt = self._attempts.pop(token, None)
        if attempt is not None:
            attempt.close()

    def _due(self, attempt: Attempt, now: float) -> bool:
        if attempt.sending:  # a run in flight keeps its attempt until it lands
            return False
        return (now - attempt.last_seen > self.idle_s
                or now - attempt.created_at > self.lifetime_s)

    def _expire_if_due(self, attempt: Attempt, now: float) -> list[Attempt]:
        if not self._due(attempt, now):
            return []
        del self._attempts[attempt.token]
        return [attempt]

    def _sweep(self, now: float) -> list[Attempt]:
        expired = [attempt for attempt in self._attempts.values() if self._due(attempt, now)]
        for attempt in expired:
            del self._attempts[attempt.token]
        return expired

    @staticmethod
    def _close_all(attempts: list[Attempt]) -> None:
        for attempt in attempts:  # outside the registry lock: closing joins a thread
            attempt.close()


REGISTRY = AttemptRegistry()
"""The process's registry (module state is shared by every session of the process)."""
