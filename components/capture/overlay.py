"""Guidance drawn on the frame: the guide shape coloured by state, and progress marks.

No text is drawn (OpenCV cannot render Arabic; the UI shows the hint as text beside the video).
Everything is a few line primitives, so drawing costs well under a millisecond at 720p.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import cv2
import numpy as np

from components.capture.card import ID1_ASPECT
from components.capture.hints import Hint, Step

# BGR colours
WHITE = (235, 235, 235)
AMBER = (0, 176, 255)
GREEN = (90, 200, 40)
GREY = (150, 150, 150)

SEARCHING_HINTS = frozenset({Hint.STARTING, Hint.NO_FACE, Hint.NO_CARD, Hint.DONE})
GOOD_HINTS = frozenset({Hint.HOLD_STILL, Hint.CAPTURED})


class Mood(Enum):
    """How the guide is coloured: looking for the subject, needs adjusting, good."""

    SEARCHING = WHITE
    ADJUST = AMBER
    GOOD = GREEN


@dataclass(frozen=True)
class OverlayState:
    """What the overlay needs, published by the engine after each analysis."""

    step: Step | None
    hint: Hint
    face_progress: int = 0
    steps_done: int = 0
    total_steps: int = 0
    card_corners: np.ndarray | None = None  # last card outline found, frame pixels
    flash: bool = False  # a capture just happened


def mood(hint: Hint) -> Mood:
    if hint in SEARCHING_HINTS:
        return Mood.SEARCHING
    if hint in GOOD_HINTS:
        return Mood.GOOD
    return Mood.ADJUST


def face_guide(width: int, height: int, centre: tuple[float, float]) -> tuple[
        tuple[int, int], tuple[int, int]]:
    """Centre and semi-axes of the face oval (sized for a face of ~0.45 of the short side)."""
    short = min(width, height)
    return ((round(centre[0] * width), round(centre[1] * height)),
            (round(0.25 * short), round(0.33 * short)))


def card_guide(width: int, height: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Top-left and bottom-right of the ID-1 card outline, centred.

    Two thirds of the frame width: inside the accepted band of card sizes (40-92 %), so a card
    that fills the outline is always the right size.
    """
    guide_w = min(0.66 * width, 0.8 * height * ID1_ASPECT)
    guide_h = guide_w / ID1_ASPECT
    x0, y0 = round((width - guide_w) / 2), round((height - guide_h) / 2)
    return (x0, y0), (round(x0 + guide_w), round(y0 + guide_h))


def draw(bgr: np.ndarray, state: OverlayState,
         face_centre: tuple[float, float] = (0.5, 0.45), *, scale: float = 1.0) -> np.ndarray:
    """Draw the guidance onto ``bgr`` in place and return it. ``scale`` is the size of ``bgr``
    relative to the analysed frame (the card outline is in the analysed frame's pixels); the
    guides are placed relative to ``bgr`` itself."""
    height, width = bgr.shape[:2]
    short = min(width, height)
    thickness = max(2, short // 160)
    colour = GREEN if state.flash else mood(state.hint).value
    if state.flash:
        thickness *= 2
    if state.step is Step.FACE:
        centre, axes = face_guide(width, height, face_centre)
        cv2.ellipse(bgr, centre, axes, 0, 0, 360, colour, thickness, cv2.LINE_AA)
        _face_marks(bgr, centre, axes, state.face_progress, thickness)
    elif state.step is not None:
        top_left, bottom_right = card_guide(width, height)
        _corner_brackets(bgr, top_left, bottom_right, colour, thickness)
        _side_cue(bgr, top_left, bottom_right, state.step, colour)
        if state.card_corners is not None:
            outline = np.rint(state.card_corners * scale).reshape(-1, 1, 2).astype(np.int32)
            cv2.polylines(bgr, [outline], True, colour, max(1, thickness // 2), cv2.LINE_AA)
    _step_marks(bgr, state, thickness)
    return bgr


def _corner_brackets(bgr: np.ndarray, top_left: tuple[int, int], bottom_right: tuple[int, int],
                     colour: tuple[int, int, int], thickness: int) -> None:
    (x0, y0), (x1, y1) = top_left, bottom_right
    arm = (x1 - x0) // 8
    for x, y, dx, dy in ((x0, y0, 1, 1), (x1, y0, -1, 1), (x1, y1, -1, -1), (x0, y1, 1, -1)):
        cv2.line(bgr, (x, y), (x + dx * arm, y), colour, thickness, cv2.LINE_AA)
        cv2.line(bgr, (x, y), (x, y + dy * arm), colour, thickness, cv2.LINE_AA)
    cv2.rectangle(bgr, top_left, bottom_right, colour, 1, cv2.LINE_AA)


def _side_cue(bgr: np.ndarray, top_left: tuple[int, int], bottom_right: tuple[int, int],
              step: Step, colour: tuple[int, int, int]) -> None:
    """Which side to show, without words: the front's portrait frame, or the back's barcode."""
    (x0, y0), (x1, y1) = top_left, bottom_right
    w, h = x1 - x0, y1 - y0
    if step is Step.ID_FRONT:
        cv2.rectangle(bgr, (x0 + round(0.05 * w), y0 + round(0.22 * h)),
                      (x0 + round(0.31 * w), y0 + round(0.77 * h)), colour, 1)
    else:
        top, bottom = y0 + round(0.76 * h), y0 + round(0.9 * h)
        for i in range(24):
            x = x0 + round((0.08 + 0.02 * i) * w)
            cv2.line(bgr, (x, top), (x, bottom), colour, 1 + i % 3 // 2)


def _face_marks(bgr: np.ndarray, centre: tuple[int, int], axes: tuple[int, int],
                progress: int, thickness: int) -> None:
    """Three dots under the oval, filled as the three face frames are taken."""
    radius = max(4, axes[0] // 14)
    y = min(bgr.shape[0] - radius - 2, centre[1] + axes[1] + 3 * radius)
    for i in range(3):
        x = centre[0] + (i - 1) * 4 * radius
        if i < progress:
            cv2.circle(bgr, (x, y), radius, GREEN, -1, cv2.LINE_AA)
        else:
            cv2.circle(bgr, (x, y), radius, WHITE, max(1, thickness // 2), cv2.LINE_AA)


def _step_marks(bgr: np.ndarray, state: OverlayState, thickness: int) -> None:
    """One dot per step along the top edge: filled when done, ringed when current."""
    if state.total_steps <= 0:
        return
    radius = max(4, min(bgr.shape[:2]) // 60)
    y = 2 * radius + 4
    x0 = bgr.shape[1] // 2 - (state.total_steps - 1) * 2 * radius
    for i in range(state.total_steps):
        x = x0 + i * 4 * radius
        if i < state.steps_done:
            cv2.circle(bgr, (x, y), radius, GREEN, -1, cv2.LINE_AA)
        elif i == state.steps_done and state.step is not None:
            cv2.circle(bgr, (x, y), radius, WHITE, -1, cv2.LINE_AA)
            cv2.circle(bgr, (x, y), radius + 2, GREY, max(1, thickness // 2), cv2.LINE_AA)
        else:
            cv2.circle(bgr, (x, y), radius, GREY, max(1, thickness // 2), cv2.LINE_AA)
