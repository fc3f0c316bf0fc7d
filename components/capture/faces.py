"""Face detection with the Haar cascade that ships inside the OpenCV 4.x wheels (works offline)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

_CASCADE_FILE = "haarcascade_frontalface_default.xml"
_local = threading.local()


@dataclass(frozen=True)
class FaceBox:
    """A detected face in full-frame pixel coordinates."""

    x: int
    y: int
    w: int
    h: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@cache
def _cascade_path() -> str:
    path = str(cv2.data.haarcascades) + _CASCADE_FILE  # type: ignore[attr-defined]
    if cv2.CascadeClassifier(path).empty():
        raise RuntimeError(
            f"OpenCV ships no {_CASCADE_FILE}; install opencv-python-headless < 5 (see README)"
        )
    return path


def _classifier() -> cv2.CascadeClassifier:
    # CascadeClassifier is not safe to share between threads: keep one per thread.
    classifier = getattr(_local, "classifier", None)
    if classifier is None:
        classifier = cv2.CascadeClassifier(_cascade_path())
        _local.classifier = classifier
    return classifier


def detect_faces(
    bgr: np.ndarray, *, work_width: int = 320, min_face_frac: float = 0.08,
    scale_factor: float = 1.1,
) -> list[FaceBox]:
    """Find frontal faces, largest first.

    The frame is downscaled to ``work_width`` pixels wide before detection (cost grows with
    area); ``min_face_frac`` is the smallest face side worth finding, as a share of the
    frame width; ``scale_factor`` the step between detection scales (larger is faster and
    coarser).
    """
    height, width = bgr.shape[:2]
    scale = min(1.0, work_width / width)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    if scale < 1.0:
        gray = cv2.resize(gray, (round(width * scale), round(height * scale)),
                          interpolation=cv2.INTER_AREA)
    min_side = max(20, round(min_face_frac * gray.shape[1]))
    found = _classifier().detectMultiScale(
        gray, scaleFactor=scale_factor, minNeighbors=5, minSize=(min_side, min_side)
    )
    boxes = [
        FaceBox(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
        for (x, y, w, h) in (found if len(found) else [])
    ]
    return sorted(boxes, key=lambda b: b.w * b.h, reverse=True)


def count_faces(bgr: np.ndarray) -> int:
    """Number of frontal faces in an image of any size (used by the simulator's checks)."""
    return len(detect_faces(bgr, work_width=min(640, bgr.shape[1]), min_face_frac=0.05))


def detect_face_near(bgr: np.ndarray, around: FaceBox, *, work_side: int = 64) -> FaceBox | None:
    """Re-find a face close to where it was, at about the same size (cheap tracking).

    Only a window 2.2x the previous box is searched, scaled so the face is ~``work_side`` px,
    over a narrow band of sizes: a handful of Haar scales instead of the full pyramid. It says
    nothing about other faces in the frame; callers run ``detect_faces`` on a regular basis.
    """
    height, width = bgr.shape[:2]
    pad = round(0.6 * max(around.w, around.h))
    x0, y0 = max(0, around.x - pad), max(0, around.y - pad)
    x1, y1 = min(width, around.x + around.w + pad), min(height, around.y + around.h + pad)
    if x1 - x0 < 24 or y1 - y0 < 24:
        return None
    scale = min(1.0, work_side / max(1, around.h))
    window = bgr[y0:y1, x0:x1]
    gray = cv2.cvtColor(window, cv2.COLOR_BGR2GRAY) if window.ndim == 3 else window
    if scale < 1.0:
        size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    expected = around.h * scale
    low, high = max(20, round(0.7 * expected)), round(1.45 * expected)
    if high <= low or high > min(gray.shape[:2]):
        high = min(gray.shape[:2])
    found = _classifier().detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=4, minSize=(low, low), maxSize=(high, high)
    )
    if not len(found):
        return None
    x, y, w, h = max(found, key=lambda box: box[2] * box[3])
    return FaceBox(x0 + round(x / scale), y0 + round(y / scale), round(w / scale), round(h / scale))
