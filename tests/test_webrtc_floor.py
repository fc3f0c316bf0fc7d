"""The load test's floor: aiortc's real VP8 codecs on real frames, and the profile's parts."""

from __future__ import annotations

import pytest

from scripts.profile_summary import part_of
from scripts.webrtc_floor import Floor, measure_floor
from tests.clips import face_frames


@pytest.fixture(scope="module")
def floor() -> Floor:
    make = face_frames(640, 480)
    return measure_floor([make(i) for i in range(8)], fps=15, view_width=320, rounds=1)


def test_the_floor_adds_up_decode_conversions_and_encode_per_frame(floor: Floor) -> None:
    parts = (floor.decode_ms, floor.to_array_ms, floor.from_array_ms, floor.encode_ms)
    assert all(part > 0 for part in parts)
    assert floor.per_frame_ms == pytest.approx(sum(parts))
    # 15 frames/s for a minute: 900 frames.
    assert floor.cpu_s_per_minute(15) == pytest.approx(floor.per_frame_ms * 900 / 1000)


def test_encoding_a_narrower_self_view_costs_less_than_the_full_frame(floor: Floor) -> None:
    assert (floor.view_width, floor.width) == (320, 640)
    assert floor.view_encode_ms < floor.encode_ms  # a quarter of the area


def test_a_profiled_stack_is_counted_in_the_part_it_runs_in() -> None:
    worker = ("thread (1): capture-analysis;_bootstrap (threading.py:1002);"
              "BackgroundAnalyser._run (components/capture/background.py:152);"
              "CaptureEngine.analyse (components/capture/"
              "processor.py:90);draw (components/capture/overlay.py:80)")
    encoder = ("thread (2);_run_once (asyncio/base_events.py:1936);_next_encoded_frame "
               "(aiortc/rtcrtpsender.py:300);Vp8Encoder.encode (aiortc/codecs/vpx.py:230)")
    assert part_of(worker) == "analysis (worker thread)"
    assert part_of(encoder) == "VP8 encode (self-view sent back)"
