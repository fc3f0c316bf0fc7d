"""Run the capture engine over a recorded clip (MP4, MOV, WebM or Y4M).

Used by ``vlens-verify video`` and by the app's upload fallback (a short selfie video when the
camera cannot be used). Times are the stream's own presentation times, so a clip gives the
same captures however fast the machine decodes it.

A clip is untrusted input with a ``ClipBudget``, checked before the work it bounds: the file
size; the container format (real video containers only: an ffconcat playlist would make FFmpeg
open other files); the codec; the frame size from the stream header (and the decoder refuses
any frame larger, whatever the header said); then, while decoding, the frame count, the stream
time (a longer clip is cut, not refused) and the CPU time spent. Frames are scaled down before
analysis. ``analyse_clip`` runs the work on a worker thread, one clip at a time per process,
and gives the caller (the page) its answer by a deadline.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import av
import numpy as np

from components.capture.background import FramePacer
from components.capture.config import CaptureConfig
from components.capture.conversions import SCALER_THREADS
from components.capture.hints import DEFAULT_STEPS, Step
from components.capture.modes import MAX_ANALYSED_FPS, EngineMode
from components.capture.processor import CaptureEngine
from components.capture.state import EngineState

# FFmpeg demuxers of real video files (MP4/MOV/M4V, WebM/Matroska, Y4M). Not concat (ffconcat
# opens files named inside it), not image2 or HLS playlists, nothing that reads other files.
CLIP_FORMATS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,yuv4mpegpipe"
# Decoders of camera video. FFmpeg refuses any other, already while probing the streams (a PNG
# or TIFF "video" would otherwise be decoded in full by av.open itself).
CLIP_CODECS = frozenset({"h264", "hevc", "vp8", "vp9", "libvpx", "libvpx-vp9", "av1",
                         "libdav1d", "libaom-av1", "mpeg4", "rawvideo", "mjpeg"})
_PROBED_STREAMS = 32  # streams given the frame-size limit while av.open probes them


@dataclass(frozen=True)
class ClipBudget:
    """What one clip may cost; every figure is checked before the work it bounds."""

    max_bytes: int = 50_000_000  # uploads in memory: the app's cap (.streamlit/config.toml)
    max_frame_pixels: int = 3840 * 2160  # 4K UHD: the largest a phone records by default
    max_frames: int = 3_600  # 60 s at 60 fps
    max_seconds: float = 60.0  # stream time analysed; a longer clip is cut there
    analysed_long_side: int = 1280  # frames are scaled down to this before analysis
    max_cpu_s: float = 8.0  # decoding and analysis, measured on the worker thread
    max_wall_s: float = 30.0  # the caller's wait for the answer, queueing included


DEFAULT_BUDGET = ClipBudget()


class ClipError(ValueError):
    """A clip that cannot be read or is over budget; the message says what to do."""


@dataclass(frozen=True)
class ClipResult:
    """What the engine made of a clip."""

    state: EngineState
    hints_seen: list[str]  # hint codes of the analysed frames, in order of first appearance
    frames: int  # frames decoded
    duration_s: float  # stream time covered up to the last decoded frame
    cut: str | None = None  # why the rest of the clip was not analysed (a budget), if it wasn't


def capture_from_clip(
    path: str | Path | BinaryIO, steps: Sequence[Step] = DEFAULT_STEPS,
    config: CaptureConfig | None = None,
    *, max_fps: float = MAX_ANALYSED_FPS, budget: ClipBudget = DEFAULT_BUDGET,
) -> ClipResult:
    """Feed the clip's frames (at most ``max_fps`` per second) to a fresh engine.

    ``path`` is a file path or a binary file object (an upload kept in memory). Stops as soon
    as every step is captured, or when a budget is spent (``ClipResult.cut`` says which).
    Raises ``ClipError`` for unreadable files and for clips over the size, format, codec or
    frame-size budgets.
    """
    _check_size(path, budget)
    engine = CaptureEngine(steps, config, mode=EngineMode.CLIP)
    hints: dict[str, None] = {}
    frames = 0
    first_t: float | None = None
    last_t = 0.0
    pacer = FramePacer(max_fps)  # the live camera's pacer: one time contract (see modes.py)
    cut: str | None = None
    cpu_start = time.thread_time()
    try:
        # A file object (the app's uploaded bytes in a BytesIO) is read in memory, never saved.
        container = av.open(
            path if hasattr(path, "read") else str(path), mode="r",
            options={"format_whitelist": CLIP_FORMATS,
                     "codec_whitelist": ",".join(sorted(CLIP_CODECS))},
            stream_options=_probe_options(budget))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ClipError("This video could not be opened. Please record an MP4, MOV or WebM "
                        "clip and try again.") from exc
    with container:
        if not container.streams.video:
            raise ClipError("This file has no video in it. Please upload a video clip.")
        stream = container.streams.video[0]
        _check_stream(stream, budget)
        # One decoding thread: its CPU time is the worker's own, so the CPU budget sees it all.
        stream.thread_count = 1
        stream.codec_context.options = {"max_pixels": str(budget.max_frame_pixels)}
        rate = float(stream.average_rate or stream.guessed_rate or 30)
        try:
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else frames / rate
                frames += 1
                first_t = t if first_t is None else first_t
                cut = _spent(budget, frames, t - first_t, time.thread_time() - cpu_start)
                if cut is not None:
                    break
                last_t = t
                if not pacer.admit(t):
                    continue
                state = engine.analyse(_upright(frame, budget.analysed_long_side), t)
                hints.setdefault(str(state.frame_hint), None)
                if state.done:
                    break
        except av.error.FFmpegError as exc:
            if frames == 0:
                raise ClipError("This video could not be decoded. Please record it again "
                                "as MP4, MOV or WebM.") from exc
            # A damaged tail: keep what the readable part gave.
    duration = last_t - first_t if first_t is not None else 0.0
    return ClipResult(engine.snapshot(), list(hints), frames, duration, cut)


def analyse_clip(
    data: bytes, steps: Sequence[Step] = DEFAULT_STEPS, *, budget: ClipBudget = DEFAULT_BUDGET,
) -> ClipResult:
    """``capture_from_clip`` on an uploaded clip, run on the process's clip worker.

    One clip at a time per process; the caller waits at most ``budget.max_wall_s`` (queueing
    included) and then gets a ``ClipError``, while the worker stops at its own CPU budget.
    """
    job: Future[ClipResult] = _clip_worker().submit(
        capture_from_clip, io.BytesIO(data), steps, budget=budget)
    try:
        return job.result(timeout=budget.max_wall_s)
    except FutureTimeout:
        job.cancel()  # not started yet: it never will be
        raise ClipError("The service is busy with other videos. Please try again in a "
                        "minute.") from None


def _probe_options(budget: ClipBudget) -> Any:  # PyAV's stub says list[str]; it takes dicts
    return [{"max_pixels": str(budget.max_frame_pixels)}] * _PROBED_STREAMS


@cache
def _clip_worker() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="clip")


def _check_size(path: str | Path | BinaryIO, budget: ClipBudget) -> None:
    """An upload held in memory must fit the byte budget. A file on disk (the CLI) is streamed
    by FFmpeg, never held whole, so its size costs nothing: its frames, time and CPU are capped
    like any clip's (a raw Y4M of a 12 s flow is 83 MB)."""
    if not isinstance(path, io.BytesIO):
        return
    size = path.getbuffer().nbytes
    if size > budget.max_bytes:
        raise ClipError(f"This video is too large ({size / 1e6:.0f} MB). Please upload a clip "
                        f"under {budget.max_bytes // 1_000_000} MB.")


def _check_stream(stream: av.VideoStream, budget: ClipBudget) -> None:
    if stream.codec_context.name not in CLIP_CODECS:
        raise ClipError("This video is in a format we cannot use. Please record an MP4, MOV or "
                        "WebM clip with your phone's camera.")
    width, height = stream.codec_context.width, stream.codec_context.height
    if width * height > budget.max_frame_pixels:
        raise ClipError(f"This video's picture is too large ({width}x{height}). Please record "
                        "at 4K or less (1080p is plenty).")


def _spent(budget: ClipBudget, frames: int, seconds: float, cpu_s: float) -> str | None:
    """Which budget this frame is over, if any."""
    if frames > budget.max_frames:
        return "frames"
    if seconds > budget.max_seconds:
        return "duration"
    if cpu_s > budget.max_cpu_s:
        return "cpu"
    return None


def _upright(frame: av.VideoFrame, long_side: int) -> np.ndarray:
    """The frame as BGR, at most ``long_side`` pixels on its long side, turned upright when the
    clip says it was recorded rotated (phones)."""
    width, height = frame.width, frame.height
    scale = min(1.0, long_side / max(width, height))
    if scale < 1.0:  # swscale resizes while converting: the full-size BGR copy is never made
        width = max(2, round(width * scale) // 2 * 2)
        height = max(2, round(height * scale) // 2 * 2)
    bgr: np.ndarray = frame.to_ndarray(format="bgr24", width=width, height=height,
                                       interpolation="AREA", threads=SCALER_THREADS)
    rotation = round(getattr(frame, "rotation", 0) or 0) % 360
    if rotation in (90, 270, 180):
        # PyAV gives the counter-clockwise angle the display applies; rot90 turns that way too.
        bgr = np.ascontiguousarray(np.rot90(bgr, k=rotation // 90))
    return bgr
