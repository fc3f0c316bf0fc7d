"""Manual capture still needs a subject; card width is recorded and waited for; time contract."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pytest

from components.capture import CaptureConfig, CaptureEngine, EngineState, Hint, Step
from components.capture.modes import EngineMode
from tests import imagery

FPS = 10
MANUAL_AFTER = CaptureConfig().manual_after


def feed(engine: CaptureEngine, frames: Iterable[np.ndarray], start: float = 0.0) -> EngineState:
    for index, frame in enumerate(frames):
        engine.analyse(frame, start + index / FPS)
    return engine.snapshot()


def wait_for_manual(engine: CaptureEngine, frames: list[np.ndarray]) -> EngineState:
    """Frames at the start and again after the manual-capture delay."""
    feed(engine, frames[:1])
    return feed(engine, frames, start=MANUAL_AFTER + 0.5)


def test_take_photo_now_over_an_empty_desk_takes_nothing_and_says_why() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP)
    desk = [imagery.no_face_frame(seed=i) for i in range(5)]
    state = wait_for_manual(engine, desk)
    assert state.manual_capture_offered and state.manual_hint is Hint.NO_CARD
    assert not engine.capture_now()
    assert engine.snapshot().captures == {}


@pytest.mark.parametrize(("frames", "why"), [
    ([imagery.no_face_frame(seed=i) for i in range(5)], Hint.NO_FACE),
    ([imagery.two_faces_frame(seed=i) for i in range(5)], Hint.SEVERAL_FACES),
    ([imagery.photo_held_up_frame(seed=i) for i in range(5)], Hint.FACE_PHOTO),
], ids=["nobody", "two-people", "id-photo-held-up"])
def test_take_photo_now_refuses_a_face_step_without_exactly_one_real_face(
        frames: list[np.ndarray], why: Hint) -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    state = wait_for_manual(engine, frames)
    assert state.manual_capture_offered and state.manual_hint is why
    assert not engine.capture_now()
    assert engine.snapshot().captures == {}


def test_take_photo_now_takes_a_blurred_card_in_the_guide_and_marks_it() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT,))
    blurred = [imagery.blurred(imagery.card_in_frame(imagery.id_card_front(), fill=0.6, seed=i), 3)
               for i in range(4)]
    state = wait_for_manual(engine, blurred)
    assert state.hint is Hint.BLURRY and state.manual_hint is None
    assert engine.capture_now()
    shot = engine.snapshot().captures[Step.ID_FRONT][0]
    assert shot.overridden and shot.source_size == (1280, 720)


def test_live_camera_waits_while_the_card_is_narrower_than_the_minimum_then_flags_it() -> None:
    config = CaptureConfig()
    engine = CaptureEngine(steps=(Step.ID_FRONT,))  # live camera
    card = imagery.id_card_front()
    vga = [imagery.card_in_frame(card, 640, 480, fill=0.7, seed=i) for i in range(30)]
    state = feed(engine, vga)
    assert state.captures == {} and state.hint is Hint.LOW_RESOLUTION
    state = feed(engine, vga[:8], start=config.low_resolution_after)
    shot = state.captures[Step.ID_FRONT][0]
    assert shot.low_resolution and state.low_resolution == frozenset({Step.ID_FRONT})
    assert shot.source_size == (640, 480)
    assert shot.card_width_px == pytest.approx(0.7 * 640, rel=0.03)


def test_live_camera_captures_a_wide_enough_card_at_once_and_records_its_width() -> None:
    engine = CaptureEngine(steps=(Step.ID_FRONT,))
    card = imagery.id_card_front()
    state = feed(engine, [imagery.card_in_frame(card, 1280, 720, fill=0.6, seed=i)
                          for i in range(8)])
    shot = state.captures[Step.ID_FRONT][0]
    assert not shot.low_resolution and shot.source_size == (1280, 720)
    assert shot.card_width_px == pytest.approx(0.6 * 1280, rel=0.03)


def test_a_clip_never_waits_for_resolution_but_flags_a_narrow_card() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT,))
    card = imagery.id_card_front()
    state = feed(engine, [imagery.card_in_frame(card, 640, 480, fill=0.7, seed=i)
                          for i in range(8)])
    assert state.captures[Step.ID_FRONT][0].low_resolution


@pytest.mark.parametrize("mode", list(EngineMode))
def test_time_going_backwards_starts_a_new_timeline_and_keeps_captures(mode: EngineMode) -> None:
    engine = CaptureEngine(mode=mode, steps=(Step.ID_FRONT, Step.FACE))
    card = imagery.id_card_front()
    state = feed(engine, [imagery.card_in_frame(card, 1280, 720, fill=0.6, seed=i)
                          for i in range(8)], start=30.0)
    assert state.step is Step.FACE
    faces = [imagery.face_frame(seed=i) for i in range(4)]
    state = feed(engine, faces, start=40.0)
    assert state.face_progress > 0 or state.hint is Hint.HOLD_STILL
    # The stream restarts at zero (a looping clip, a camera that reconnected).
    state = feed(engine, faces[:1], start=0.0)
    assert state.face_progress == 0 and not state.manual_capture_offered
    assert Step.ID_FRONT in state.captures
