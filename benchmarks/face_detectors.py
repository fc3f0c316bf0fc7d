"""The engine's face detector (BlazeFace) against the Haar cascade it replaced.

    uv run python -m benchmarks.face_detectors [--per-condition 40] [--seed 2026]
                                               [--min-score 0.5]

Scenes (``tests/face_scenes.py``): the astronaut's face in real places at 28-62 % of the
frame's short side, re-toned from light to dark brown skin, with glasses, lit from one side,
dim; 100 LFW faces (real people, 25 px, greyscale, scaled up); places with no face; and ID
cards held up to the camera (the robustness scenes' fronts, in places without a person).
Printed per detector:

* found: share of face scenes where the face was detected (a box centred within 30 % of the
  face's size from its true centre, 0.6-1.6x its size), per condition;
* extra: share of face scenes with a detection somewhere else (a second, invented face);
* false faces: share of face-less scenes with any detection;
* ID card held up: share of frames in which the engine's face check accepted the card's
  portrait as the live face (must be 0), and what it said instead;
* cost: median and p95 ms per frame for a full detection at 640x480 and 1280x720 and for
  re-finding a face near its last position, with the ratio to the Haar cascade in this run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import cv2
import numpy as np

from components.capture import faces, quality
from components.capture.config import CaptureConfig
from components.capture.faces import FaceBox
from tests import imagery
from tests.face_scenes import FaceScene, face_scene_set
from tests.scenes import PEOPLE, scene_set

Detector = Callable[[np.ndarray], list[FaceBox]]
Near = Callable[[np.ndarray, FaceBox], FaceBox | None]


# --- The Haar cascade, as the engine ran it before (the baseline) ---------------------------

@cache
def _cascade() -> cv2.CascadeClassifier:
    path = str(cv2.data.haarcascades) + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    return cv2.CascadeClassifier(path)


def haar_faces(bgr: np.ndarray, *, min_face_frac: float = 0.08) -> list[FaceBox]:
    """Frontal faces on a 320 px wide grey copy, scale step 1.15 (the engine's settings)."""
    height, width = bgr.shape[:2]
    scale = min(1.0, 320 / width)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if scale < 1.0:
        gray = cv2.resize(gray, (round(width * scale), round(height * scale)),
                          interpolation=cv2.INTER_AREA)
    side = max(20, round(min_face_frac * gray.shape[1]))
    found = _cascade().detectMultiScale(gray, scaleFactor=1.15, minNeighbors=5,
                                        minSize=(side, side))
    boxes = [FaceBox(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
             for (x, y, w, h) in (found if len(found) else [])]
    return sorted(boxes, key=lambda b: b.w * b.h, reverse=True)


def haar_near(bgr: np.ndarray, around: FaceBox) -> FaceBox | None:
    """The cascade's tracking: a window 2.2x the face, scaled so the face is ~64 px, a narrow
    band of sizes."""
    height, width = bgr.shape[:2]
    pad = round(0.6 * max(around.w, around.h))
    x0, y0 = max(0, around.x - pad), max(0, around.y - pad)
    x1, y1 = min(width, around.x + around.w + pad), min(height, around.y + around.h + pad)
    scale = min(1.0, 64 / max(1, around.h))
    gray = cv2.cvtColor(bgr[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    if scale < 1.0:
        gray = cv2.resize(gray, (max(1, round((x1 - x0) * scale)),
                                 max(1, round((y1 - y0) * scale))), interpolation=cv2.INTER_AREA)
    low, high = max(20, round(0.7 * around.h * scale)), round(1.45 * around.h * scale)
    high = min(high, *gray.shape[:2])
    found = _cascade().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=4,
                                        minSize=(low, low), maxSize=(high, high))
    if not len(found):
        return None
    x, y, w, h = max(found, key=lambda box: box[2] * box[3])
    return FaceBox(x0 + round(x / scale), y0 + round(y / scale), round(w / scale),
                   round(h / scale))


DETECTORS: dict[str, tuple[Detector, Near]] = {
    "haar": (haar_faces, haar_near),
    "blazeface": (faces.detect_faces, faces.detect_face_near),
}


# --- Scoring --------------------------------------------------------------------------------

def matches(box: FaceBox, face: tuple[float, float, float]) -> bool:
    fx, fy, side = face
    cx, cy = box.centre
    return (abs(cx - fx) <= 0.3 * side and abs(cy - fy) <= 0.3 * side
            and 0.6 * side <= box.h <= 1.6 * side)


def judge(detect: Detector, scenes: list[FaceScene]) -> dict[str, list[tuple[bool, bool]]]:
    """Per condition: (true face found, another face reported) for every scene."""
    out: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for scene in scenes:
        boxes = detect(scene.image)
        if scene.face is None:
            out[scene.condition].append((False, bool(boxes)))
            continue
        found = [b for b in boxes if matches(b, scene.face)]
        out[scene.condition].append((bool(found), len(boxes) > len(found)))
    return out


@contextmanager
def engine_detector(detect: Detector) -> Iterator[None]:
    """The engine's face check with ``detect`` as its full detector."""
    original = quality.detect_faces
    quality.detect_faces = detect  # type: ignore[assignment]
    try:
        yield
    finally:
        quality.detect_faces = original


def id_cards_held_up(detect: Detector, frames: list[np.ndarray]) -> Counter[str]:
    config = CaptureConfig()
    with engine_detector(detect):
        verdicts: Counter[str] = Counter()
        for frame in frames:
            # The most lenient case: size already fine, the face steady since the last frame.
            first = quality.check_face(frame, config, size_was_ok=True, previous=None)
            check = quality.check_face(frame, config, size_was_ok=True, previous=first.face)
            verdicts[str(check.hint or "ACCEPTED")] += 1
        return verdicts


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-condition", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--min-score", type=float, default=faces.MIN_SCORE)
    args = parser.parse_args()
    faces.MIN_SCORE = args.min_score
    cv2.setNumThreads(1)  # as on the analysis worker
    scenes = face_scene_set(args.per_condition, args.seed)
    held_up = [s.image for s in scene_set(3 * args.per_condition, 0, args.seed + 1)
               if s.side == "front" and s.conditions["place"].split(":")[1] not in PEOPLE]
    print(f"{len(scenes)} face scenes, {len(held_up)} ID cards held up (fronts), "
          f"BlazeFace min score {faces.MIN_SCORE}, load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    results = {name: judge(pair[0], scenes) for name, pair in DETECTORS.items()}
    conditions = list(results["haar"])
    print(f"\n{'condition':<22}" + "".join(f"{name + ' found / extra':>28}" for name in results))
    for condition in conditions:
        cells = []
        for name in results:
            rows = results[name][condition]
            found, extra = sum(r[0] for r in rows), sum(r[1] for r in rows)
            label = "false faces" if condition.startswith(("place", "LFW non")) else ""
            cells.append(f"{label} {extra}/{len(rows)}" if label else
                         f"{found / len(rows):6.1%} / {extra / len(rows):5.1%}")
        print(f"{condition:<22}" + "".join(f"{c:>28}" for c in cells))
    for name, pair in DETECTORS.items():
        rows = [r for c, rs in results[name].items() for r in rs
                if not c.startswith(("place", "LFW non"))]
        negatives = [r for c, rs in results[name].items() for r in rs
                     if c.startswith(("place", "LFW non"))]
        verdicts = id_cards_held_up(pair[0], held_up)
        print(f"{name}: faces found {sum(r[0] for r in rows) / len(rows):.1%}, false faces "
              f"{sum(r[1] for r in negatives) / len(negatives):.1%}; ID card held up: "
              f"{dict(verdicts)}")
    print("\ncost per frame (ms, median / p95), single thread:")
    base: dict[str, float] = {}
    for label, frame in (("640x480", imagery.face_frame(640, 480, 0.4)),
                         ("1280x720", imagery.face_frame(1280, 720, 0.4))):
        for name, (detect, near) in DETECTORS.items():
            box = detect(frame)[0]
            full = timed(lambda d=detect, f=frame: d(f), 60)  # type: ignore[misc]
            track = timed(lambda n=near, f=frame, b=box: n(f, b), 60)  # type: ignore[misc]
            base.setdefault(f"{label} full", full[0])
            base.setdefault(f"{label} near", track[0])
            print(f"  {label} {name:<10} full {full[0]:6.2f} / {full[1]:6.2f}"
                  f" ({full[0] / base[f'{label} full']:.2f}x haar)   near {track[0]:6.2f} /"
                  f" {track[1]:6.2f} ({track[0] / base[f'{label} near']:.2f}x haar)")


if __name__ == "__main__":
    main()
