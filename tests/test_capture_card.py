"""Card detection on drawn ID cards placed in webcam-like frames, and on bare card photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from components.capture.card import ID1_ASPECT, find_card, rectify
from tests import imagery


def test_front_held_up_in_a_720p_frame_is_found_with_its_portrait() -> None:
    frame = imagery.card_in_frame(imagery.id_card_front(), fill=0.6)
    found = find_card(frame)
    assert found is not None
    assert found.aspect == pytest.approx(ID1_ASPECT, rel=0.03)
    # The card spans 60 % of the width and 60 % * 1280 / 1.586 / 720 of the height.
    assert found.fill == pytest.approx(0.6 * 0.6 * 1280 / ID1_ASPECT / 720, rel=0.05)
    assert found.has_portrait
    assert not found.whole_image
    cx, cy = found.centre
    assert abs(cx - 640) < 10 and abs(cy - 360) < 10


def test_back_is_found_without_a_portrait() -> None:
    found = find_card(imagery.card_in_frame(imagery.id_card_back(), fill=0.6))
    assert found is not None
    assert not found.has_portrait


@pytest.mark.parametrize("make", [imagery.id_card_front, imagery.id_card_back])
def test_tightly_cropped_upload_is_the_card_itself(make: object) -> None:
    card = make()  # type: ignore[operator]
    found = find_card(card)
    assert found is not None
    assert found.whole_image
    assert found.fill > 0.95
    assert found.has_portrait == (make is imagery.id_card_front)


def test_tilted_and_small_cards_in_a_vga_frame() -> None:
    tilted = find_card(imagery.card_in_frame(imagery.id_card_front(), tilt=0.06))
    assert tilted is not None and tilted.has_portrait
    small = find_card(imagery.card_in_frame(imagery.id_card_back(), 640, 480, fill=0.5))
    assert small is not None and not small.has_portrait


@pytest.mark.parametrize(
    "image",
    [
        imagery.face_frame(),
        imagery.face_frame(1280, 720),
        imagery.no_face_frame(),
        imagery.astronaut_bgr(),
        # A selfie squeezed to the card's aspect is still not a document.
        cv2.resize(imagery.astronaut_bgr(), (856, 540)),
    ],
    ids=["selfie", "selfie-720p", "empty-room", "photo", "photo-at-card-aspect"],
)
def test_images_without_a_card_give_none(image: np.ndarray) -> None:
    assert find_card(image) is None


@pytest.mark.parametrize("size", [(856, 300), (600, 600), (500, 856)],
                         ids=["too-wide", "square", "portrait"])
def test_rectangles_at_the_wrong_aspect_are_not_cards(size: tuple[int, int]) -> None:
    wrong = cv2.resize(imagery.id_card_back(), size)
    assert find_card(imagery.card_in_frame(wrong, fill=0.35)) is None


@pytest.mark.parametrize("turns", [1, 2, 3], ids=["quarter", "upside-down", "three-quarters"])
@pytest.mark.parametrize("tight", [False, True], ids=["on-a-desk", "tight-crop"])
def test_uploaded_card_photo_in_any_orientation(turns: int, tight: bool) -> None:
    for make, portrait in ((imagery.id_card_front, True), (imagery.id_card_back, False)):
        card = make() if tight else imagery.card_in_frame(make(), fill=0.6)
        found = find_card(np.ascontiguousarray(np.rot90(card, turns)))
        assert found is not None
        assert found.aspect == pytest.approx(ID1_ASPECT, rel=0.03)
        assert found.has_portrait == portrait
        assert found.crop.shape[1] > found.crop.shape[0]  # turned back to landscape
    # The front's crop is turned upright (its portrait tells which way is up).
    upright = imagery.id_card_front()
    front = find_card(np.ascontiguousarray(np.rot90(upright, turns)))
    assert front is not None
    reference = cv2.resize(upright, (front.crop.shape[1], front.crop.shape[0]))
    difference = cv2.absdiff(cv2.cvtColor(front.crop, cv2.COLOR_BGR2GRAY),
                             cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY))
    assert float(np.median(difference)) < 12


def test_live_guide_ignores_cards_on_their_side() -> None:
    frame = np.ascontiguousarray(np.rot90(imagery.card_in_frame(imagery.id_card_front(),
                                                                fill=0.6)))
    assert find_card(frame, any_orientation=False) is None
    assert find_card(frame) is not None


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_no_card_in_any_orientation(turns: int) -> None:
    for image in (imagery.face_frame(), imagery.no_face_frame(), imagery.two_faces_frame()):
        assert find_card(np.ascontiguousarray(np.rot90(image, turns))) is None


def test_card_cut_off_by_the_frame_edge_is_not_taken() -> None:
    # (Its printed portrait, an upright rectangle of aspect 1.34, is not a card on its side.)
    assert find_card(imagery.card_in_frame(imagery.id_card_front(), fill=1.05)) is None


def test_rectified_crop_undoes_the_perspective() -> None:
    card = imagery.id_card_back()
    found = find_card(imagery.card_in_frame(card, tilt=0.06))
    assert found is not None
    crop = found.crop
    assert crop.shape[1] / crop.shape[0] == pytest.approx(ID1_ASPECT, rel=0.01)
    reference = cv2.resize(card, (crop.shape[1], crop.shape[0]))
    difference = cv2.absdiff(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY),
                             cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY))
    assert float(np.median(difference)) < 12


def test_rectify_with_margin_keeps_the_card_outline_detectable() -> None:
    frame = imagery.card_in_frame(imagery.id_card_front(), fill=0.6)
    found = find_card(frame)
    assert found is not None
    padded = rectify(frame, found.corners, margin=0.04)
    again = find_card(padded)
    assert again is not None and again.has_portrait and not again.whole_image
