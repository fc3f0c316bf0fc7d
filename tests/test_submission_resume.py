"""A verification cut off part-way (a click during the API calls stops the Streamlit script)
resumes from the steps already sent: nothing is sent, or billed, twice."""

from __future__ import annotations

from collections.abc import Callable
from unittest.mock import patch

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from components.ui import submission
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
