"""The attempt's captures: a ``CaptureEngine`` for the steps still to take by camera, plus the
images already final (uploaded, or taken by the camera before an upload settled them).

An attempt has one engine for its whole life: settling an upload re-aims it at the steps still
missing (``CaptureEngine.set_steps``) rather than replacing it, so the live camera's frame
callback, bound to the engine, keeps feeding the engine the page polls. Everything lives in the
attempt's ``CaptureWork`` (never at module level: modules are shared by every session).
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from components.capture.hints import Hint, Step
from components.capture.package import IdenticalFacesError, package_captures
from components.capture.processor import CaptureEngine
from components.capture.webrtc import FrameCallback, make_video_frame_callback
from components.ui import session
from components.ui.attempt import CameraLens, CaptureWork
from components.ui.captured import STEP_ORDER, CapturedImage, CaptureSet, from_package, now_iso

if TYPE_CHECKING:
    from components.capture.state import Capture, EngineState


def work() -> CaptureWork:
    """This page's capture work (a detached, empty one when there is no attempt)."""
    attempt = session.current()
    return attempt.captures if attempt is not None else CaptureWork()


def lens() -> CameraLens:
    """This attempt's camera lens state."""
    return work().lens


def engine() -> CaptureEngine:
    """The attempt's engine (created on first use, for every step)."""
    current = work().engine
    return current if current is not None else _aim_engine(work(), tuple(STEP_ORDER))


def frame_callback() -> FrameCallback:
    """The ``video_frame_callback`` for the attempt's engine: one per engine (each owns an
    analysis thread), so reruns and reloads hand streamlit-webrtc the same object."""
    captures = work()
    current = engine()
    callback = captures.frame_callback
    if callback is None or callback.engine is not current:
        if callback is not None:
            callback.close()
        callback = make_video_frame_callback(current)
        captures.frame_callback = callback
    return callback


def live_hint(state: EngineState) -> Hint:
    """The hint to show: the engine's, unless the camera keeps sending frames too large to
    analyse (the engine never sees those, so its hint would never change)."""
    callback = work().frame_callback
    if callback is not None and callback.frames_too_large():
        return Hint.FRAME_TOO_LARGE
    return state.hint


def _aim_engine(captures: CaptureWork, steps: tuple[str, ...]) -> CaptureEngine:
    """Point the engine (created if need be) at ``steps``, forgetting its captures."""
    # With nothing left to take, the engine still feeds the self-view but its captures are
    # ignored (``camera_set`` keeps only ``engine_steps``).
    guided = tuple(Step(step) for step in steps or STEP_ORDER)
    if captures.engine is None:
        captures.engine = CaptureEngine(steps=guided)
    else:
        captures.engine.set_steps(guided)
    captures.engine_steps = steps
    captures.seen_at = {}
    return captures.engine


def note_seen(captures: CaptureWork, state: EngineState) -> None:
    """Remember when the app first saw each camera capture (wall clock, for the receipt)."""
    for step, shots in state.captures.items():
        for capture in shots:
            captures.seen_at.setdefault((str(step), capture.t), now_iso())


def camera_set(state: EngineState | None = None) -> CaptureSet:
    """The current engine's captures, compressed (cached until the captures change)."""
    captures = work()
    state = state or engine().snapshot()
    signature = tuple(
        (str(step), capture.t, capture.overridden)
        for step, shots in sorted(state.captures.items())
        for capture in shots
    )
    cached = captures.camera_cache
    if cached is not None and cached[0] == signature:
        return cached[1]
    note_seen(captures, state)
    packaged = CaptureSet()
    if signature:
        try:
            package = package_captures(state)
        except IdenticalFacesError:  # Vlens would refuse them: the face is taken again
            current = engine()
            if Step.FACE in current.steps:
                current.retake(Step.FACE)
            state = _without_faces(state)
            package = package_captures(state)
        card_times = {str(step): shots[0].t for step, shots in state.captures.items()
                      if step is not Step.FACE and shots}
        full = from_package(package, card_times, captures.seen_at)
        for step in captures.engine_steps:
            packaged = packaged.with_step(step, full.for_step(step))
    captures.camera_cache = (signature, packaged)
    return packaged


def _without_faces(state: EngineState) -> EngineState:
    cards: dict[Step, tuple[Capture, ...]] = {
        step: shots for step, shots in state.captures.items() if step is not Step.FACE}
    return replace(state, captures=MappingProxyType(cards))


def current_set(state: EngineState | None = None) -> CaptureSet:
    """Everything that would be sent now: kept images, overlaid with the engine's captures."""
    return work().kept.overlaid_with(camera_set(state))


def _settle(merged: CaptureSet) -> None:
    """Keep ``merged`` as final and restart the camera on whatever is still missing."""
    captures = work()
    captures.kept = merged
    _aim_engine(captures, tuple(merged.missing()))
    captures.camera_cache = None


def add_upload(step: str, images: tuple[CapturedImage, ...]) -> None:
    """Use uploaded ``images`` for ``step`` (replacing any capture of it)."""
    _settle(current_set().with_step(step, images))


def retake(step: str) -> None:
    """Drop ``step``'s images so the camera (or an upload) takes it again."""
    captures = work()
    if step in captures.engine_steps:
        engine().retake(Step(step))
        captures.camera_cache = None
    else:
        _settle(current_set().without(step))
