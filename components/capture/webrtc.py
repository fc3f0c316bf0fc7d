"""The streamlit-webrtc ``video_frame_callback`` around a capture engine (no Streamlit import).

    callback = make_video_frame_callback(engine)
    webrtc_streamer(..., video_frame_callback=callback)

The callback runs on streamlit-webrtc's thread: it hands each frame to the engine's analysis
worker and returns the frame with the latest guidance drawn on it. The UI polls
``engine.snapshot()`` for the hint and the captures.
"""

from __future__ import annotations

import time

import av
import numpy as np

from components.capture.background import AnalysisStats, BackgroundAnalyser
from components.capture.processor import CaptureEngine


class FrameCallback:
    """``av.VideoFrame`` in, annotated ``av.VideoFrame`` out.

    ``background=True`` (the default, for live cameras) analyses on a worker thread so the
    callback stays within a few milliseconds; ``background=False`` analyses every frame inline.
    """

    def __init__(self, engine: CaptureEngine, *, background: bool = True) -> None:
        self.engine = engine
        self.analyser = BackgroundAnalyser(engine) if background else None
        self._clock_origin: float | None = None

    def __call__(self, frame: av.VideoFrame) -> av.VideoFrame:
        bgr = frame.to_ndarray(format="bgr24")
        t = self._stream_time(frame)
        if self.analyser is None:
            out = self.engine.process(bgr, t)
        else:
            self.analyser.submit(bgr, t)  # the worker keeps this array; we draw on a copy
            out = self.engine.draw(bgr.copy())
        annotated = av.VideoFrame.from_numpy_buffer(out, format="bgr24")  # no second copy
        annotated.pts = frame.pts
        annotated.time_base = frame.time_base
        return annotated

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


def make_video_frame_callback(
    engine: CaptureEngine, *, background: bool = True
) -> FrameCallback:
    """The ``video_frame_callback`` for ``webrtc_streamer`` driving ``engine``."""
    return FrameCallback(engine, background=background)


def frame_from_bgr(bgr: np.ndarray, pts: int = 0, fps: int = 30) -> av.VideoFrame:
    """An ``av.VideoFrame`` like the ones WebRTC delivers (used by tests and the benchmark)."""
    from fractions import Fraction

    frame = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")
    frame.pts = pts
    frame.time_base = Fraction(1, fps)
    return frame
