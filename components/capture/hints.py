"""Capture steps and the stable hint codes the UI turns into English or Arabic text."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """What the engine is capturing; the values are stable identifiers shared with the backend."""

    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    FACE = "face"


DEFAULT_STEPS: tuple[Step, ...] = (Step.ID_FRONT, Step.ID_BACK, Step.FACE)
CARD_STEPS = frozenset({Step.ID_FRONT, Step.ID_BACK})


class Hint(StrEnum):
    """Guidance for the person in front of the camera. The UI looks up ``hint.<value>``."""

    STARTING = "starting"  # no frame analysed yet
    # Face
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    MOVE_CLOSER = "move_closer"
    MOVE_BACK = "move_back"
    CENTRE_FACE = "centre_face"
    FACE_PHOTO = "face_photo"  # a small face inside a card: an ID photo held up to the camera
    # Shared by face and card
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    BLURRY = "blurry"
    HOLD_STILL = "hold_still"  # moving, or everything is fine and the capture is under way
    CAMERA_FROZEN = "camera_frozen"  # the same picture over and over: no live camera
    # The camera's frames are over the analysis budget: never analysed, so never captured
    # (set from the frame callback, FrameCallback.frames_too_large; the engine never sees them)
    FRAME_TOO_LARGE = "frame_too_large"
    # Card
    NO_CARD = "no_card"
    CARD_TOO_SMALL = "card_too_small"
    CARD_TOO_BIG = "card_too_big"
    CARD_NOT_FLAT = "card_not_flat"  # outline found, but not the ID-1 shape: tilted or covered
    GLARE = "glare"
    TURN_CARD_OVER = "turn_card_over"
    LOW_RESOLUTION = "low_resolution"  # card good but few pixels: the stream is still ramping up
    # Progress
    CAPTURED = "captured"
    DONE = "done"
