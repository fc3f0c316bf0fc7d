"""Camera frames to BGR arrays and back to the video encoder's format, on one thread.

PyAV converts with libswscale, whose default thread count (0, "as many as CPUs") starts a pool
for every scaler it creates; ``VideoFrame.to_ndarray`` and aiortc's own conversion for its
encoder create one per frame. A camera at 15 frames/s so started and stopped ~60 threads a
second (~0.5 CPU-s per session-minute in the load test). Frames this small gain nothing from
slicing: every conversion here keeps its scaler between frames and uses one thread.
"""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import VideoReformatter

SCALER_THREADS = 1
ENCODER_FORMAT = "yuv420p"  # what aiortc's VP8 and H.264 encoders take without converting


class FrameConverter:
    """One stream's conversions, used from one thread (its scalers are not shared)."""

    def __init__(self) -> None:
        self._to_bgr = VideoReformatter()
        self._to_encoder = VideoReformatter()

    def to_bgr(self, frame: av.VideoFrame) -> np.ndarray:
        """The frame as a BGR array at its own size."""
        return self._to_bgr.reformat(frame, format="bgr24", threads=SCALER_THREADS).to_ndarray()

    def to_encoder(self, bgr: np.ndarray) -> av.VideoFrame:
        """A frame the encoder takes as it is, from a BGR array (read in place, not copied)."""
        return self._to_encoder.reformat(av.VideoFrame.from_numpy_buffer(bgr, format="bgr24"),
                                         format=ENCODER_FORMAT, threads=SCALER_THREADS)
