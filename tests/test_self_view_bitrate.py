"""The self-view's bitrate ceiling, on aiortc's real encoders."""

from __future__ import annotations

from fractions import Fraction

import av
from aiortc.codecs.h264 import H264Encoder
from aiortc.codecs.vpx import Vp8Encoder

from components.capture.self_view_bitrate import (
    H264_MAX_BITRATE,
    VP8_MAX_BITRATE,
    cap_self_view_bitrate,
)
from tests.clips import face_frames

FPS = 15


def test_a_high_bandwidth_estimate_no_longer_raises_the_self_view_encoders_past_the_ceiling(
) -> None:
    cap_self_view_bitrate()
    vp8, h264 = Vp8Encoder(), H264Encoder()
    vp8.target_bitrate = h264.target_bitrate = 5_000_000  # what a REMB on a fast link asks
    assert vp8.target_bitrate == VP8_MAX_BITRATE
    assert h264.target_bitrate == H264_MAX_BITRATE


def test_the_capped_vp8_self_view_is_encoded_near_the_ceiling() -> None:
    cap_self_view_bitrate()
    encoder = Vp8Encoder()
    encoder.target_bitrate = 5_000_000
    sent = 0
    make = face_frames(496, 372)
    frames = [make(i) for i in range(3 * FPS)]
    for index, bgr in enumerate(frames):
        frame = av.VideoFrame.from_ndarray(bgr, format="bgr24")
        frame.pts, frame.time_base = index, Fraction(1, FPS)
        payloads, _ = encoder.encode(frame, force_keyframe=index == 0)
        sent += sum(len(payload) for payload in payloads)
    bits_per_second = 8 * sent / (len(frames) / FPS)
    assert bits_per_second < 1.3 * VP8_MAX_BITRATE
