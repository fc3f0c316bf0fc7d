"""Capture engine benchmark: camera callback cost against the floor, analysis cost, compression.

    uv run python -m benchmarks.capture_bench [--seconds 5]

For 640x480 and 1280x720 it prints

* the floor: an ``av.VideoFrame`` (yuv420p, as WebRTC delivers) to a BGR array and back to an
  ``av.VideoFrame`` in the encoder's format (yuv420p), with no processing (kept one-thread
  scalers, as the callback converts);
* the full ``video_frame_callback`` (hand the frame to the analysis worker, draw the guidance,
  wrap the result), fed at 30 fps while the worker analyses in parallel, as median and p95 and
  their ratio to the floor's (floor and callback alternate in half-second blocks, so drifting
  background load hits both alike);
* the analysis itself (face and card steps): its cost per frame and how many frames per second
  the worker analysed, so nothing the callback leaves out is hidden;

then compression time and size for a 12 MP photo (the astronaut upscaled, with sensor noise) to
a sub-500 KB face JPEG, and for 720p frames. Figures depend on the machine and its load: the
load average is printed alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import av
import cv2
import numpy as np

from components.capture import CaptureConfig, CaptureEngine, Step
from components.capture.compress import CARD_MAX_BYTES, FACE_MAX_BYTES, encode_jpeg_under
from components.capture.conversions import FrameConverter
from components.capture.webrtc import frame_from_bgr, make_video_frame_callback
from tests import imagery

CAMERA_FPS = 30
SIZES = ((640, 480), (1280, 720))
# Keeps the engine analysing forever (never captures), so every analysed frame does the work.
ENDLESS = CaptureConfig(face_good_run=10**9, card_steady_frames=10**9)


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        ordered = sorted(seconds)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return cls(1000 * statistics.median(ordered), 1000 * p95)

    def __str__(self) -> str:
        return f"median {self.median_ms:6.2f} ms  p95 {self.p95_ms:6.2f} ms"


def paced(frames: list[av.VideoFrame], seconds: float,
          works: list[Callable[[av.VideoFrame], object]], block: int = 15) -> list[list[float]]:
    """Feed frames at camera pace, ``block`` frames to each of ``works`` in turn; the
    durations of each. Alternating in short blocks lets drifting background load hit all of
    them alike, while only one of them runs at a time. The first frames of every block (the
    previous block's worker may still be finishing) and the first round are dropped."""
    durations: list[list[float]] = [[] for _ in works]
    count = round(seconds * CAMERA_FPS) * len(works)
    start = time.perf_counter()
    for index in range(count):
        frame = frames[index % len(frames)]
        frame.pts = index
        which, position = (index // block) % len(works), index % block
        began = time.perf_counter()
        works[which](frame)
        elapsed = time.perf_counter() - began
        if position >= 3 and index >= block * len(works):
            durations[which].append(elapsed)
        delay = start + (index + 1) / CAMERA_FPS - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    return durations


_CONVERTER = FrameConverter()


def floor(frame: av.VideoFrame) -> av.VideoFrame:
    return _CONVERTER.to_encoder(_CONVERTER.to_bgr(frame))


def video_frames(kind: str, width: int, height: int) -> list[av.VideoFrame]:
    if kind == "face":
        images = [imagery.face_frame(width, height, seed=i) for i in range(30)]
    else:
        card = imagery.id_card_front()
        images = [imagery.card_in_frame(card, width, height, fill=0.65, seed=i) for i in range(30)]
    return [frame_from_bgr(image, pts=i, fps=CAMERA_FPS) for i, image in enumerate(images)]


def bench_callback(seconds: float) -> None:
    print(f"Camera callback, frames fed at {CAMERA_FPS} fps for {seconds:g} s "
          f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    for width, height in SIZES:
        for kind, step in (("face", Step.FACE), ("card", Step.ID_FRONT)):
            frames = video_frames(kind, width, height)
            engine = CaptureEngine(steps=(step,), config=ENDLESS)
            callback = make_video_frame_callback(engine)
            floor_times, callback_times = paced(frames, seconds, [floor, callback])
            base, full = Timing.of(floor_times), Timing.of(callback_times)
            stats = callback.stats()
            callback.close()
            assert stats is not None
            print(f"  {width}x{height} {kind:4}  floor    {base}")
            print(f"  {width}x{height} {kind:4}  callback {full}   "
                  f"ratio median {full.median_ms / base.median_ms:4.2f}x  "
                  f"p95 {full.p95_ms / base.p95_ms:4.2f}x")
            print(f"  {width}x{height} {kind:4}  analysis median {stats.median_ms:6.2f} ms  "
                  f"p95 {stats.p95_ms:6.2f} ms  {stats.analysed / seconds:5.1f} analysed per "
                  f"second of video (one per 1/15 s at most; {stats.dropped} dropped)")


def bench_inline(seconds: float) -> None:
    """Synchronous mode (video files, tests): every frame analysed in the caller."""
    print("Synchronous analysis (engine.process on every frame, as for video files)")
    for width, height in SIZES:
        for kind, step in (("face", Step.FACE), ("card", Step.ID_FRONT)):
            frames = [frame.to_ndarray(format="bgr24")
                      for frame in video_frames(kind, width, height)]
            engine = CaptureEngine(steps=(step,), config=ENDLESS)
            durations = []
            for index in range(round(seconds * 15)):
                began = time.perf_counter()
                engine.process(frames[index % len(frames)], index / 15)
                durations.append(time.perf_counter() - began)
            timing = Timing.of(durations[5:])
            print(f"  {width}x{height} {kind:4}  {timing}  "
                  f"({1000 / timing.median_ms:5.1f} frames/s)")


def twelve_megapixel_photo() -> np.ndarray:
    photo = cv2.resize(imagery.astronaut_bgr(), (4000, 3000), interpolation=cv2.INTER_CUBIC)
    noise = np.random.default_rng(0).normal(0, 4, photo.shape)
    return np.clip(photo + noise, 0, 255).astype(np.uint8)


def bench_compression(repeats: int = 7) -> None:
    print(f"Compression (median of {repeats} runs)")
    cases = [
        ("12 MP photo -> face JPEG", twelve_megapixel_photo(), FACE_MAX_BYTES),
        ("720p face frame -> face JPEG", imagery.face_frame(1280, 720), FACE_MAX_BYTES),
        ("720p card frame -> card JPEG",
         imagery.card_in_frame(imagery.id_card_front(), 1280, 720), CARD_MAX_BYTES),
    ]
    for name, image, budget in cases:
        durations = []
        for _ in range(repeats):
            began = time.perf_counter()
            encoded = encode_jpeg_under(image, budget)
            durations.append(time.perf_counter() - began)
        timing = Timing.of(durations)
        print(f"  {name:30} {image.shape[1]}x{image.shape[0]} -> "
              f"{encoded.width}x{encoded.height} q{encoded.quality} {encoded.size:>9,} bytes "
              f"(budget {budget:,})  {timing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of video per case")
    args = parser.parse_args()
    bench_callback(args.seconds)
    bench_inline(min(args.seconds, 3.0))
    bench_compression()


if __name__ == "__main__":
    main()
