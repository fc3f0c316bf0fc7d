"""Immutable views of the engine's progress, safe to hand to other threads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from components.capture.hints import Hint, Step


@dataclass(frozen=True, eq=False)
class Capture:
    """One captured picture.

    ``image`` is what to send to Vlens (card steps: the rectified card with a margin; face: the
    full frame), ``full_frame`` the camera frame it came from, ``t`` its stream time in seconds,
    ``overridden`` whether it was taken with "capture now", bypassing the quality checks.
    ``source_size`` is the camera frame's (width, height); for a card, ``card_width_px`` is the
    card's width in those pixels and ``low_resolution`` says it was narrower than the engine's
    minimum (``CaptureConfig.card_min_pixels``: the camera never delivered more in time).
    """

    step: Step
    image: np.ndarray = field(repr=False)
    full_frame: np.ndarray = field(repr=False)
    t: float
    overridden: bool = False
    source_size: tuple[int, int] = (0, 0)
    card_width_px: int | None = None
    low_resolution: bool = False


@dataclass(frozen=True)
class EngineState:
    """A snapshot of the engine for the UI: current step (None when done), hint, progress."""

    step: Step | None
    step_index: int  # 0-based index of ``step`` in the configured order (= total when done)
    total_steps: int
    hint: Hint
    face_progress: int  # 0..3 frames of the current face triple
    captures: Mapping[Step, tuple[Capture, ...]]
    manual_capture_offered: bool
    done: bool
    steps: tuple[Step, ...] = ()
    analysed_frames: int = 0
    # The latest analysed frame's own verdict; ``hint`` shows CAPTURED over it for a moment
    # after a capture, so the person sees the success before the next instruction.
    frame_hint: Hint = Hint.STARTING
    # Why "Take photo now" cannot capture the current step (no card, no face, several faces,
    # a photo held up...), or None when it can. The UI shows it on the button.
    manual_hint: Hint | None = Hint.STARTING

    @property
    def overridden(self) -> frozenset[Step]:
        """Steps whose captures bypassed the quality checks."""
        return frozenset(step for step, shots in self.captures.items()
                         if any(shot.overridden for shot in shots))


    @property
    def low_resolution(self) -> frozenset[Step]:
        """Card steps captured narrower than the minimum width in pixels."""
        return frozenset(step for step, shots in self.captures.items()
                         if any(shot.low_resolution for shot in shots))


def frozen_captures(captures: Mapping[Step, list[Capture]]) -> Mapping[Step, tuple[Capture, ...]]:
    return MappingProxyType({step: tuple(shots) for step, shots in captures.items() if shots})
