"""Per-frame face and card checks on real face frames and drawn cards, with the negatives."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from components.capture.config import CaptureConfig
from components.capture.hints import Hint
from components.capture.quality import check_card, check_face, frames_differ
from tests import imagery

CONFIG = CaptureConfig()


def face_hint(frame: np.ndarray, *, size_was_ok: bool = False) -> Hint | None:
    """The verdict on ``frame`` given a steady previous frame (the same face position)."""
    first = check_face(frame, CONFIG, size_was_ok=size_was_ok, previous=None)
    if first.face is None:
        return first.hint
    return check_face(frame, CONFIG, size_was_ok=size_was_ok, previous=first.face).hint


def test_good_face_passes_every_check() -> None:
    frame = imagery.face_frame()
    check = check_face(frame, CONFIG, size_was_ok=False, previous=None)
    # First sight: everything fine but steadiness is unknown yet.
    assert check.hint is Hint.HOLD_STILL
    assert check.face is not None
    assert check.size == pytest.approx(0.45, abs=0.03)
    assert check.luma > CONFIG.face_min_luma
    assert check.sharpness > CONFIG.face_min_sharpness
    assert face_hint(frame) is None


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_good_face_passes_at_both_camera_sizes(size: tuple[int, int]) -> None:
    assert face_hint(imagery.face_frame(*size, seed=3)) is None


@pytest.mark.parametrize(
    ("frame", "hint"),
    [
        (imagery.no_face_frame(), Hint.NO_FACE),
        (imagery.two_faces_frame(), Hint.SEVERAL_FACES),
        (imagery.darkened(imagery.face_frame()), Hint.TOO_DARK),
        (imagery.overexposed(imagery.face_frame()), Hint.TOO_BRIGHT),
        (imagery.blurred(imagery.face_frame()), Hint.BLURRY),
        (imagery.face_frame(face_frac=0.2), Hint.MOVE_CLOSER),
        (imagery.face_frame(face_frac=0.75), Hint.MOVE_BACK),
        (imagery.face_frame(centre=(0.25, 0.45)), Hint.CENTRE_FACE),
        (imagery.face_frame(centre=(0.5, 0.7), face_frac=0.4), Hint.CENTRE_FACE),
        (imagery.photo_held_up_frame(), Hint.FACE_PHOTO),
    ],
    ids=["no-face", "two-faces", "dark", "overexposed", "blurred", "too-small", "too-big",
         "off-centre-x", "off-centre-y", "id-photo-held-up"],
)
def test_face_negatives(frame: np.ndarray, hint: Hint) -> None:
    assert face_hint(frame) is hint


def test_size_band_has_hysteresis() -> None:
    # 0.28 of the frame: too small to start with, but fine once the face was in the band.
    frame = imagery.face_frame(face_frac=0.28)
    assert face_hint(frame, size_was_ok=False) is Hint.MOVE_CLOSER
    assert face_hint(frame, size_was_ok=True) is None
    assert face_hint(imagery.face_frame(face_frac=0.2), size_was_ok=True) is Hint.MOVE_CLOSER


def test_moving_face_is_asked_to_hold_still() -> None:
    before = check_face(imagery.face_frame(centre=(0.45, 0.45)), CONFIG, size_was_ok=True,
                        previous=None)
    after = check_face(imagery.face_frame(centre=(0.55, 0.45)), CONFIG, size_was_ok=True,
                       previous=before.face)
    assert after.hint is Hint.HOLD_STILL


def test_tracking_refinds_the_face_near_its_last_place() -> None:
    first = check_face(imagery.face_frame(seed=1), CONFIG, size_was_ok=True, previous=None)
    tracked = check_face(imagery.face_frame(centre=(0.51, 0.45), seed=2), CONFIG,
                         size_was_ok=True, previous=first.face, full_detection=False)
    assert tracked.ok
    assert tracked.face is not None and first.face is not None
    assert abs(tracked.face.centre[0] - first.face.centre[0]) < 0.05 * 640 + 5


def card_hint(frame: np.ndarray) -> Hint | None:
    first = check_card(frame, CONFIG, previous=None)
    return check_card(frame, CONFIG, previous=first.corners).hint


def test_good_card_passes() -> None:
    frame = imagery.card_in_frame(imagery.id_card_front(), 640, 480, fill=0.65)
    check = check_card(frame, CONFIG, previous=None)
    assert check.hint is Hint.HOLD_STILL  # steadiness unknown on first sight
    # Rectified at the card's own width (0.65 x 640 px), never upsampled.
    assert check.crop is not None and abs(check.crop.shape[1] - 0.65 * 640) < 4
    assert check.width_share == pytest.approx(0.65, abs=0.02)
    assert card_hint(frame) is None


@pytest.mark.parametrize(
    ("frame", "hint"),
    [
        (imagery.face_frame(), Hint.NO_CARD),
        (imagery.card_in_frame(cv2.resize(imagery.id_card_back(), (856, 420)), 640, 480,
                               fill=0.65), Hint.CARD_NOT_FLAT),
        (imagery.card_in_frame(cv2.resize(imagery.id_card_back(), (600, 600)), 640, 480,
                               fill=0.4), Hint.NO_CARD),
        (imagery.card_in_frame(imagery.id_card_front(), 640, 480, fill=0.3),
         Hint.CARD_TOO_SMALL),
        (imagery.with_glare(imagery.card_in_frame(imagery.id_card_front(), 640, 480,
                                                  fill=0.65)), Hint.GLARE),
        (imagery.blurred(imagery.card_in_frame(imagery.id_card_back(), 640, 480, fill=0.65),
                         3), Hint.BLURRY),
        (imagery.darkened(imagery.card_in_frame(imagery.id_card_back(), 640, 480, fill=0.65),
                          0.35), Hint.TOO_DARK),
    ],
    ids=["no-card", "wrong-aspect", "square", "too-small", "glare", "blurred", "dark"],
)
def test_card_negatives(frame: np.ndarray, hint: Hint) -> None:
    assert card_hint(frame) is hint


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_slight_softness_passes_but_visible_blur_does_not(size: tuple[int, int]) -> None:
    card = imagery.card_in_frame(imagery.id_card_front(), *size, fill=0.65)
    assert card_hint(imagery.blurred(card, 1.0)) is None
    assert card_hint(imagery.blurred(card, 2.0)) is Hint.BLURRY
    # The face is judged at a fixed face size (128 px), so blur counts relative to the face.
    face, scale = imagery.face_frame(*size), size[1] / 480
    assert face_hint(imagery.blurred(face, 1.0 * scale)) is None
    assert face_hint(imagery.blurred(face, 2.0 * scale)) is Hint.BLURRY


def test_small_glare_spot_beside_the_text_is_tolerated() -> None:
    frame = imagery.card_in_frame(imagery.id_card_back(), 640, 480, fill=0.65)
    assert card_hint(imagery.with_glare(frame, radius=0.02)) is None


def test_moving_card_is_asked_to_hold_still() -> None:
    card = imagery.id_card_front()
    before = check_card(imagery.card_in_frame(card, 640, 480, fill=0.65), CONFIG, previous=None)
    after = check_card(imagery.card_in_frame(card, 640, 480, fill=0.7), CONFIG,
                       previous=before.corners)
    assert after.hint is Hint.HOLD_STILL


def test_identical_frames_do_not_differ_but_live_ones_do() -> None:
    frame = imagery.face_frame(seed=1)
    assert not frames_differ(frame, frame.copy(), CONFIG.min_frame_difference)
    assert frames_differ(frame, imagery.face_frame(seed=2), CONFIG.min_frame_difference)
