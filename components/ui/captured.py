"""The images that will be sent: camera captures and uploads merged, one place for both.

No Streamlit here. Images live in memory only; ``captured_at`` is wall-clock UTC, ``stream_t``
the camera stream time in seconds (what the face-triple timing is measured in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from components.capture.compress import EncodedImage
from components.capture.hints import Step

if TYPE_CHECKING:
    from components.capture.package import CapturePackage
    from components.vlens.flow import VerificationImages

Source = Literal["camera", "upload"]
STEP_ORDER: tuple[str, ...] = ("id_front", "id_back", "face")
FACES_NEEDED = 3


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class CapturedImage:
    step: str  # "id_front", "id_back" or "face"
    image: EncodedImage
    source: Source
    captured_at: str
    stream_t: float | None = None
    overridden: bool = False  # taken manually with the automatic checks skipped
    # Camera captures: the frame's (width, height), the card's width in its pixels, and whether
    # the card was narrower than the engine's minimum (the camera never delivered more).
    source_size: tuple[int, int] | None = None
    card_width_px: int | None = None
    low_resolution: bool = False


@dataclass(frozen=True)
class CaptureSet:
    id_front: CapturedImage | None = None
    id_back: CapturedImage | None = None
    faces: tuple[CapturedImage, ...] = ()

    def for_step(self, step: str) -> tuple[CapturedImage, ...]:
        if step == "face":
            return self.faces
        image = self.id_front if step == "id_front" else self.id_back
        return (image,) if image else ()

    def complete(self, step: str) -> bool:
        return len(self.for_step(step)) == (FACES_NEEDED if step == "face" else 1)

    def missing(self, steps: Iterable[str] = STEP_ORDER) -> list[str]:
        return [step for step in steps if not self.complete(step)]

    def images(self) -> list[CapturedImage]:
        """Every image in the order it is sent."""
        return [image for step in STEP_ORDER for image in self.for_step(step)]

    @property
    def empty(self) -> bool:
        return not self.images()

    @property
    def face_span_s(self) -> float | None:
        """Stream seconds between the first and last face frame (None unless all are timed)."""
        times = [face.stream_t for face in self.faces]
        if len(times) < 2 or any(t is None for t in times):
            return None
        known = [t for t in times if t is not None]
        return max(known) - min(known)

    def with_step(self, step: str, images: tuple[CapturedImage, ...]) -> CaptureSet:
        if step == "face":
            return replace(self, faces=images)
        image = images[0] if images else None
        return replace(self, id_front=image) if step == "id_front" else replace(self, id_back=image)

    def without(self, step: str) -> CaptureSet:
        return self.with_step(step, ())

    def overlaid_with(self, other: CaptureSet) -> CaptureSet:
        """This set with every step that ``other`` has replaced by ``other``'s images."""
        merged = self
        for step in STEP_ORDER:
            if other.for_step(step):
                merged = merged.with_step(step, other.for_step(step))
        return merged

    def verification_images(self) -> VerificationImages:
        from components.vlens.flow import VerificationImages

        if self.id_front is None:
            raise ValueError("the front of the ID is missing")
        return VerificationImages(
            id_front=self.id_front.image.jpeg,
            id_back=self.id_back.image.jpeg if self.id_back else None,
            faces=tuple(face.image.jpeg for face in self.faces),
        )


def from_package(
    package: CapturePackage,
    card_times: Mapping[str, float],
    seen_at: Mapping[tuple[str, float], str],
) -> CaptureSet:
    """A camera ``CapturePackage`` as a ``CaptureSet``. ``card_times`` gives each card side's
    stream time; ``seen_at`` maps (step, stream time) to the wall-clock time the app first saw
    that capture (now if it never did)."""
    overridden = {str(step) for step in package.overridden}
    times = dict(card_times)

    def item(step: str, image: EncodedImage, t: float | None) -> CapturedImage:
        when = seen_at.get((step, t), now_iso()) if t is not None else now_iso()
        key = Step(step)
        return CapturedImage(step, image, "camera", when, t, step in overridden,
                             package.source_sizes.get(key), package.card_widths_px.get(key),
                             key in package.low_resolution)

    return CaptureSet(
        id_front=item("id_front", package.id_front, times.get("id_front"))
        if package.id_front else None,
        id_back=item("id_back", package.id_back, times.get("id_back"))
        if package.id_back else None,
        faces=tuple(item("face", face, t)
                    for face, t in zip(package.faces, _face_times(package), strict=False)),
    )


def _face_times(package: CapturePackage) -> list[float | None]:
    times: list[float | None] = list(package.face_times)
    return times + [None] * (len(package.faces) - len(times))
