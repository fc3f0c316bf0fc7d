"""Send the captures to Vlens, showing each API step live inside ``st.status``."""

from __future__ import annotations

import streamlit as st

from components.observability import StepTimer, log_verification
from components.ui import session
from components.ui.backend import resolve_backend
from components.ui.captured import CaptureSet
from components.ui.i18n import current_language, t
from components.vlens import (
    StepEvent,
    StepPhase,
    VerificationOutcome,
    VlensClient,
    describe_error,
    run_verification,
)

OUTCOME = "outcome"
SENT = "sent"


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
            message = event.error.info(event.step.value).message[language]
        elif event.result is not None and event.result.error_code is not None:
            message = describe_error(event.result.error_code, event.step.value).message[language]
        else:
            message = t("review.step_checks_failed")
        return t("review.step_error", name=name, message=message)
    if event.phase is StepPhase.REUSED:
        return t("review.step_reused", name=name)
    return t("review.step_finished", name=name)


def submit(sent: CaptureSet) -> VerificationOutcome | None:
    """Run the verification for ``sent``; steps that already succeeded with the very same
    images in this session's last outcome are reused, not resent. None when not configured."""
    backend = resolve_backend()
    if backend.config is None:
        st.error(t("failure.config"))
        return None
    with (
        VlensClient(backend.config, language=current_language()) as client,
        st.status(t("review.status_running"), expanded=True) as status,
    ):
        timer = StepTimer(then=lambda event: status.write(_describe(event)))
        outcome = run_verification(
            client,
            sent.verification_images(),
            get_extracted_data=True,
            previous=last_outcome(),
            on_step=timer,
        )
        status.update(
            label=t("review.status_done" if outcome.completed else "review.status_failed"),
            state="complete" if outcome.completed else "error",
        )
    log_verification(outcome, latencies_ms=timer.latencies_ms, demo=backend.demo)
    session.attempt_set(OUTCOME, outcome)
    session.attempt_set(SENT, sent)
    return outcome
