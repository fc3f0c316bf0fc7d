"""package_captures: the engine's captures as the JPEGs handed to the backend."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from components.capture import CaptureEngine, Hint, Step
from components.capture.card import find_card
from components.capture.compress import FACE_MAX_BYTES
from components.capture.modes import EngineMode
from components.capture.package import package_captures
from components.capture.state import Capture, EngineState, frozen_captures
from tests import imagery


@pytest.fixture(scope="module")
def finished() -> EngineState:
    engine = CaptureEngine(mode=EngineMode.CLIP)
    for index, frame in enumerate(imagery.flow_frames(seconds_per_step=1.0)):
        state = engine.analyse(frame, index / 15)
    assert state.done
    return state


def decode(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_package_of_a_finished_capture(finished: EngineState) -> None:
    package = package_captures(finished)
    assert package.id_front is not None and package.id_back is not None
    assert len(package.faces) == 3
    assert all(face.size < FACE_MAX_BYTES for face in package.faces)
    assert len({face.sha256 for face in package.faces}) == 3
    assert package.face_times == [shot.t for shot in finished.captures[Step.FACE]]
    assert package.overridden == set()
    # The card images are what Vlens gets: still recognisably the card, front with its portrait.
    front = find_card(decode(package.id_front.jpeg))
    back = find_card(decode(package.id_back.jpeg))
    assert front is not None and front.has_portrait
    assert back is not None and not back.has_portrait
    assert package.id_front.size < 1_000_000


def test_card_budget_is_respected_and_capped_for_ocr(finished: EngineState) -> None:
    tight = package_captures(finished, card_budget_bytes=60_000)
    assert tight.id_front is not None and tight.id_front.size < 60_000
    generous = package_captures(finished, card_budget_bytes=50_000_000)
    assert generous.id_front is not None and generous.id_front.size < 3_000_000


def test_overrides_are_carried_and_missing_steps_are_none() -> None:
    frame = imagery.card_in_frame(imagery.id_card_front(), 640, 480)
    capture = Capture(Step.ID_FRONT, frame, frame, 16.0, overridden=True)
    state = EngineState(step=Step.ID_BACK, step_index=1, total_steps=3, hint=Hint.CAPTURED,
                        face_progress=0, captures=frozen_captures({Step.ID_FRONT: [capture]}),
                        manual_capture_offered=False, done=False)
    package = package_captures(state)
    assert package.id_front is not None and package.id_back is None
    assert package.faces == [] and package.face_times == []
    assert package.overridden == {Step.ID_FRONT}


def test_identical_faces_are_refused() -> None:
    frame = imagery.face_frame()
    shots = [Capture(Step.FACE, frame, frame, t) for t in (0.0, 0.2, 0.4)]
    state = EngineState(step=None, step_index=1, total_steps=1, hint=Hint.CAPTURED,
                        face_progress=0, captures=frozen_captures({Step.FACE: shots}),
                        manual_capture_offered=False, done=True)
    with pytest.raises(ValueError, match="identical"):
        package_captures(state)
