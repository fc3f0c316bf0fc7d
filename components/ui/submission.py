"""Sending the captures to Vlens: one ``Submission`` per send, run on its own thread.

The run belongs to the customer's attempt, not to a Streamlit script run: clicks, reruns and
reloads during a submission cannot stop it half-way (a Streamlit script is cut off at its next
UI call), and a second "Send" while one runs joins the running one (see ``Attempt.send``). The
page only reads ``progress()`` and, once ``done``, the outcome. No Streamlit here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from components.observability import StepTimer, log_verification
from components.ui.captured import CaptureSet
from components.vlens import (
    StepEvent,
    StepPhase,
    VerificationOutcome,
    VerifyStep,
    VlensClient,
    run_verification,
)
from components.vlens.config import VlensConfig
from components.vlens.errors import VlensError
from components.vlens.flow import outcome_so_far

if TYPE_CHECKING:
    from components.ui.integration import Recorder

log = logging.getLogger(__name__)

STEPS: tuple[VerifyStep, ...] = (VerifyStep.ID_FRONT, VerifyStep.ID_BACK, VerifyStep.LIVENESS)


@dataclass(frozen=True)
class Progress:
    """What a submission has done so far, for the "Verifying…" screen."""

    finished: tuple[VerifyStep, ...]  # succeeded or reused, in order
    current: VerifyStep | None  # being sent right now
    failed: VerifyStep | None
    elapsed_s: float
    done: bool

    @property
    def fraction(self) -> float:
        return 1.0 if self.done else len(self.finished) / len(STEPS)


class Submission:
    """One verification run of ``sent`` against ``config`` on a worker thread.

    ``previous`` is an earlier outcome for the same images and service: steps it already
    passed are reused, not resent (nor billed) again. ``on_done`` gets the outcome on the
    worker thread, before ``done`` turns true.
    """

    def __init__(
        self,
        sent: CaptureSet,
        config: VlensConfig,
        *,
        language: str,
        demo: bool,
        previous: VerificationOutcome | None = None,
        on_done: Callable[[Submission], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        recorder: Recorder | None = None,
    ) -> None:
        self.sent = sent
        self.config = config
        self.backend_key = config.token_key
        self._language = language
        self._demo = demo
        self._previous = previous
        self._on_done = on_done
        self._recorder = recorder  # the business integration's record of the result
        self._clock = clock
        self._lock = threading.Lock()
        self._events: list[StepEvent] = []
        self._started_at = clock()
        self._ended_at: float | None = None
        self._done = threading.Event()
        self.outcome: VerificationOutcome | None = None
        # Whether the outcome was recorded for the business (None: no recorder).
        self.recorded: bool | None = None
        self._thread = threading.Thread(target=self._run, name="vlens-submission", daemon=True)

    def start(self) -> Submission:
        self._thread.start()
        return self

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the run ends (tests and the CLI-style callers); True when it did."""
        return self._done.wait(timeout_s)

    def progress(self) -> Progress:
        with self._lock:
            events = list(self._events)
            ended = self._ended_at
        finished = tuple(event.step for event in events
                         if event.phase in (StepPhase.SUCCEEDED, StepPhase.REUSED))
        failed = next((event.step for event in events if event.phase is StepPhase.FAILED), None)
        started = [event.step for event in events if event.phase is StepPhase.STARTED]
        current = started[-1] if started and started[-1] not in finished and not failed else None
        elapsed = (ended if ended is not None else self._clock()) - self._started_at
        return Progress(finished, current, failed, max(0.0, elapsed), self.done)

    def _record(self, event: StepEvent) -> None:
        with self._lock:
            self._events.append(event)

    def _run(self) -> None:
        images = self.sent.verification_images()
        timer = StepTimer(then=self._record)
        try:
            with VlensClient(self.config, language=self._language) as client:
                outcome = run_verification(client, images, get_extracted_data=True,
                                           previous=self._previous, on_step=timer)
        except Exception as exc:  # a bug, not an answer: still an outcome the page can show
            log.exception("verification run failed unexpectedly")
            error = VlensError(f"unexpected {type(exc).__name__}")
            completed = {event.step: event.result for event in self._events
                         if event.phase is StepPhase.SUCCEEDED and event.result is not None}
            partial = outcome_so_far(images, completed)
            outcome = VerificationOutcome(
                verdict=partial.verdict, steps=partial.steps, reused=frozenset(),
                transaction_id=partial.transaction_id, findings=(), problem=error.info(),
                failed_step=None, error=error, request_ids=partial.request_ids, images=images)
        reference = self._recorder.reference if self._recorder is not None else None
        log_verification(outcome, latencies_ms=timer.latencies_ms, demo=self._demo,
                         reference=reference)
        if self._recorder is not None:
            self.recorded = self._recorder(outcome, self.sent, timer.latencies_ms, self._demo)
        self.outcome = outcome
        with self._lock:
            self._ended_at = self._clock()
        try:
            if self._on_done is not None:
                self._on_done(self)
        finally:
            self._done.set()
