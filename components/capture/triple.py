"""The face triple: three good, distinct frames within half a second of stream time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.capture.config import CaptureConfig
from components.capture.quality import frames_differ


@dataclass(frozen=True)
class Shot:
    frame: np.ndarray
    t: float


class FaceTriple:
    """Collects the triple from a stream of (frame, time, good?) observations.

    A run of ``face_good_run`` good frames arms it; then a good frame is taken whenever it is at
    least ``face_min_gap`` after the previous shot and differs from every shot so far. A bad
    frame, or a third shot that cannot come within ``face_max_span`` of the first, starts over.
    """

    def __init__(self, config: CaptureConfig) -> None:
        self._config = config
        self.shots: list[Shot] = []
        self._good_run = 0
        self.rejected_identical = 0  # frames refused as copies since the triple last advanced

    @property
    def progress(self) -> int:
        return len(self.shots)

    @property
    def complete(self) -> bool:
        return len(self.shots) >= 3

    def reset(self) -> None:
        self.shots.clear()
        self._good_run = 0
        self.rejected_identical = 0

    def would_take(self, t: float) -> bool:
        """Whether a good, distinct frame at ``t`` would be taken as the next shot."""
        if self.complete:
            return False
        if not self.shots or t - self.shots[0].t > self._config.face_max_span:
            return self._good_run + 1 >= self._config.face_good_run
        return t - self.shots[-1].t >= self._config.face_min_gap

    def observe(self, frame: np.ndarray, t: float, good: bool) -> bool:
        """Feed one analysed frame; True when it was taken as a shot."""
        if self.complete:
            return False
        if not good:
            self.reset()
            return False
        self._good_run += 1
        if self.shots and t - self.shots[0].t > self._config.face_max_span:
            self.shots.clear()  # too late for this triple: start a new one from here
        if not self.shots:
            if self._good_run < self._config.face_good_run:
                return False
        elif t - self.shots[-1].t < self._config.face_min_gap:
            return False
        if any(not frames_differ(frame, shot.frame, self._config.min_frame_difference)
               or t <= shot.t for shot in self.shots):
            self.rejected_identical += 1
            return False
        self.shots.append(Shot(frame, t))
        if len(self.shots) > 1:  # a distinct follow-up frame: the camera is live
            self.rejected_identical = 0
        return True
