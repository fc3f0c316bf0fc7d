"""The session's captures: a ``CaptureEngine`` for the steps still to take by camera, plus the
images already final (uploaded, or taken by the camera before an upload settled them).

A session has one engine for its whole attempt: settling an upload re-aims it at the steps still
missing (``CaptureEngine.set_steps``) rather than replacing it, so the live camera's frame
callback, bound to the engine, keeps feeding the engine the page polls.

Everything lives in ``st.session_state`` (never at module level: modules are shared by every
session, and Streamlit reruns the page script on each interaction).
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from components.capture.hints import Step
from components.capture.package import IdenticalFacesError, package_captures
from components.capture.processor import CaptureEngine
from components.capture.webrtc import FrameCallback, make_video_frame_callback
from components.ui import session
from components.ui.captured import STEP_ORDER, CapturedImage, CaptureSet, from_package, now_iso

if TYPE_CHECKING:
    from components.capture.state import Capture, EngineState


def engine() -> CaptureEngine:
    """This session's engine (created on first use, for every step)."""
    current = session.attempt_get("engine")
    if current is None:
        current = _aim_engine(tuple(STEP_ORDER))
    return current


def frame_callback() -> FrameCallback:
    """The ``video_frame_callback`` for this session's engine: one per engine (each owns an
    analysis thread), so reruns of the page hand streamlit-webrtc the same object."""
    current = engine()
    callback: FrameCallback | None = session.attempt_get("frame_callback")
    if callback is None or callback.engine is not current:
        if callback is not None:
            callback.close()
        callback = make_video_frame_callback(current)
        session.attempt_set("frame_callback", callback)
    return callback


def engine_steps() -> tuple[str, ...]:
    return tuple(session.attempt_get("engine_steps", STEP_ORDER))


def _aim_engine(steps: tuple[str, ...]) -> CaptureEngine:
    """Point this session's engine (created if need be) at ``steps``, forgetting its captures."""
    # With nothing left to take, the engine still feeds the self-view but its captures are
    # ignored (``camera_set`` keeps only ``engine_steps``).
    guided = tuple(Step(step) for step in steps or STEP_ORDER)
    current: CaptureEngine | None = session.attempt_get("engine")
    if current is None:
        current = CaptureEngine(steps=guided)
        session.attempt_set("engine", current)
    else:
        current.set_steps(guided)
    session.attempt_set("engine_steps", steps)
    session.attempt_set("seen_at", {})
    return current


def note_seen(state: EngineState) -> None:
    """Remember when the app first saw each camera capture (wall clock, for the receipt)."""
    seen: dict[tuple[str, float], str] = session.attempt_get("seen_at", {})
    for step, captures in state.captures.items():
        for capture in captures:
            seen.setdefault((str(step), capture.t), now_iso())
    session.attempt_set("seen_at", seen)


def camera_set(state: EngineState | None = None) -> CaptureSet:
    """The current engine's captures, compressed (cached until the captures change)."""
    state = state or engine().snapshot()
    signature = tuple(
        (str(step), capture.t, capture.overridden)
        for step, captures in sorted(state.captures.items())
        for capture in captures
    )
    cached = session.attempt_get("camera_cache")
    if cached is not None and cached[0] == signature:
        return cached[1]
    note_seen(state)
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
        full = from_package(package, card_times, session.attempt_get("seen_at", {}))
        for step in engine_steps():
            packaged = packaged.with_step(step, full.for_step(step))
    session.attempt_set("camera_cache", (signature, packaged))
    return packaged


def _without_faces(state: EngineState) -> EngineState:
    cards: dict[Step, tuple[Capture, ...]] = {
        step: shots for step, shots in state.captures.items() if step is not Step.FACE}
    return replace(state, captures=MappingProxyType(cards))


def kept() -> CaptureSet:
    return session.attempt_get("kept", CaptureSet())


def current_set(state: EngineState | None = None) -> CaptureSet:
    """Everything that would be sent now: kept images, overlaid with the engine's captures."""
    return kept().overlaid_with(camera_set(state))


def _settle(merged: CaptureSet) -> None:
    """Keep ``merged`` as final and restart the camera on whatever is still missing."""
    session.attempt_set("kept", merged)
    _aim_engine(tuple(merged.missing()))
    session.attempt_pop("camera_cache")


def add_upload(step: str, images: tuple[CapturedImage, ...]) -> None:
    """Use uploaded ``images`` for ``step`` (replacing any capture of it)."""
    _settle(current_set().with_step(step, images))


def retake(step: str) -> None:
    """Drop ``step``'s images so the camera (or an upload) takes it again."""
    if step in engine_steps():
        engine().retake(Step(step))
        session.attempt_pop("camera_cache")
    else:
        _settle(current_set().without(step))


def stop_camera_analysis() -> None:
    """Stop this session's analysis thread (before its captures are forgotten)."""
    callback: FrameCallback | None = session.attempt_pop("frame_callback")
    if callback is not None:
        callback.close()
