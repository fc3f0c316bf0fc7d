"""Turn the engine's captures into the JPEGs sent to Vlens (the hand-off to the backend)."""

from __future__ import annotations

from dataclasses import dataclass, field

from components.capture.compress import (
    CARD_MAX_BYTES,
    FACE_MAX_BYTES,
    EncodedImage,
    encode_jpeg_under,
)
from components.capture.hints import Step
from components.capture.state import EngineState

OCR_MAX_BYTES = 3_000_000  # Vlens: images read by OCR (the card sides) at most 3 MB


class IdenticalFacesError(ValueError):
    """Two face captures encode to the very same JPEG; Vlens refuses them: take the face again."""


@dataclass(frozen=True)
class CapturePackage:
    """Encoded captures, ready for ``VerificationImages``; ``face_times`` in stream seconds."""

    id_front: EncodedImage | None
    id_back: EncodedImage | None
    faces: list[EncodedImage] = field(default_factory=list)
    face_times: list[float] = field(default_factory=list)
    overridden: set[Step] = field(default_factory=set)
    # Per step: the camera frame's (width, height), the card's width in those pixels, and the
    # card steps captured narrower than the engine's minimum (for the review and the receipt).
    source_sizes: dict[Step, tuple[int, int]] = field(default_factory=dict)
    card_widths_px: dict[Step, int] = field(default_factory=dict)
    low_resolution: set[Step] = field(default_factory=set)


def package_captures(state: EngineState, card_budget_bytes: int = CARD_MAX_BYTES) -> CapturePackage:
    """Encode every capture in ``state``: card sides under ``card_budget_bytes`` (at most the
    3 MB Vlens allows for OCR), each face under 500 KB.

    Raises ``IdenticalFacesError`` if two face images encode identically (Vlens rejects that).
    """
    card_budget = min(card_budget_bytes, OCR_MAX_BYTES)

    def card(step: Step) -> EncodedImage | None:
        shots = state.captures.get(step)
        return encode_jpeg_under(shots[0].image, card_budget) if shots else None

    face_shots = state.captures.get(Step.FACE, ())
    faces = [encode_jpeg_under(shot.image, FACE_MAX_BYTES) for shot in face_shots]
    if len({face.sha256 for face in faces}) != len(faces):
        raise IdenticalFacesError("two face captures are identical; capture the face again")
    return CapturePackage(
        id_front=card(Step.ID_FRONT),
        id_back=card(Step.ID_BACK),
        faces=faces,
        face_times=[shot.t for shot in face_shots],
        overridden=set(state.overridden),
        source_sizes={step: shots[0].source_size for step, shots in state.captures.items()},
        card_widths_px={step: shots[0].card_width_px for step, shots in state.captures.items()
                        if shots[0].card_width_px is not None},
        low_resolution=set(state.low_resolution),
    )
