"""Send the captures to Vlens, showing each API step live inside ``st.status``."""

from __future__ import annotations

import time
import uuid

import streamlit as st

from components.observability import StepTimer, log_verification
from components.ui import session
from components.ui.backend import resolve_backend
from components.ui.captured import CaptureSet
from components.ui.failure_text import failure_text_key
from components.ui.i18n import current_language, t
from components.vlens import (
    StepEvent,
    StepPhase,
    StepResult,
    VerificationImages,
    VerificationOutcome,
    VerifyStep,
    VlensClient,
    describe_error,
    run_verification,
)
from components.vlens.flow import outcome_so_far

OUTCOME = "outcome"
SENT = "sent"
# The steps done so far in a run that has not finished: (backend identity, outcome so far).
# Any click during a run (a second Submit, Retake, a language switch) stops the script at its
# next Streamlit call; the steps already sent (and paid for) are then taken from here.
PROGRESS = "progress"
# (run id, start time) of the run in flight. A click during a run starts a new script run at
# once (fast reruns) while the old one may still be inside an API call: the new one waits for
# that call to land (and be saved) before it sends anything.
IN_FLIGHT = "submission_in_flight"
IN_FLIGHT_MAX_S = 120.0  # longer than one step with its retries; an older mark is stale


def last_outcome() -> VerificationOutcome | None:
    return session.attempt_get(OUTCOME)


def last_sent() -> CaptureSet | None:
    return session.attempt_get(SENT)


def _describe(event: StepEvent) -> str:
    name = t(f"api_step.{event.step.value}")
    if event.phase is StepPhase.STARTED:
        return t("review.step_started", name=name)
    if event.phase is StepPhase.FAILED:
        language = current_language()
        if event.error is not None:
            # As on the results page: a documented Vlens code keeps the catalogue's text; other
            # failures (network, timeout, outage) get our wording, not the transport's message.
            info = event.error.info(event.step.value)
            known = event.error.code is not None and info.known
            message = info.message[language] if known else t(failure_text_key(event.error))
        elif event.result is not None and event.result.error_code is not None:
            message = describe_error(event.result.error_code, event.step.value).message[language]
        else:
            message = t("review.step_checks_failed")
        return t("review.step_error", name=name, message=message)
    if event.phase is StepPhase.REUSED:
        return t("review.step_reused", name=name)
    return t("review.step_finished", name=name)


class _ProgressKeeper:
    """An ``on_step`` callback saving each finished step to the session before anything else."""

    def __init__(self, images: VerificationImages, backend_key: tuple[str, ...]) -> None:
        self.images = images
        self.backend_key = backend_key
        self.completed: dict[VerifyStep, StepResult] = {}

    def __call__(self, event: StepEvent) -> None:
        if event.phase in (StepPhase.SUCCEEDED, StepPhase.REUSED) and event.result is not None:
            self.completed[event.step] = event.result
            session.attempt_set(PROGRESS, (self.backend_key,
                                           outcome_so_far(self.images, self.completed)))


def in_flight() -> bool:
    """Whether a verification run of this session is sending right now."""
    mark = session.attempt_get(IN_FLIGHT)
    return mark is not None and time.monotonic() - mark[1] < IN_FLIGHT_MAX_S


def _wait_for_run_in_flight(poll_s: float = 0.05) -> None:
    while in_flight():
        time.sleep(poll_s)


def _resume_from(backend_key: tuple[str, ...]) -> VerificationOutcome | None:
    """What the next run may reuse: an unfinished run's steps on this backend, else the last
    outcome."""
    progress = session.attempt_get(PROGRESS)
    if progress is not None and progress[0] == backend_key:
        return progress[1]
    return last_outcome()


def submit(sent: CaptureSet) -> VerificationOutcome | None:
    """Run the verification for ``sent``; steps that already succeeded with the very same
    images in this session (in the last outcome, or in a run cut off part-way) are reused, not
    resent. None when not configured."""
    backend = resolve_backend()
    if backend.config is None:
        st.error(t("failure.config"))
        return None
    images = sent.verification_images()
    backend_key = backend.config.token_key
    keeper = _ProgressKeeper(images, backend_key)
    with (
        VlensClient(backend.config, language=current_language()) as client,
        st.status(t("review.status_running"), expanded=True) as status,
    ):
        def show(event: StepEvent) -> None:
            keeper(event)  # saved first: the Streamlit call below may end this run
            status.write(_describe(event))

        timer = StepTimer(then=show)
        _wait_for_run_in_flight()
        mark = (uuid.uuid4().hex, time.monotonic())
        session.attempt_set(IN_FLIGHT, mark)
        try:
            outcome = run_verification(
                client,
                images,
                get_extracted_data=True,
                previous=_resume_from(backend_key),
                on_step=timer,
            )
            session.attempt_set(OUTCOME, outcome)
            session.attempt_set(SENT, sent)
            session.attempt_pop(PROGRESS)
        finally:
            if session.attempt_get(IN_FLIGHT) == mark:  # not a later run's mark
                session.attempt_pop(IN_FLIGHT)
        log_verification(outcome, latencies_ms=timer.latencies_ms, demo=backend.demo)
        status.update(
            label=t("review.status_done" if outcome.completed else "review.status_failed"),
            state="complete" if outcome.completed else "error",
        )
    return outcome
