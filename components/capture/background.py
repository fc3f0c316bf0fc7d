"""Run the engine's analysis on a worker thread, always on the newest frame.

Face detection costs ~15-30 ms per 720p frame on a small machine, more than a 30 fps camera
allows between frames. The WebRTC callback therefore only hands the frame over and draws the
latest guidance (well under a millisecond); this worker analyses whatever frame is newest when
it becomes free, dropping the ones it had no time for. The steadiness checks and the face
triple use stream timestamps, so skipped frames do not distort them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from components.capture.hints import Hint
from components.capture.processor import CaptureEngine

_log = logging.getLogger(__name__)
SEARCHING_FPS = 12.0  # analysed frames/s while nothing to capture is in view
NOTHING_IN_VIEW = frozenset({Hint.NO_CARD, Hint.NO_FACE})


class FramePacer:
    """Admits at most ``max_fps`` frames per second of stream time, whatever the camera's jitter.

    A credit grows with stream time (``max_fps`` per second, capped at ``burst``) and each
    admitted frame spends one. A minimum interval between frames would not do: with a 30 fps
    camera whose timestamps jitter by a millisecond or two, the frame two steps on often lands
    a hair under 1/15 s after the last one, so only every third frame passes (~11/s); a 15 fps
    camera would lose a third of its frames. With the credit, a 30 fps camera gets every second
    frame and a 15 fps one every frame. ``max_fps <= 0`` admits everything.
    """

    def __init__(self, max_fps: float, burst: float = 1.5) -> None:
        self.rate = max_fps  # may be changed between frames
        self._burst = burst
        self._credit = 1.0
        self._last_t: float | None = None

    def admit(self, t: float) -> bool:
        if self.rate <= 0:
            return True
        if self._last_t is None or t < self._last_t:  # first frame, or the stream restarted
            self._credit = 1.0
        else:
            self._credit = min(self._burst, self._credit + (t - self._last_t) * self.rate)
        self._last_t = t
        if self._credit < 1.0 - 1e-6:
            return False
        self._credit -= 1.0
        return True


@dataclass(frozen=True)
class AnalysisStats:
    """How the worker keeps up: frames analysed and dropped, analysis time in milliseconds."""

    analysed: int
    dropped: int
    median_ms: float
    p95_ms: float


class BackgroundAnalyser:
    """Feeds an engine from a worker thread that starts on demand and stops when idle.

    At most ``max_fps`` frames per second of stream time are analysed (see ``FramePacer``): 15
    is plenty for the steadiness runs and the face triple (frames >= 0.12 s apart) and leaves
    CPU for the callback and the video encoder. While the last analysed frame showed nothing to
    capture (no card, no face: where customers spend most of their time), ``searching_fps``
    are enough: a card or face coming into view is seen within 1/12 s, and from that frame on
    the analysis runs at ``max_fps`` again, so steadiness runs and the face triple are timed as
    before.
    """

    def __init__(self, engine: CaptureEngine, *, max_fps: float = 15.0,
                 searching_fps: float = SEARCHING_FPS, idle_timeout: float = 5.0) -> None:
        self.engine = engine
        self._pacer = FramePacer(max_fps)
        self._max_fps = max_fps
        self._searching_fps = min(searching_fps, max_fps) if max_fps > 0 else max_fps
        self._searching = False  # the last analysed frame showed no card and no face
        self._idle_timeout = idle_timeout
        self._cond = threading.Condition()
        self._pending: tuple[np.ndarray, float] | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._analysed = 0
        self._dropped = 0
        self._durations: deque[float] = deque(maxlen=500)

    def submit(self, bgr: np.ndarray, t: float) -> None:
        """Queue ``bgr`` for analysis, replacing a frame still waiting. Never blocks for long.

        The camera callback calls this last, once its own frame is ready: the worker it wakes
        may be queued on the callback's CPU (see ``_lower_priority``), and must find nothing
        of that frame left to do there.
        """
        with self._cond:
            if self._closed:
                return
            self._pacer.rate = self._searching_fps if self._searching else self._max_fps
            if not self._pacer.admit(t):
                return  # analysing faster gains nothing (see max_fps) and steals CPU
            if self._pending is not None:
                self._dropped += 1
            self._pending = (bgr, t)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="capture-analysis",
                                                daemon=True)
                self._thread.start()
            self._cond.notify()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no frame is waiting or being analysed (for tests and benchmarks)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy,
                                       timeout=timeout)

    def stats(self) -> AnalysisStats:
        with self._cond:
            durations = sorted(self._durations)
            analysed, dropped = self._analysed, self._dropped
        if not durations:
            return AnalysisStats(analysed, dropped, 0.0, 0.0)
        return AnalysisStats(analysed, dropped, 1000 * durations[len(durations) // 2],
                             1000 * durations[min(len(durations) - 1,
                                                  round(0.95 * (len(durations) - 1)))])

    def close(self) -> None:
        """Stop the worker (it finishes the frame in hand first)."""
        with self._cond:
            self._closed = True
            self._pending = None
            thread = self._thread
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def _run(self) -> None:
        _lower_priority()
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                ready = self._cond.wait_for(lambda: self._pending is not None or self._closed,
                                            timeout=self._idle_timeout)
                if self._closed or not ready:
                    self._thread = None  # a later submit() starts a fresh worker
                    return
                assert self._pending is not None
                bgr, t = self._pending
                self._pending = None
                self._busy = True
            started = time.perf_counter()
            searching = False
            try:
                searching = self.engine.analyse(bgr, t).frame_hint in NOTHING_IN_VIEW
            except Exception:  # keep the camera alive; the next frame gets a fresh try
                _log.exception("capture analysis failed on one frame")
            elapsed = time.perf_counter() - started
            with self._cond:
                self._searching = searching
                self._analysed += 1
                self._durations.append(elapsed)


def _lower_priority(niceness: int = 10) -> None:
    """Let the camera callback and the video encoder win the CPU over analysis.

    On Linux every thread is a task with its own nice value and policy (elsewhere this part
    does nothing). The nice value gives the worker a small share of a contended CPU. The batch
    policy keeps its wake-up from preempting the thread that woke it: Linux may queue a woken
    task on the waker's CPU even while another CPU is idle (seen on the 2-vCPU development VM),
    and a normal task would then push the camera callback off that CPU until the next
    scheduler tick, up to 4 ms later: one camera frame in six in the benchmark (its p95 was
    4-8x the floor; with the batch policy 1.2-1.7x). A batch task waits for the callback to
    finish, or for the idle CPU to take it. OpenCV's own worker pool would inherit neither
    setting, so OpenCV is also limited to the calling thread (a process-wide setting: the
    capture engine is its only user).
    """
    cv2.setNumThreads(1)
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
        # pid 0 is the calling thread; the nice value set above is kept.
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
