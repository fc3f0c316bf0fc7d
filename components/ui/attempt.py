"""One customer's verification attempt as one typed object: language, consent, the capture
work (engine, kept images, upload notes), the submission and its outcome, and what the business
integration knows of it (the link that admitted the customer, its reference, funnel events).

Created by ``AttemptRegistry.open`` and closed by ``Attempt.close`` (expiry, "Delete my data",
withdrawn consent); "Start over" keeps the language and consent (``start_over``). Everything is
in memory only. No Streamlit here: pages reach the attempt through ``components.ui.session``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components.integration.results import AttemptContext
from components.ui.captured import STEP_ORDER, CaptureSet
from components.ui.i18n import Language
from components.ui.submission import Submission

if TYPE_CHECKING:
    from components.capture.processor import CaptureEngine
    from components.capture.webrtc import FrameCallback
    from components.ui.handoff_side import DesktopHandoff, PhoneHandoff
    from components.ui.integration import Recorder
    from components.vlens import VerificationOutcome
    from components.vlens.config import VlensConfig


@dataclass
class CameraLens:
    """Which camera a phone streams. streamlit-webrtc applies the requested ``facingMode`` only
    when a stream starts, so the lens a running stream was started with is remembered here."""

    cameras: int | None = None  # cameras the browser lists (None: not reported yet)
    started_facing: str | None = None  # "environment" / "user": what the stream was started for
    running_key: str | None = None  # the widget whose stream was on at the last render
    front: bool = False  # the customer switched to the front camera for the face


@dataclass(eq=False)
class CaptureWork:
    """The captures in progress: the camera's engine and the images already final."""

    engine: CaptureEngine | None = None
    frame_callback: FrameCallback | None = None  # owns the engine's analysis thread
    engine_steps: tuple[str, ...] = STEP_ORDER  # the steps the camera is taking
    seen_at: dict[tuple[str, float], str] = field(default_factory=dict)
    camera_cache: tuple[tuple[tuple[str, float, bool], ...], CaptureSet] | None = None
    kept: CaptureSet = field(default_factory=CaptureSet)  # uploads and settled captures
    # Per uploader: (file id processed, "kind|message" shown), so a file is processed once.
    upload_notes: dict[str, tuple[str, str]] = field(default_factory=dict)
    playing_since: float | None = None  # when the stream started without a frame analysed
    in_progress: bool = False  # a step was still missing at the last look
    lens: CameraLens = field(default_factory=CameraLens)

    def close(self) -> None:
        """Stop the analysis thread (the engine and images go with this object)."""
        callback, self.frame_callback = self.frame_callback, None
        if callback is not None:
            callback.close()


@dataclass(eq=False)
class IntegrationState:
    """The business integration's side of the attempt: its context (attempt id, the business's
    reference, link and return address; self-service: no reference), which ``?link=`` token
    admitted it, when consent was given, the funnel events noted and the last recorder handed
    to a submission. Kept by "Start over" (the link still admits the customer)."""

    context: AttemptContext = field(default_factory=AttemptContext.new)
    link_digest: str | None = None  # sha256 of the ?link= token: a reload does not reopen it
    consent_at: float | None = None  # epoch seconds: the first step's timing starts here
    noted: set[str] = field(default_factory=set)  # "name:detail" of funnel events recorded
    recorder: Recorder | None = None

    def carried_over(self) -> IntegrationState:
        """The same link and reference for a new attempt after "Delete my data"."""
        return IntegrationState(self.context, self.link_digest, noted=set(self.noted))


@dataclass(eq=False)
class Attempt:
    token: str  # unguessable: the key of this attempt in the registry and the page URL
    language: Language = "en"
    consent: bool = False
    demo_scenario: str | None = None  # demo mode: the simulator answer chosen on the review
    captures: CaptureWork = field(default_factory=CaptureWork)
    submission: Submission | None = None
    outcome: VerificationOutcome | None = None
    sent: CaptureSet | None = None  # the images the outcome is about
    outcome_backend: tuple[str, ...] | None = None  # which service answered it
    # "Continue on your phone": the computer's hand-off in progress, or this phone's claim.
    handoff: DesktopHandoff | PhoneHandoff | None = None
    integration: IntegrationState = field(default_factory=IntegrationState)
    created_at: float = 0.0
    last_seen: float = 0.0
    closed: bool = False
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def sending(self) -> bool:
        return self.submission is not None and not self.submission.done

    def send(self, sent: CaptureSet, config: VlensConfig, *, demo: bool,
             recorder: Recorder | None = None) -> Submission | None:
        """Start verifying ``sent``, or join the run already under way: any number of calls
        while one runs lead to that one run. Steps the last outcome already passed with the
        same images on the same service are reused, not resent. None, with nothing sent, on a
        phone whose computer has taken the attempt back."""
        with self._lock:
            if self.submission is not None and not self.submission.done:
                return self.submission
            if self.handoff is not None and not self.handoff.sending():
                return None
            previous = self.outcome if self.outcome_backend == config.token_key else None
            self.submission = Submission(sent, config, language=self.language, demo=demo,
                                         previous=previous, on_done=self._finished,
                                         recorder=recorder)
            return self.submission.start()

    def _finished(self, submission: Submission) -> None:
        with self._lock:
            if submission is self.submission and not self.closed:
                self.outcome = submission.outcome
                self.sent = submission.sent
                self.outcome_backend = submission.backend_key
                if self.handoff is not None and submission.outcome is not None:
                    self.handoff.finished(submission.outcome, recorded=submission.recorded)

    def forget_outcome(self) -> None:
        """Another service (a new demo scenario) knows none of the earlier transactions."""
        with self._lock:
            self.outcome = None
            self.outcome_backend = None

    def start_over(self) -> None:
        """Forget every capture and result (keeps language and consent)."""
        with self._lock:
            self.captures.close()
            self.captures = CaptureWork()
            self.submission = None  # a run still going finishes on its own, unrecorded
            self.outcome = None
            self.sent = None
            self.outcome_backend = None
            if self.handoff is not None and not self.handoff.survives_start_over:
                self.handoff.end()
                self.handoff = None

    def close(self) -> None:
        """Forget everything: captures, results, consent. The registry drops it too."""
        with self._lock:
            self.start_over()
            if self.handoff is not None:
                self.handoff.end()
                self.handoff = None
            self.consent = False
            self.closed = True
