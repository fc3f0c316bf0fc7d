"""When a verification ends: one transaction writes the result record, its outbox event and
the link's completion.

The record is built from the allow-listed log event (``observability.verification_event``):
request ids, transaction id, verdict, per-step and per-service codes, latencies. Never images,
names, ID numbers, phone numbers or e-mail addresses.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from components.observability.events import verification_event
from components.store import Store
from components.vlens.flow import Verdict, VerificationOutcome

from .links import complete_link
from .outbox import enqueue

EVENT_TYPE = "verification.completed"


@dataclass(frozen=True)
class AttemptContext:
    """What travels with one customer's attempt: the business's reference and link."""

    attempt_id: str
    reference: str | None = None
    link_id: str | None = None
    return_url: str | None = None

    @classmethod
    def new(cls, reference: str | None = None, link_id: str | None = None,
            return_url: str | None = None) -> AttemptContext:
        return cls(uuid.uuid4().hex, reference, link_id, return_url)


@dataclass(frozen=True)
class RecordedResult:
    result_id: str
    event_id: str | None  # None when no webhook is configured


def result_record(outcome: VerificationOutcome, context: AttemptContext, *,
                  latencies_ms: Mapping[str, float] | None = None,
                  capture_timings_s: Mapping[str, float] | None = None,
                  demo: bool | None = None, finished_at: float) -> dict[str, Any]:
    """The privacy-safe description of a finished verification (also the webhook's data)."""
    event = verification_event(outcome, latencies_ms=dict(latencies_ms or {}), demo=demo)
    event.pop("event", None)
    return {
        "reference": context.reference,
        "attempt_id": context.attempt_id,
        **event,
        "completed": outcome.verdict is not Verdict.INCOMPLETE,
        "capture_timings_s": {k: round(v, 3) for k, v in (capture_timings_s or {}).items()},
        "finished_at": round(finished_at, 3),
    }


def record_result(store: Store, record: Mapping[str, Any], context: AttemptContext, *,
                  webhooks: bool, clock: Callable[[], float] = time.time) -> RecordedResult:
    """Write the result, its outbox event (when webhooks are on) and the link's completion,
    all or nothing. A link is used up once a verification completes (any verdict but
    "incomplete")."""
    now = clock()
    result_id = "res_" + uuid.uuid4().hex
    verdict = str(record["verdict"])
    with store.begin() as conn:
        conn.execute(store.tables.results.insert().values(
            id=result_id, reference=context.reference, link_id=context.link_id,
            transaction_id=record.get("transaction_id"), verdict=verdict,
            record=json.dumps(record, sort_keys=True), created_at=now))
        event_id = enqueue(conn, store, EVENT_TYPE, record, now=now) if webhooks else None
        if context.link_id and record.get("completed"):
            complete_link(conn, store, context.link_id,
                          transaction_id=record.get("transaction_id"), verdict=verdict, now=now)
    return RecordedResult(result_id, event_id)


@dataclass(frozen=True)
class RecordedVerification:
    """What the store knows of a verification made through this app (no personal data)."""

    transaction_id: str
    verdict: str
    recorded_at: float  # UTC epoch seconds of the latest run of that transaction


def recorded_verification(store: Store, transaction_id: str) -> RecordedVerification | None:
    """The latest result this app recorded for ``transaction_id`` (any letter case), or None
    when no verification made through this app had that id."""
    results = store.tables.results
    with store.begin() as conn:
        row = conn.execute(
            select(results.c.transaction_id, results.c.verdict, results.c.created_at)
            .where(func.lower(results.c.transaction_id) == transaction_id.strip().lower())
            .order_by(results.c.created_at.desc()).limit(1)).first()
    if row is None:
        return None
    return RecordedVerification(str(row.transaction_id), str(row.verdict), float(row.created_at))
