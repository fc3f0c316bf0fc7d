"""Nothing is sent, or billed, twice: a run resumes from the steps an earlier one already
passed, and sending is idempotent on the attempt (clicks, reruns and reloads during a run join
it; the run lives on its own thread, not in a Streamlit script that a click can cut off)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from components.capture.compress import encode_jpeg_under
from components.ui.attempt import Attempt
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
from components.vlens.simulator.scenario import Scenario
from tests import imagery
from tests.app_harness import (
    capture_everything,
    fake_camera,
    follow_verifying,
    page_text,
    simulator,
    start_app,
    visit,
)

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


def full_set() -> CaptureSet:
    def image(step: str, bgr: np.ndarray) -> CapturedImage:
        return CapturedImage(step, encode_jpeg_under(bgr, 400_000), "upload", now_iso())

    return CaptureSet(
        id_front=image("id_front", imagery.card_in_frame(imagery.id_card_front())),
        id_back=image("id_back", imagery.card_in_frame(imagery.id_card_back())),
        faces=tuple(image("face", imagery.face_frame(seed=i)) for i in range(3)),
    )


def test_sends_during_a_run_join_it_and_each_step_is_sent_once() -> None:
    attempt = Attempt(token="t")
    with simulator(Scenario(latency_s=0.3)) as sim:
        config, sent = sim.demo_config(), full_set()
        first = attempt.send(sent, config, demo=False)
        again = [attempt.send(sent, config, demo=False) for _ in range(5)]
        assert all(run is first for run in again)
        assert first.wait(30)
    assert attempt.outcome is not None and attempt.outcome.verified
    assert attempt.sent is first.sent
    for path in (FRONT, "id/back", "multi"):
        assert len(sim.requests_to(path)) == 1, path


def test_the_run_outlives_the_page_and_a_reload_shows_its_progress_then_the_result() -> None:
    with simulator(Scenario(latency_s=0.4)) as sim, fake_camera() as camera:
        at = start_app()
        capture_everything(at, camera)
        at.button(key="submit").click().run()
        assert at.title[0].value == "Verifying…", page_text(at)
        visit(at, "pages/review.py")  # back to the review (or a reload of it) while sending
        assert at.title[0].value == "Verifying…", page_text(at)
        assert "Check 1 of 3: Reading the front of your ID" in page_text(at)
        follow_verifying(at)
        assert at.success[0].value.startswith("**Verified**"), page_text(at)
        assert len(sim.requests_to(FRONT)) == 1 and len(sim.requests_to("id/back")) == 1
