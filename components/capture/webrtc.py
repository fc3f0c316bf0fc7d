"""The streamlit-webrtc ``video_frame_callback`` around a capture engine (no Streamlit import).

    callback = make_video_frame_callback(engine)
    webrtc_streamer(..., video_frame_callback=callback)

The callback runs on streamlit-webrtc's thread: it hands each frame to the engine's analysis
worker and returns the frame with the latest guidance drawn on it. The UI polls
``engine.snapshot()`` for the hint and the captures.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from components.capture.background import AnalysisStats, BackgroundAnalyser
from components.capture.conversions import ENCODER_FORMAT, SCALER_THREADS, FrameConverter
from components.capture.processor import CaptureEngine

SELF_VIEW_MAX_WIDTH = 640
# The app asks browsers for 1280 px wide (components/ui/camera.py); some cameras give 1080p.
# A client sending more (ignoring the constraints) would multiply the analysis cost of every
# frame: such frames are not analysed, only shown back, shrunk, and counted.
MAX_FRAME_PIXELS = 1920 * 1088
# The live hint says the camera's picture is too large to check when most frames of the last
# two seconds were over budget (at least a few frames: one stray frame says nothing).
OVERSIZED_WINDOW_S = 2.0
OVERSIZED_MIN_FRAMES = 5
RECENT_FRAMES_KEPT = 256  # arrival records kept (over 2 s even at 120 frames/s)

log = logging.getLogger(__name__)


class FrameCallback:
    """``av.VideoFrame`` in, annotated ``av.VideoFrame`` out.

    ``background=True`` (the default, for live cameras) analyses on a worker thread so the
    callback stays within a few milliseconds; ``background=False`` analyses every frame inline.

    The self-view sent back is at most ``view_width`` pixels wide (the UI sets it to the width
    the video is displayed at): encoding it costs the server in proportion to its area, and the
    browser scales it to the page anyway. The frame is shrunk first and the guidance drawn on
    the small copy (the card outline scaled to it), so no full-size copy is made per frame. The
    engine always gets the full frame: captures keep the camera's resolution.
    """

    def __init__(self, engine: CaptureEngine, *, background: bool = True,
                 view_width: int = SELF_VIEW_MAX_WIDTH,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.analyser = BackgroundAnalyser(engine) if background else None
        self.view_width = view_width
        self.oversized_frames = 0  # frames over MAX_FRAME_PIXELS, shown but not analysed
        self._clock = clock
        # (arrival time, over budget) of the latest frames; written on the callback thread,
        # read by the page's status poll.
        self._arrivals: deque[tuple[float, bool]] = deque(maxlen=RECENT_FRAMES_KEPT)
        self._arrivals_lock = threading.Lock()
        # Scalers kept between frames (callback thread): to the analysed BGR array and from
        # the annotated self-view to the encoder's format, and to the self-view.
        self._converter = FrameConverter()
        self._to_view = VideoReformatter()
        self._clock_origin: float | None = None

    def __call__(self, frame: av.VideoFrame) -> av.VideoFrame:
        oversized = frame.width * frame.height > MAX_FRAME_PIXELS
        arrived = self._clock()
        with self._arrivals_lock:
            self._arrivals.append((arrived, oversized))
        if oversized:
            return self._oversized(frame)
        bgr = self._converter.to_bgr(frame)
        t = self._stream_time(frame)
        if self.analyser is None:
            self.engine.analyse(bgr, t)
        view = self_view(frame, bgr, self.view_width, self._to_view)
        out = self.engine.draw(view, scale=view.shape[1] / bgr.shape[1])
        # Converted here, into the encoder's format, so aiortc does not convert it itself
        # (with a new scaler and thread pool per frame).
        annotated = self._converter.to_encoder(out)
        annotated.pts = frame.pts
        annotated.time_base = frame.time_base
        if self.analyser is not None:
            # Handed over last: the worker's wake-up must not delay this frame (see
            # ``BackgroundAnalyser.submit``). The worker keeps this array: never drawn on.
            self.analyser.submit(bgr, t)
        return annotated

    def _oversized(self, frame: av.VideoFrame) -> av.VideoFrame:
        """A frame over budget: shrunk for the self-view (no full-size copy), not analysed."""
        if self.oversized_frames == 0:
            log.warning("webrtc frame of %dx%d is over the %d-pixel budget: not analysed",
                        frame.width, frame.height, MAX_FRAME_PIXELS)
        self.oversized_frames += 1
        width = min(self.view_width, frame.width) // 2 * 2
        height = max(2, round(frame.height * width / frame.width / 2) * 2)
        view = self._to_view.reformat(frame, width=width, height=height, format=ENCODER_FORMAT,
                                      threads=SCALER_THREADS)
        view.pts = frame.pts
        view.time_base = frame.time_base
        return view

    def frames_too_large(self) -> bool:
        """True while most frames of the last ``OVERSIZED_WINDOW_S`` were too large to
        analyse (and at least ``OVERSIZED_MIN_FRAMES`` arrived): the customer must be told,
        since nothing will be captured from them."""
        since = self._clock() - OVERSIZED_WINDOW_S
        with self._arrivals_lock:
            recent = [oversized for arrived, oversized in self._arrivals if arrived >= since]
        return len(recent) >= OVERSIZED_MIN_FRAMES and 2 * sum(recent) > len(recent)

    def stats(self) -> AnalysisStats | None:
        return self.analyser.stats() if self.analyser is not None else None

    def close(self) -> None:
        if self.analyser is not None:
            self.analyser.close()

    def _stream_time(self, frame: av.VideoFrame) -> float:
        """The frame's presentation time; the wall clock only if the stream carries none."""
        if frame.time is not None:
            return float(frame.time)
        now = time.monotonic()
        if self._clock_origin is None:
            self._clock_origin = now
        return now - self._clock_origin


def self_view(frame: av.VideoFrame, bgr: np.ndarray, max_width: int,
              reformatter: VideoReformatter | None = None) -> np.ndarray:
    """A BGR copy of ``frame`` (``bgr`` is its full-size array) at most ``max_width`` wide, even
    sizes for the video encoder, to draw the guidance on.

    Shrunk by libswscale straight from the decoded YUV picture with area averaging: one pass
    for scaling and colour conversion, ~0.3 ms from 640x480 with a ``reformatter`` kept
    between frames (~0.4 ms without), where OpenCV's INTER_AREA from the BGR array took ~2.5 ms
    for a non-integer factor (its general case is slow).
    """
    if frame.width <= max_width:
        return bgr.copy()
    width = max_width - max_width % 2
    height = max(2, round(frame.height * width / frame.width / 2) * 2)
    reformatter = reformatter or VideoReformatter()
    return reformatter.reformat(frame, width=width, height=height, format="bgr24",
                                interpolation="AREA", threads=SCALER_THREADS).to_ndarray()


def make_video_frame_callback(
    engine: CaptureEngine, *, background: bool = True, view_width: int = SELF_VIEW_MAX_WIDTH,
    clock: Callable[[], float] = time.monotonic,
) -> FrameCallback:
    """The ``video_frame_callback`` for ``webrtc_streamer`` driving ``engine`` (``clock``
    times frame arrivals; tests give it one of their own)."""
    return FrameCallback(engine, background=background, view_width=view_width, clock=clock)


def frame_from_bgr(bgr: np.ndarray, pts: int = 0, fps: int = 30) -> av.VideoFrame:
    """An ``av.VideoFrame`` like the ones WebRTC delivers (used by tests and the benchmark)."""
    from fractions import Fraction

    frame = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")
    frame.pts = pts
    frame.time_base = Fraction(1, fps)
    return frame
