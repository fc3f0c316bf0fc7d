"""Card finder robustness on scenes that look like real use (``tests/scenes.py``).

    uv run python -m benchmarks.capture_robustness [--cards 300] [--empties 100] [--seed 2026]

Generates ``--cards`` scenes with an ID card held up in front of an ordinary place (photographs
from scikit-image and procedural clutter; tilt, size, a thumb over an edge, light, blur, JPEG)
and ``--empties`` without a card (nothing, a hand, a screen, a sheet of paper, a person), then
runs every finder below on the same frames and prints, in total and per condition:

* found: share of card scenes whose four corners all lie within 2 % of the card width of the
  true corners (the crop that is sent follows the card), and the share with IoU >= 0.85;
* corner error: median and p95 of the worst corner's distance, in % of the card width (found
  cards only);
* side: share of found cards whose side (front: portrait) was decided right;
* false cards: share of card-less scenes where a card was reported;
* cost: median and p95 milliseconds per frame (finder plus side decision), and its ratio to
  the baseline measured in the same run.

Finders: ``whole-frame`` is the contour finder that uploads use (and that the live camera used
before the guided finder); ``guided`` is what the live camera uses now.

Then tracking: ``--clips`` short clips of a card moved by up to 2 % of the frame width per
frame (6 frames) and then taken away (2 frames), run frame by frame through the guided finder
without and with tracking (the previous frame's card looked for first, the whole search on at
least every third frame, as the engine does): found, false cards once the card has left,
share of card frames found by tracking, and cost per frame.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from components.capture import card as card_module
from components.capture.config import CaptureConfig
from components.capture.guided import find_card_in_guide
from components.capture.processor import WHOLE_SEARCH_EVERY
from components.capture.sides import card_side
from tests.scenes import Scene, moving_card, scene_set

Finder = Callable[[np.ndarray], tuple[np.ndarray | None, str | None]]
CORNER_TOLERANCE = 0.02  # share of the card width


def whole_frame(bgr: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    config = CaptureConfig()
    corners = card_module.find_card_quad(bgr, aspect_tolerance=config.card_aspect_tolerance,
                                         landscape_only=True)
    if corners is None:
        return None, None
    crop = card_module.rectify(bgr, corners, width=640)
    return corners, "front" if card_module.has_portrait(crop) else "back"


def guided(bgr: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    found = find_card_in_guide(bgr)
    if found is None:
        return None, None
    return found.corners, str(card_side(found.crop))


FINDERS: dict[str, Finder] = {"whole-frame": whole_frame, "guided": guided}


@dataclass
class Outcome:
    scene: Scene
    corners: np.ndarray | None
    side: str | None
    seconds: float

    @property
    def error(self) -> float:
        """Worst corner distance over the card width (inf when nothing or no card)."""
        if self.corners is None or self.scene.corners is None:
            return float("inf")
        truth = self.scene.corners
        width = float(np.linalg.norm(truth[1] - truth[0]))
        return float(np.linalg.norm(self.corners - truth, axis=1).max() / width)

    @property
    def found(self) -> bool:
        return self.error <= CORNER_TOLERANCE

    @property
    def iou(self) -> float:
        if self.corners is None or self.scene.corners is None:
            return 0.0
        a, b = self.corners.astype(np.float32), self.scene.corners.astype(np.float32)
        inter, _ = cv2.intersectConvexConvex(a, b)
        union = cv2.contourArea(a) + cv2.contourArea(b) - inter
        return float(inter / union) if union > 0 else 0.0


def run(finder: Finder, scenes: list[Scene]) -> list[Outcome]:
    outcomes = []
    for scene in scenes:
        start = time.perf_counter()
        corners, side = finder(scene.image)
        outcomes.append(Outcome(scene, corners, side, time.perf_counter() - start))
    return outcomes


def summary(outcomes: list[Outcome], sides: bool = True) -> str:
    cards = [o for o in outcomes if o.scene.corners is not None]
    empties = [o for o in outcomes if o.scene.corners is None]
    parts = []
    if cards:
        found = [o for o in cards if o.found]
        iou = sum(o.iou >= 0.85 for o in cards) / len(cards)
        errors = sorted(100 * o.error for o in found)
        right = sum(o.side == o.scene.side for o in found)
        parts.append(f"found {len(found) / len(cards):6.1%} ({len(found)}/{len(cards)})"
                     f"  IoU>=.85 {iou:6.1%}")
        if errors:
            p95 = errors[min(len(errors) - 1, round(0.95 * (len(errors) - 1)))]
            parts.append(f"corner err med {statistics.median(errors):4.2f} % p95 {p95:4.2f} %")
            if sides:
                parts.append(f"side right {right / len(found):6.1%}")
    if empties:
        false = sum(o.corners is not None for o in empties)
        parts.append(f"false cards {false / len(empties):5.1%} ({false}/{len(empties)})")
    return "  ".join(parts)


def report(name: str, outcomes: list[Outcome], baseline_ms: float | None) -> None:
    times = sorted(1000 * o.seconds for o in outcomes)
    median = statistics.median(times)
    p95 = times[round(0.95 * (len(times) - 1))]
    ratio = f"  ({median / baseline_ms:.2f}x baseline)" if baseline_ms else ""
    print(f"\n== {name}: {median:.1f} ms median, {p95:.1f} ms p95 per frame{ratio}")
    print(f"  total: {summary(outcomes)}")
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        for key, value in outcome.scene.conditions.items():
            groups[(key, value)].append(outcome)
    for (key, value), members in sorted(groups.items()):
        print(f"  {key:10} {value:28} n={len(members):3}  {summary(members)}")


def run_clips(clips: list[list[Scene]]) -> tuple[list[Outcome], list[Outcome], int]:
    """Each clip frame by frame, through the whole search and through tracking (the previous
    frame's card looked for first, the whole search on at least every
    ``WHOLE_SEARCH_EVERY``-th frame) in turn, so that background load hits both alike.
    Returns both outcomes and how many frames tracking found a card in."""
    whole: list[Outcome] = []
    tracking: list[Outcome] = []
    tracked = 0
    for clip in clips:
        previous: np.ndarray | None = None
        run = 0
        for scene in clip:
            start = time.perf_counter()
            found = find_card_in_guide(scene.image)
            whole.append(Outcome(scene, found.corners if found else None, None,
                                 time.perf_counter() - start))
            use = previous if run + 1 < WHOLE_SEARCH_EVERY else None
            start = time.perf_counter()
            found = find_card_in_guide(scene.image, previous=use)
            seconds = time.perf_counter() - start
            run = run + 1 if found is not None and found.tracked else 0
            tracked += found is not None and found.tracked
            previous = found.corners if found is not None else None
            tracking.append(Outcome(scene, previous, None, seconds))
    return whole, tracking, tracked


def report_tracking(clips: list[list[Scene]]) -> None:
    frames = sum(len(clip) for clip in clips)
    print(f"\n== tracking: {len(clips)} clips, {frames} frames (finder only, no side decision)")
    whole, tracking, tracked = run_clips(clips)
    cards = sum(o.scene.corners is not None for o in whole)
    base = statistics.median(1000 * o.seconds for o in whole)
    for name, outcomes in (("whole search", whole), ("tracking", tracking)):
        times = [1000 * o.seconds for o in outcomes]
        share = f"  by tracking {tracked / cards:6.1%}" if outcomes is tracking else ""
        print(f"  {name:12} {summary(outcomes, False)}{share}  cost median "
              f"{statistics.median(times):.1f} ms ({statistics.median(times) / base:.2f}x) "
              f"mean {statistics.mean(times):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--empties", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=sorted(FINDERS), default=None)
    parser.add_argument("--clips", type=int, default=40, help="moving-card clips (0: none)")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    scenes = scene_set(args.cards, args.empties, args.seed)
    print(f"{args.cards} card scenes, {args.empties} without a card, seed {args.seed}; "
          f"load average {os.getloadavg()[0]:.2f}")
    baseline_ms = None
    for name, finder in FINDERS.items():
        if args.only and name != args.only:
            continue
        outcomes = run(finder, scenes)
        report(name, outcomes, baseline_ms)
        if baseline_ms is None:
            baseline_ms = statistics.median(1000 * o.seconds for o in outcomes)
    if args.clips:
        rng = np.random.default_rng(args.seed + 1)
        report_tracking([moving_card(rng) for _ in range(args.clips)])


if __name__ == "__main__":
    main()
