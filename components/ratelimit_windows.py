"""Sliding-window rate limits and the contract of a record of sends shared by replicas.

A leaf module (standard library only): ``components.vlens`` keeps the limits with it and
``components.store.rate_sends`` keeps the shared record, and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

Limits = tuple[tuple[int, float], ...]  # (most sends, window in seconds), every one kept


def wait_for(sent_newest_first: Sequence[float], limits: Limits, now: float) -> float:
    """Seconds until one more send fits ``limits``, given the send times in the longest window."""
    wait = 0.0
    for limit, window in limits:
        if len(sent_newest_first) >= limit:
            # The limit-th most recent send must leave the window before another may go.
            wait = max(wait, sent_newest_first[limit - 1] + window - now)
    return wait


class SharedSends(Protocol):
    """Recent sends per limiter key, kept where every replica sees them (the shared store).

    ``take`` and ``wait`` raise ``ConnectionError`` when the store cannot be reached, and
    ``TimeoutError`` when it is reachable but busy (a lock or a free connection not had in
    time); the text names the error's kind, never an address or a password. Neither lasts
    longer than ``longest_call_s``. ``now`` is the caller's clock (tests); ``None`` means the
    store's own clock, one for all replicas.
    """

    @property
    def longest_call_s(self) -> float: ...

    def take(self, key: str, limits: Limits, *, now: float | None = None,
             earlier_ages: Sequence[float] = ()) -> float:
        """Record ``earlier_ages`` (sends made that long ago, not recorded yet), then a send
        now if the limits allow it (0 returned); else record nothing new, return the wait."""
        ...

    def wait(self, key: str, limits: Limits, *, now: float | None = None) -> float: ...
