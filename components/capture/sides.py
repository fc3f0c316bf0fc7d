"""Which side of the ID card a rectified crop shows, from more than a face detector.

Three cues, each measured on the upright card (landscape, as the guide asks):

* the barcode: the back carries a band of dense vertical bars across most of its width (on
  the benchmark scenes it separates the sides perfectly: every back, no front);
* the portrait: a face on the card (``card.has_portrait``);
* the photo block: the front's portrait area is a picture (tones far from the card's ground
  over most of it).

The face alone fails when the portrait is small, dim or half under a thumb; the barcode and
the photo block do not depend on it.
"""

from __future__ import annotations

from enum import StrEnum

import cv2
import numpy as np

from components.capture.card import has_portrait

_SIZE = (428, 270)  # the crop is judged at this size (5 px per mm of card)
PHOTO_BLOCK_MIN = 0.45  # share of the portrait area unlike the card's ground
BARCODE_MIN_ROWS = 0.06  # barcode band height, share of the card height
BARCODE_MIN_WIDTH = 0.4  # barcode band width, share of the card width


class Side(StrEnum):
    FRONT = "front"
    BACK = "back"


def card_side(crop: np.ndarray) -> Side:
    """The side an upright, rectified card crop shows.

    A barcode makes it the back. Otherwise it is the front when a face is found on it or when
    its portrait area holds a picture (a portrait too dim or too covered for the face detector
    still differs from the card's ground there).
    """
    gray = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY), _SIZE, interpolation=cv2.INTER_AREA)
    if has_barcode(gray):
        return Side.BACK
    if photo_block(gray) >= PHOTO_BLOCK_MIN or has_portrait(crop):
        return Side.FRONT
    return Side.BACK


def photo_block(gray: np.ndarray) -> float:
    """Share of the front's portrait area (left third, middle two thirds of the height) whose
    tone is far from the card's ground (its typical light tone)."""
    height, width = gray.shape
    ground = float(np.percentile(gray, 75))
    area = gray[round(0.2 * height):round(0.8 * height), round(0.06 * width):round(0.3 * width)]
    return float(np.count_nonzero(np.abs(area.astype(np.int16) - ground) > 35)) / area.size


def has_barcode(gray: np.ndarray) -> bool:
    """A band of dense vertical bars: strong horizontal gradients, hardly any vertical ones,
    alternating many times across most of the card's width."""
    height = gray.shape[0]
    gx = np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3))
    gy = np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3))
    bars = (gx > 60) & (gx > 3 * gy)
    # Columns with a bar edge, per row, smeared over 15 px so a barcode row is one long run.
    smeared = cv2.dilate(bars.astype(np.uint8), np.ones((1, 15), np.uint8))
    run = smeared.mean(axis=1)
    density = bars.mean(axis=1)
    rows = (run >= BARCODE_MIN_WIDTH) & (density >= 0.12)
    best = current = 0
    for row in rows:
        current = current + 1 if row else 0
        best = max(best, current)
    return best >= BARCODE_MIN_ROWS * height
