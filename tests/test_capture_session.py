"""The session's captures across the camera and the upload path, and what withdrawing consent
leaves behind: one engine per session, identical faces retaken without losing the cards."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

import numpy as np
import pytest

from components.capture import CaptureEngine, Hint, Step
from components.capture.compress import CARD_MAX_BYTES, encode_jpeg_under
from components.capture.modes import EngineMode
from components.capture.package import IdenticalFacesError, package_captures
from components.capture.state import Capture, EngineState, frozen_captures
from components.ui import capture_state, session
from components.ui.attempt import Attempt
from components.ui.attempt_registry import REGISTRY
from components.ui.captured import CapturedImage, now_iso
from tests import imagery
from tests.app_harness import (
    attempt_of,
    capture_step,
    engine_of,
    fake_camera,
    page_text,
    simulator,
    start_app,
    visit,
)
from tests.test_app_upload import upload


def front_photo() -> bytes:
    return imagery.jpeg(imagery.card_in_frame(imagery.id_card_front(), 1600, 1200, fill=0.7))


def test_an_upload_while_the_camera_runs_leaves_the_camera_on_the_engine_the_page_watches(
) -> None:
    with simulator(), fake_camera() as camera:
        at = start_app()
        camera.playing = True  # the customer pressed Start: the camera is live
        upload(at, "upload_id_front", "front.jpg", front_photo(), "image/jpeg")
        assert at.header[0].value == "Step 2 of 3: back of your ID"
        # The camera keeps the callback it was given; it must still drive the page's engine.
        callback = camera.last["video_frame_callback"]
        assert callback.engine is engine_of(at)

        camera.show("id_back", 2.0)
        at.run()
        assert "no picture" not in page_text(at).lower()
        assert at.header[0].value == "Step 3 of 3: your face", page_text(at)
        capture_step(at, camera, "face")
        assert at.title[0].value == "Check your photos", page_text(at)
        text = page_text(at)
        assert text.count("Uploaded") == 1 and text.count("From the camera") == 2, text


def test_set_steps_restarts_the_same_engine_on_other_steps() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP)
    for index, frame in enumerate(imagery.flow_frames(seconds_per_step=1.0)):
        engine.analyse(frame, index / 15)
    analysed = engine.snapshot().analysed_frames
    assert engine.snapshot().done and analysed > 0

    engine.set_steps((Step.ID_BACK, Step.FACE))
    state = engine.snapshot()
    assert state.steps == (Step.ID_BACK, Step.FACE) and state.step is Step.ID_BACK
    assert dict(state.captures) == {} and not state.done and state.total_steps == 2
    assert state.analysed_frames == analysed  # the frame count the page watches carries on
    with pytest.raises(ValueError, match="not one of this engine's steps"):
        engine.retake(Step.ID_FRONT)
    with pytest.raises(ValueError, match="non-empty"):
        engine.set_steps(())


# ------------------------------------------------------------- identical faces, failing cards
@pytest.fixture
def bare_session() -> Iterator[None]:
    """``capture_state`` outside a page run, on an attempt of its own."""
    attempt = Attempt(token="bare")
    with patch.object(session, "current", return_value=attempt):
        yield
    attempt.close()


def state_with(captures: dict[Step, list[Capture]]) -> EngineState:
    return EngineState(step=None, step_index=3, total_steps=3, hint=Hint.DONE, face_progress=0,
                       captures=frozen_captures(captures), manual_capture_offered=False,
                       done=True)


def card(step: Step, image: np.ndarray, t: float) -> Capture:
    return Capture(step, image, image, t)


def same_face_three_times() -> list[Capture]:
    face = imagery.face_frame(seed=0)
    return [Capture(Step.FACE, face, face, 3.0 + i / 15) for i in range(3)]


def test_package_names_identical_faces_with_its_own_error() -> None:
    with pytest.raises(IdenticalFacesError):
        package_captures(state_with({Step.FACE: same_face_three_times()}))


def test_identical_camera_faces_are_dropped_and_the_cards_kept(bare_session: None) -> None:
    front = imagery.card_in_frame(imagery.id_card_front(), 640, 480)
    state = state_with({Step.ID_FRONT: [card(Step.ID_FRONT, front, 1.0)],
                        Step.FACE: same_face_three_times()})
    captures = capture_state.camera_set(state)
    assert captures.complete("id_front")
    assert not captures.for_step("face")


def test_identical_faces_when_the_engine_no_longer_takes_the_face(bare_session: None) -> None:
    for step, image in (("id_front", imagery.id_card_front()), ("face", None)):
        if image is None:
            faces = tuple(
                CapturedImage("face", encode_jpeg_under(imagery.face_frame(seed=i), 400_000),
                              "upload", now_iso()) for i in range(3))
            capture_state.add_upload("face", faces)
        else:
            encoded = encode_jpeg_under(image, CARD_MAX_BYTES)
            capture_state.add_upload(step, (CapturedImage(step, encoded, "upload", now_iso()),))
    assert capture_state.engine().steps == (Step.ID_BACK,)
    back = imagery.card_in_frame(imagery.id_card_back(), 640, 480)
    state = state_with({Step.ID_BACK: [card(Step.ID_BACK, back, 1.0)],
                        Step.FACE: same_face_three_times()})
    captures = capture_state.camera_set(state)
    assert captures.complete("id_back") and not captures.for_step("face")


def test_a_card_that_cannot_be_encoded_is_an_error_not_a_face_retake(bare_session: None) -> None:
    empty = np.zeros((0, 0, 3), np.uint8)
    state = state_with({Step.ID_FRONT: [card(Step.ID_FRONT, empty, 1.0)]})
    with pytest.raises(ValueError, match="non-empty image") as raised:
        capture_state.camera_set(state)
    assert not isinstance(raised.value, IdenticalFacesError)


# ------------------------------------------------------------- consent withdrawn
def test_unticking_consent_stops_the_camera_and_forgets_the_attempt() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app()
        capture_step(at, camera, "id_front")
        engine = engine_of(at)
        token = attempt_of(at).token
        assert engine.snapshot().captures
        upload(at, "upload_id_back", "back.jpg",
               imagery.jpeg(imagery.card_in_frame(imagery.id_card_back(), 1600, 1200, fill=0.7)),
               "image/jpeg")

        visit(at, "pages/consent.py")
        at.checkbox(key="consent_checkbox").uncheck().run()
        assert not at.exception
        assert REGISTRY.find(token) is None  # the attempt is closed and gone
        analysed = engine.snapshot().analysed_frames
        camera.show("id_back", 0.5)  # the camera still sends frames: nobody analyses them
        assert engine.snapshot().analysed_frames == analysed

        # Consent given again: everything starts from the first step, nothing carried over.
        at.checkbox(key="consent_checkbox").check().run()
        at.button(key="consent_continue").click().run()
        assert at.title[0].value == "Take your photos"
        assert at.header[0].value == "Step 1 of 3: front of your ID"
