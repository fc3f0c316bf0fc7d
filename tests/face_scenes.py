"""Face scenes for the face detector's benchmark and tests: real faces under conditions a
webcam meets, and places without a face.

Faces: the astronaut photo (``tests/imagery.py``; the one full-colour face available offline)
in front of the robustness scenes' places, 28-62 % of the frame's short side (the capture
band), with its skin re-toned from light to dark brown (the face's lightness and chroma on a
skin mask; hair, eyes and background untouched), with glasses drawn on, lit from one side
(half the face in shadow), or dim (12-30 % of the light, more sensor noise); and the
100 faces of scikit-image's ``lfw_subset`` (100 real people photographed in the press,
greyscale, only 25x25 px: scaled up, so soft). Negatives: the robustness scenes' places with
no person, LFW's 100 non-face patches, and an ID card held up to the camera (its portrait is a
face, but not a live one).

The skin re-toning is synthetic: it changes the tone, not the face's features; it shows
whether a detector depends on skin brightness and contrast, which is how Haar cascades fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np

from tests.imagery import face_crop
from tests.scenes import SIZES, background_scene, finish

# In face_crop the face is ~98 px of the 240 px crop, centred at (103, 93); the eyes are at
# about (84, 81) and (128, 88).
_CROP_FACE, _CROP_CENTRE = 98, (103, 93)
_EYES = ((84, 81), (128, 88))
# Skin lightness factors: the astronaut's own light skin to dark brown.
TONES = {"light": 1.0, "medium": 0.78, "tan": 0.62, "brown": 0.47, "dark brown": 0.36}


@dataclass(frozen=True)
class FaceScene:
    """One frame and its face (centre x, y and side in pixels; None: no face)."""

    image: np.ndarray = field(repr=False)
    face: tuple[float, float, float] | None
    condition: str


def retoned(crop: np.ndarray, factor: float) -> np.ndarray:
    """The crop with its skin's lightness scaled by ``factor`` (chroma a little richer as the
    skin darkens, as real darker skin is), feathered at the skin's edge."""
    ycc = cv2.cvtColor(crop, cv2.COLOR_BGR2YCrCb)
    skin = cv2.inRange(ycc, (40, 135, 85), (255, 180, 130)).astype(np.float32) / 255
    skin = cv2.GaussianBlur(cv2.morphologyEx(skin, cv2.MORPH_CLOSE, np.ones((5, 5))), (0, 0), 3)
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).astype(np.float32)
    toned = lab.copy()
    toned[:, :, 0] *= factor
    toned[:, :, 1:] = 128 + (lab[:, :, 1:] - 128) * (1 + 0.6 * (1 - factor))
    toned = cv2.cvtColor(np.clip(toned, 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR)
    alpha = skin[:, :, None]
    return (crop * (1 - alpha) + toned * alpha).astype(np.uint8)


def with_glasses(crop: np.ndarray, tint: float = 0.15) -> np.ndarray:
    """Round glasses with dark frames and lightly tinted lenses over the crop's eyes."""
    out = crop.copy()
    lenses = np.zeros(crop.shape[:2], np.uint8)
    for x, y in _EYES:
        cv2.circle(lenses, (x, y), 15, 255, -1)
    alpha = (lenses.astype(np.float32) / 255 * tint)[:, :, None]
    out = (out * (1 - alpha) + np.array([40, 30, 20]) * alpha).astype(np.uint8)
    (lx, ly), (rx, ry) = _EYES
    for x, y in _EYES:
        cv2.circle(out, (x, y), 15, (25, 25, 30), 2, cv2.LINE_AA)
    cv2.line(out, (lx + 15, ly), (rx - 15, ry), (25, 25, 30), 2, cv2.LINE_AA)
    cv2.line(out, (lx - 15, ly), (lx - 32, ly - 3), (25, 25, 30), 2, cv2.LINE_AA)
    cv2.line(out, (rx + 15, ry), (rx + 30, ry - 4), (25, 25, 30), 2, cv2.LINE_AA)
    return out


def side_lit(frame: np.ndarray, rng: np.random.Generator, face_x: float,
             face_side: float) -> np.ndarray:
    """A lamp on one side: one half of the face lit, the other in shadow (10-25 % of the
    light), the change spread over half the face's width."""
    x = np.arange(frame.shape[1], dtype=np.float32)
    low = rng.uniform(0.1, 0.25)
    direction = 1 if rng.random() < 0.5 else -1
    ramp = low + (1.1 - low) / (1 + np.exp(-direction * (x - face_x) / (0.12 * face_side)))
    return np.clip(frame * ramp[None, :, None], 0, 255).astype(np.uint8)


@cache
def _lfw() -> np.ndarray:
    from skimage import data

    return (data.lfw_subset() * 255).astype(np.uint8)  # 100 faces, then 100 non-faces


def _place_face(rng: np.random.Generator, picture: np.ndarray, face_side: float,
                centre: tuple[float, float]) -> tuple[np.ndarray, tuple[float, float, float]]:
    """``picture`` (a crop with its face of ``face_side`` px at ``centre``) pasted into a
    place at 28-62 % of the frame's short side, near the guide's oval."""
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    frame, _ = background_scene(rng, width, height, people=False)
    side = rng.uniform(0.28, 0.62) * min(width, height)
    scale = side / face_side
    picture = cv2.resize(picture, None, fx=scale, fy=scale,
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    fx, fy = width * rng.uniform(0.42, 0.58), height * rng.uniform(0.4, 0.52)
    x, y = round(fx - centre[0] * scale), round(fy - centre[1] * scale)
    h, w = picture.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
    frame[y0:y1, x0:x1] = picture[y0 - y:y1 - y, x0 - x:x1 - x]
    return frame, (fx, fy, side)


def astronaut_scene(rng: np.random.Generator, condition: str) -> FaceScene:
    """The astronaut under one condition: a skin tone name, "glasses", "side light", "dim"."""
    crop = face_crop()
    if condition in TONES:
        crop = retoned(crop, TONES[condition])
    elif condition == "glasses":
        crop = with_glasses(crop)
    frame, face = _place_face(rng, crop, _CROP_FACE, _CROP_CENTRE)
    if condition == "side light":
        frame = side_lit(frame, rng, face[0], face[2])
    elif condition == "dim":
        frame = np.clip(frame * rng.uniform(0.12, 0.3) + rng.normal(0, 4, frame.shape),
                        0, 255).astype(np.uint8)
    image, _ = finish(frame, rng)
    return FaceScene(image, face, condition)


def lfw_scene(rng: np.random.Generator, index: int) -> FaceScene:
    """LFW face ``index`` (0-99): the 25 px crop holds the face (~20 px across) centred."""
    grey = cv2.cvtColor(_lfw()[index], cv2.COLOR_GRAY2BGR)
    frame, face = _place_face(rng, grey, 20.0, (12.5, 13.0))
    image, _ = finish(frame, rng)
    return FaceScene(image, face, "LFW (25 px, grey)")


def no_face_scene(rng: np.random.Generator, index: int) -> FaceScene:
    """A place without a person; every other one shows one of LFW's non-face patches (an
    object or a bit of a scene) where a face would be."""
    if index % 2:
        grey = cv2.cvtColor(_lfw()[100 + index // 2 % 100], cv2.COLOR_GRAY2BGR)
        frame, _ = _place_face(rng, grey, 20.0, (12.5, 13.0))
        image, _ = finish(frame, rng)
        return FaceScene(image, None, "LFW non-face patch")
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    frame, _ = background_scene(rng, width, height, people=False)
    image, _ = finish(frame, rng)
    return FaceScene(image, None, "place, nobody")


ASTRONAUT_CONDITIONS = (*TONES, "glasses", "side light", "dim")
Maker = Callable[[np.random.Generator, int], FaceScene]


def face_scene_set(per_condition: int, seed: int = 2026) -> list[FaceScene]:
    """``per_condition`` astronaut scenes per condition, as many LFW faces (up to 100) and
    twice as many scenes without a face; the same for a given seed."""
    rng = np.random.default_rng(seed)
    scenes = [astronaut_scene(rng, condition) for condition in ASTRONAUT_CONDITIONS
              for _ in range(per_condition)]
    scenes += [lfw_scene(rng, i % 100) for i in range(min(per_condition, 100))]
    scenes += [no_face_scene(rng, i) for i in range(2 * per_condition)]
    return scenes
