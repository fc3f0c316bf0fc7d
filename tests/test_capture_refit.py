"""The card finder's full-resolution re-fit of a card's edges (components/capture/guided.py)."""

from __future__ import annotations

import cv2
import numpy as np

from components.capture.guided import _refine

# Blue-grey with the wall's grey level (0.114 B + 0.587 G + 0.299 R = 128): only colour shows it.
STRIPE_BGR, WALL_BGR = (200, 111, 133), (128, 128, 128)


def _card_with_a_stripe_as_grey_as_the_wall() -> tuple[np.ndarray, np.ndarray]:
    frame = np.full((480, 640, 3), WALL_BGR, np.uint8)
    truth = np.array([[120, 110], [520, 110], [520, 362], [120, 362]], np.float32)
    cv2.rectangle(frame, (120, 110), (519, 361), (235, 235, 235), -1)  # the card's light ground
    cv2.rectangle(frame, (120, 110), (519, 150), STRIPE_BGR, -1)  # its top stripe
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    assert abs(int(gray[120, 300]) - int(gray[50, 300])) <= 1  # no grey step at the top edge
    return frame, truth


def test_an_edge_seen_only_in_colour_is_still_refitted_onto_the_card() -> None:
    frame, truth = _card_with_a_stripe_as_grey_as_the_wall()
    rough = truth + np.array([[3, -4], [-2, 3], [4, 2], [-3, -3]], np.float32)
    corners = _refine(frame, rough)
    assert corners is not None
    error = np.linalg.norm(corners - truth, axis=1).max() / (truth[1, 0] - truth[0, 0])
    assert error < 0.01


def test_a_line_with_no_edge_under_it_in_grey_or_colour_is_not_refitted() -> None:
    frame = np.full((480, 640, 3), WALL_BGR, np.uint8)
    cv2.rectangle(frame, (120, 150), (519, 361), (235, 235, 235), -1)  # no top edge at y=110
    rough = np.array([[120, 110], [520, 110], [520, 362], [120, 362]], np.float32)
    assert _refine(frame, rough) is None
