"""Y4M clips for Chromium's fake camera, built from the fixture images in tests/imagery.py.

Chromium's ``--use-file-for-fake-video-capture`` plays a raw YUV4MPEG2 file in a loop. It accepts
the plain ``C420`` colour space header (ffmpeg's ``C420mpeg2`` is rejected), followed by
``FRAME\\n`` and the I420 planes for every frame.

Clips are 640x480 by default: the capture engine finds the card (70 % of the frame width, well
inside its 40-92 % window) and the face at that size. 1280x720 works too, but on two cores the
full browser flow then took 85 s instead of 40 s, and its clip is four times the size.

Every frame differs from its neighbours (fresh sensor noise and a slight sway of a pixel or two),
as a real webcam's frames do, while staying still enough for the capture engine to see a steady
subject.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import av
import cv2
import numpy as np

from tests.imagery import face_frame, id_card_back, id_card_front, two_faces_frame
from tests.scenes import card_in_place

FPS = 15
FrameMaker = Callable[[int], np.ndarray]


def y4m_header(width: int, height: int, fps: int = FPS) -> bytes:
    """The stream header Chromium's fake capture device accepts."""
    return f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420\n".encode("ascii")


def write_y4m(path: Path, frames: Iterable[np.ndarray], fps: int = FPS) -> int:
    """Write BGR frames (all the same even size) to ``path`` as Y4M; returns the frame count."""
    count = 0
    size: tuple[int, int] | None = None
    with path.open("wb") as out:
        for frame in frames:
            height, width = frame.shape[:2]
            if size is None:
                if width % 2 or height % 2:
                    raise ValueError(f"I420 needs even dimensions, got {width}x{height}")
                size = (width, height)
                out.write(y4m_header(width, height, fps))
            elif (width, height) != size:
                raise ValueError(f"frame {count} is {width}x{height}, expected {size[0]}x{size[1]}")
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
            count += 1
    if count == 0:
        raise ValueError("a clip needs at least one frame")
    return count


def sway(frame: np.ndarray, index: int, amplitude_px: int = 2) -> np.ndarray:
    """Shift the frame by a few whole pixels, changing smoothly with ``index``.

    Whole-pixel shifts keep the frame exactly as sharp as drawn (sub-pixel ones would blur it).
    """
    dx = round(amplitude_px * math.sin(index * 0.7))
    dy = round(amplitude_px * math.cos(index * 0.5))
    matrix = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    height, width = frame.shape[:2]
    shifted: np.ndarray = cv2.warpAffine(
        frame, matrix, (width, height), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE
    )
    return shifted


def card_front_frames(width: int, height: int) -> FrameMaker:
    """The front held up in front of a kitchen table with a coffee cup (a cluttered place)."""
    card = id_card_front()
    return lambda i: sway(card_in_place(card, width, height, place="coffee", seed=i), i)


def card_back_frames(width: int, height: int) -> FrameMaker:
    """The back in front of shelves of books, a thumb over one long edge."""
    card = id_card_back()
    return lambda i: sway(card_in_place(card, width, height, place="shelves", tilt=-4.0,
                                        thumb=True, seed=i), i)


def face_frames(width: int, height: int) -> FrameMaker:
    return lambda i: sway(face_frame(width, height, face_frac=0.5, seed=i), i)


def two_face_frames(width: int, height: int) -> FrameMaker:
    return lambda i: sway(two_faces_frame(width, height, seed=i), i)


def sequence(segments: Iterable[tuple[FrameMaker, float]], fps: int = FPS) -> Iterator[np.ndarray]:
    """Concatenate (frame maker, seconds) segments; frame indices run on across segments."""
    index = 0
    for make, seconds in segments:
        for _ in range(round(seconds * fps)):
            yield make(index)
            index += 1


def write_flow_clip(
    path: Path,
    width: int = 640,
    height: int = 480,
    seconds_per_step: float = 4.0,
    two_faces: bool = False,
) -> Path:
    """Card front, then card back, then the face step's subject, looping: the whole capture flow.

    With ``two_faces`` the face step sees two people side by side instead of one.
    """
    people = two_face_frames if two_faces else face_frames
    segments = [
        (card_front_frames(width, height), seconds_per_step),
        (card_back_frames(width, height), seconds_per_step),
        (people(width, height), seconds_per_step),
    ]
    write_y4m(path, sequence(segments))
    return path


def write_face_clip(path: Path, width: int = 640, height: int = 480, seconds: float = 3.0) -> Path:
    """One person facing the camera for the whole clip."""
    write_y4m(path, sequence([(face_frames(width, height), seconds)]))
    return path


def mp4(frames: list[np.ndarray]) -> bytes:
    """An MP4 clip built in memory, as a phone would upload it."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=FPS)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 4_000_000
        for bgr in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(bgr, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def selfie_video(seconds: float = 3.0) -> bytes:
    make = face_frames(640, 480)
    return mp4([make(i) for i in range(round(seconds * FPS))])
