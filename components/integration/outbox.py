"""The transactional outbox: events written with the result, claimed with a lease, retried
with exponential backoff and jitter for up to 24 h, then dead-lettered.

Claiming is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``: on PostgreSQL two
workers never take the same row; on SQLite ``BEGIN IMMEDIATE`` serialises writers. A worker
that dies mid-delivery leaves a lease that expires, and the event is claimed again.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from components.store import Store

PENDING, FAILED, DELIVERED, DEAD = "pending", "failed", "delivered", "dead"
STATUSES = (PENDING, FAILED, DELIVERED, DEAD)
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class RetryPolicy:
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    give_up_after_s: float = 24 * 3600.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Exponential in the attempts made, with "equal jitter" (half fixed, half random)."""
        full = min(self.max_delay_s, self.base_delay_s * 2 ** max(0, attempts - 1))
        return full / 2 + rng.uniform(0, full / 2)


@dataclass(frozen=True)
class ClaimedEvent:
    id: str
    event_type: str
    body: bytes  # exactly what is sent, every attempt
    attempts: int
    created_at: float


def event_body(event_id: str, event_type: str, data: Mapping[str, Any], created_at: float
               ) -> str:
    return json.dumps({"id": event_id, "type": event_type, "created_at": round(created_at, 3),
                       "data": dict(data)}, separators=(",", ":"), sort_keys=True)


def enqueue(conn: Connection, store: Store, event_type: str, data: Mapping[str, Any], *,
            now: float) -> str:
    """Add an event inside the caller's transaction; its id (the receiver's idempotency key)."""
    event_id = "evt_" + uuid.uuid4().hex
    conn.execute(store.tables.outbox.insert().values(
        id=event_id, event_type=event_type, payload=event_body(event_id, event_type, data, now),
        created_at=now, status=PENDING, attempts=0, next_attempt_at=now))
    return event_id


def claim_due(store: Store, owner: str, *, now: float, lease_s: float, limit: int = 10
              ) -> list[ClaimedEvent]:
    """Lease up to ``limit`` due events to ``owner`` until ``now + lease_s``."""
    outbox = store.tables.outbox
    due = (select(outbox.c.id)
           .where(outbox.c.status.in_((PENDING, FAILED)), outbox.c.next_attempt_at <= now,
                  or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now))
           .order_by(outbox.c.next_attempt_at).limit(limit)
           .with_for_update(skip_locked=True))
    with store.begin() as conn:
        rows = conn.execute(
            outbox.update().where(outbox.c.id.in_(due.scalar_subquery()))
            .values(lease_owner=owner, lease_until=now + lease_s)
            .returning(outbox.c.id, outbox.c.event_type, outbox.c.payload, outbox.c.attempts,
                       outbox.c.created_at)).all()
    claimed = [ClaimedEvent(r.id, r.event_type, r.payload.encode(), r.attempts, r.created_at)
               for r in rows]
    return sorted(claimed, key=lambda event: event.created_at)


def _mine(store: Store, event_id: str, owner: str) -> Any:
    outbox = store.tables.outbox
    return and_(outbox.c.id == event_id, outbox.c.lease_owner == owner)


def mark_delivered(store: Store, event_id: str, owner: str, *, now: float, http_status: int
                   ) -> None:
    outbox = store.tables.outbox
    with store.begin() as conn:
        conn.execute(outbox.update().where(_mine(store, event_id, owner)).values(
            status=DELIVERED, delivered_at=now, delivered_by=owner, attempts=outbox.c.attempts + 1,
            last_http_status=http_status, last_error=None, lease_owner=None, lease_until=None))


def mark_failed(store: Store, event: ClaimedEvent, owner: str, *, now: float, error: str,
                http_status: int | None, policy: RetryPolicy, rng: random.Random) -> str:
    """Schedule the next attempt, or dead-letter after ``give_up_after_s``; the new status."""
    attempts = event.attempts + 1
    deadline = event.created_at + policy.give_up_after_s
    status = DEAD if now >= deadline else FAILED
    next_at = min(now + policy.delay(attempts, rng), deadline)
    outbox = store.tables.outbox
    with store.begin() as conn:
        conn.execute(outbox.update().where(_mine(store, event.id, owner)).values(
            status=status, attempts=attempts, next_attempt_at=next_at,
            last_error=error[:MAX_ERROR_CHARS], last_http_status=http_status,
            lease_owner=None, lease_until=None))
    return status


def resend(store: Store, event_id: str, *, now: float) -> bool:
    """Put an event (delivered, failed or dead) back in the queue now, with a new 24 h retry
    window (``created_at`` is when it was last queued); False if unknown."""
    outbox = store.tables.outbox
    with store.begin() as conn:
        result = conn.execute(outbox.update().where(outbox.c.id == event_id).values(
            status=PENDING, next_attempt_at=now, created_at=now, lease_owner=None,
            lease_until=None))
    return bool(result.rowcount)


def status_counts(store: Store) -> dict[str, int]:
    outbox = store.tables.outbox
    with store.begin() as conn:
        rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
        counts = {str(status): int(n) for status, n in rows}
    return {status: counts.get(status, 0) for status in STATUSES}


def next_due_at(store: Store) -> float | None:
    """When the next waiting event can be claimed (due, and any lease over), None when none
    waits: how long the worker may sleep."""
    outbox = store.tables.outbox
    free_at = case((outbox.c.lease_until > outbox.c.next_attempt_at, outbox.c.lease_until),
                   else_=outbox.c.next_attempt_at)
    with store.begin() as conn:
        value = conn.execute(select(func.min(free_at))
                             .where(outbox.c.status.in_((PENDING, FAILED)))).scalar()
    return None if value is None else float(value)

