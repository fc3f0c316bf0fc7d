"""Thresholds of the capture engine, each with the reason it has its value.

Starting points are the peer thresholds in the design notes; the values were then checked on
the test imagery built from a real face photo (scikit-image's astronaut) and drawn ID cards.
The measurements behind each choice are in docs/capture.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaptureConfig:
    """Every tunable of the engine. Sizes are shares of the frame; times are stream seconds."""

    # --- Face: size band with hysteresis -------------------------------------------------
    # Face box height (faces.py: the box the thresholds were measured with) over the frame's
    # short side. Peers use 0.35-0.62; a desktop webcam at arm's length gives ~0.3, so we
    # enter at 0.30. An ID photo held up to the camera shows a
    # face of ~0.05-0.12, far below. Once inside, the band widens (stay_*), so a face on the
    # edge does not flicker between "ok" and "move closer".
    face_min_enter: float = 0.30
    face_min_stay: float = 0.26
    face_max_enter: float = 0.62
    face_max_stay: float = 0.68
    # Below this size a face inside a card-shaped outline is reported as a photo held up.
    face_photo_max: float = 0.22
    # A second face counts when it is at least this share of the largest face's side; smaller
    # detections are background clutter or detector false positives.
    second_face_min_ratio: float = 0.35
    # --- Face: position, light, sharpness ------------------------------------------------
    # Guide oval centre (share of width, height) and allowed offset of the face centre.
    face_centre: tuple[float, float] = (0.5, 0.45)
    face_centre_tolerance: float = 0.12
    # Mean luma of the inner face box. Peers: >= 85. Overexposed: mean above 215 or a quarter
    # of the face clipped at 250+ (no skin texture left for the matcher).
    face_min_luma: float = 85.0
    face_max_luma: float = 215.0
    face_max_clipped: float = 0.25
    # Variance of the Laplacian on the face crop resized to 128 px. The sharp astronaut gives
    # 210-250; a Gaussian blur of sigma 1 px (VGA frame) ~90, sigma 1.5 ~48, sigma 2 ~29
    # (peers: < ~30 is motion blur). 50 keeps slight webcam softness, rejects visible blur;
    # it matches the card threshold, which also falls between sigma 1 and 1.5.
    face_min_sharpness: float = 50.0
    # Steady: the face centre moves at most this share of the face size between analysed
    # frames, and its size changes at most face_max_resize. Haar boxes of a face swaying by
    # 2 px jitter by up to 3 % in position and 10 % in size (its scale steps are 10-15 %), so
    # the size allowance is one scale step; a head turn or a lean moves far more.
    face_max_shift: float = 0.08
    face_max_resize: float = 0.15
    # --- Face triple ---------------------------------------------------------------------
    # Good analysed frames in a row before the first of the three is taken.
    face_good_run: int = 3
    # The three frames: at least face_min_gap apart, all within face_max_span of the first.
    # Vlens wants them within 0.5 s; 0.45 leaves room for timestamp jitter.
    face_min_gap: float = 0.12
    face_max_span: float = 0.45
    # Two frames are "identical" below this mean absolute difference (grey levels, full
    # frame): in effect, the same picture again. A frozen camera or a replayed still repeats
    # frames exactly (0). Live frames of a person holding still differ by >= 1 on a raw webcam
    # but by only 0.007-0.05 once a VP8 stream has smoothed the sensor noise away (measured on
    # test clips), so anything stricter would call a still, live person a frozen camera.
    # Vlens rejects identical images; telling a live face from a replayed one is its job.
    min_frame_difference: float = 0.005
    # --- Card ----------------------------------------------------------------------------
    # ID-1 aspect 1.586 +-15 % counts as the card (peers +-20 %); up to +-35 % we still say
    # "hold it flat" instead of "no card".
    card_aspect_tolerance: float = 0.15
    card_outline_tolerance: float = 0.35
    # Card width over frame width. 0.40 of 1280 px is ~6 px per mm of card: the smallest that
    # still reads the 14-digit number; peers ask 65-95 % of a guide on mobile, looser on desktop.
    card_min_width: float = 0.40
    card_max_width: float = 0.92
    # Mean luma of the card; the ID is printed on a light ground, so below this it is too dark.
    card_min_luma: float = 70.0
    # Variance of the Laplacian on the card rectified to its own width (at most 640 px; peers:
    # >= 60 at 640 px on desktop webcams). The drawn card gives 500-850 sharp, ~135 after a
    # Gaussian blur of sigma 1 px, ~60 at sigma 1.5, ~34 at sigma 2 (VGA and 720p alike).
    card_min_sharpness: float = 60.0
    # Share of the card's inner area at 240+ grey (peers: <= 5 % mobile, <= 18 % desktop).
    # 8 %: a glare spot that size sits over at least one line of text.
    card_max_glare: float = 0.08
    # Card corners move at most this share of the frame width between analysed frames, for
    # card_steady_frames frames in a row (peers: 3-5 stable frames).
    card_max_shift: float = 0.015
    card_steady_frames: int = 4
    # Card width in source pixels below which a card is not captured while the stream may still
    # be ramping up (WebRTC starts at 640x360 and reaches 720p-1080p within 30-45 s): the
    # 14-digit number and the Arabic name need ~7 px per mm for OCR, 600 px across. Once the
    # stream has run low_resolution_after seconds, the camera is taken to deliver what it can:
    # the card is captured anyway and flagged (live camera only; a clip's size never changes).
    card_min_pixels: int = 600
    low_resolution_after: float = 12.0
    # --- Flow ----------------------------------------------------------------------------
    # Seconds of a step without an automatic capture before a manual capture is offered.
    manual_after: float = 15.0
    # How long the "captured" hint and the capture flash stay on screen.
    captured_hint_for: float = 1.0
    # Recent analysed frames kept for a manual face capture (three distinct frames needed).
    recent_frames: int = 8
