"""JPEG encoding under a byte budget.

Encoding keeps the highest JPEG quality that fits the budget and only downscales when even
``MIN_QUALITY`` does not fit: detail matters more to face matching and OCR than resolution
beyond what the budget can carry. Output JPEGs carry no metadata at all (OpenCV writes none).

Uploaded photos are decoded, under budgets checked before decoding, by ``decode.py``
(``decode_upload`` and ``ImageInputError`` are re-exported here).
"""

from __future__ import annotations

import hashlib
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

# Decoding of uploads lives in decode.py; these names stay importable from here.
from components.capture.decode import MIN_SIDE
from components.capture.decode import ImageInputError as ImageInputError
from components.capture.decode import decode_upload as decode_upload

FACE_MAX_BYTES = 500_000  # Vlens liveness: each face image under 500 KB (hard limit)
CARD_MAX_BYTES = 1_000_000  # default budget for card images (configurable)
HARD_MAX_BYTES = 5_000_000  # Vlens rejects any image over 5 MB (code 5002)
HARD_MAX_PIXELS = 25_000_000  # ... or over 25 megapixels (code 5003)
MAX_QUALITY = 95  # above this JPEG grows fast for no visible gain
MIN_QUALITY = 70  # below this, block artefacts hurt OCR and face matching: downscale instead
FLOOR_QUALITY = 30  # last resort once the image is as small as we allow
_LAST_RESORT_SIDE = 8
_SAMPLE_PIXELS = 400_000  # above this, sizes are first estimated from full-resolution tiles


@dataclass(frozen=True)
class EncodedImage:
    """A JPEG ready to send, with its pixel size and the quality it was encoded at."""

    jpeg: bytes
    width: int
    height: int
    quality: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.jpeg).hexdigest()

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.jpeg)

    def __repr__(self) -> str:  # never dump the bytes into logs
        return (f"EncodedImage({self.width}x{self.height}, q={self.quality}, "
                f"{self.size} bytes, sha256={self.sha256[:12]}…)")


def encode_jpeg_under(
    bgr: np.ndarray, max_bytes: int, max_pixels: int = HARD_MAX_PIXELS
) -> EncodedImage:
    """Encode ``bgr`` as a JPEG strictly smaller than ``max_bytes`` with at most ``max_pixels``.

    Both limits are clamped to Vlens' hard limits (5 MB, 25 MP). Searches the highest quality in
    ``MIN_QUALITY..MAX_QUALITY`` that fits; downscales only when ``MIN_QUALITY`` does not fit.
    """
    if bgr.ndim not in (2, 3) or bgr.size == 0:
        raise ValueError("expected a non-empty image array")
    max_bytes = min(max_bytes, HARD_MAX_BYTES)
    max_pixels = min(max_pixels, HARD_MAX_PIXELS)
    if max_bytes < 2_000:
        raise ValueError("a byte budget under 2 kB cannot hold a useful JPEG")
    image = _fit_pixels(np.ascontiguousarray(bgr), max_pixels)
    while True:
        estimate = _estimated_size(image, MIN_QUALITY)
        if estimate is not None and estimate > 1.2 * max_bytes and _can_shrink(image):
            # Clearly too big even at the lowest quality we like: JPEG size grows roughly with
            # area, so jump straight to the scale that should fit instead of encoding in full.
            image = _scaled(image, math.sqrt(0.85 * max_bytes / estimate))
            continue
        found = _highest_quality_under(image, max_bytes, MIN_QUALITY)
        if found is not None:
            return found
        if not _can_shrink(image):
            break
        image = _scaled(image, 0.85)
    while True:  # a tiny budget or an extreme strip: trade quality, then size, for the budget
        found = _highest_quality_under(image, max_bytes, FLOOR_QUALITY)
        if found is not None:
            return found
        if min(image.shape[:2]) <= _LAST_RESORT_SIDE:
            raise ValueError(f"cannot fit the image under {max_bytes} bytes")
        image = _scaled(image, 0.7, min_side=_LAST_RESORT_SIDE)


def _encode(image: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()


def _highest_quality_under(
    image: np.ndarray, max_bytes: int, lowest: int
) -> EncodedImage | None:
    """Highest quality in ``lowest..MAX_QUALITY`` under the budget; None if ``lowest`` is too big.

    Size grows with quality. The search starts from a guess (made on full-resolution tiles for
    large images) and probes two qualities per round on two threads (OpenCV releases the GIL
    while encoding), so a 12 MP photo usually costs one or two rounds of full encodes.
    """
    sizes: dict[int, bytes] = {}
    good: int | None = None  # highest quality known to fit
    bad: int | None = None  # lowest quality known not to fit
    guess = _guess_quality(image, max_bytes, lowest)
    probes = [guess, guess + 1] if guess < MAX_QUALITY else [guess]
    while probes:
        for quality, jpeg in zip(probes, _encode_many(image, probes), strict=True):
            sizes[quality] = jpeg
            if len(jpeg) < max_bytes:
                good = quality if good is None else max(good, quality)
            else:
                bad = quality if bad is None else min(bad, quality)
        probes = _next_probes(good, bad, lowest)
    if good is None:
        return None
    return EncodedImage(sizes[good], image.shape[1], image.shape[0], good)


def _next_probes(good: int | None, bad: int | None, lowest: int) -> list[int]:
    """Up to two qualities to try next, or none when the answer is known."""
    if good is None:  # everything tried was too big: step down, faster and faster
        assert bad is not None
        if bad <= lowest:
            return []
        return sorted({max(lowest, bad - 1), max(lowest, bad - 4)})
    if bad is None:  # everything tried fits: step up
        if good >= MAX_QUALITY:
            return []
        return sorted({min(MAX_QUALITY, good + 1), min(MAX_QUALITY, good + 3)})
    gap = bad - good
    if gap <= 1:
        return []
    if gap == 2:
        return [good + 1]
    return sorted({good + gap // 3, good + (2 * gap) // 3} - {good, bad})


def _encode_many(image: np.ndarray, qualities: list[int]) -> list[bytes]:
    if len(qualities) == 1:
        return [_encode(image, qualities[0])]
    return list(_pool().map(lambda quality: _encode(image, quality), qualities))


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="jpeg-encode")


def _guess_quality(image: np.ndarray, max_bytes: int, lowest: int) -> int:
    """Highest quality whose tile-extrapolated size fits (MAX_QUALITY for small images)."""
    if image.shape[0] * image.shape[1] <= 2 * _SAMPLE_PIXELS:
        return MAX_QUALITY
    low, high, best = lowest, MAX_QUALITY, lowest
    while low <= high:
        quality = (low + high) // 2
        estimate = _estimated_size(image, quality)
        if estimate is not None and estimate < max_bytes:
            best, low = quality, quality + 1
        else:
            high = quality - 1
    return best


def _estimated_size(image: np.ndarray, quality: int) -> float | None:
    """JPEG size at ``quality`` extrapolated from full-resolution tiles (None: just encode it).

    Tiles keep the native pixel scale, so noise and fine detail count as they will in the
    full image (a downscaled preview would hide them).
    """
    height, width = image.shape[:2]
    if width * height <= 2 * _SAMPLE_PIXELS:
        return None
    side = min(int(math.sqrt(_SAMPLE_PIXELS / 4)), width // 2, height // 2)
    xs = (max(0, width // 4 - side // 2), min(width - side, 3 * width // 4 - side // 2))
    ys = (max(0, height // 4 - side // 2), min(height - side, 3 * height // 4 - side // 2))
    sample_bytes = sum(len(_encode(image[y:y + side, x:x + side], quality))
                       for x in xs for y in ys)
    return sample_bytes * (width * height) / (4 * side * side)


def _fit_pixels(image: np.ndarray, max_pixels: int) -> np.ndarray:
    height, width = image.shape[:2]
    if width * height <= max_pixels:
        return image
    return _scaled(image, math.sqrt(max_pixels / (width * height)) * 0.999)


def _can_shrink(image: np.ndarray) -> bool:
    return min(image.shape[:2]) * 0.85 >= MIN_SIDE


def _scaled(image: np.ndarray, factor: float, min_side: int = MIN_SIDE) -> np.ndarray:
    """Downscale by ``factor``: exact halvings (area average) first, then one bilinear step.

    A non-integer INTER_AREA resize of a 12 MP photo costs ~40-70 ms here; halving plus a
    bilinear step of at most 2x is several times faster and alias-free enough for a JPEG.
    """
    height, width = image.shape[:2]
    factor = max(factor, min_side / min(width, height))
    target = (max(1, math.floor(width * factor)), max(1, math.floor(height * factor)))
    while image.shape[1] >= 2 * target[0] and image.shape[0] >= 2 * target[1]:
        image = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2),
                           interpolation=cv2.INTER_AREA)
    if (image.shape[1], image.shape[0]) == target:
        return image
    return cv2.resize(image, target, interpolation=cv2.INTER_LINEAR)
