"""A verification cut off part-way (a click during the API calls stops the Streamlit script)
resumes from the steps already sent: nothing is sent, or billed, twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from unittest.mock import patch

import numpy as np
import pytest
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from components.capture.compress import encode_jpeg_under
from components.ui import submission
from components.ui.captured import CapturedImage, CaptureSet, now_iso
from components.vlens import (
    StepEvent,
    StepPhase,
    StepResult,
    Verdict,
    VerificationImages,
    VerifyStep,
    VlensClient,
    run_verification,
)
from components.vlens.flow import outcome_so_far
from components.vlens.simulator import Simulator
from tests import imagery
from tests.app_harness import capture_everything, fake_camera, page_text, simulator, start_app

ClientFor = Callable[..., VlensClient]
FRONT = "verify/id/front"


class CutOff(Exception):
    """Stands for Streamlit stopping the script at the UI call after a step."""


def test_a_run_cut_off_after_a_step_resumes_from_it(simulator: Simulator, client_for: ClientFor,
                                                    images: VerificationImages) -> None:
    client = client_for(simulator)
    completed: dict[VerifyStep, StepResult] = {}

    def save_then_cut_off(event: StepEvent) -> None:
        if event.phase is StepPhase.SUCCEEDED and event.result is not None:
            completed[event.step] = event.result
            if event.step is VerifyStep.ID_BACK:
                raise CutOff

    with pytest.raises(CutOff):
        run_verification(client, images, on_step=save_then_cut_off)
    saved = outcome_so_far(images, completed)
    assert saved.verdict is Verdict.INCOMPLETE and list(saved.steps) == [VerifyStep.ID_FRONT,
                                                                       VerifyStep.ID_BACK]
    assert saved.transaction_id == completed[VerifyStep.ID_FRONT].transaction_id

    outcome = run_verification(client, images, previous=saved)
    assert outcome.verified
    assert outcome.reused == {VerifyStep.ID_FRONT, VerifyStep.ID_BACK}
    assert len(simulator.requests_to(FRONT)) == 1 and len(simulator.requests_to("id/back")) == 1
    assert outcome.transaction_id == saved.transaction_id


def test_nothing_completed_reuses_nothing(simulator: Simulator, client_for: ClientFor,
                                          images: VerificationImages) -> None:
    saved = outcome_so_far(images, {})
    assert saved.transaction_id is None and dict(saved.steps) == {}
    outcome = run_verification(client_for(simulator), images, previous=saved)
    assert outcome.verified and outcome.reused == frozenset()


def test_a_click_during_the_calls_does_not_send_the_front_again() -> None:
    describe = submission._describe
    interrupted: list[StepEvent] = []

    def stop_after_the_front(event: StepEvent) -> str:
        # Streamlit ends a run at its next UI call when a click arrives: here, right after the
        # front came back (sent and billed).
        if (event.step is VerifyStep.ID_FRONT and event.phase is StepPhase.SUCCEEDED
                and not interrupted):
            interrupted.append(event)
            raise StopException
        return describe(event)

    with simulator() as sim, fake_camera() as camera:
        at = start_app()
        capture_everything(at, camera)
        assert at.title[0].value == "Check your photos", page_text(at)
        with patch.object(submission, "_describe", stop_after_the_front):
            at.button(key="submit").click().run()
        assert interrupted and len(sim.requests_to(FRONT)) == 1
        assert at.title[0].value == "Check your photos"  # the run stopped before the results

        at.button(key="submit").click().run()
        assert not at.exception
        assert at.success[0].value.startswith("**Verified**"), page_text(at)
        assert len(sim.requests_to(FRONT)) == 1  # the front was not sent (and billed) again
        assert len(sim.requests_to("id/back")) == 1
        assert "attempt.progress" not in at.session_state


def full_set() -> CaptureSet:
    def image(step: str, bgr: np.ndarray) -> CapturedImage:
        return CapturedImage(step, encode_jpeg_under(bgr, 400_000), "upload", now_iso())

    return CaptureSet(
        id_front=image("id_front", imagery.card_in_frame(imagery.id_card_front())),
        id_back=image("id_back", imagery.card_in_frame(imagery.id_card_back())),
        faces=tuple(image("face", imagery.face_frame(seed=i)) for i in range(3)),
    )


def test_a_second_run_waits_for_the_call_in_flight_then_resumes_from_it() -> None:
    """Fast reruns: a click stops the running script, but only at its next Streamlit call, and
    the new run starts at once, while the old one may still be inside the front's API call."""
    describe = submission._describe
    first_sending = threading.Event()
    release = threading.Event()

    def old_run_in_a_slow_call(event: StepEvent) -> str:
        if threading.current_thread().name == "old-run":
            if event.step is VerifyStep.ID_FRONT and event.phase is StepPhase.STARTED:
                first_sending.set()
                release.wait(10)  # the front's call is still under way
            elif event.phase is StepPhase.SUCCEEDED:
                raise StopException  # the old run's next Streamlit call: it stops there
        return describe(event)

    st.session_state.clear()
    sent = full_set()
    stopped: list[BaseException] = []

    def old_run() -> None:
        try:
            submission.submit(sent)
        except StopException as stop:
            stopped.append(stop)

    with simulator() as sim, patch.object(submission, "_describe", old_run_in_a_slow_call):
        old = threading.Thread(target=old_run, name="old-run")
        old.start()
        assert first_sending.wait(10)
        assert submission.in_flight()
        threading.Timer(0.3, release.set).start()
        outcome = submission.submit(sent)  # the new run, started while the old one sends
        old.join(10)
    st.session_state.clear()
    assert stopped, "the old run was not stopped"
    assert outcome is not None and outcome.verified
    assert VerifyStep.ID_FRONT in outcome.reused
    assert len(sim.requests_to(FRONT)) == 1
