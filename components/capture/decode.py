"""Safe decoding of uploaded photos: every budget is checked from the header, before decoding.

An upload is untrusted: a 249 KB PNG can announce 64 megapixels and take gigabytes once decoded
and converted. So, in this order, before any pixel is decoded:

1. the file size (``MAX_PHOTO_BYTES``), the format (``UPLOAD_FORMATS``);
2. the pixel count from the header: JPEG up to ``MAX_UPLOAD_PIXELS`` (it can be decoded at 1/2,
   1/4 or 1/8 scale), every other format up to ``MAX_FULL_DECODE_PIXELS`` (decoded in full);
3. the bytes the decoded picture will take (``MAX_DECODED_BYTES``), once a JPEG has been told to
   decode at the smallest scale that still gives ``DECODE_TARGET_PIXELS`` (``Image.draft``);
4. one large decode at a time per process (``large_decode``): two visitors uploading big
   photos at once wait for each other instead of adding up.

After decoding, the picture is shrunk (``Image.reduce``) to ``DECODE_TARGET_PIXELS`` at most:
more is never needed for a JPEG of at most a few MB. EXIF orientation is applied, then every
byte of metadata is dropped by keeping only the pixels. Refusals raise ``ImageInputError``
whose message tells the person what to do. Measured peaks are in docs/security.md.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import cv2
import numpy as np
from PIL import Image, JpegImagePlugin, UnidentifiedImageError

MAX_PHOTO_BYTES = 30_000_000  # a 48 MP phone JPEG is 15-25 MB; anything larger is not a photo
MAX_UPLOAD_PIXELS = 64_000_000  # JPEG headers beyond this are refused (possible bombs)
MAX_FULL_DECODE_PIXELS = 25_000_000  # PNG/WebP/BMP/TIFF decode in full: Vlens' own 25 MP cap
DECODE_TARGET_PIXELS = 16_000_000  # what a JPEG of at most 5 MB can carry, and then some
MAX_DECODED_BYTES = 100_000_000  # Pillow's in-memory size of the decoded picture
LARGE_DECODE_BYTES = 32_000_000  # above this a decode waits for the process's one large slot
LARGE_DECODE_WAIT_S = 30.0  # ... at most this long, then the visitor is asked to retry
MIN_SIDE = 64  # smaller uploads are refused (nothing to read on them)
UPLOAD_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF")  # JPEG covers MPO (phones)
_ORIENTATION_TAG = 0x0112
_STRIP_PIXELS = 1_000_000  # pixels per strip when shrinking a decoded picture
_TRANSPOSE_FOR = {  # EXIF orientation -> the transform a viewer applies
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_large_slot = threading.BoundedSemaphore(1)


class ImageInputError(ValueError):
    """An uploaded file that cannot be used as a photo; the message is shown to the user."""


def decode_upload(data: bytes) -> np.ndarray:
    """Decode an uploaded photo to an upright BGR array with no metadata.

    Raises ``ImageInputError`` for empty, oversized, unreadable, damaged or too small files and
    for pictures whose header announces more pixels or memory than the budgets above.
    """
    if not data:
        raise ImageInputError("The file is empty. Please choose a JPEG or PNG photo.")
    if len(data) > MAX_PHOTO_BYTES:
        raise ImageInputError(
            f"This file is too large ({len(data) / 1e6:.0f} MB). Please upload a photo under "
            f"{MAX_PHOTO_BYTES // 1_000_000} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=UPLOAD_FORMATS)
            _check_header(opened)
            orientation = _orientation(opened)
            with large_decode(decoded_bytes(opened)):
                image = _shrunk(_loaded(opened))
                del opened
                image = _upright(image, orientation)
                return _to_bgr(image)
    except ImageInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except UnidentifiedImageError as exc:
        raise ImageInputError(
            "This file is not a photo we can read. Please upload a JPEG, PNG or WebP photo."
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageInputError(
            "This photo is damaged or incomplete. Please take or export it again and retry."
        ) from exc


def decoded_bytes(image: Image.Image) -> int:
    """Bytes Pillow will hold for ``image`` once loaded (it keeps 3-band pictures as 4 bytes)."""
    if image.mode in ("1", "L", "P"):
        per_pixel = 1
    elif image.mode.startswith("I;16"):
        per_pixel = 2
    else:
        per_pixel = 4
    return image.size[0] * image.size[1] * per_pixel


@contextmanager
def large_decode(size: int) -> Iterator[None]:
    """Run a decode of ``size`` bytes; a large one waits for the process's single large slot."""
    if size <= LARGE_DECODE_BYTES:
        yield
        return
    if not _large_slot.acquire(timeout=LARGE_DECODE_WAIT_S):
        raise ImageInputError("The service is busy opening other large photos. "
                              "Please try again in a minute.")
    try:
        yield
    finally:
        _large_slot.release()


def _check_header(opened: Image.Image) -> None:
    width, height = opened.size
    is_jpeg = isinstance(opened, JpegImagePlugin.JpegImageFile)
    limit = MAX_UPLOAD_PIXELS if is_jpeg else MAX_FULL_DECODE_PIXELS
    if width * height > limit:
        raise ImageInputError(
            f"This picture is too large ({width}x{height}). Please upload a photo under "
            f"{limit // 1_000_000} megapixels.")
    if min(width, height) < MIN_SIDE:
        raise ImageInputError(
            f"This picture is too small ({width}x{height}). Please upload a sharper, larger photo.")
    if is_jpeg:
        _draft(opened)
    if decoded_bytes(opened) > MAX_DECODED_BYTES:
        raise _too_large()


def _draft(jpeg: Image.Image) -> None:
    """Have the JPEG decoder scale down (1/2, 1/4, 1/8) to just above the target pixels."""
    width, height = jpeg.size
    scale = 1
    while scale < 8 and (width / scale) * (height / scale) > DECODE_TARGET_PIXELS:
        scale *= 2
    if scale > 1:
        jpeg.draft(None, (math.ceil(width / scale), math.ceil(height / scale)))


def _loaded(image: Image.Image) -> Image.Image:
    image.load()
    return image


def _shrunk(image: Image.Image) -> Image.Image:
    """Box-reduce by an integer factor to at most ``DECODE_TARGET_PIXELS``.

    Strip by strip: ``Image.reduce`` of a whole RGBA picture makes a full-size premultiplied
    copy first (+100 MB at 25 MP); a strip's copy is a few MB.
    """
    width, height = image.size
    if width * height <= DECODE_TARGET_PIXELS:
        return image
    factor = math.ceil(math.sqrt(width * height / DECODE_TARGET_PIXELS))
    out = Image.new(image.mode, (width // factor, height // factor))
    rows = factor * max(1, _STRIP_PIXELS // (width * factor))  # whole output rows per strip
    for top in range(0, out.size[1] * factor, rows):
        bottom = min(top + rows, out.size[1] * factor)
        strip = image.crop((0, top, out.size[0] * factor, bottom)).reduce(factor)
        out.paste(strip, (0, top // factor))
    return out


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # broken EXIF is no reason to refuse the photo: keep it as stored
        return 1
    return value if isinstance(value, int) else 1


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    transpose = _TRANSPOSE_FOR.get(orientation)
    return image if transpose is None else image.transpose(transpose)


def _to_bgr(image: Image.Image) -> np.ndarray:
    """Pixels only, as BGR; transparency laid over white. Frees each step's copy before the next."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        del image
        ground = Image.new("RGB", rgba.size, (255, 255, 255))
        ground.paste(rgba, mask=rgba)
        del rgba
        image = ground
    elif image.mode != "RGB":
        image = image.convert("RGB")
    rgb = np.asarray(image)
    del image
    bgr: np.ndarray = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    return bgr


def _too_large() -> ImageInputError:
    return ImageInputError(
        "This picture is too large to open safely. Please upload a photo under "
        f"{MAX_FULL_DECODE_PIXELS // 1_000_000} megapixels (PNG) or "
        f"{MAX_UPLOAD_PIXELS // 1_000_000} megapixels (JPEG).")
