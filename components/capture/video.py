"""Run the capture engine over a recorded clip (anything PyAV decodes: MP4, WebM, MOV, Y4M).

Used by ``vlens-verify video`` and by the app's upload fallback (a short selfie video when the
camera cannot be used). Times are the stream's own presentation times, so a clip gives the
same captures however fast the machine decodes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from components.capture.background import FramePacer
from components.capture.config import CaptureConfig
from components.capture.hints import DEFAULT_STEPS, Step
from components.capture.modes import MAX_ANALYSED_FPS, EngineMode
from components.capture.processor import CaptureEngine
from components.capture.state import EngineState


class ClipError(ValueError):
    """A clip that cannot be read; the message says what to do."""


@dataclass(frozen=True)
class ClipResult:
    """What the engine made of a clip."""

    state: EngineState
    hints_seen: list[str]  # hint codes of the analysed frames, in order of first appearance
    frames: int  # frames decoded
    duration_s: float  # stream time covered up to the last decoded frame


def capture_from_clip(
    path: str | Path | BinaryIO, steps: Sequence[Step] = DEFAULT_STEPS,
    config: CaptureConfig | None = None,
    *, max_fps: float = MAX_ANALYSED_FPS,
) -> ClipResult:
    """Feed every frame of the clip (at most ``max_fps`` per second) to a fresh engine.

    ``path`` is a file path or a binary file object (an upload kept in memory). Stops as soon
    as every step is captured. Raises ``ClipError`` for unreadable files.
    """
    engine = CaptureEngine(steps, config, mode=EngineMode.CLIP)
    hints: dict[str, None] = {}
    frames = 0
    first_t: float | None = None
    last_t = 0.0
    pacer = FramePacer(max_fps)  # the live camera's pacer: one time contract (see modes.py)
    try:
        # A file object (the app's uploaded bytes in a BytesIO) is read in memory, never saved.
        container = av.open(path if hasattr(path, "read") else str(path), mode="r")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ClipError("This video could not be opened. Please record an MP4, MOV or WebM "
                        "clip and try again.") from exc
    with container:
        if not container.streams.video:
            raise ClipError("This file has no video in it. Please upload a video clip.")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        rate = float(stream.average_rate or stream.guessed_rate or 30)
        try:
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else frames / rate
                frames += 1
                first_t = t if first_t is None else first_t
                last_t = t
                if not pacer.admit(t):
                    continue
                state = engine.analyse(_upright(frame), t)
                hints.setdefault(str(state.frame_hint), None)
                if state.done:
                    break
        except av.error.FFmpegError as exc:
            if frames == 0:
                raise ClipError("This video could not be decoded. Please record it again "
                                "as MP4, MOV or WebM.") from exc
            # A damaged tail: keep what the readable part gave.
    duration = last_t - first_t if first_t is not None else 0.0
    return ClipResult(engine.snapshot(), list(hints), frames, duration)


def _upright(frame: av.VideoFrame) -> np.ndarray:
    """The frame as BGR, turned upright when the clip says it was recorded rotated (phones)."""
    bgr: np.ndarray = frame.to_ndarray(format="bgr24")
    rotation = round(getattr(frame, "rotation", 0) or 0) % 360
    if rotation in (90, 270, 180):
        # PyAV gives the counter-clockwise angle the display applies; rot90 turns that way too.
        bgr = np.ascontiguousarray(np.rot90(bgr, k=rotation // 90))
    return bgr
