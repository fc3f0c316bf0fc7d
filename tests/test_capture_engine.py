"""The whole engine over frame sequences: auto-capture, the face triple, wrong side, overrides."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable

import numpy as np
import pytest

from components.capture import CaptureConfig, CaptureEngine, EngineState, Hint, Step
from components.capture.modes import EngineMode
from components.capture.overlay import AMBER, GREEN, card_guide, face_guide
from components.capture.quality import frames_differ
from tests import imagery

FPS = 15


def feed(engine: CaptureEngine, frames: Iterable[np.ndarray], start: float = 0.0,
         fps: float = FPS) -> tuple[EngineState, list[Hint]]:
    """Feed frames at ``fps`` of stream time; returns the final state and every hint seen."""
    hints: list[Hint] = []
    for index, frame in enumerate(frames):
        state = engine.analyse(frame, start + index / fps)
        hints.append(state.hint)
    return engine.snapshot(), hints


def faces(count: int, seed: int = 0, **kwargs: object) -> list[np.ndarray]:
    return [imagery.face_frame(seed=seed + i, **kwargs) for i in range(count)]  # type: ignore[arg-type]


def cards(card: np.ndarray, count: int, seed: int = 0, fill: float = 0.65) -> list[np.ndarray]:
    return [imagery.card_in_frame(card, 640, 480, fill=fill, seed=seed + i) for i in range(count)]


def test_front_back_face_sequence_reaches_done() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP)
    state, hints = feed(engine, imagery.flow_frames(fps=FPS, seconds_per_step=1.0))
    assert state.done and state.step is None and state.hint is Hint.DONE
    assert state.step_index == state.total_steps == 3
    front, back = state.captures[Step.ID_FRONT][0], state.captures[Step.ID_BACK][0]
    # The front was taken from the first second, the back from the second.
    assert front.t < 1.0 <= back.t < 2.0
    assert not front.overridden and not back.overridden
    # What is sent is the rectified card with a margin, at ID-1 aspect plus the margin.
    assert front.image.shape[1] / front.image.shape[0] == pytest.approx(1.53, abs=0.03)
    assert front.full_frame.shape == (480, 640, 3)
    shots = state.captures[Step.FACE]
    assert len(shots) == 3
    times = [shot.t for shot in shots]
    assert times == sorted(times) and times[0] >= 2.0
    assert times[-1] - times[0] <= 0.5
    assert all(b - a >= CaptureConfig().face_min_gap - 1e-9 for a, b in itertools.pairwise(times))
    for i in range(3):
        for j in range(i + 1, 3):
            assert frames_differ(shots[i].image, shots[j].image, 0.25)
    assert Hint.CAPTURED in hints and Hint.HOLD_STILL in hints
    assert state.overridden == frozenset()


def test_static_repeated_frame_never_makes_a_triple() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    still = imagery.face_frame(seed=5)
    state, _ = feed(engine, [still] * 45)
    assert not state.done
    assert state.captures == {}
    assert state.face_progress <= 1
    assert state.hint is Hint.CAMERA_FROZEN
    # The same camera, live again: the triple completes.
    state, _ = feed(engine, faces(15, seed=50), start=3.0)
    assert state.done and len(state.captures[Step.FACE]) == 3


def test_a_bad_frame_restarts_the_triple() -> None:
    config = CaptureConfig()
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,), config=config)
    good = faces(config.face_good_run + 3, seed=10)
    state, _ = feed(engine, good)
    assert 1 <= state.face_progress < 3
    state = engine.analyse(imagery.blurred(imagery.face_frame(seed=99)), len(good) / FPS)
    assert state.hint is Hint.BLURRY and state.face_progress == 0
    state, _ = feed(engine, faces(12, seed=30), start=(len(good) + 1) / FPS)
    assert state.done
    assert all(shot.t > len(good) / FPS for shot in state.captures[Step.FACE])


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        (imagery.no_face_frame, Hint.NO_FACE),
        (imagery.two_faces_frame, Hint.SEVERAL_FACES),
        (lambda seed: imagery.darkened(imagery.face_frame(seed=seed)), Hint.TOO_DARK),
        (lambda seed: imagery.overexposed(imagery.face_frame(seed=seed)), Hint.TOO_BRIGHT),
        (lambda seed: imagery.face_frame(face_frac=0.18, seed=seed), Hint.MOVE_CLOSER),
        (lambda seed: imagery.photo_held_up_frame(seed=seed), Hint.FACE_PHOTO),
    ],
    ids=["no-face", "two-faces", "dark", "overexposed", "small", "id-photo"],
)
def test_face_negatives_never_capture(bad: object, hint: Hint) -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    frames = [bad(seed=i) for i in range(12)]  # type: ignore[operator]
    state, hints = feed(engine, frames)
    assert state.captures == {} and state.face_progress == 0
    assert hints[-1] is hint


def test_wrong_side_asks_to_turn_the_card_over() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_BACK,))
    state, hints = feed(engine, cards(imagery.id_card_front(), 10))
    assert state.captures == {}
    assert hints[-1] is Hint.TURN_CARD_OVER
    state, _ = feed(engine, cards(imagery.id_card_back(), 8, seed=20), start=1.0)
    assert state.done


def test_back_shown_for_the_front_asks_to_turn_over() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT, Step.ID_BACK))
    state, hints = feed(engine, cards(imagery.id_card_back(), 10))
    assert Step.ID_FRONT not in state.captures
    assert hints[-1] is Hint.TURN_CARD_OVER


def test_front_still_shown_after_its_capture_is_not_taken_as_the_back() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT, Step.ID_BACK))
    state, hints = feed(engine, cards(imagery.id_card_front(), 30))
    assert Step.ID_FRONT in state.captures and Step.ID_BACK not in state.captures
    assert hints[-1] is Hint.TURN_CARD_OVER


@pytest.mark.parametrize(
    ("frames", "hint"),
    [
        ([imagery.with_glare(f) for f in cards(imagery.id_card_front(), 10)], Hint.GLARE),
        (cards(imagery.id_card_front(), 10, fill=0.3), Hint.CARD_TOO_SMALL),
        ([imagery.card_in_frame(np.ascontiguousarray(imagery.id_card_front()[:, :600]), 640,
                                480, fill=0.5, seed=i) for i in range(10)], Hint.CARD_NOT_FLAT),
        ([imagery.blurred(f, 3) for f in cards(imagery.id_card_front(), 10)], Hint.BLURRY),
    ],
    ids=["glare", "too-small", "wrong-aspect", "blurred"],
)
def test_card_negatives_never_capture(frames: list[np.ndarray], hint: Hint) -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT,))
    state, hints = feed(engine, frames)
    assert state.captures == {}
    assert hints[-1] is hint


def test_moving_card_is_captured_only_once_steady() -> None:
    card = imagery.id_card_front()
    moving = [imagery.card_in_frame(card, 640, 480, fill=0.5 + 0.03 * i, seed=i) for i in range(8)]
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT,))
    state, hints = feed(engine, moving)
    assert state.captures == {} and set(hints) == {Hint.HOLD_STILL}
    state, _ = feed(engine, cards(card, CaptureConfig().card_steady_frames, seed=40), start=1.0)
    assert state.done


def test_manual_capture_is_offered_after_15_seconds_and_recorded() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT, Step.FACE))
    blurry = [imagery.blurred(f, 3) for f in cards(imagery.id_card_front(), 4)]
    state, _ = feed(engine, blurry, start=0.0, fps=1)  # t = 0, 1, 2, 3
    assert not state.manual_capture_offered
    state, _ = feed(engine, blurry, start=15.0, fps=1)
    assert state.manual_capture_offered
    assert engine.capture_now()
    state = engine.snapshot()
    front = state.captures[Step.ID_FRONT][0]
    assert front.overridden and front.t == 18.0
    assert state.overridden == frozenset({Step.ID_FRONT})
    assert state.step is Step.FACE and not state.manual_capture_offered
    # The face: three distinct recent frames within the span, all marked overridden.
    feed(engine, faces(3, seed=70, face_frac=0.2), start=20.0, fps=10)
    assert engine.capture_now()
    state = engine.snapshot()
    shots = state.captures[Step.FACE]
    assert state.done and len(shots) == 3 and all(shot.overridden for shot in shots)
    assert shots[-1].t - shots[0].t <= 0.5


def test_manual_face_capture_refuses_copies_of_one_frame() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    still = imagery.face_frame(face_frac=0.2)
    feed(engine, [still] * 5)
    assert not engine.capture_now()
    assert engine.snapshot().captures == {}


def test_retake_and_reset() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP)
    state, _ = feed(engine, imagery.flow_frames(seconds_per_step=1.0))
    assert state.done
    back_before = state.captures[Step.ID_BACK][0]
    engine.retake(Step.ID_FRONT)
    state = engine.snapshot()
    assert state.step is Step.ID_FRONT and not state.done
    assert state.captures[Step.ID_BACK][0] is back_before and Step.ID_FRONT not in state.captures
    state, _ = feed(engine, cards(imagery.id_card_front(), 6, seed=300), start=10.0)
    assert state.done and state.captures[Step.ID_FRONT][0].t >= 10.0
    engine.reset()
    state = engine.snapshot()
    assert state.captures == {} and state.step is Step.ID_FRONT and state.hint is Hint.STARTING
    with pytest.raises(ValueError):
        CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,)).retake(Step.ID_BACK)


def test_steps_are_configurable() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    assert engine.snapshot().step is Step.FACE and engine.snapshot().total_steps == 1
    state, _ = feed(engine, faces(12, seed=400))
    assert state.done and set(state.captures) == {Step.FACE}
    with pytest.raises(ValueError):
        CaptureEngine(mode=EngineMode.CLIP, steps=())
    with pytest.raises(ValueError):
        CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE, Step.FACE))


def test_step_order_is_configurable() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_BACK, Step.ID_FRONT))
    assert engine.snapshot().step is Step.ID_BACK
    # The front first: wrong side for this order.
    state, hints = feed(engine, cards(imagery.id_card_front(), 6))
    assert state.captures == {} and hints[-1] is Hint.TURN_CARD_OVER
    state, _ = feed(engine, cards(imagery.id_card_back(), 6, seed=10), start=1.0)
    assert state.step is Step.ID_FRONT and state.step_index == 1
    state, _ = feed(engine, cards(imagery.id_card_front(), 8, seed=20), start=2.0)
    assert state.done
    assert state.captures[Step.ID_BACK][0].t < state.captures[Step.ID_FRONT][0].t


def test_stream_restart_does_not_mix_timelines() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    feed(engine, faces(4, seed=500), start=5.0)
    assert engine.snapshot().face_progress >= 1
    state, _ = feed(engine, faces(2, seed=600), start=0.0)  # the clip looped back to t=0
    assert state.face_progress <= 1 and not state.done


def test_overlay_colours_the_guide_by_state_and_draws_no_text() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    frame = imagery.face_frame(face_frac=0.2)
    engine.analyse(frame, 0.0)
    drawn = engine.draw(frame.copy())
    (cx, cy), (ax, ay) = face_guide(640, 480, (0.5, 0.45))
    assert tuple(drawn[cy, cx - ax]) == AMBER  # move closer: amber
    good = imagery.face_frame(seed=1)
    engine.analyse(good, 1.0)
    engine.analyse(imagery.face_frame(seed=2), 1.1)
    drawn = engine.draw(good.copy())
    assert tuple(drawn[cy, cx - ax]) == GREEN
    # Only thin guide lines change: the face itself is untouched.
    changed = np.any(drawn != good, axis=2)
    assert changed.mean() < 0.06
    assert not changed[cy - ay // 2 : cy + ay // 2, cx - ax // 2 : cx + ax // 2].any()

    card_engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT, Step.ID_BACK))
    card_frame = imagery.card_in_frame(imagery.id_card_front(), 640, 480, fill=0.3)
    card_engine.analyse(card_frame, 0.0)
    front_guide = card_engine.draw(card_frame.copy())
    (x0, y0), (x1, y1) = card_guide(640, 480)
    assert tuple(front_guide[y0, x0 + 5]) == AMBER
    # The guide also shows which side is wanted: the front's portrait frame, the back's barcode.
    portrait_edge = (y0 + round(0.5 * (y1 - y0)), x0 + round(0.05 * (x1 - x0)))
    assert tuple(front_guide[portrait_edge]) == AMBER
    card_engine.capture_now()
    back_guide = card_engine.draw(card_frame.copy())
    assert tuple(back_guide[portrait_edge]) != AMBER
    barcode = back_guide[y0 + round(0.8 * (y1 - y0)), x0 + round(0.08 * (x1 - x0))]
    assert tuple(barcode) in (AMBER, GREEN)


def test_snapshot_is_safe_while_another_thread_analyses() -> None:
    engine = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.FACE,))
    frames = faces(12, seed=700)
    seen: list[EngineState] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            seen.append(engine.snapshot())

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        state, _ = feed(engine, frames)
    finally:
        stop.set()
        poller.join()
    assert state.done
    progress = [s.face_progress for s in seen if s.step is Step.FACE]
    assert progress == sorted(progress)  # snapshots are consistent, never torn
    assert all(len(s.captures.get(Step.FACE, ())) in (0, 3) for s in seen)


def test_a_live_card_away_from_the_guide_is_explained_every_third_frame_without_flicker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from components.capture import quality

    searches = []
    whole_frame_search = quality.find_card_quad

    def counted(*args: object, **kwargs: object) -> np.ndarray | None:
        searches.append(1)
        return whole_frame_search(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(quality, "find_card_quad", counted)
    engine = CaptureEngine(steps=(Step.ID_FRONT,))  # a live camera
    _, hints = feed(engine, cards(imagery.id_card_front(), 9, fill=0.3))
    assert hints == [Hint.CARD_TOO_SMALL] * 9  # the frames between keep the last answer
    assert len(searches) == 3
    clip = CaptureEngine(mode=EngineMode.CLIP, steps=(Step.ID_FRONT,))
    feed(clip, cards(imagery.id_card_front(), 3, fill=0.3))
    assert len(searches) == 6  # a clip is analysed fully, frame by frame
