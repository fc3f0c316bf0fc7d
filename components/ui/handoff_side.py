"""Each device's side of a hand-off, kept in its ``Attempt`` (in memory, never the token in
logs): the computer's hand-off (its link, its status, cancel) or the phone's claim (status
reports, the result summary). Store failures are logged by type and never stop the customer.
No Streamlit here: ``Attempt`` calls ``sending``/``finished`` from its submission.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from components.integration.funnel import FunnelEvent, record_events
from components.integration.handoff import (
    HEARTBEAT_S,
    HandoffState,
    HandoffStatus,
    PhoneClaim,
    StartedHandoff,
    cancel_handoff,
    handoff_state,
    phone_heard,
    report_progress,
)
from components.store import Store

if TYPE_CHECKING:
    from components.vlens import VerificationOutcome

log = logging.getLogger("vlens.handoff")


@dataclass(eq=False)
class DesktopHandoff:
    """The computer's hand-off: the link it shows and where to read the phone's progress."""

    store: Store
    started: StartedHandoff
    language: str  # the phone opens in this language
    survives_start_over = False  # "Start over" (or taking the photos here) ends it

    def state(self) -> HandoffState | None:
        """The phone's progress now; None when the store cannot be read this time."""
        try:
            return handoff_state(self.store, self.started.handoff_id)
        except SQLAlchemyError as exc:
            log.warning("hand-off status not read: %s", type(exc).__name__)
            return None

    def end(self) -> bool:
        """Take the attempt back: the link stops working and the phone is told. False when
        the phone is already verifying (or done): it keeps the attempt."""
        try:
            return cancel_handoff(self.store, self.started.handoff_id)
        except SQLAlchemyError as exc:  # the phone may go on; this computer stops following it
            log.warning("hand-off not cancelled: %s", type(exc).__name__)
            return True

    def sending(self) -> bool:
        """The computer sends its own photos: nothing to report."""
        return True

    def finished(self, outcome: VerificationOutcome, *, recorded: bool | None = None) -> None:
        """The computer's own result: nothing to report."""


@dataclass(eq=False)
class PhoneHandoff:
    """The phone's claim on a hand-off: it reports its progress and result to the computer."""

    store: Store
    claim: PhoneClaim
    clock: Callable[[], float] = time.time  # epoch seconds, as the store's times
    cancelled: bool = False  # the computer took the attempt back
    capturing_noted: bool = False
    heard_at: float | None = None  # when this phone last told the store it is there
    survives_start_over = True  # the phone stays the phone

    def report(self, status: HandoffStatus, outcome: VerificationOutcome | None = None, *,
               recorded: bool | None = None) -> None:
        try:
            alive = report_progress(
                self.store, self.claim, status,
                verdict=outcome.verdict.value if outcome is not None else None,
                transaction_id=outcome.transaction_id if outcome is not None else None,
                recorded=recorded)
        except SQLAlchemyError as exc:  # the computer misses one update, the phone goes on
            log.warning("hand-off progress not reported: %s", type(exc).__name__)
            return
        if not alive:
            self.cancelled = True

    def still_handed_off(self) -> bool:
        """False once the computer cancelled (checked in the store). Every ``HEARTBEAT_S``
        the check also tells the computer that this phone's page is still open."""
        if self.cancelled:
            return False
        now = self.clock()
        try:
            if self.heard_at is None or now - self.heard_at >= HEARTBEAT_S:
                self.cancelled = not phone_heard(self.store, self.claim, clock=self.clock)
                self.heard_at = now
            else:
                state = handoff_state(self.store, self.claim.handoff_id)
                self.cancelled = state is None or state.status is HandoffStatus.CANCELLED
        except SQLAlchemyError as exc:
            log.warning("hand-off status not read: %s", type(exc).__name__)
        return not self.cancelled

    def capturing(self) -> None:
        """The capture page opened on the phone (reported once)."""
        if not self.capturing_noted:
            self.capturing_noted = True
            self.report(HandoffStatus.CAPTURING)

    def sending(self) -> bool:
        """"Verifying" to the computer; False (send nothing) once it took the attempt back."""
        self.report(HandoffStatus.VERIFYING)
        return not self.cancelled

    def finished(self, outcome: VerificationOutcome, *, recorded: bool | None = None) -> None:
        """The result to the computer (and whether it was ``recorded`` for the business), and
        a ``handoff:finished`` funnel event under the computer's attempt (the dashboard's
        "finished there")."""
        self.report(HandoffStatus.DONE, outcome, recorded=recorded)
        try:
            record_events(self.store, self.claim.context.attempt_id,
                          [FunnelEvent("handoff", "finished")])
        except SQLAlchemyError as exc:
            log.warning("hand-off funnel event not recorded: %s", type(exc).__name__)

    def end(self) -> bool:
        """The phone's attempt ends; the computer keeps what it was last told."""
        return True
