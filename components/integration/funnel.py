"""Privacy-safe funnel events: an opaque attempt id, a stable name, a short code, a number.

Names: ``link_opened``, ``consent``, ``captured`` (detail: step, value: seconds since the
previous milestone), ``hint`` (detail: hint code), ``manual_capture`` and ``upload_fallback``
(detail: step), ``submitted``, ``verdict`` (detail: verdict), ``error`` (detail: error code),
``handoff`` (detail: ``started`` on the computer, ``opened`` and ``finished`` on the phone; all
under the computer's attempt id, which the phone continues).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from components.store import Store

FUNNEL = ("link_opened", "consent", "captured:id_front", "captured:id_back", "captured:face",
          "submitted", "verdict")
MAX_DETAIL_CHARS = 64


@dataclass(frozen=True)
class FunnelEvent:
    name: str
    detail: str | None = None
    value: float | None = None


def record_events(store: Store, attempt_id: str, events: Iterable[FunnelEvent], *,
                  clock: Callable[[], float] = time.time) -> None:
    rows = [{"attempt_id": attempt_id, "name": event.name,
             "detail": None if event.detail is None else str(event.detail)[:MAX_DETAIL_CHARS],
             "value": event.value, "at": clock()} for event in events]
    if rows:
        with store.begin() as conn:
            conn.execute(store.tables.events.insert(), rows)
