"""Test imagery: a real face photo (scikit-image's public-domain astronaut) and drawn ID cards.

Shared by tests, benchmarks and the browser clips; nothing here is used by the app itself.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

CARD_ASPECT = 85.60 / 53.98  # ISO ID-1


@cache
def _astronaut() -> np.ndarray:
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[:, :, ::-1])


def astronaut_bgr() -> np.ndarray:
    """The 512x512 astronaut photo as BGR (a copy; callers may draw on it)."""
    return _astronaut().copy()


def face_crop() -> np.ndarray:
    """Head-and-shoulders crop around the astronaut's face (face box is at x=174, y=64, 98x98)."""
    return _astronaut()[20:260, 120:330].copy()


def background(width: int, height: int, shade: int = 90, seed: int = 0) -> np.ndarray:
    """A plain wall with a little sensor noise, so frames are never byte-identical."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 3, (height, width, 1))
    base = np.full((height, width, 3), (shade, shade + 5, shade + 10), np.float32)
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def face_frame(
    width: int = 640,
    height: int = 480,
    face_frac: float = 0.45,
    centre: tuple[float, float] = (0.5, 0.45),
    seed: int = 0,
) -> np.ndarray:
    """A webcam-like frame with the astronaut's face; face_frac = face side / frame height."""
    frame = background(width, height, seed=seed)
    crop = face_crop()
    # In face_crop the face is ~98 px of a 240 px tall crop, centred at (103, 93).
    scale = face_frac * height / 98
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    cx, cy = round(centre[0] * width - 103 * scale), round(centre[1] * height - 93 * scale)
    _paste(frame, crop, cx, cy)
    return frame


def two_faces_frame(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """Two people side by side."""
    frame = background(width, height, seed=seed)
    left = face_frame(width, height, 0.38, (0.27, 0.45), seed)
    right = face_frame(width, height, 0.38, (0.73, 0.45), seed + 1)
    frame[:, : width // 2] = left[:, : width // 2]
    frame[:, width // 2 :] = right[:, width // 2 :]
    return frame


def no_face_frame(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """An empty room: a wall and a door frame, no person."""
    frame = background(width, height, seed=seed)
    cv2.rectangle(frame, (width // 3, height // 6), (2 * width // 3, height), (60, 70, 80), 8)
    return frame


def id_card_front(width: int = 856) -> np.ndarray:
    """A drawn ID-1 card front: portrait left, text lines, a 14-digit number. Plainly fake."""
    card = _card_base(width)
    height = card.shape[0]
    portrait = cv2.resize(face_crop(), (round(width * 0.26), round(height * 0.55)))
    _paste(card, portrait, round(width * 0.05), round(height * 0.22))
    for i, frac in enumerate((0.28, 0.38, 0.48, 0.58)):
        x0 = round(width * 0.38)
        cv2.rectangle(card, (x0, round(height * frac)), (round(width * (0.92 - 0.06 * i)),
                      round(height * frac) + height // 22), (40, 40, 40), -1)
    cv2.putText(card, "29001010112345", (round(width * 0.36), round(height * 0.86)),
                cv2.FONT_HERSHEY_SIMPLEX, width / 600, (20, 20, 20), max(2, width // 300))
    return card


def id_card_back(width: int = 856) -> np.ndarray:
    """A drawn ID-1 card back: text lines and a barcode, no portrait."""
    card = _card_base(width)
    height = card.shape[0]
    for i in range(5):
        y = round(height * (0.2 + 0.1 * i))
        cv2.rectangle(card, (round(width * 0.08), y), (round(width * 0.85), y + height // 24),
                      (50, 50, 50), -1)
    rng = np.random.default_rng(7)
    x = round(width * 0.08)
    while x < width * 0.9:
        bar = int(rng.integers(2, 7))
        top, bottom = round(height * 0.74), round(height * 0.9)
        cv2.rectangle(card, (x, top), (x + bar, bottom), (15, 15, 15), -1)
        x += bar + int(rng.integers(2, 6))
    return card


def card_in_frame(
    card: np.ndarray,
    width: int = 1280,
    height: int = 720,
    fill: float = 0.6,
    tilt: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """The card held in front of a desk, covering ``fill`` of the frame width, optionally tilted."""
    frame = background(width, height, shade=70, seed=seed)
    cw = fill * width
    ch = cw * card.shape[0] / card.shape[1]
    cx, cy = width / 2, height / 2
    dx = tilt * cw
    dst = np.float32([
        [cx - cw / 2 + dx, cy - ch / 2], [cx + cw / 2 - dx, cy - ch / 2],
        [cx + cw / 2, cy + ch / 2], [cx - cw / 2, cy + ch / 2],
    ])
    h, w = card.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(card, matrix, (width, height))
    mask = cv2.warpPerspective(np.full(card.shape[:2], 255, np.uint8), matrix, (width, height))
    frame[mask > 0] = warped[mask > 0]
    return frame


def jpeg(bgr: np.ndarray, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def _card_base(width: int) -> np.ndarray:
    height = round(width / CARD_ASPECT)
    card = np.zeros((height, width, 3), np.uint8)
    # Soft blue-green guilloche-like gradient, as on the real card.
    ramp = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
    card[:] = np.clip(np.array([215, 225, 205]) - 25 * ramp, 0, 255).astype(np.uint8)
    cv2.rectangle(card, (0, 0), (width - 1, height - 1), (120, 120, 120), 2)
    cv2.rectangle(card, (0, 0), (width, height // 8), (170, 150, 110), -1)
    return card


def _paste(dst: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    h, w = src.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(dst.shape[1], x + w), min(dst.shape[0], y + h)
    if x1 > x0 and y1 > y0:
        dst[y0:y1, x0:x1] = src[y0 - y : y1 - y, x0 - x : x1 - x]


# --- Added for the capture engine tests (issue 3) ---------------------------------------------


def darkened(frame: np.ndarray, factor: float = 0.3) -> np.ndarray:
    """The frame in a dim room: every channel scaled down."""
    return np.clip(frame.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def overexposed(frame: np.ndarray, gain: float = 1.3, lift: float = 30) -> np.ndarray:
    """The frame with the exposure pushed up until skin and paper clip to white."""
    return np.clip(frame.astype(np.float32) * gain + lift, 0, 255).astype(np.uint8)


def blurred(frame: np.ndarray, sigma: float = 4.0) -> np.ndarray:
    """Out of focus, or moving fast: a Gaussian blur of ``sigma`` pixels."""
    return cv2.GaussianBlur(frame, (0, 0), sigma)


def with_glare(frame: np.ndarray, centre: tuple[float, float] = (0.55, 0.5),
               radius: float = 0.12) -> np.ndarray:
    """A specular reflection: a saturated white spot (``radius`` = share of the frame width)."""
    out = frame.copy()
    height, width = frame.shape[:2]
    spot = np.zeros((height, width), np.float32)
    cv2.circle(spot, (round(centre[0] * width), round(centre[1] * height)),
               round(radius * width), 1.0, -1)
    spot = cv2.GaussianBlur(spot, (0, 0), radius * width / 6)
    lifted = out.astype(np.float32) + spot[:, :, None] * 400
    return np.clip(lifted, 0, 255).astype(np.uint8)


def photo_held_up_frame(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """Someone holding their ID card up to the camera instead of showing their face."""
    return card_in_frame(id_card_front(), width, height, fill=0.8, seed=seed)


def flow_frames(width: int = 640, height: int = 480, fps: int = 15,
                seconds_per_step: float = 1.0) -> list[np.ndarray]:
    """Card front, then back, then a face, each for ``seconds_per_step``; every frame distinct."""
    count = round(fps * seconds_per_step)
    front, back = id_card_front(), id_card_back()
    frames = [card_in_frame(front, width, height, fill=0.65, seed=i) for i in range(count)]
    frames += [card_in_frame(back, width, height, fill=0.65, seed=100 + i) for i in range(count)]
    frames += [face_frame(width, height, seed=200 + i) for i in range(count)]
    return frames
