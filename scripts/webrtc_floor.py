"""The least a send-and-receive camera session costs the server: its floor.

Whatever the app does with a frame, the server must decode every VP8 frame the browser sends
and encode every self-view frame it sends back, and convert each frame to an array and back
(with kept one-thread scalers, as the frame callback does). ``measure_floor`` times exactly
that, with aiortc's own VP8 codecs (libvpx through PyAV, configured as aiortc configures them),
on the frames of the clip the load test plays, in CPU seconds of the measuring thread (so other
processes' load barely moves it):

    floor = measure_floor(frames, fps=15)
    floor.cpu_s_per_minute(15.0)   # CPU-seconds per session-minute at 15 frames/s

``view_width`` also times the encode at a smaller self-view width (what the app sends back),
reported apart: the floor itself is the issue's definition, full-size in and out.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import av
import cv2
import numpy as np
from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame

from components.capture.conversions import FrameConverter


@dataclass(frozen=True)
class Floor:
    """Mean CPU milliseconds per frame of each part, at one resolution."""

    width: int
    height: int
    decode_ms: float
    to_array_ms: float  # av.VideoFrame (yuv420p) -> BGR ndarray
    from_array_ms: float  # BGR ndarray -> av.VideoFrame -> yuv420p for the encoder
    encode_ms: float
    view_width: int  # the self-view width of ``view_encode_ms``
    view_encode_ms: float  # encoding the self-view at ``view_width`` (same as encode_ms if full)

    @property
    def per_frame_ms(self) -> float:
        return self.decode_ms + self.to_array_ms + self.from_array_ms + self.encode_ms

    @property
    def conversion_ms(self) -> float:
        return self.to_array_ms + self.from_array_ms

    def cpu_s_per_minute(self, fps: float) -> float:
        """CPU-seconds per session-minute at ``fps`` frames/s in and out."""
        return self.per_frame_ms / 1000 * fps * 60

    def describe(self) -> str:
        text = (f"floor {self.width}x{self.height}: VP8 decode {self.decode_ms:.2f} ms + "
                f"to array {self.to_array_ms:.2f} + from array {self.from_array_ms:.2f} + "
                f"VP8 encode {self.encode_ms:.2f} = {self.per_frame_ms:.2f} CPU-ms per frame")
        if self.view_width != self.width:
            text += f" (encode at {self.view_width} px wide: {self.view_encode_ms:.2f} ms)"
        return text


def _av_frames(frames: Sequence[np.ndarray], fps: int) -> list[av.VideoFrame]:
    out = []
    for index, bgr in enumerate(frames):
        frame = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")
        frame.pts, frame.time_base = index, Fraction(1, fps)
        out.append(frame)
    return out


def _encoded(frames: list[av.VideoFrame]) -> list[bytes]:
    """The VP8 bitstream of ``frames`` as the server's decoder receives it: aiortc's payloads of
    each frame, depayloaded and joined (one keyframe, then deltas)."""
    encoder = Vp8Encoder()
    stream = []
    for index, frame in enumerate(frames):
        payloads, _ = encoder.encode(frame, force_keyframe=index == 0)
        stream.append(b"".join(vp8_depayload(payload) for payload in payloads))
    return stream


def least_disturbed_ms(rounds: list[list[float]]) -> float:
    """The least of the rounds' mean CPU times: the round least disturbed by other work on the
    machine (the browsers of the previous measurement shutting down, other processes)."""
    return 1000 * min(statistics.fmean(times) for times in rounds if times)


def measure_floor(frames: Sequence[np.ndarray], fps: int, *, view_width: int | None = None,
                  rounds: int = 3) -> Floor:
    """Time decode, conversions and encode of ``frames`` (BGR, one size) ``rounds`` times;
    each figure is its least disturbed round's mean."""
    height, width = frames[0].shape[:2]
    source = _av_frames(frames, fps)
    bitstream = [data for data in _encoded(source) if data]
    decoder, encoder, view_encoder = Vp8Decoder(), Vp8Encoder(), Vp8Encoder()
    # Converted as the frame callback converts (kept one-thread scalers): all the work on this
    # thread, whose CPU time is measured.
    converter = FrameConverter()
    view_width = min(view_width or width, width)
    view_height = round(height * view_width / width / 2) * 2
    names = ("decode", "to", "from", "encode", "view")
    rounds_of: dict[str, list[list[float]]] = {name: [] for name in names}
    index = 0
    for _ in range(rounds):
        parts: dict[str, list[float]] = {name: [] for name in names}
        for name in names:
            rounds_of[name].append(parts[name])
        for data in bitstream:
            started = time.thread_time()
            decoded = decoder.decode(JitterFrame(data, index * 90000 // fps))
            parts["decode"].append(time.thread_time() - started)
            if not decoded:
                continue
            frame = decoded[0]
            assert isinstance(frame, av.VideoFrame)
            started = time.thread_time()
            bgr = converter.to_bgr(frame)
            parts["to"].append(time.thread_time() - started)
            started = time.thread_time()
            back = converter.to_encoder(bgr)
            back.pts, back.time_base = index, Fraction(1, fps)
            parts["from"].append(time.thread_time() - started)
            started = time.thread_time()
            encoder.encode(back, force_keyframe=index == 0)
            parts["encode"].append(time.thread_time() - started)
            if view_width != width:
                small = cv2.resize(bgr, (view_width, view_height),
                                   interpolation=cv2.INTER_AREA).astype(np.uint8, copy=False)
                view = av.VideoFrame.from_ndarray(small, format="bgr24")
                view.pts, view.time_base = index, Fraction(1, fps)
                started = time.thread_time()
                view_encoder.encode(view, force_keyframe=index == 0)
                parts["view"].append(time.thread_time() - started)
            index += 1
    ms = {name: least_disturbed_ms(times) for name, times in rounds_of.items()
          if any(times)}
    return Floor(width=width, height=height, decode_ms=ms["decode"], to_array_ms=ms["to"],
                 from_array_ms=ms["from"], encode_ms=ms["encode"], view_width=view_width,
                 view_encode_ms=ms.get("view", ms["encode"]))
