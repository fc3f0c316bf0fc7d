"""JPEG under a byte budget and safe decoding of uploads, on real photos (the astronaut)."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from components.capture.compress import (
    FACE_MAX_BYTES,
    HARD_MAX_BYTES,
    HARD_MAX_PIXELS,
    MAX_QUALITY,
    MIN_QUALITY,
    ImageInputError,
    decode_upload,
    encode_jpeg_under,
)
from tests import imagery


def noisy_photo(width: int, height: int, sigma: float = 4.0, seed: int = 0) -> np.ndarray:
    """The astronaut scaled to ``width`` x ``height`` with sensor-like noise (hard to compress)."""
    photo = cv2.resize(imagery.astronaut_bgr(), (width, height), interpolation=cv2.INTER_CUBIC)
    # A 509 x 503 noise patch tiled over the photo: cheap to make, and no 8x8 block repeats.
    patch = np.random.default_rng(seed).normal(0, sigma, (503, 509, 3)).astype(np.int16)
    noise = np.tile(patch, (height // 503 + 1, width // 509 + 1, 1))[:height, :width]
    return np.clip(photo.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def decoded(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_small_frame_keeps_full_size_at_top_quality() -> None:
    frame = imagery.face_frame(1280, 720)
    encoded = encode_jpeg_under(frame, FACE_MAX_BYTES)
    assert (encoded.width, encoded.height, encoded.quality) == (1280, 720, MAX_QUALITY)
    assert encoded.size == len(encoded.jpeg) < FACE_MAX_BYTES
    assert len(encoded.sha256) == 64
    assert "bytes" in repr(encoded) and str(encoded.jpeg[:8]) not in repr(encoded)


def test_quality_is_lowered_before_the_size() -> None:
    frame = noisy_photo(1280, 720, sigma=6)
    at_top = len(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, MAX_QUALITY])[1])
    budget = at_top * 2 // 3
    encoded = encode_jpeg_under(frame, budget)
    assert (encoded.width, encoded.height) == (1280, 720)
    assert MIN_QUALITY <= encoded.quality < MAX_QUALITY
    assert encoded.size < budget
    # Highest quality that fits: one step up no longer fits.
    one_up = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, encoded.quality + 1])[1]
    assert len(one_up) >= budget


def test_twelve_megapixel_photo_is_downscaled_under_the_face_limit() -> None:
    photo = noisy_photo(4000, 3000)
    encoded = encode_jpeg_under(photo, FACE_MAX_BYTES)
    assert encoded.size < FACE_MAX_BYTES
    assert encoded.quality >= MIN_QUALITY
    assert encoded.width < 4000
    assert encoded.width / encoded.height == pytest.approx(4 / 3, rel=0.01)
    image = decoded(encoded.jpeg)
    assert image.shape[:2] == (encoded.height, encoded.width)


def test_limits_are_clamped_to_the_service_maximum() -> None:
    frame = imagery.face_frame(640, 480)
    encoded = encode_jpeg_under(frame, 50_000_000, max_pixels=100_000_000)
    assert encoded.size < HARD_MAX_BYTES
    small = encode_jpeg_under(frame, 1_000_000, max_pixels=100_000)
    assert small.width * small.height <= 100_000
    assert HARD_MAX_PIXELS == 25_000_000


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(64, 1600),
    height=st.integers(64, 1200),
    budget=st.integers(8_000, 600_000),
    sigma=st.floats(0, 12),
)
@example(width=1268, height=631, budget=8_000, sigma=0.0)  # tiles at the edge (a fixed bug)
@example(width=1600, height=64, budget=8_000, sigma=12.0)  # an extreme strip, tiny budget
def test_output_always_decodes_under_budget_and_keeps_orientation(
    width: int, height: int, budget: int, sigma: float
) -> None:
    photo = noisy_photo(width, height, sigma=sigma)
    encoded = encode_jpeg_under(photo, budget)
    assert encoded.size < budget
    image = decoded(encoded.jpeg)
    assert image.shape[:2] == (encoded.height, encoded.width)
    # Same orientation and shape: no rotation, aspect kept within rounding.
    assert (encoded.width >= encoded.height) == (width >= height) or abs(width - height) <= 2
    assert encoded.width / encoded.height == pytest.approx(width / height, rel=0.05, abs=0.03)
    # Still the same picture: top-left stays darker/brighter as in the source.
    source_small = cv2.resize(photo, (8, 8), interpolation=cv2.INTER_AREA).astype(float)
    result_small = cv2.resize(image, (8, 8), interpolation=cv2.INTER_AREA).astype(float)
    assert np.abs(source_small - result_small).mean() < 12


def exif_jpeg(image_rgb: np.ndarray, orientation: int, gps: bool = True) -> bytes:
    pil = Image.fromarray(image_rgb)
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 2.0, 40.0), 3: "E", 4: (31.0, 14.0, 8.0)}
    buffer = io.BytesIO()
    pil.save(buffer, "JPEG", exif=exif.tobytes(), quality=92)
    return buffer.getvalue()


def test_upload_orientation_is_applied_and_metadata_dropped() -> None:
    # A portrait shot stored sideways, as phones do: pixels landscape, EXIF says rotate 90 CW.
    upright = imagery.face_frame(480, 640)  # portrait, face in the upper half
    stored = np.ascontiguousarray(np.rot90(upright, k=1))  # rotated 90 degrees anticlockwise
    data = exif_jpeg(stored[:, :, ::-1], orientation=6)
    assert b"PhoneMaker" in data
    result = decode_upload(data)
    assert result.shape[:2] == (640, 480)
    assert np.abs(result.astype(float) - upright.astype(float)).mean() < 6
    reencoded = encode_jpeg_under(result, FACE_MAX_BYTES)
    assert b"PhoneMaker" not in reencoded.jpeg and b"Exif" not in reencoded.jpeg
    assert not Image.open(io.BytesIO(reencoded.jpeg)).getexif()


# How a camera stores an upright picture for each EXIF orientation value: the inverse of the
# transform a viewer applies (Pillow's ImageOps.exif_transpose).
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@settings(max_examples=16, deadline=None)
@given(orientation=st.integers(1, 8), width=st.integers(80, 400), height=st.integers(80, 400),
       budget=st.integers(20_000, 200_000))
def test_any_exif_orientation_comes_out_upright_and_stays_so(
    orientation: int, width: int, height: int, budget: int
) -> None:
    upright = cv2.resize(imagery.face_crop(), (width, height), interpolation=cv2.INTER_AREA)
    stored = Image.fromarray(upright[:, :, ::-1])
    transpose = STORED_AS[orientation]
    if transpose is not None:
        stored = stored.transpose(transpose)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    decoded_upload = decode_upload(buffer.getvalue())
    assert decoded_upload.shape == upright.shape
    encoded = encode_jpeg_under(decoded_upload, budget)
    result = decoded(encoded.jpeg)
    result = cv2.resize(result, (width, height), interpolation=cv2.INTER_AREA)
    assert np.abs(result.astype(float) - upright.astype(float)).mean() < 10


def test_png_with_transparency_gets_a_white_ground() -> None:
    rgba = np.zeros((100, 120, 4), np.uint8)
    rgba[:, :60] = (255, 0, 0, 255)
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, "PNG")
    result = decode_upload(buffer.getvalue())
    assert result.shape == (100, 120, 3)
    assert tuple(result[50, 10]) == (0, 0, 255)  # red in BGR
    assert tuple(result[50, 100]) == (255, 255, 255)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not a photo at all" * 20, "not a photo"),
        (b"<html><body>hello</body></html>", "not a photo"),
    ],
)
def test_non_images_are_refused_with_a_next_step(data: bytes, words: str) -> None:
    with pytest.raises(ImageInputError, match=words) as info:
        decode_upload(data)
    assert "Please" in str(info.value)


def test_truncated_photo_is_refused() -> None:
    whole = imagery.jpeg(imagery.face_frame())
    with pytest.raises(ImageInputError, match="damaged"):
        decode_upload(whole[: len(whole) // 2])


def test_decompression_bomb_is_refused_before_decoding() -> None:
    # A PNG whose header announces 20000 x 20000 pixels: 400 megapixels once decoded.
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    data += png_chunk(b"IDAT", zlib.compress(b"\x00" * 20001 * 64)) + png_chunk(b"IEND", b"")
    with pytest.raises(ImageInputError, match="too large"):
        decode_upload(data)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_tiny_image_is_refused() -> None:
    with pytest.raises(ImageInputError, match="too small"):
        decode_upload(imagery.jpeg(imagery.face_frame(40, 30)))
