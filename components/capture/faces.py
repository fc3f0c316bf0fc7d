"""Face detection for the capture engine: MediaPipe's BlazeFace (``blazeface.py``), offline.

BlazeFace replaced OpenCV's Haar cascade: on the face benchmark (benchmarks/face_detectors.py)
it finds more faces in side light, dim light and on darker skin, invents fewer, and costs a
fraction per frame. Boxes are given in the engine's convention (the one the thresholds in
``CaptureConfig`` were measured with): a square about the face's height, centred between the
eyes and the mouth, as the Haar cascade drew it. BlazeFace's own box sits ~12 % of its height
lower (it reaches the chin); the shift is undone here, its size is kept (within 5 %).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.capture import blazeface
from components.capture.blazeface import FaceInputError, check_image

__all__ = ["FaceBox", "FaceInputError", "count_faces", "detect_face_near", "detect_faces"]

BOX_SHIFT_UP = 0.12  # BlazeFace box centre -> engine box centre, share of the box height
NEAR_WINDOW = 2.2  # tracking window side, in face sizes
NEAR_SIZE = (0.7, 1.45)  # a tracked face keeps about its size
# BlazeFace's score for a real face, on the face benchmark: 0.88 or more for the astronaut in
# every condition (dark skin, side light, dim, glasses), median 0.87 for LFW's small grey
# faces; clutter in rooms (a motorcycle's headlight, a cat) and LFW's non-face patches reach
# 0.70. MediaPipe's default of 0.5 lets those through.
MIN_SCORE = 0.75
MAX_ROLL = 50.0  # degrees; BlazeFace also finds faces on their side or upside down


@dataclass(frozen=True)
class FaceBox:
    """A detected face in full-frame pixel coordinates."""

    x: int
    y: int
    w: int
    h: int
    score: float = 1.0  # the detector's confidence

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


def upright(found: blazeface.Detection) -> bool:
    """Whether the face is the right way up (head roll within ``MAX_ROLL``): the mouth below
    the eyes. A card upside down, or a selfie on its side, is not a face the engine takes."""
    eyes, mouth = found.keypoints[0:2].mean(axis=0), found.keypoints[3]
    dx, dy = mouth - eyes
    return bool(dy > 0 and abs(np.degrees(np.arctan2(dx, dy))) <= MAX_ROLL)


def _face_box(found: blazeface.Detection, dx: int = 0, dy: int = 0) -> FaceBox:
    x, y, w, h = found.box
    side = (w + h) / 2
    cx, cy = x + w / 2 + dx, y + h / 2 + dy - BOX_SHIFT_UP * h
    return FaceBox(round(cx - side / 2), round(cy - side / 2), round(side), round(side),
                   found.score)


def detect_faces(bgr: np.ndarray, *, min_face_frac: float = 0.08,
                 min_score: float | None = None) -> list[FaceBox]:
    """Upright faces in a BGR (or greyscale) image, largest first.

    ``min_face_frac`` is the smallest face side worth reporting, as a share of the image
    width; ``min_score`` the least detector score (default ``MIN_SCORE``). Raises
    ``FaceInputError`` for anything but an 8-bit image.
    """
    width = check_image(bgr).shape[1]
    score = MIN_SCORE if min_score is None else min_score
    boxes = [_face_box(found) for found in blazeface.detect(bgr, min_score=score)
             if upright(found)]
    boxes = [box for box in boxes if box.w >= min_face_frac * width]
    return sorted(boxes, key=lambda b: b.w * b.h, reverse=True)


def count_faces(bgr: np.ndarray) -> int:
    """Number of faces in an image of any size (used by the simulator's checks)."""
    return len(detect_faces(bgr, min_face_frac=0.05))


def detect_face_near(bgr: np.ndarray, around: FaceBox) -> FaceBox | None:
    """Re-find a face close to where it was, at about the same size (cheap tracking).

    Only a square window ``NEAR_WINDOW`` times the previous box is searched (one inference in
    which the face is large); it says nothing about other faces in the frame, so callers run
    ``detect_faces`` on a regular basis.
    """
    height, width = check_image(bgr).shape[:2]
    cx, cy = around.centre
    half = NEAR_WINDOW * max(around.w, around.h) / 2
    x0, y0 = max(0, round(cx - half)), max(0, round(cy - half))
    x1, y1 = min(width, round(cx + half)), min(height, round(cy + half))
    if x1 - x0 < 24 or y1 - y0 < 24:
        return None
    window = bgr[y0:y1, x0:x1]
    candidates = [_face_box(found, x0, y0)
                  for found in blazeface.detect(window, min_score=MIN_SCORE, centre_square=False)
                  if upright(found)]
    low, high = NEAR_SIZE[0] * around.h, NEAR_SIZE[1] * around.h
    candidates = [box for box in candidates if low <= box.h <= high]
    if not candidates:
        return None
    return min(candidates, key=lambda box: (box.centre[0] - cx) ** 2 + (box.centre[1] - cy) ** 2)
