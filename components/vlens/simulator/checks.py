"""Image checks the simulator applies, as Vlens documents them."""

from __future__ import annotations

import base64
import binascii
import io
import logging
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from components.capture.faces import count_faces

log = logging.getLogger("components.vlens.simulator")

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # code 5002
MAX_PIXELS = 25_000_000  # code 5003


@dataclass(frozen=True)
class Rejection:
    """A Vlens error to answer with."""

    code: int
    message: str
    http_status: int = 200


@dataclass(frozen=True)
class DecodedImage:
    data: bytes
    bgr: np.ndarray


def decode_image(field_name: str, value: object) -> DecodedImage | Rejection:
    """Base64 -> bytes -> checked JPEG/PNG -> BGR pixels."""
    if not isinstance(value, str) or not value:
        return Rejection(400, f"{field_name} is required", 400)
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return Rejection(400, f"{field_name} is not valid base64", 400)
    if len(data) > MAX_IMAGE_BYTES:
        return Rejection(5002, f"{field_name} is larger than 5 MB", 422)
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        return Rejection(415, f"{field_name} is not a JPEG or PNG image", 415)
    try:
        with Image.open(io.BytesIO(data)) as header:  # reads the size only, not the pixels
            width, height = header.size
    except Exception:  # any unreadable header gets the same answer
        return Rejection(400, f"{field_name} could not be read", 400)
    if width * height > MAX_PIXELS:
        return Rejection(5003, f"{field_name} is larger than 25 megapixels", 422)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        return Rejection(400, f"{field_name} could not be decoded", 400)
    return DecodedImage(data, bgr)


def card_rejection(image: DecodedImage) -> Rejection | None:
    """3011 when no ID card is found (uses the capture engine's detector when present)."""
    try:
        from components.capture.card import find_card
    except ImportError:  # pragma: no cover - the capture engine ships it
        log.warning("card detector unavailable; skipping the card check")
        return None
    if find_card(image.bgr) is None:
        return Rejection(3011, "Card not detected")
    return None


def faces_rejection(faces: list[DecodedImage]) -> Rejection | None:
    """4209 identical pictures, 4207 no face, 4206 several faces."""
    for i, first in enumerate(faces):
        for second in faces[i + 1 :]:
            if first.data == second.data or (
                first.bgr.shape == second.bgr.shape and np.array_equal(first.bgr, second.bgr)
            ):
                return Rejection(4209, "Identical face images; recapture the face")
    for face in faces:
        found = count_faces(face.bgr)
        if found == 0:
            return Rejection(4207, "No face detected")
        if found > 1:
            return Rejection(4206, "More than one face detected")
    return None
