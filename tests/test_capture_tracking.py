"""Tracking in the live card finder: the card found in one frame is looked for first near where
it was in the next. Whatever tracking finds passes the same checks as the whole search, so a
card that moved is found again, a card taken away is lost, and no card is invented."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from components.capture import CaptureConfig, CaptureEngine, Hint, Step, quality
from components.capture.guided import GuidedCard, find_card_in_guide
from components.capture.modes import EngineMode
from tests import imagery
from tests.scenes import Scene, moving_card, scene_set

CLIPS, SEED = 8, 5


@pytest.fixture(scope="module")
def clips() -> list[list[Scene]]:
    """Cards moved by up to 2 % of the frame width per frame, then taken away."""
    rng = np.random.default_rng(SEED)
    return [moving_card(rng, frames=3, leave=1) for _ in range(CLIPS)]


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """The worst corner's distance, as a share of the card's width."""
    return float(np.linalg.norm(found - truth, axis=1).max() / np.linalg.norm(truth[1] - truth[0]))


def follow(clip: list[Scene]) -> list[GuidedCard | None]:
    """Each frame of a clip, tracking the card found in the frame before."""
    found: list[GuidedCard | None] = []
    for scene in clip:
        previous = found[-1].corners if found and found[-1] is not None else None
        found.append(find_card_in_guide(scene.image, previous=previous))
    return found


def test_a_card_that_moved_is_found_again_by_tracking_on_its_true_corners(
        clips: list[list[Scene]]) -> None:
    """Wherever the whole search finds the card in every frame, tracking finds it too."""
    followed = 0
    for clip in clips:
        searched = [find_card_in_guide(scene.image) for scene in clip[:3]]
        if any(card is None for card in searched):
            continue
        for card, scene in zip(follow(clip)[1:3], clip[1:3], strict=True):
            assert card is not None and card.tracked
            assert scene.corners is not None
            assert corner_error(card.corners, scene.corners) <= 0.02
        followed += 1
    assert followed >= CLIPS - 2


def test_a_card_taken_away_is_lost(clips: list[list[Scene]]) -> None:
    for clip in clips:
        found = follow(clip)
        assert clip[3].corners is None
        assert found[3] is None


def test_tracking_invents_no_card_where_there_is_none(clips: list[list[Scene]]) -> None:
    """Card-less scenes (hands, screens, pages, people, clutter), each with the corners of a
    card found in another scene as the previous frame's."""
    empties = scene_set(0, 10, seed=8)
    previous = [card.corners for clip in clips if (card := follow(clip)[0]) is not None]
    for scene, corners in zip(empties, previous * 2, strict=False):
        assert find_card_in_guide(scene.image, previous=corners) is None, scene.conditions


def test_a_card_moved_beyond_tracking_reach_is_found_by_the_whole_search(
        clips: list[list[Scene]]) -> None:
    scene = next(clip[1] for clip in clips if follow(clip)[1] is not None)
    assert scene.corners is not None
    width = scene.image.shape[1]
    far = scene.corners + np.float32([0.15 * width, 0.05 * width])
    card = find_card_in_guide(scene.image, previous=far)
    assert card is not None and not card.tracked
    assert corner_error(card.corners, scene.corners) <= 0.02


def spy(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray | None]:
    """Record the ``previous`` corners the engine hands the real finder, frame by frame."""
    seen: list[np.ndarray | None] = []
    real: Callable[..., GuidedCard | None] = quality.find_card_in_guide

    def finder(bgr: np.ndarray, **kwargs: object) -> GuidedCard | None:
        previous = kwargs.get("previous")
        seen.append(previous if isinstance(previous, np.ndarray) else None)
        return real(bgr, **kwargs)

    monkeypatch.setattr(quality, "find_card_in_guide", finder)
    return seen


def test_the_engine_tracks_the_card_of_its_last_frame_and_forgets_it_when_it_leaves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy(monkeypatch)
    engine = CaptureEngine(steps=(Step.ID_FRONT,), config=CaptureConfig(card_steady_frames=99),
                           mode=EngineMode.CLIP)
    card = [imagery.card_in_frame(imagery.id_card_front(), 640, 480, fill=0.65, seed=i)
            for i in range(2)]
    empty = imagery.background(640, 480, shade=70, seed=5)
    hints = [engine.analyse(frame, index / 15).frame_hint
             for index, frame in enumerate([card[0], card[1], empty, card[0]])]
    assert seen[0] is None  # nothing to track yet
    assert seen[1] is not None and seen[2] is not None  # the card of the frame before
    assert hints[2] is Hint.NO_CARD  # the card left: not kept from the frame before
    assert seen[3] is None  # ... and the next frame gets the whole search again
    assert hints[1] is Hint.HOLD_STILL and hints[3] is Hint.HOLD_STILL


def test_the_engine_tracks_nothing_after_a_retake_a_pause_or_a_new_frame_size(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy(monkeypatch)
    engine = CaptureEngine(steps=(Step.ID_FRONT, Step.ID_BACK),
                           config=CaptureConfig(card_steady_frames=99), mode=EngineMode.CLIP)
    front = imagery.id_card_front()
    vga = imagery.card_in_frame(front, 640, 480, fill=0.65)
    hd = imagery.card_in_frame(front, 1280, 720, fill=0.65)
    engine.analyse(vga, 0.0)
    engine.retake(Step.ID_FRONT)
    engine.analyse(vga, 0.1)  # after a retake
    engine.analyse(vga, 2.0)  # after a pause longer than the engine's staleness limit
    engine.analyse(hd, 2.1)  # the stream's resolution went up
    engine.analyse(hd, 2.2)
    assert [previous is not None for previous in seen] == [False, False, False, False, True]


def test_the_engine_runs_the_whole_search_on_every_third_frame_while_tracking(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy(monkeypatch)
    engine = CaptureEngine(steps=(Step.ID_FRONT,), config=CaptureConfig(card_steady_frames=99),
                           mode=EngineMode.CLIP)
    front = imagery.id_card_front()
    for index in range(7):
        engine.analyse(imagery.card_in_frame(front, 640, 480, fill=0.65, seed=index), index / 15)
    assert [previous is not None for previous in seen] == [False, True, True, False, True, True,
                                                           False]
