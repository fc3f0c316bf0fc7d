"""The load test's floor (aiortc's real VP8 codecs on real frames), its profile's parts and
its CPU time by server thread."""

from __future__ import annotations

import threading
import time

import pytest

from scripts.load_test import (
    EndedThreads,
    Snapshot,
    thread_breakdown,
    thread_cpu,
    thread_role,
)
from scripts.profile_summary import part_of
from scripts.webrtc_floor import Floor, least_disturbed_ms, measure_floor
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


def test_each_floor_figure_is_the_mean_of_its_least_disturbed_round() -> None:
    quiet, disturbed = [0.001, 0.003], [0.004, 0.006]  # seconds per frame
    assert least_disturbed_ms([disturbed, quiet]) == pytest.approx(2.0)


@pytest.mark.parametrize(("name", "role"), [
    ("MainThread", "event loop"),
    ("capture-analysis", "analysis"),
    ("asyncio_0", "loop executor"),
    ("uvloop_1", "loop executor"),
    ("async_media_processor_0", "callback"),
    ("ThreadPoolExecutor-0_3", "streamlit pool"),
    ("vlens-simulator-45791", "vlens simulator"),
    ("Thread-7", "other"),
])
def test_a_server_thread_is_counted_in_the_role_its_name_gives_it(name: str, role: str) -> None:
    assert thread_role(name) == role


def test_a_running_thread_is_found_with_its_role_and_cpu_time() -> None:
    seen: dict[str, tuple[str, float]] = {}

    def work() -> None:
        started = time.thread_time()
        while time.thread_time() - started < 0.05:  # 50 ms of CPU: five clock ticks
            pass
        seen.update(thread_cpu())

    worker = threading.Thread(target=work, name="capture-analysis")
    worker.start()
    worker.join()
    analysis = [cpu for role, cpu in seen.values() if role == "analysis"]
    assert analysis and analysis[0] >= 0.02


def _snapshot(threads: dict[str, tuple[str, float]], ended: dict[str, float],
              server_cpu: float) -> Snapshot:
    return Snapshot(time=0.0, analysers={}, callbacks={}, parts={}, threads=threads,
                    threads_process_cpu=server_cpu, ended_threads=ended, server_cpu=server_cpu,
                    browser_cpu=0.0, machine=(0.0, 0.0))


def test_a_thread_that_ended_in_the_window_counts_in_its_role_for_the_window_only() -> None:
    before = _snapshot({"10": ("event loop", 5.0), "11": ("script runs", 1.0)},
                       {"script runs": 4.0}, server_cpu=10.0)
    # In 60 s: the loop spent 3 s; script thread 11 spent 0.5 s more and ended (1.5 s in all);
    # another one ran 1 s and ended; a native thread ran 0.5 s and ended.
    after = _snapshot({"10": ("event loop", 8.0)}, {"script runs": 6.5}, server_cpu=15.0)
    roles = thread_breakdown(before, after, seconds=60.0, sessions=2)
    assert roles == {"event loop": 1.5, "script runs": 0.75, "ended, native": 0.25}


def test_the_cpu_of_a_thread_is_recorded_in_its_role_when_it_ends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Put back the interpreter's own thread start-up after the test.
    monkeypatch.setattr(threading.Thread, "_bootstrap_inner",
                        threading.Thread._bootstrap_inner)  # type: ignore[attr-defined]
    ended = EndedThreads()
    ended.install()

    def work() -> None:
        started = time.thread_time()
        while time.thread_time() - started < 0.02:
            pass

    worker = threading.Thread(target=work, name="ScriptRunner.scriptThread")
    worker.start()
    worker.join()
    assert ended.totals()["script runs"] >= 0.02
