"""Per-frame quality checks for the face and the ID card. Pure functions of one frame.

Steadiness needs the previous frame's measurements, so it is passed in and the caller keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from components.capture.card import ID1_ASPECT, find_card_quad, quad_aspect, rectify
from components.capture.config import CaptureConfig
from components.capture.faces import FaceBox, detect_face_near, detect_faces
from components.capture.guided import find_card_in_guide, looks_printed
from components.capture.hints import Hint

# The card is rectified to its own pixel width, at most this, for the sharpness and glare checks:
# never upsampled (that would soften a small card and fail it for blur it does not have).
CHECK_CROP_WIDTH = 640
FACE_SHARPNESS_SIDE = 128  # the face crop is resized to this size before the Laplacian


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp edges, low for blur."""
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def frames_differ(a: np.ndarray, b: np.ndarray, min_difference: float) -> bool:
    """Whether two frames differ by at least ``min_difference`` grey levels on average."""
    if a.shape != b.shape:
        return True
    return float(cv2.norm(a, b, cv2.NORM_L1)) / a.size >= min_difference


@dataclass(frozen=True)
class FaceCheck:
    """One frame's face verdict: ``hint`` is None when the frame is good enough to capture."""

    hint: Hint | None
    face: FaceBox | None = None
    size: float = 0.0  # face height over the frame's short side
    luma: float = 0.0
    sharpness: float = 0.0

    @property
    def ok(self) -> bool:
        return self.hint is None


def check_face(
    bgr: np.ndarray, config: CaptureConfig, *, size_was_ok: bool, previous: FaceBox | None,
    full_detection: bool = True,
) -> FaceCheck:
    """Exactly one face, size band (hysteresis from ``size_was_ok``), centred, lit, sharp, steady.

    ``previous`` is the face of the previous analysed frame (None: steadiness unknown). With
    ``full_detection`` False and a previous face, the face is only re-found near where it was
    (cheap tracking; other faces are not looked for): the caller runs a full detection
    regularly and on every frame it is about to capture.
    """
    height, width = bgr.shape[:2]
    tracked = None
    if previous is not None and not full_detection:
        tracked = detect_face_near(bgr, previous)
    if tracked is not None:
        face = tracked
    else:
        faces = detect_faces(bgr, min_face_frac=0.08)
        if not faces:
            return FaceCheck(Hint.NO_FACE)
        face = faces[0]
        if any(other.h >= config.second_face_min_ratio * face.h for other in faces[1:]):
            return FaceCheck(Hint.SEVERAL_FACES, face)
    size = face.h / min(width, height)
    low = config.face_min_stay if size_was_ok else config.face_min_enter
    high = config.face_max_stay if size_was_ok else config.face_max_enter
    if size < low:
        photo = size <= config.face_photo_max and _inside_card(bgr, face)
        return FaceCheck(Hint.FACE_PHOTO if photo else Hint.MOVE_CLOSER, face, size)
    if size > high:
        return FaceCheck(Hint.MOVE_BACK, face, size)
    cx, cy = face.centre
    gx, gy = config.face_centre
    tolerance = config.face_centre_tolerance
    if abs(cx / width - gx) > tolerance or abs(cy / height - gy) > tolerance:
        return FaceCheck(Hint.CENTRE_FACE, face, size)
    gray = cv2.cvtColor(_clip(bgr, face), cv2.COLOR_BGR2GRAY)
    inner = gray[gray.shape[0] // 5 : -gray.shape[0] // 5, gray.shape[1] // 5 : -gray.shape[1] // 5]
    luma = float(inner.mean())
    clipped = float(np.count_nonzero(inner >= 250)) / inner.size
    if luma < config.face_min_luma:
        return FaceCheck(Hint.TOO_DARK, face, size, luma)
    if luma > config.face_max_luma or clipped > config.face_max_clipped:
        return FaceCheck(Hint.TOO_BRIGHT, face, size, luma)
    sharp = sharpness(cv2.resize(gray, (FACE_SHARPNESS_SIDE, FACE_SHARPNESS_SIDE),
                                 interpolation=cv2.INTER_AREA))
    if sharp < config.face_min_sharpness:
        return FaceCheck(Hint.BLURRY, face, size, luma, sharp)
    if previous is None or not _face_steady(face, previous, config):
        return FaceCheck(Hint.HOLD_STILL, face, size, luma, sharp)
    return FaceCheck(None, face, size, luma, sharp)


@dataclass(frozen=True)
class CardCheck:
    """One frame's card verdict (the side is decided by the caller, once the rest is good)."""

    hint: Hint | None
    corners: np.ndarray | None = None
    crop: np.ndarray | None = None  # rectified, min(card width, CHECK_CROP_WIDTH) wide
    aspect: float = 0.0
    width_share: float = 0.0
    sharpness: float = 0.0
    glare: float = 0.0
    card: bool = False  # a card was found near the guide (whatever its quality)
    guided: bool = False  # ``corners`` are the guided finder's (what the next frame tracks)
    tracked: bool = False  # ... found by tracking the previous frame's card

    @property
    def ok(self) -> bool:
        return self.hint is None


def check_card(bgr: np.ndarray, config: CaptureConfig, *, previous: np.ndarray | None,
               explain: bool = True, track: np.ndarray | None = None) -> CardCheck:
    """Card near the guide, large enough, lit, sharp, no glare, steady.

    The card is looked for near the on-screen guide (``guided.find_card_in_guide``: its edges,
    a thumb allowed over one, and print inside). When it is not there, a card-like outline
    anywhere in the frame only explains why (too small, too big, not flat); it is never
    captured. ``previous`` holds the corners found in the previous analysed frame (None:
    unknown). ``explain=False`` skips that explanation (plain NO_CARD): it costs about a
    quarter of the analysis of a frame without a card near the guide. ``track``: the guided
    finder's corners in the previous analysed frame, where its edges are looked for first
    (``find_card_in_guide``'s ``previous``; the found card passes the same checks).
    """
    width = bgr.shape[1]
    found = find_card_in_guide(bgr, previous=track)
    if found is None:
        return _why_no_card(bgr, config) if explain else CardCheck(Hint.NO_CARD)
    corners = found.corners
    aspect = quad_aspect(corners)
    share = _width_share(corners, width)
    if share < config.card_min_width:
        return CardCheck(Hint.CARD_TOO_SMALL, corners, aspect=aspect, width_share=share, card=True,
                         guided=True, tracked=found.tracked)
    if share > config.card_max_width:
        return CardCheck(Hint.CARD_TOO_BIG, corners, aspect=aspect, width_share=share, card=True,
                         guided=True, tracked=found.tracked)
    crop = found.crop
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    base = CardCheck(None, corners, crop, aspect, share, card=True, guided=True,
                     tracked=found.tracked)
    if float(gray.mean()) < config.card_min_luma:
        return _with(base, Hint.TOO_DARK)
    # Glare: near-white pixels inside the card (a 5 % border is left out: the card's edge and
    # any background the outline let in do not count).
    margin_y, margin_x = gray.shape[0] // 20, gray.shape[1] // 20
    inner = gray[margin_y:-margin_y, margin_x:-margin_x]
    glare = float(np.count_nonzero(inner > 240)) / inner.size
    sharp = sharpness(gray)
    base = CardCheck(None, corners, crop, aspect, share, sharp, glare, card=True, guided=True,
                     tracked=found.tracked)
    if glare > config.card_max_glare:
        return _with(base, Hint.GLARE)
    if sharp < config.card_min_sharpness:
        return _with(base, Hint.BLURRY)
    if previous is None or _max_corner_shift(corners, previous) > config.card_max_shift * width:
        return _with(base, Hint.HOLD_STILL)
    return base


def _why_no_card(bgr: np.ndarray, config: CaptureConfig) -> CardCheck:
    """No card near the guide: a card-like outline elsewhere says what to change, if any."""
    corners = find_card_quad(bgr, aspect_tolerance=config.card_outline_tolerance)
    if corners is None:
        return CardCheck(Hint.NO_CARD)
    aspect = quad_aspect(corners)
    share = _width_share(corners, bgr.shape[1])
    if abs(aspect / ID1_ASPECT - 1) > config.card_aspect_tolerance:
        return CardCheck(Hint.CARD_NOT_FLAT, corners, aspect=aspect, width_share=share)
    # Card-shaped with print inside: a card, just not where or how the guide wants it (a
    # manual capture may take it).
    card = looks_printed(rectify(bgr, corners, width=min(CHECK_CROP_WIDTH,
                                                          round(share * bgr.shape[1]))))
    if share < config.card_min_width:
        return CardCheck(Hint.CARD_TOO_SMALL, corners, aspect=aspect, width_share=share, card=card)
    if share > config.card_max_width:
        return CardCheck(Hint.CARD_TOO_BIG, corners, aspect=aspect, width_share=share, card=card)
    return CardCheck(Hint.NO_CARD, corners if card else None, card=card)


def _width_share(corners: np.ndarray, width: int) -> float:
    top, bottom = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])
    return float((top + bottom) / 2 / width)


def _with(check: CardCheck, hint: Hint) -> CardCheck:
    return CardCheck(hint, check.corners, check.crop, check.aspect, check.width_share,
                     check.sharpness, check.glare, check.card, check.guided, check.tracked)


def _max_corner_shift(corners: np.ndarray, previous: np.ndarray) -> float:
    return float(np.linalg.norm(corners - previous, axis=1).max())


def _face_steady(face: FaceBox, previous: FaceBox, config: CaptureConfig) -> bool:
    (x0, y0), (x1, y1) = face.centre, previous.centre
    shift = float(np.hypot(x1 - x0, y1 - y0))
    resize = abs(face.h - previous.h) / previous.h
    return shift <= config.face_max_shift * face.h and resize <= config.face_max_resize


def _clip(bgr: np.ndarray, face: FaceBox) -> np.ndarray:
    height, width = bgr.shape[:2]
    x0, y0 = max(0, face.x), max(0, face.y)
    x1, y1 = min(width, face.x + face.w), min(height, face.y + face.h)
    return bgr[y0:y1, x0:x1]


def _inside_card(bgr: np.ndarray, face: FaceBox) -> bool:
    """Whether the face is an ID card's portrait: inside a card-shaped outline, and as small
    relative to it as a card portrait is (a face in a doorway or a window is much larger)."""
    corners = find_card_quad(bgr, aspect_tolerance=0.35)
    if corners is None:
        return False
    left, right = corners[3] - corners[0], corners[2] - corners[1]
    card_height = float(np.linalg.norm(left) + np.linalg.norm(right)) / 2
    cx, cy = face.centre
    inside = cv2.pointPolygonTest(corners.reshape(-1, 1, 2), (cx, cy), False) >= 0
    return inside and 0.12 <= face.h / card_height <= 0.45
