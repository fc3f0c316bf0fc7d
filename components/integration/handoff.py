""""Continue on your phone": hand an attempt from a computer to a phone through the store.

The computer starts a hand-off and shows its link (``{public_url}/?handoff=<token>``) as a QR
code. The token is a ``signing`` token (purpose "handoff", signed with ``link_secret``) naming
the hand-off and its deadline: claims ``h`` (hand-off id) and ``e`` (epoch seconds). The first
device to open it before the deadline becomes the phone (it holds a random device secret; the
store keeps its sha256). Opened again afterwards, the link is refused: ``other_device`` while
the phone works, ``used`` once it has a result, ``cancelled`` once the computer took it back.

Only status and the result summary (verdict, transaction id) go through the store, so the two
devices may be served by different replicas; images stay in the phone's session. Times are
epoch seconds from an injected clock. No Streamlit here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import select

from components.store import Store

from .results import AttemptContext
from .signing import TokenError, read_token, sign_token

PURPOSE = "handoff"
QUERY_PARAMETER = "handoff"
OPEN_WITHIN_S = 10 * 60.0  # the link must be opened on the phone within this time
# The phone's page says "still here" at least this often while it works; a phone not heard
# from for QUIET_AFTER_S (its page closed, the phone locked) is flagged on the computer.
HEARTBEAT_S = 15.0
QUIET_AFTER_S = 75.0


class HandoffStatus(StrEnum):
    WAITING = "waiting"  # link shown, not opened yet
    CONNECTED = "connected"  # opened on the phone
    CAPTURING = "capturing"  # consent given on the phone, taking photos
    VERIFYING = "verifying"  # sent for verification
    DONE = "done"  # result summary available
    CANCELLED = "cancelled"  # the computer took the attempt back
    EXPIRED = "expired"  # never opened in time (derived, not stored)


# The phone's progress only moves forward; DONE and CANCELLED are final. Once the phone is
# verifying, the computer can no longer take the attempt back (the photos are on their way).
_ORDER = (HandoffStatus.WAITING, HandoffStatus.CONNECTED, HandoffStatus.CAPTURING,
          HandoffStatus.VERIFYING, HandoffStatus.DONE)
FINAL = frozenset({HandoffStatus.DONE, HandoffStatus.CANCELLED, HandoffStatus.EXPIRED})
_KEPT_BY_PHONE = (HandoffStatus.VERIFYING.value, HandoffStatus.DONE.value,
                  HandoffStatus.CANCELLED.value)
_PHONE_WORKING = frozenset({HandoffStatus.CONNECTED, HandoffStatus.CAPTURING})


class HandoffRefused(Exception):
    """A hand-off link that does not open. ``reason``: malformed, tampered, expired, used,
    other_device, cancelled or not_configured (i18n ``handoff.refused.<reason>``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StartedHandoff:
    """What the computer shows: the link (with its token) and its deadline."""

    handoff_id: str
    url: str
    expires_at: float

    def __repr__(self) -> str:  # the URL carries the token: never in logs or tracebacks
        return f"StartedHandoff({self.handoff_id[:6]}…)"


@dataclass(frozen=True)
class HandoffState:
    """What the computer polls."""

    status: HandoffStatus
    expires_at: float
    verdict: str | None = None
    transaction_id: str | None = None
    phone_seen_at: float | None = None
    # The phone recorded the result for the business (False: it could not; None: no business
    # or no result yet).
    result_recorded: bool | None = None

    def phone_quiet(self, now: float, after_s: float = QUIET_AFTER_S) -> bool:
        """The phone opened the link and is taking photos, but has not been heard from for
        ``after_s`` (its page was closed, or the phone locked): the computer may offer a new
        code. Not while verifying: the server finishes that without the phone."""
        return (self.status in _PHONE_WORKING and self.phone_seen_at is not None
                and now - self.phone_seen_at >= after_s)


@dataclass(frozen=True)
class PhoneClaim:
    """What the phone that opened the link continues with."""

    handoff_id: str
    device: str  # the phone's secret (sha256 stored); proves later reports come from it
    language: str
    context: AttemptContext

    def __repr__(self) -> str:
        return f"PhoneClaim({self.handoff_id[:6]}…, {self.language})"


def _digest(device: str) -> str:
    return hashlib.sha256(device.encode()).hexdigest()


def start_handoff(store: Store, secret: str, *, language: str, context: AttemptContext,
                  public_url: str, open_within_s: float = OPEN_WITHIN_S,
                  clock: Callable[[], float] = time.time) -> StartedHandoff:
    """A new hand-off of the attempt ``context`` in ``language``, waiting for a phone."""
    now = clock()
    handoff_id = uuid.uuid4().hex
    expires_at = float(round(now + open_within_s))
    token = sign_token({"h": handoff_id, "e": int(expires_at)}, secret, PURPOSE)
    with store.begin() as conn:
        conn.execute(store.tables.handoffs.insert().values(
            id=handoff_id, attempt_id=context.attempt_id, language=language,
            reference=context.reference, link_id=context.link_id,
            return_url=context.return_url, status=HandoffStatus.WAITING.value,
            created_at=now, expires_at=expires_at, updated_at=now))
    url = f"{public_url.rstrip('/')}/?{urlencode({QUERY_PARAMETER: token})}"
    return StartedHandoff(handoff_id, url, expires_at)


def _status(stored: str, expires_at: float, now: float) -> HandoffStatus:
    status = HandoffStatus(stored)
    if status is HandoffStatus.WAITING and now >= expires_at:
        return HandoffStatus.EXPIRED
    return status


def handoff_state(store: Store, handoff_id: str, *,
                  clock: Callable[[], float] = time.time) -> HandoffState | None:
    """The hand-off's status now (None when unknown)."""
    table = store.tables.handoffs
    with store.begin() as conn:
        row = conn.execute(select(table.c.status, table.c.expires_at, table.c.verdict,
                                  table.c.transaction_id, table.c.phone_seen_at,
                                  table.c.result_recorded)
                           .where(table.c.id == handoff_id)).first()
    if row is None:
        return None
    return HandoffState(_status(row.status, row.expires_at, clock()), row.expires_at,
                        row.verdict, row.transaction_id, row.phone_seen_at,
                        None if row.result_recorded is None else bool(row.result_recorded))


def claim_handoff(store: Store, token: str, secret: str | None, *,
                  clock: Callable[[], float] = time.time) -> PhoneClaim:
    """Let the device holding ``token`` continue the attempt, once; ``HandoffRefused``
    otherwise. Atomic: of two devices opening the link together, exactly one gets it."""
    if not secret:
        raise HandoffRefused("not_configured")
    try:
        claims = read_token(token.strip(), secret, PURPOSE)
        handoff_id, deadline = str(claims["h"]), float(claims["e"])
    except TokenError as exc:
        raise HandoffRefused(exc.reason) from None
    except (KeyError, TypeError, ValueError):
        raise HandoffRefused("malformed") from None
    now = clock()
    if now >= deadline:
        raise HandoffRefused("expired")
    device = secrets.token_urlsafe(24)
    table = store.tables.handoffs
    with store.begin() as conn:
        claimed = conn.execute(
            table.update()
            .where(table.c.id == handoff_id, table.c.status == HandoffStatus.WAITING.value,
                   table.c.expires_at > now)
            .values(status=HandoffStatus.CONNECTED.value, phone_device=_digest(device),
                    opened_at=now, updated_at=now, phone_seen_at=now)).rowcount
        row = conn.execute(select(table).where(table.c.id == handoff_id)).first()
    if row is None:
        raise HandoffRefused("malformed")  # signed by us but not in this store
    if claimed != 1:
        status = _status(row.status, row.expires_at, now)
        raise HandoffRefused({HandoffStatus.DONE: "used", HandoffStatus.CANCELLED: "cancelled",
                              HandoffStatus.EXPIRED: "expired"}.get(status, "other_device"))
    context = AttemptContext(row.attempt_id, row.reference, row.link_id, row.return_url)
    return PhoneClaim(handoff_id, device, row.language, context)


def report_progress(store: Store, claim: PhoneClaim, status: HandoffStatus, *,
                    verdict: str | None = None, transaction_id: str | None = None,
                    recorded: bool | None = None,
                    clock: Callable[[], float] = time.time) -> bool:
    """The phone's progress (forward only; ``DONE`` with the result summary and whether the
    phone ``recorded`` it for the business, and again with a later result when the phone
    sends once more). False when the hand-off is no longer the phone's to report on (cancelled
    by the computer, or unknown)."""
    if status not in _ORDER[1:]:
        raise ValueError(f"a phone cannot report {status}")
    table = store.tables.handoffs
    with store.begin() as conn:
        row = conn.execute(select(table.c.status, table.c.phone_device)
                           .where(table.c.id == claim.handoff_id)).first()
        if row is None or row.phone_device is None or not hmac.compare_digest(
                row.phone_device, _digest(claim.device)):
            return False
        current = HandoffStatus(row.status)
        if current is HandoffStatus.CANCELLED:
            return False
        now = clock()
        resent = current is HandoffStatus.DONE and status is HandoffStatus.DONE
        if not resent and (current is HandoffStatus.DONE
                           or _ORDER.index(status) <= _ORDER.index(current)):
            # Nothing new for the computer (a retake after the result, a rerun): still a sign
            # of life.
            conn.execute(table.update().where(table.c.id == claim.handoff_id)
                         .values(phone_seen_at=now))
            return True
        values: dict[str, object] = {"status": status.value, "updated_at": now,
                                     "phone_seen_at": now}
        if status is HandoffStatus.DONE:  # a later result (the phone sent again) replaces it
            values.update(verdict=verdict, transaction_id=transaction_id,
                          result_recorded=recorded)
        conn.execute(table.update().where(table.c.id == claim.handoff_id).values(**values))
    return True


def phone_heard(store: Store, claim: PhoneClaim, *,
                clock: Callable[[], float] = time.time) -> bool:
    """The phone's sign of life (its page is open). False when the hand-off is no longer the
    phone's (the computer took it back, or it is unknown)."""
    table = store.tables.handoffs
    with store.begin() as conn:
        return conn.execute(
            table.update()
            .where(table.c.id == claim.handoff_id,
                   table.c.phone_device == _digest(claim.device),
                   table.c.status != HandoffStatus.CANCELLED.value)
            .values(phone_seen_at=clock())).rowcount == 1


def cancel_handoff(store: Store, handoff_id: str, *,
                   clock: Callable[[], float] = time.time) -> bool:
    """The computer takes the attempt back: the link stops working and the phone is told.
    Refused (False) once the phone is verifying or has a result: its photos are already with
    the service, and one attempt gets one result. True when it was cancelled now."""
    table = store.tables.handoffs
    with store.begin() as conn:
        return conn.execute(
            table.update()
            .where(table.c.id == handoff_id, table.c.status.not_in(_KEPT_BY_PHONE))
            .values(status=HandoffStatus.CANCELLED.value, updated_at=clock())).rowcount == 1
