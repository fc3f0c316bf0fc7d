"""The face detector (BlazeFace through OpenCV) on real faces in real-looking conditions, on ID
card portraits held up, on places without anyone, and on misuse. The full comparison with the
Haar cascade it replaced is benchmarks/face_detectors.py."""

from __future__ import annotations

import numpy as np
import pytest

from components.capture.config import CaptureConfig
from components.capture.faces import FaceInputError, detect_faces
from components.capture.hints import Hint
from components.capture.quality import check_face
from tests import imagery
from tests.face_scenes import ASTRONAUT_CONDITIONS, FaceScene, face_scene_set
from tests.scenes import PEOPLE, scene_set

PER_CONDITION = 2


@pytest.fixture(scope="module")
def scenes() -> list[FaceScene]:
    return face_scene_set(PER_CONDITION, seed=11)


def found(scene: FaceScene) -> bool:
    assert scene.face is not None
    fx, fy, side = scene.face
    return any(abs(box.centre[0] - fx) <= 0.3 * side and abs(box.centre[1] - fy) <= 0.3 * side
               and 0.6 * side <= box.h <= 1.6 * side for box in detect_faces(scene.image))


def test_real_faces_are_found_on_every_skin_tone_with_glasses_in_side_light_and_dim(
        scenes: list[FaceScene]) -> None:
    faces = [scene for scene in scenes if scene.condition in ASTRONAUT_CONDITIONS]
    assert len(faces) == PER_CONDITION * len(ASTRONAUT_CONDITIONS)
    missed = [scene.condition for scene in faces if not found(scene)]
    assert missed == []


def test_small_grey_faces_of_real_people_are_found(scenes: list[FaceScene]) -> None:
    people = [scene for scene in scenes if scene.condition.startswith("LFW (")]
    assert people and all(found(scene) for scene in people)


def test_no_face_is_found_where_nobody_is(scenes: list[FaceScene]) -> None:
    empty = [scene for scene in scenes if scene.face is None]
    assert len(empty) == 2 * PER_CONDITION
    assert [scene.condition for scene in empty if detect_faces(scene.image)] == []


def test_an_id_card_portrait_held_up_is_refused_as_the_live_face() -> None:
    fronts = [scene.image for scene in scene_set(8, 0, seed=5) if scene.side == "front"
              and scene.conditions["place"].split(":")[1] not in PEOPLE]  # nobody behind
    fronts.append(imagery.photo_held_up_frame())
    config = CaptureConfig()
    for frame in fronts:
        # As lenient as the engine gets: size already fine, the face steady since the last frame.
        first = check_face(frame, config, size_was_ok=True, previous=None)
        check = check_face(frame, config, size_was_ok=True, previous=first.face)
        assert check.hint in (Hint.FACE_PHOTO, Hint.NO_FACE, Hint.MOVE_CLOSER)


def test_a_face_upside_down_is_not_taken() -> None:
    frame = imagery.face_frame()
    assert len(detect_faces(frame)) == 1
    assert detect_faces(np.ascontiguousarray(frame[::-1, ::-1])) == []


@pytest.mark.parametrize(("image", "words"), [
    (imagery.face_frame().astype(np.float32) / 255, "uint8"),
    (np.zeros((480, 640, 4), np.uint8), "shape (480, 640, 4)"),
    (np.zeros((480,), np.uint8), "shape (480,)"),
    (np.zeros((4, 4, 3), np.uint8), "too small"),
    (imagery.face_frame().tolist(), "numpy image"),
], ids=["float-pixels", "four-channels", "one-dimension", "tiny", "not-an-array"])
def test_an_image_the_detector_cannot_read_is_refused_with_what_is_wrong(
        image: object, words: str) -> None:
    with pytest.raises(FaceInputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        detect_faces(image)  # type: ignore[arg-type]
