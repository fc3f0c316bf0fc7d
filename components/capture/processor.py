"""The capture engine: fed frames, it guides the person and picks the captures automatically.

``CaptureEngine.process(bgr, t)`` analyses a frame and returns it with the guidance drawn on it.
For a live camera the analysis can run on a worker thread instead (see ``background.py``):
``analyse`` and ``draw`` are the two halves, and every public method is thread-safe.

Frames handed to the engine are kept by reference (captures, recent frames for a manual
capture): callers must not modify a frame after passing it in.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

import cv2
import numpy as np

from components.capture import overlay
from components.capture.card import find_card_quad, rectify
from components.capture.config import CaptureConfig
from components.capture.faces import FaceBox
from components.capture.hints import CARD_STEPS, DEFAULT_STEPS, Hint, Step
from components.capture.quality import check_card, check_face, frames_differ
from components.capture.sides import Side, card_side
from components.capture.state import Capture, EngineState, frozen_captures
from components.capture.triple import FaceTriple

FULL_DETECTION_EVERY = 3  # analysed face frames; the others re-find the face near its last place
STALE_AFTER = 0.5  # seconds: an older previous measurement says nothing about steadiness
CARD_MARGIN = 0.04  # share of the card width kept around the rectified card that is sent
SAME_SIDE_SIMILARITY = 0.8  # thumbnail correlation above which two card crops show one side


class CaptureEngine:
    """Guides and auto-captures the configured steps in order (default: front, back, face)."""

    def __init__(self, steps: Sequence[Step] = DEFAULT_STEPS,
                 config: CaptureConfig | None = None) -> None:
        self.steps = _checked_steps(steps)
        self.config = config or CaptureConfig()
        self._work = threading.RLock()  # one analysis or command at a time
        self._publish = threading.Lock()  # guards the published snapshot and overlay
        self._captures: dict[Step, list[Capture]] = {step: [] for step in self.steps}
        self._analysed = 0
        self._hint = Hint.STARTING
        self._last_t: float | None = None
        self._captured_at: float | None = None
        self._recent: deque[tuple[np.ndarray, float]] = deque(maxlen=self.config.recent_frames)
        self._triple = FaceTriple(self.config)
        # Per-step analysis state, cleared by _start_step():
        self._step_started: float | None = None
        self._prev_t: float | None = None
        self._prev_face: FaceBox | None = None
        self._face_size_ok = False
        self._since_full = 0
        self._prev_corners: np.ndarray | None = None
        self._card_corners: np.ndarray | None = None
        self._card_run = 0
        self._side: tuple[np.ndarray, bool] | None = None  # (card thumbnail, right side?)
        self._start_step()
        self._state, self._overlay = self._build_views()

    # ----------------------------------------------------------------- public, thread-safe
    def process(self, bgr: np.ndarray, t: float) -> np.ndarray:
        """Analyse one frame (stream time ``t`` in seconds); return a copy with guidance drawn."""
        self.analyse(bgr, t)
        return self.draw(bgr.copy())

    def analyse(self, bgr: np.ndarray, t: float) -> EngineState:
        """Run the checks on one frame, capture when due, publish and return the new state."""
        if bgr.ndim != 3 or bgr.shape[2] != 3 or min(bgr.shape[:2]) < 32 or bgr.dtype != np.uint8:
            raise ValueError(f"expected an 8-bit BGR frame, got {bgr.dtype} {bgr.shape}")
        with self._work:
            if self._current_step() is not None:
                self._analyse(bgr, float(t))
            self._publish_views()
            return self._state

    def draw(self, bgr: np.ndarray) -> np.ndarray:
        """Draw the latest guidance onto ``bgr`` in place (cheap: no analysis) and return it."""
        with self._publish:
            view = self._overlay
        return overlay.draw(bgr, view, self.config.face_centre)

    def snapshot(self) -> EngineState:
        """The latest state, for the UI thread."""
        with self._publish:
            return self._state

    def capture_now(self) -> bool:
        """Capture the current step from the latest frames, overriding the quality checks.

        The captures are marked ``overridden``. A face needs three distinct recent frames
        within the allowed span; returns False when there is nothing suitable to capture.
        """
        with self._work:
            step = self._current_step()
            if step is None or not self._recent:
                return False
            if step is Step.FACE:
                shots = self._distinct_recent_frames()
                if shots is None:
                    return False
                self._store(step, [Capture(step, frame, frame, t, overridden=True)
                                   for frame, t in shots])
            else:
                frame, t = self._recent[-1]
                corners = find_card_quad(frame, aspect_tolerance=self.config.card_outline_tolerance)
                image = frame if corners is None else _card_image(frame, corners)
                self._store(step, [Capture(step, image, frame, t, overridden=True)])
            self._publish_views()
            return True

    def retake(self, step: Step) -> None:
        """Discard the captures of ``step`` and capture it again (other steps are kept)."""
        step = Step(step)
        with self._work:
            if step not in self.steps:
                raise ValueError(f"{step} is not one of this engine's steps")
            self._captures[step] = []
            self._captured_at = None
            self._hint = Hint.STARTING
            self._start_step()
            self._publish_views()

    def set_steps(self, steps: Sequence[Step]) -> None:
        """Forget every capture and guide ``steps`` from now on, in this same engine.

        For a session whose other steps are settled elsewhere (an upload): whatever feeds the
        engine (the live camera's frame callback) keeps feeding it, and the analysed-frame count
        the UI watches carries on.
        """
        steps = _checked_steps(steps)
        with self._work:
            self.steps = steps
            self._captures = {step: [] for step in steps}
            self._captured_at = None
            self._hint = Hint.STARTING
            self._start_step()
            self._publish_views()

    def reset(self) -> None:
        """Forget every capture and start from the first step."""
        with self._work:
            for shots in self._captures.values():
                shots.clear()
            self._captured_at = None
            self._last_t = None
            self._hint = Hint.STARTING
            self._start_step()
            self._publish_views()

    # ----------------------------------------------------------------- analysis
    def _analyse(self, bgr: np.ndarray, t: float) -> None:
        if self._last_t is not None and t < self._last_t:
            self._start_step()  # the stream restarted (a looping clip): a new timeline
            self._captured_at = None
        self._last_t = t
        if self._step_started is None:
            self._step_started = t
        self._analysed += 1
        self._recent.append((bgr, t))
        step = self._current_step()
        if step is Step.FACE:
            self._hint = self._analyse_face(bgr, t)
        elif step is not None:
            self._hint = self._analyse_card(bgr, t, step)

    def _analyse_face(self, bgr: np.ndarray, t: float) -> Hint:
        fresh = self._prev_t is not None and t - self._prev_t <= STALE_AFTER
        # Full detection (all faces, whole frame) every FULL_DETECTION_EVERY analysed frames,
        # while several faces are in view, and on every frame that may become a capture;
        # cheap tracking of the one face in between.
        full = (self._since_full + 1 >= FULL_DETECTION_EVERY or self._hint is Hint.SEVERAL_FACES
                or self._triple.would_take(t))
        previous = self._prev_face if fresh else None
        check = check_face(bgr, self.config, size_was_ok=self._face_size_ok,
                           previous=previous, full_detection=full)
        self._since_full = 0 if full or previous is None else self._since_full + 1
        if check.hint not in (Hint.NO_FACE, Hint.SEVERAL_FACES):
            self._face_size_ok = check.hint not in (Hint.MOVE_CLOSER, Hint.MOVE_BACK,
                                                    Hint.FACE_PHOTO)
        self._prev_face, self._prev_t = check.face, t
        self._triple.observe(bgr, t, check.ok)
        if self._triple.complete:
            self._store(Step.FACE, [Capture(Step.FACE, shot.frame, shot.frame, shot.t)
                                    for shot in self._triple.shots])
            return Hint.CAPTURED
        if check.hint is not None:
            return check.hint
        if self._triple.rejected_identical >= 3:
            return Hint.CAMERA_FROZEN
        return Hint.HOLD_STILL

    def _analyse_card(self, bgr: np.ndarray, t: float, step: Step) -> Hint:
        fresh = self._prev_t is not None and t - self._prev_t <= STALE_AFTER
        check = check_card(bgr, self.config, previous=self._prev_corners if fresh else None)
        self._prev_corners, self._prev_t = check.corners, t
        self._card_corners = check.corners
        if check.ok:
            self._card_run += 1
        elif check.hint is Hint.HOLD_STILL:
            self._card_run = 1  # a good frame, but moved: a new steady run starts here
        else:
            self._card_run = 0
            return check.hint or Hint.NO_CARD
        assert check.crop is not None and check.corners is not None
        if not self._is_side(step, check.crop):
            return Hint.TURN_CARD_OVER
        if self._card_run < self.config.card_steady_frames:
            return Hint.HOLD_STILL
        image = _card_image(bgr, check.corners)
        self._store(step, [Capture(step, image, bgr, t)])
        return Hint.CAPTURED

    def _is_side(self, step: Step, crop: np.ndarray) -> bool:
        """Whether ``crop`` shows the side ``step`` asks for.

        The side comes from the barcode, the portrait and the photo area (``sides``). A crop
        that looks like the side already captured is the wrong side too (a missed portrait must
        not pass as the back). The side check is not free (face detection), so the answer is
        reused while the card looks the same.
        """
        thumb = _thumbnail(crop)
        if self._side is not None and _similarity(thumb, self._side[0]) >= SAME_SIDE_SIMILARITY:
            return self._side[1]
        self._card_run = 1  # different content in the same place (flipped): not steady yet
        other = Step.ID_BACK if step is Step.ID_FRONT else Step.ID_FRONT
        if self._captures.get(other) and _same_side(thumb, self._captures[other][0].image):
            right = False
        else:
            right = (card_side(crop) is Side.FRONT) == (step is Step.ID_FRONT)
        self._side = (thumb, right)
        return right

    def _distinct_recent_frames(self) -> list[tuple[np.ndarray, float]] | None:
        """Newest frame plus two earlier ones, pairwise distinct, within the triple's span."""
        newest_t = self._recent[-1][1]
        chosen: list[tuple[np.ndarray, float]] = []
        for frame, t in reversed(self._recent):
            if newest_t - t > self.config.face_max_span:
                break
            if all(frames_differ(frame, kept, self.config.min_frame_difference) and t < kept_t
                   for kept, kept_t in chosen):
                chosen.append((frame, t))
            if len(chosen) == 3:
                return chosen[::-1]
        return None

    # ----------------------------------------------------------------- bookkeeping
    def _store(self, step: Step, captures: list[Capture]) -> None:
        self._captures[step] = captures
        self._captured_at = captures[-1].t
        self._start_step()

    def _start_step(self) -> None:
        """Clear what one step's analysis accumulates (steadiness, triple, timers)."""
        self._step_started = None
        self._prev_t = None
        self._prev_face = None
        self._face_size_ok = False
        self._since_full = 0
        self._prev_corners = None
        self._card_corners = None
        self._card_run = 0
        self._side = None
        self._triple.reset()
        self._recent.clear()

    def _current_step(self) -> Step | None:
        return next((step for step in self.steps if not self._captures[step]), None)

    def _publish_views(self) -> None:
        state, view = self._build_views()
        with self._publish:
            self._state, self._overlay = state, view

    def _build_views(self) -> tuple[EngineState, overlay.OverlayState]:
        step = self._current_step()
        done = step is None
        now = self._last_t
        flash = (self._captured_at is not None and now is not None
                 and 0 <= now - self._captured_at < self.config.captured_hint_for)
        hint = Hint.DONE if done else Hint.CAPTURED if flash else self._hint
        offered = (not done and now is not None and self._step_started is not None
                   and now - self._step_started >= self.config.manual_after)
        steps_done = sum(1 for s in self.steps if self._captures[s])
        state = EngineState(
            step=step,
            step_index=self.steps.index(step) if step is not None else len(self.steps),
            total_steps=len(self.steps),
            hint=hint,
            face_progress=self._triple.progress if step is Step.FACE else 0,
            captures=frozen_captures(self._captures),
            manual_capture_offered=offered,
            done=done,
            steps=self.steps,
            analysed_frames=self._analysed,
            frame_hint=Hint.DONE if done else self._hint,
        )
        view = overlay.OverlayState(
            step=step, hint=hint, face_progress=state.face_progress, steps_done=steps_done,
            total_steps=len(self.steps),
            card_corners=self._card_corners if step in CARD_STEPS else None, flash=flash,
        )
        return state, view


def _checked_steps(steps: Sequence[Step]) -> tuple[Step, ...]:
    checked = tuple(Step(step) for step in steps)
    if not checked or len(set(checked)) != len(checked):
        raise ValueError("steps must be a non-empty sequence without repeats")
    return checked


def _card_image(frame: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The card image sent to Vlens: rectified, with a margin, at the card's own resolution
    (at least 640 px wide, so a small VGA card still meets OCR size minimums; at most 1600).

    We send the perspective-corrected card rather than the full frame: on a desktop webcam the
    card covers under half the frame, so the crop puts every pixel of the byte budget on the
    text Vlens reads (fewer "quality too low for OCR", code 1050) and removes the tilt its OCR
    would otherwise have to undo. A 4 % band of the surroundings is kept on every side so the
    service's own card detector still sees the card's edges (avoiding "card not detected",
    code 3011). The full frame is kept in the capture for the review screen.
    """
    top = float(np.linalg.norm(corners[1] - corners[0]))
    bottom = float(np.linalg.norm(corners[2] - corners[3]))
    width = int(min(1600, max(640, round((top + bottom) / 2))))
    return rectify(frame, corners, margin=CARD_MARGIN, width=width)


def _thumbnail(card: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, (96, 60), interpolation=cv2.INTER_AREA)


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(cv2.matchTemplate(a, b, cv2.TM_CCOEFF_NORMED)[0, 0])


def _same_side(thumb: np.ndarray, captured: np.ndarray) -> bool:
    """Whether a card thumbnail shows the same side as a captured card image (with margin)."""
    pad = round(captured.shape[1] * CARD_MARGIN / (1 + 2 * CARD_MARGIN))  # see rectify()
    card = captured[pad:captured.shape[0] - pad, pad:captured.shape[1] - pad]
    return _similarity(thumb, _thumbnail(card)) >= SAME_SIDE_SIMILARITY
