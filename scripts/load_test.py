"""Capacity figure: N concurrent camera sessions against one app server, on loopback only.

    uv run python -m scripts.load_test                       # 640x480 webcams, N = 1,2,3,4,6
    uv run python -m scripts.load_test --sessions 1,2 --size 1280x720 --keep-going

For each N it starts a fresh app server (demo mode, this repository's app.py) with two counters
patched in, opens N headless Chromium pages whose fake camera plays a generated Y4M clip, walks
each through language and consent to the capture page, starts the camera, waits ``--warmup``
seconds and then measures for ``--window`` seconds:

- processed frames/s per session: frames the capture engine analysed (its background analyser
  takes at most 15 frames/s of stream time; the clip plays at 30 fps like a typical webcam, and
  the app asks the browser for 15), beside the frames/s arriving at the server and their size;
- dropped frames: frames the analyser replaced before it got to them, and frames streamlit-webrtc
  skipped because the callback was still busy;
- server CPU (seconds, and % of one core) and peak RSS, read from /proc for the server process;
- the browsers' CPU and the whole machine's busy share, because on one machine the clients
  compete with the server. The browsers run at the lowest CPU priority (niceness 19) so the
  server is served first, and keep their resolution when short of CPU (they drop frames
  instead), so the server sees real frame sizes; when the machine is saturated anyway, the
  clients send fewer frames and the figure is conservative.

It prints one row per N, the largest N keeping every session at >= ``--min-fps`` processed frames
per second, and the server's CPU-seconds per session-minute. The clip shows a person and no ID
card, so each session stays on the first capture step (looking for the card), where customers
spend most of their time; a session never completes and so keeps loading the server.

``--option NAME=VALUE`` runs the server with a Streamlit setting changed, to measure its effect
(e.g. ``--option runner.postScriptGC=false``).

``serve`` is the internal entry point that runs the instrumented server.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scripts.webrtc_floor import Floor, measure_floor

REPO_ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SENT_FPS = 15  # the frame rate the app asks browsers for (components/ui/camera.py)


# ---- inside the server process -------------------------------------------------------------

def instrument(stats_path: Path, interval_s: float = 1.0) -> None:
    """Count analysed/dropped frames per capture session; write a snapshot every second.

    streamlit-webrtc must not be imported before Streamlit's runtime exists (its component
    would not be registered), so its counter is patched in once the app has imported it.
    """
    from components.capture.background import BackgroundAnalyser
    from components.capture.processor import CaptureEngine
    from components.capture.webrtc import FrameCallback

    analysers: weakref.WeakSet[BackgroundAnalyser] = weakref.WeakSet()
    # processor id -> [frames in, calls, width, height, sent width, sent height]
    callbacks: dict[int, list[int]] = {}
    original_init = BackgroundAnalyser.__init__

    def init(self: BackgroundAnalyser, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        analysers.add(self)

    BackgroundAnalyser.__init__ = init  # type: ignore[method-assign]
    from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    parts = PartTimer()
    parts.time_garbage_collection()
    ended = EndedThreads()
    ended.install()
    FrameCallback.__call__ = parts.timed(FrameCallback.__call__, "callback")  # type: ignore[method-assign]
    CaptureEngine.analyse = parts.timed(CaptureEngine.analyse, "analysis")  # type: ignore[method-assign]
    Vp8Decoder.decode = parts.timed(Vp8Decoder.decode, "decode")  # type: ignore[method-assign]
    Vp8Encoder.encode = parts.timed(Vp8Encoder.encode, "encode")  # type: ignore[method-assign]
    # A script run re-running only fragments (the capture page's twice-a-second status poll)
    # is counted apart from full script runs (page loads, reruns after a click).
    ScriptRunner._run_script = parts.timed(  # type: ignore[method-assign]
        ScriptRunner._run_script, "script run",
        lambda _runner, rerun_data: ("fragment run" if rerun_data.fragment_id_queue
                                     else "script run"))
    # The whole of each script thread (Streamlit starts one per run): the runs above, and the
    # thread's own setup and hand-over around them.
    ScriptRunner._run_script_thread = parts.timed(  # type: ignore[method-assign]
        ScriptRunner._run_script_thread, "script threads")

    def count_callbacks() -> None:
        models = sys.modules["streamlit_webrtc.models"]
        processor = models.CallbackAttachableProcessor
        original = processor.recv_queued

        async def recv_queued(self: Any, frames: list[Any]) -> list[Any]:
            counts = callbacks.setdefault(id(self), [0, 0, 0, 0, 0, 0])
            counts[0] += len(frames)
            counts[1] += 1
            counts[2], counts[3] = frames[-1].width, frames[-1].height
            sent = await original(self, frames)
            if sent:
                counts[4], counts[5] = sent[-1].width, sent[-1].height
            return sent

        processor.recv_queued = recv_queued

    def report() -> None:
        patched = False
        while True:
            if not patched and "streamlit_webrtc.models" in sys.modules:
                count_callbacks()
                patched = True
            rows = []
            for analyser in list(analysers):
                stats = analyser.stats()
                rows.append([id(analyser), stats.analysed, stats.dropped, stats.median_ms,
                             stats.p95_ms])
            snapshot = {"time": time.monotonic(), "analysers": rows,
                        "callbacks": {str(k): v for k, v in callbacks.items()},
                        "parts": parts.totals(), "threads": thread_cpu(),
                        "ended_threads": ended.totals(),
                        "process_cpu": process_cpu_s(os.getpid())}
            part = stats_path.with_suffix(".part")
            part.write_text(json.dumps(snapshot))
            os.replace(part, stats_path)
            time.sleep(interval_s)

    threading.Thread(target=report, name="load-test-stats", daemon=True).start()


# What each of the server's threads does, by the name Python gives it (numbers stripped).
THREAD_ROLES = {
    "MainThread": "event loop",  # WebRTC transport (ICE, DTLS, SRTP, RTP, RTCP), websockets
    "capture-analysis": "analysis",
    "asyncio": "loop executor",  # aiortc runs the VP8 encoder here (run_in_executor)
    "uvloop": "loop executor",
    "video-decoder": "decoder",
    "async_media_processor": "callback",  # streamlit-webrtc's frame callback thread
    "ScriptRunner.scriptThread": "script runs",
    "ThreadPoolExecutor": "streamlit pool",  # Streamlit's own (file and secrets watchers)
    "AnyIO worker thread": "streamlit pool",
    "vlens-simulator": "vlens simulator",
}


def thread_role(name: str) -> str:
    base = re.sub(r"[-_][-_0-9]*$", "", name)
    return THREAD_ROLES.get(base, THREAD_ROLES.get(name, "other"))


class EndedThreads:
    """CPU seconds of the interpreter's threads that have ended, by role (Streamlit starts a
    thread per script run; they end between two snapshots)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals: dict[str, float] = {}

    def install(self) -> None:
        original = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]
        ended = self

        def bootstrap_inner(thread: threading.Thread) -> None:
            try:
                original(thread)
            finally:
                ended.add(thread_role(thread.name), time.thread_time())

        threading.Thread._bootstrap_inner = bootstrap_inner  # type: ignore[attr-defined]

    def add(self, role: str, cpu_s: float) -> None:
        with self._lock:
            self._totals[role] = self._totals.get(role, 0.0) + cpu_s

    def totals(self) -> dict[str, float]:
        with self._lock:
            return dict(self._totals)


def thread_cpu() -> dict[str, tuple[str, float]]:
    """CPU seconds of every live thread of this process: native id -> (role, seconds).
    Threads the interpreter does not know (libvpx's, OpenCV's) have the role "native"."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    found = {}
    for entry in Path("/proc/self/task").iterdir():
        with suppress(OSError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = names.get(int(entry.name))
            role = thread_role(name) if name is not None else "native"
            found[entry.name] = (role, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


class PartTimer:
    """CPU time spent in parts of the server (the frame callback, the analysis), all sessions
    together: the calling thread's CPU time, so waiting for the interpreter lock is not counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals: dict[str, list[float]] = {}  # part -> [CPU ms, calls]

    def timed(self, function: Callable[..., Any], part: str,
              part_of_call: Callable[..., str] | None = None) -> Callable[..., Any]:
        """``function`` adding its calls' CPU time to ``part`` (or to the part that
        ``part_of_call(*args)`` names)."""
        self._totals[part] = [0.0, 0]

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = 1000 * (time.thread_time() - started)
                name = part_of_call(*args) if part_of_call else part
                with self._lock:
                    total = self._totals.setdefault(name, [0.0, 0])
                    total[0] += spent
                    total[1] += 1

        return timed

    def time_garbage_collection(self) -> None:
        """Count the interpreter's collections as the part "gc" (they run under the
        interpreter lock, in whichever thread triggered them, so start and stop pair up)."""
        self._totals["gc"] = [0.0, 0]
        started = [0.0]

        def on_gc(phase: str, _info: dict[str, Any]) -> None:
            if phase == "start":
                started[0] = time.thread_time()
            else:
                self._totals["gc"][0] += 1000 * (time.thread_time() - started[0])
                self._totals["gc"][1] += 1

        gc.callbacks.append(on_gc)

    def totals(self) -> dict[str, list[float]]:
        with self._lock:
            return {part: list(total) for part, total in self._totals.items()}


def serve(port: int, stats_path: Path, secrets_file: Path, options: list[str]) -> None:
    instrument(stats_path)
    from streamlit.web import cli as streamlit_cli

    sys.argv = ["streamlit", "run", str(REPO_ROOT / "app.py"),
                "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
                "--server.fileWatcherType=none", "--browser.gatherUsageStats=false",
                f"--secrets.files={secrets_file}", *(f"--{option}" for option in options)]
    streamlit_cli.main()


# ---- measuring -----------------------------------------------------------------------------

def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def process_rss_mb(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_SIZE / 2**20


def descendants(root: int) -> list[int]:
    """Every live process whose parent chain reaches ``root``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError):
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        current = frontier.pop()
        children = [pid for pid, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def renice(pids: list[int], niceness: int = 19) -> None:
    """Lower the CPU priority of the client browsers so the server is served first."""
    for pid in pids:
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, niceness)


def cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with suppress(OSError):
            total += process_cpu_s(pid)
    return total


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


@dataclass
class Snapshot:
    time: float
    analysers: dict[int, tuple[int, int, float, float]]
    callbacks: dict[str, tuple[int, ...]]
    parts: dict[str, list[float]]  # part -> [CPU ms, calls] since the server started
    threads: dict[str, tuple[str, float]]  # native thread id -> (role, CPU seconds)
    threads_process_cpu: float  # the server's CPU seconds read with ``threads``
    ended_threads: dict[str, float]  # role -> CPU seconds of ended threads (EndedThreads)
    server_cpu: float
    browser_cpu: float
    machine: tuple[float, float]

    @classmethod
    def read(cls, stats_path: Path, server_pid: int, browser_pids: list[int]) -> Snapshot:
        data = json.loads(stats_path.read_text())
        return cls(
            time=time.monotonic(),
            analysers={row[0]: (row[1], row[2], row[3], row[4]) for row in data["analysers"]},
            callbacks={k: tuple(v) for k, v in data["callbacks"].items()},
            parts=data["parts"],
            threads={tid: (role, cpu) for tid, (role, cpu) in data["threads"].items()},
            threads_process_cpu=data["process_cpu"],
            ended_threads=data["ended_threads"],
            server_cpu=process_cpu_s(server_pid),
            browser_cpu=cpu_of(browser_pids),
            machine=machine_busy_s(),
        )


@dataclass
class Row:
    sessions: int
    started: int
    fps: list[float]
    analyser_dropped: int
    webrtc_dropped: int
    p95_ms: float
    server_cpu_pct: float
    cpu_s_per_session_min: float
    rss_mb: float
    idle_rss_mb: float
    browser_cpu_pct: float
    machine_busy_pct: float
    frame_sizes: list[str] = field(default_factory=list)
    sent_sizes: list[str] = field(default_factory=list)
    input_fps: list[float] = field(default_factory=list)
    load: float = 0.0  # 1-minute load average at the end of the window
    callback_ms: float = 0.0  # CPU per frame callback (convert, hand over, draw, shrink, wrap)
    analysis_ms: float = 0.0  # CPU per analysed frame
    # CPU-seconds per session-minute of each timed part (see PartTimer); a part inside another
    # (NESTED_PARTS) is counted in both, "rest" is the server's CPU outside every part.
    parts: dict[str, float] = field(default_factory=dict)
    # CPU-seconds per session-minute of each thread role (see THREAD_ROLES and
    # thread_breakdown); a thread that ended in the window counts in its role.
    threads: dict[str, float] = field(default_factory=dict)
    floor: Floor | None = None

    @property
    def min_fps(self) -> float:
        return min(self.fps) if self.fps else 0.0

    @property
    def floor_cpu_s_per_session_min(self) -> float:
        """The floor for the frames that actually arrived: all sessions' frames per second
        (a reconnected session's old stream adds its frames too) over the session count."""
        if self.floor is None or not self.input_fps:
            return 0.0
        return self.floor.cpu_s_per_minute(sum(self.input_fps) / self.sessions)

    def figures(self) -> dict[str, Any]:
        floor_ms = self.floor.per_frame_ms if self.floor else 0.0
        floor_min = self.floor_cpu_s_per_session_min
        return self.__dict__ | {
            "min_fps": self.min_fps, "floor": self.floor.__dict__ if self.floor else None,
            "floor_cpu_s_per_session_min": floor_min,
            "cpu_ratio_to_floor": self.cpu_s_per_session_min / floor_min if floor_min else None,
            "callback_ratio_to_floor": self.callback_ms / floor_ms if floor_ms else None,
            "analysis_ratio_to_floor": self.analysis_ms / floor_ms if floor_ms else None,
        }


def compare(before: Snapshot, after: Snapshot, sessions: int, started: int, rss_mb: float,
            idle_rss_mb: float, idle_cpu_pct: float) -> Row:
    seconds = after.time - before.time
    fps, dropped, p95 = [], 0, []
    for key, (analysed, drops, _median, p95_ms) in after.analysers.items():
        if key in before.analysers:
            fps.append((analysed - before.analysers[key][0]) / seconds)
            dropped += drops - before.analysers[key][1]
            p95.append(p95_ms)
    fps += [0.0] * max(0, sessions - len(fps))  # a session whose camera never ran counts as 0
    webrtc_dropped = 0
    arrived = [(counts[0] - before.callbacks[key][0]) / seconds
               for key, counts in after.callbacks.items() if key in before.callbacks]
    sizes = sorted({f"{c[2]}x{c[3]}" for c in after.callbacks.values()})
    sent = sorted({f"{c[4]}x{c[5]}" for c in after.callbacks.values()})
    for processor, counts in after.callbacks.items():
        if processor in before.callbacks:
            webrtc_dropped += (counts[0] - before.callbacks[processor][0]) - (
                counts[1] - before.callbacks[processor][1])

    def per_call_ms(part: str) -> float:
        spent = after.parts[part][0] - before.parts[part][0]
        calls = after.parts[part][1] - before.parts[part][1]
        return spent / calls if calls else 0.0

    server_pct = 100 * (after.server_cpu - before.server_cpu) / seconds
    busy = after.machine[0] - before.machine[0]
    total = after.machine[1] - before.machine[1]
    return Row(
        sessions=sessions, started=started, fps=sorted(fps), analyser_dropped=dropped,
        webrtc_dropped=webrtc_dropped, p95_ms=max(p95) if p95 else 0.0,
        server_cpu_pct=server_pct,
        cpu_s_per_session_min=(server_pct - idle_cpu_pct) / 100 * 60 / sessions,
        rss_mb=rss_mb, idle_rss_mb=idle_rss_mb,
        browser_cpu_pct=100 * (after.browser_cpu - before.browser_cpu) / seconds,
        machine_busy_pct=100 * busy / total if total else 0.0,
        frame_sizes=sizes,
        sent_sizes=sent,
        input_fps=sorted(arrived),
        load=os.getloadavg()[0],
        callback_ms=per_call_ms("callback"),
        analysis_ms=per_call_ms("analysis"),
        parts=part_breakdown(before, after, seconds, sessions,
                             (server_pct - idle_cpu_pct) / 100 * 60 / sessions),
        threads=thread_breakdown(before, after, seconds, sessions),
    )


# Parts timed inside other parts: collections run inside whatever triggered them, script and
# fragment runs inside their script threads.
NESTED_PARTS = frozenset({"gc", "script run", "fragment run"})


def part_breakdown(before: Snapshot, after: Snapshot, seconds: float, sessions: int,
                   total: float) -> dict[str, float]:
    """CPU-seconds per session-minute of each timed part, and the ``rest`` of ``total``."""
    per_minute = 60 / seconds / sessions / 1000
    parts = {part: (spent - before.parts.get(part, [0.0, 0])[0]) * per_minute
             for part, (spent, _calls) in after.parts.items()}
    parts["rest"] = total - sum(value for part, value in parts.items()
                                if part not in NESTED_PARTS)
    return {part: round(value, 2) for part, value in parts.items()}


def thread_breakdown(before: Snapshot, after: Snapshot, seconds: float,
                     sessions: int) -> dict[str, float]:
    """CPU-seconds per session-minute of each thread role over the window (the process's
    idle cost included, unlike the headline figure). A thread that ended in the window counts
    in its role; "ended, native" is what threads unknown to the interpreter spent before
    ending (the process's CPU not found in any thread)."""
    per_minute = 60 / seconds / sessions
    roles: dict[str, float] = {}

    def add(role: str, cpu_s: float) -> None:
        roles[role] = roles.get(role, 0.0) + cpu_s

    for tid, (role, cpu) in after.threads.items():
        add(role, cpu - before.threads.get(tid, (role, 0.0))[1])
    for tid, (role, cpu) in before.threads.items():
        if tid not in after.threads:  # ended in the window: its whole life is counted below
            add(role, -cpu)
    for role, cpu in after.ended_threads.items():
        add(role, cpu - before.ended_threads.get(role, 0.0))
    process = after.threads_process_cpu - before.threads_process_cpu
    roles["ended, native"] = max(0.0, process - sum(roles.values()))
    ordered = sorted(roles.items(), key=lambda item: -item[1])
    return {role: round(value * per_minute, 2) for role, value in ordered}


# ---- driving ---------------------------------------------------------------------------------

@contextmanager
def app_server(workdir: Path, log: Path,
               options: list[str]) -> Iterator[tuple[str, int, Path]]:
    """The instrumented app on a free loopback port: (url, pid, stats file)."""
    import requests

    from tests.browser.server import free_port, isolated_env

    port = free_port()
    stats = workdir / f"stats-{port}.json"
    secrets_file = workdir / "secrets.toml"
    secrets_file.touch()
    command = [sys.executable, "-m", "scripts.load_test", "serve", "--port", str(port),
               "--stats", str(stats), "--secrets", str(secrets_file),
               *(f"--option={option}" for option in options)]
    env = isolated_env({"VLENS_TEST_NO_ICE": "1", "LOG_LEVEL": "WARNING"})
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with suppress(requests.RequestException):
                if requests.get(f"{url}/_stcore/health", timeout=2).text.strip() == "ok":
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app server did not start; see {log}")
            time.sleep(0.3)
        while not stats.exists():
            time.sleep(0.1)
        yield url, process.pid, stats
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Chrome lowers the resolution it sends when its own CPU is overloaded (as it is here, with every
# client on one machine). A content hint of "detail" makes it keep the resolution and give up
# frame rate instead, so the server sees the camera's real frame size, as it would from
# customers who each have their own device.
KEEP_RESOLUTION_JS = """
(() => {
  const media = navigator.mediaDevices;
  if (!media || !media.getUserMedia) return;
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    stream.getVideoTracks().forEach((track) => { track.contentHint = "detail"; });
    return stream;
  };
})();
"""


def start_session(browser: Any, url: str, keep_resolution: bool = True) -> bool:
    """One customer: a fresh browser context on the capture page with the camera running."""
    from tests.browser.camera import WebrtcCamera
    from tests.browser.journey import accept_consent, choose_english, en, open_app, wait_for_heading

    context = browser.new_context(viewport={"width": 1000, "height": 900})
    if keep_resolution:
        context.add_init_script(KEEP_RESOLUTION_JS)
    page = context.new_page()
    try:
        open_app(page, url)
        choose_english(page)
        wait_for_heading(page, en("consent.title"))
        accept_consent(page)
        wait_for_heading(page, en("capture.title"))
        WebrtcCamera(page).start(timeout_s=40)
        return True
    except Exception as exc:  # a failed session is reported, the run goes on
        print(f"    session failed to start: {str(exc).splitlines()[0][:160]}", flush=True)
        return False


def measure(sessions: int, clip: Path, workdir: Path, warmup_s: float, window_s: float,
            log: Path, nice_browsers: bool, keep_resolution: bool,
            options: list[str], profile: Path | None = None) -> Row:
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import launch_with_camera

    with app_server(workdir, log, options) as (url, server_pid, stats), \
            sync_playwright() as playwright:
        time.sleep(3)
        idle_before = Snapshot.read(stats, server_pid, [])
        time.sleep(5)
        idle_after = Snapshot.read(stats, server_pid, [])
        idle_cpu_pct = 100 * (idle_after.server_cpu - idle_before.server_cpu) / (
            idle_after.time - idle_before.time)
        idle_rss = process_rss_mb(server_pid)
        browser = launch_with_camera(playwright, clip)
        try:
            started = 0
            for _ in range(sessions):
                started += start_session(browser, url, keep_resolution)
                if nice_browsers:
                    renice(descendants(os.getpid()))
            time.sleep(warmup_s)
            browsers = descendants(os.getpid())
            before = Snapshot.read(stats, server_pid, browsers)
            peak_rss = process_rss_mb(server_pid)
            deadline = time.monotonic() + window_s
            profiler = start_profiler(server_pid, window_s, profile) if profile else None
            while time.monotonic() < deadline:
                time.sleep(1)
                peak_rss = max(peak_rss, process_rss_mb(server_pid))
            after = Snapshot.read(stats, server_pid, browsers)
            if profiler is not None:
                profiler.wait(timeout=60)
        finally:
            browser.close()
    return compare(before, after, sessions, started, peak_rss, idle_rss, idle_cpu_pct)


def start_profiler(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling the server for ``seconds`` (collapsed stacks into ``output``).

    50 samples/s of the thread holding the interpreter lock (``--gil``): the lock is what caps
    one app process at about one core, and py-spy here cannot tell a thread waiting for the
    lock from one running (plain sampling counted ~2.5x the CPU the process used). Codec and
    OpenCV work that releases the lock is not in these samples; the load test times it
    directly (PartTimer). Summarise with ``python -m scripts.profile_summary``.
    """
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("--profile needs py-spy on PATH (e.g. `uv tool install py-spy`)")
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--duration", str(round(seconds)), "--rate", "50",
         "--format", "raw", "--gil", "--threads", "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_row(row: Row) -> None:
    fps = " ".join(f"{v:.1f}" for v in row.fps)
    arrived = " ".join(f"{v:.0f}" for v in row.input_fps)
    print(f"N={row.sessions:<2} started={row.started:<2} fps/session min={row.min_fps:5.1f} "
          f"[{fps}] arriving [{arrived}] dropped analyser={row.analyser_dropped} "
          f"webrtc={row.webrtc_dropped} "
          f"p95 analysis={row.p95_ms:.0f} ms frames {','.join(row.frame_sizes)} | "
          f"server CPU {row.server_cpu_pct:5.1f}% "
          f"({row.cpu_s_per_session_min:.1f} CPU-s/session-min) RSS {row.rss_mb:.0f} MB "
          f"(idle {row.idle_rss_mb:.0f}) | browsers {row.browser_cpu_pct:.0f}% "
          f"machine busy {row.machine_busy_pct:.0f}% load {row.load:.1f}", flush=True)
    if row.floor is None or not row.floor_cpu_s_per_session_min:
        return
    figures = row.figures()
    print(f"     {row.floor.describe()}", flush=True)
    print(f"     against the floor: CPU per session-minute {row.cpu_s_per_session_min:.1f} / "
          f"{row.floor_cpu_s_per_session_min:.1f} = {figures['cpu_ratio_to_floor']:.2f}x; "
          f"frame callback {row.callback_ms:.2f} ms = {figures['callback_ratio_to_floor']:.2f}x "
          f"(sends {','.join(row.sent_sizes)}); analysis {row.analysis_ms:.2f} ms per analysed "
          f"frame = {figures['analysis_ratio_to_floor']:.2f}x", flush=True)
    print("     CPU-s per session-minute by part: " + ", ".join(
        f"{part} {value:.2f}" for part, value in row.parts.items()), flush=True)
    print("     CPU-s per session-minute by thread: " + ", ".join(
        f"{role} {value:.2f}" for role, value in row.threads.items()), flush=True)


def summary(rows: list[Row], min_fps: float) -> dict[str, Any]:
    passing = [r for r in rows if r.started == r.sessions and r.min_fps >= min_fps]
    best = max(passing, key=lambda r: r.sessions) if passing else None
    per_session = [r.cpu_s_per_session_min for r in passing] or [
        r.cpu_s_per_session_min for r in rows]
    rss_step = None
    if len(rows) >= 2:  # least-squares slope of peak RSS over N: the marginal session
        ns, rss = [r.sessions for r in rows], [r.rss_mb for r in rows]
        mean_n, mean_rss = statistics.fmean(ns), statistics.fmean(rss)
        spread = sum((n - mean_n) ** 2 for n in ns)
        if spread:
            rss_step = sum((n - mean_n) * (m - mean_rss) for n, m in zip(ns, rss, strict=True)
                           ) / spread
    return {
        "largest_n": best.sessions if best else 0,
        "cpu_s_per_session_min": round(statistics.median(per_session), 1) if per_session else None,
        "rss_mb_per_session": round(rss_step) if rss_step is not None else None,
        "idle_rss_mb": round(min(r.idle_rss_mb for r in rows)) if rows else None,
        "one_session_rss_mb": round(min(r.rss_mb for r in rows if r.sessions == 1))
        if any(r.sessions == 1 for r in rows) else None,
        "cores": os.cpu_count(),
        "rows": [r.figures() for r in rows],
    }


def write_person_clip(path: Path, width: int, height: int, fps: int,
                      seconds: float = 6.0) -> tuple[Path, list[np.ndarray]]:
    """A person facing the camera, no ID card: the first capture step never completes.
    Returns the clip and its frames."""
    from tests.clips import face_frames, sequence, write_y4m

    frames = list(sequence([(face_frames(width, height), seconds)], fps=fps))
    write_y4m(path, frames, fps=fps)
    return path, frames


def sweep(args: argparse.Namespace) -> int:
    width, height = (int(v) for v in args.size.lower().split("x"))
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} cores; "
          f"clip {width}x{height} at {args.fps} fps; warm-up {args.warmup:.0f} s, window "
          f"{args.window:.0f} s"
          + "".join(f"; --{option}" for option in args.option), flush=True)
    if load > args.max_load:
        print(f"the machine is busy (load {load:.2f} > {args.max_load}); figures would be "
              "wrong. Try again when it is quiet, or pass --max-load.", file=sys.stderr)
        return 2
    started_at = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vlens-load-") as folder:
        workdir = Path(folder)
        clip, clip_frames = write_person_clip(workdir / "person.y4m", width, height, args.fps)
        for sessions in args.sessions:
            if time.monotonic() - started_at > args.max_seconds:
                print(f"stopping: --max-seconds {args.max_seconds:.0f} reached", flush=True)
                break
            # The browsers send at most the 15 frames/s the app asks for: the floor's frames.
            floor = measure_floor(clip_frames[::max(1, round(args.fps / SENT_FPS))],
                                  min(args.fps, SENT_FPS))
            profile = (args.profile.with_name(f"{args.profile.stem}-n{sessions}"
                                              f"{args.profile.suffix}") if args.profile else None)
            row = measure(sessions, clip, workdir, args.warmup, args.window, args.log,
                          args.nice_browsers, args.keep_resolution, args.option, profile)
            row.floor = floor
            rows.append(row)
            print_row(row)
            if row.min_fps < args.min_fps and row.started == sessions and not args.keep_going:
                print(f"N={sessions} is below {args.min_fps:g} frames/s: stopping the sweep",
                      flush=True)
                break
    result = summary(rows, args.min_fps)
    print(f"\nlargest N with every session >= {args.min_fps:g} processed frames/s: "
          f"{result['largest_n']} (on {result['cores']} cores)")
    marginal = result["rss_mb_per_session"]
    print(f"server CPU per camera session: {result['cpu_s_per_session_min']} CPU-seconds per "
          f"session-minute; memory: {result['idle_rss_mb']} MB idle, "
          f"{result['one_session_rss_mb']} MB with one session (camera libraries loaded)"
          + (f", about {marginal} MB more per further session" if marginal is not None else ""))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    internal = sub.add_parser("serve", help="(internal) run the instrumented app server")
    internal.add_argument("--port", type=int, required=True)
    internal.add_argument("--stats", type=Path, required=True)
    internal.add_argument("--secrets", type=Path, required=True)
    internal.add_argument("--option", action="append", default=[])
    parser.add_argument("--sessions", default="1,2,3,4,6",
                        type=lambda s: [int(v) for v in s.split(",")],
                        help="session counts to try, in order (default 1,2,3,4,6)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before measuring")
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured per N")
    parser.add_argument("--size", default="640x480", help="camera resolution of the clip")
    parser.add_argument("--fps", type=int, default=30, help="camera frame rate of the clip")
    parser.add_argument("--min-fps", type=float, default=10.0,
                        help="frames/s every session must keep (default 10)")
    parser.add_argument("--keep-going", action="store_true",
                        help="measure every N even after one falls below --min-fps")
    parser.add_argument("--let-chrome-downscale", dest="keep_resolution", action="store_false",
                        help="let the overloaded browsers lower the resolution they send "
                        "(default: they keep it and drop frames instead)")
    parser.add_argument("--no-nice-browsers", dest="nice_browsers", action="store_false",
                        help="keep the browsers at normal CPU priority (default: niceness 19, "
                        "so on one machine the server gets the CPU first)")
    parser.add_argument("--max-seconds", type=float, default=900.0,
                        help="stop starting new N after this long")
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="refuse to start when the 1-minute load average is higher")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit setting for the server, e.g. runner.postScriptGC=false "
                        "(repeatable; default: the app's own configuration)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--profile", type=Path, metavar="STACKS.txt",
                        help="sample the server with py-spy during each window and write its "
                        "collapsed stacks to STACKS-nN.txt (see scripts/profile_summary.py)")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) /
                        "vlens-load-server.log", help="server output (appended)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.port, args.stats, args.secrets, args.option)
        return 0
    return sweep(args)


if __name__ == "__main__":
    sys.exit(main())
