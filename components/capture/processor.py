"""The capture engine: fed frames, it guides the person and picks the captures automatically.

Two modes (``modes.EngineMode``): a live camera and a clip; ``modes`` states the time contract.

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
from dataclasses import dataclass

import cv2
import numpy as np

from components.capture import overlay
from components.capture.card import rectify
from components.capture.config import CaptureConfig
from components.capture.faces import FaceBox
from components.capture.hints import CARD_STEPS, DEFAULT_STEPS, Hint, Step
from components.capture.modes import EngineMode
from components.capture.quality import check_card, check_face, frames_differ
from components.capture.sides import Side, card_side
from components.capture.state import Capture, EngineState, frozen_captures
from components.capture.triple import FaceTriple

FULL_DETECTION_EVERY = 3  # analysed face frames; the others re-find the face near its last place
STALE_AFTER = 0.5  # seconds: an older previous measurement says nothing about steadiness
CARD_MARGIN = 0.04  # share of the card width kept around the rectified card that is sent
SAME_SIDE_SIMILARITY = 0.8  # thumbnail correlation above which two card crops show one side
# Live camera, no card near the guide: why not (a card elsewhere, too small, not flat) is worked
# out on every third such frame, ~4 times a second, more often than the page shows a hint (2/s);
# the frames between keep the last answer. That search is a quarter of such a frame's analysis.
EXPLAIN_EVERY = 3
# Live card steps: the card found in the last analysed frame is looked for near where it was
# (``find_card_in_guide``'s tracking), but the whole search runs on at least every third frame:
# tracking that locked on a wrong quad (one that passes every check) is set right within two
# frames, before the steady run a capture needs (``card_steady_frames``) can complete on it.
WHOLE_SEARCH_EVERY = 3
EXPLANATIONS = frozenset({Hint.NO_CARD, Hint.CARD_NOT_FLAT, Hint.CARD_TOO_SMALL,
                          Hint.CARD_TOO_BIG})


class CaptureEngine:
    """Guides and auto-captures the configured steps in order (default: front, back, face)."""

    def __init__(self, steps: Sequence[Step] = DEFAULT_STEPS,
                 config: CaptureConfig | None = None, *,
                 mode: EngineMode = EngineMode.LIVE) -> None:
        self.steps = _checked_steps(steps)
        self.config = config or CaptureConfig()
        self.mode = EngineMode(mode)
        self._work = threading.RLock()  # one analysis or command at a time
        self._publish = threading.Lock()  # guards the published snapshot and overlay
        self._captures: dict[Step, list[Capture]] = {step: [] for step in self.steps}
        self._analysed = 0
        self._hint = Hint.STARTING
        self._last_t: float | None = None
        self._stream_started: float | None = None  # stream time of the first frame
        self._captured_at: float | None = None
        # Recent analysed frames with their subject (a card's corners, or True for one real
        # face), for a manual capture; frames without a subject are never taken.
        self._recent: deque[_Recent] = deque(maxlen=self.config.recent_frames)
        self._manual_hint: Hint | None = Hint.STARTING
        self._triple = FaceTriple(self.config)
        # Per-step analysis state, cleared by _start_step():
        self._step_started: float | None = None
        self._prev_t: float | None = None
        self._prev_face: FaceBox | None = None
        self._face_size_ok = False
        self._since_full = 0
        self._prev_corners: np.ndarray | None = None
        # (frame shape, corners) of the guided finder's card in the last analysed frame
        self._track: tuple[tuple[int, ...], np.ndarray] | None = None
        self._tracked_run = 0  # analysed frames in a row whose card was found by tracking
        self._card_corners: np.ndarray | None = None
        self._card_run = 0
        self._side: tuple[np.ndarray, bool] | None = None  # (card thumbnail, right side?)
        self._unexplained = 0  # analysed frames since no card near the guide was explained
        self._explanation = Hint.NO_CARD  # what the last explanation said
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

    def draw(self, bgr: np.ndarray, *, scale: float = 1.0) -> np.ndarray:
        """Draw the latest guidance onto ``bgr`` in place (cheap: no analysis) and return it.
        ``scale``: ``bgr`` is the analysed frame resized by this factor (a smaller self-view)."""
        with self._publish:
            view = self._overlay
        return overlay.draw(bgr, view, self.config.face_centre, scale=scale)

    def snapshot(self) -> EngineState:
        """The latest state, for the UI thread."""
        with self._publish:
            return self._state

    def capture_now(self) -> bool:
        """Capture the current step from the latest frames, relaxing the quality checks.

        Blur, glare, light, size and steadiness are not checked, but the subject is: a card step
        needs a card in view (an ID-1 outline with print inside), the face step three distinct
        recent frames, each with exactly one face that is not a photo held up. The captures are
        marked ``overridden``. Returns False when there is nothing to capture; the state's
        ``manual_hint`` then says why.
        """
        with self._work:
            step = self._current_step()
            if step is None or self._manual_hint is not None:
                return False
            if step is Step.FACE:
                shots = self._distinct_recent_frames()
                if shots is None:
                    return False
                self._store(step, [Capture(step, shot.frame, shot.frame, shot.t, overridden=True,
                                           source_size=_size(shot.frame))
                                   for shot in shots])
            else:
                shot = next(shot for shot in reversed(self._recent) if shot.corners is not None)
                assert shot.corners is not None
                self._store(step, [self._card_capture(step, shot.frame, shot.t, shot.corners,
                                                      overridden=True)])
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
            self._stream_started = None
            self._hint = Hint.STARTING
            self._manual_hint = Hint.STARTING
            self._start_step()
            self._publish_views()

    # ----------------------------------------------------------------- analysis
    def _analyse(self, bgr: np.ndarray, t: float) -> None:
        if self._last_t is not None and t < self._last_t:
            self._start_step()  # the stream restarted (a looping clip): a new timeline
            self._captured_at = None
            self._stream_started = None
        self._last_t = t
        if self._stream_started is None:
            self._stream_started = t
        if self._step_started is None:
            self._step_started = t
        self._analysed += 1
        step = self._current_step()
        if step is Step.FACE:
            self._hint = self._analyse_face(bgr, t)
        elif step is not None:
            self._hint = self._analyse_card(bgr, t, step)
        self._manual_hint = self._why_no_manual_capture()

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
        one_real_face = check.face is not None and check.hint not in (
            Hint.NO_FACE, Hint.SEVERAL_FACES, Hint.FACE_PHOTO)
        self._recent.append(_Recent(bgr, t, None, one_real_face))
        self._triple.observe(bgr, t, check.ok)
        if self._triple.complete:
            self._store(Step.FACE, [Capture(Step.FACE, shot.frame, shot.frame, shot.t,
                                            source_size=_size(shot.frame))
                                    for shot in self._triple.shots])
            return Hint.CAPTURED
        if check.hint is not None:
            return check.hint
        if self._triple.rejected_identical >= 3:
            return Hint.CAMERA_FROZEN
        return Hint.HOLD_STILL

    def _analyse_card(self, bgr: np.ndarray, t: float, step: Step) -> Hint:
        fresh = self._prev_t is not None and t - self._prev_t <= STALE_AFTER
        explain = self.mode is not EngineMode.LIVE or self._unexplained + 1 >= EXPLAIN_EVERY
        # The card found in the last frame is tracked when that frame is recent and of the
        # same size (the stream's resolution ramps up), and not on every frame.
        track = None
        if (fresh and self._track is not None and self._track[0] == bgr.shape
                and self._tracked_run + 1 < WHOLE_SEARCH_EVERY):
            track = self._track[1]
        check = check_card(bgr, self.config, previous=self._prev_corners if fresh else None,
                           explain=explain, track=track)
        guided = check.corners if check.guided else None
        self._track = None if guided is None else (bgr.shape, guided)
        self._tracked_run = self._tracked_run + 1 if check.tracked else 0
        unexplained = not explain and check.corners is None and check.hint is Hint.NO_CARD
        self._unexplained = self._unexplained + 1 if unexplained else 0
        if not unexplained:  # remember the answer, and keep it (and the outline) in between
            self._explanation = check.hint if check.hint in EXPLANATIONS else Hint.NO_CARD
            self._card_corners = check.corners
        self._prev_corners, self._prev_t = check.corners, t
        self._recent.append(_Recent(bgr, t, check.corners if check.card else None, check.card))
        if check.ok:
            self._card_run += 1
        elif check.hint is Hint.HOLD_STILL:
            self._card_run = 1  # a good frame, but moved: a new steady run starts here
        else:
            self._card_run = 0
            return self._explanation if unexplained else check.hint or Hint.NO_CARD
        assert check.crop is not None and check.corners is not None
        if not self._is_side(step, check.crop):
            return Hint.TURN_CARD_OVER
        if self._card_run < self.config.card_steady_frames:
            return Hint.HOLD_STILL
        assert self._stream_started is not None
        waited = t - self._stream_started
        if (self.mode is EngineMode.LIVE
                and card_width_px(check.corners) < self.config.card_min_pixels
                and waited < self.config.low_resolution_after):
            return Hint.LOW_RESOLUTION  # the stream may still be ramping up its resolution
        self._store(step, [self._card_capture(step, bgr, t, check.corners)])
        return Hint.CAPTURED

    def _card_capture(self, step: Step, frame: np.ndarray, t: float, corners: np.ndarray, *,
                      overridden: bool = False) -> Capture:
        width = card_width_px(corners)
        return Capture(step, _card_image(frame, corners), frame, t, overridden=overridden,
                       source_size=_size(frame), card_width_px=round(width),
                       low_resolution=width < self.config.card_min_pixels)

    def _why_no_manual_capture(self) -> Hint | None:
        """None when ``capture_now`` can take the current step, else what is missing."""
        step = self._current_step()
        if step is None:
            return None
        if step is Step.FACE:
            if not self._recent or not self._recent[-1].subject:
                hint = self._hint
                return hint if hint in (Hint.SEVERAL_FACES, Hint.FACE_PHOTO) else Hint.NO_FACE
            return None if self._distinct_recent_frames() is not None else Hint.HOLD_STILL
        if not any(shot.corners is not None for shot in self._recent):
            return Hint.NO_CARD
        return None

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

    def _distinct_recent_frames(self) -> list[_Recent] | None:
        """Newest frame plus two earlier ones, each with one real face, pairwise distinct,
        within the triple's span."""
        newest_t = self._recent[-1].t
        chosen: list[_Recent] = []
        for shot in reversed(self._recent):
            if newest_t - shot.t > self.config.face_max_span:
                break
            if not shot.subject:
                continue
            if all(frames_differ(shot.frame, kept.frame, self.config.min_frame_difference)
                   and shot.t < kept.t for kept in chosen):
                chosen.append(shot)
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
        self._track = None
        self._tracked_run = 0
        self._card_corners = None
        self._card_run = 0
        self._side = None
        self._unexplained = EXPLAIN_EVERY - 1  # the step's first frame is explained
        self._explanation = Hint.NO_CARD
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
            manual_hint=None if done else self._manual_hint,
        )
        view = overlay.OverlayState(
            step=step, hint=hint, face_progress=state.face_progress, steps_done=steps_done,
            total_steps=len(self.steps),
            card_corners=self._card_corners if step in CARD_STEPS else None, flash=flash,
        )
        return state, view


@dataclass(frozen=True)
class _Recent:
    """An analysed frame kept for a manual capture: card corners when a card was in view, and
    whether the subject the step needs (a card, or exactly one real face) was there."""

    frame: np.ndarray
    t: float
    corners: np.ndarray | None
    subject: bool


def card_width_px(corners: np.ndarray) -> float:
    """The card's width in source pixels: the mean of its top and bottom edges."""
    top = float(np.linalg.norm(corners[1] - corners[0]))
    bottom = float(np.linalg.norm(corners[2] - corners[3]))
    return (top + bottom) / 2


def _size(frame: np.ndarray) -> tuple[int, int]:
    return frame.shape[1], frame.shape[0]


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
    width = int(min(1600, max(640, round(card_width_px(corners)))))
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
