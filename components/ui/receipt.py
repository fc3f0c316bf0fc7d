"""A downloadable record of what was sent: sizes, dimensions, capture times, hashes, request ids.

No image bytes and nothing secret: only what the customer may keep and show to support.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from components.ui.captured import CaptureSet, now_iso


def build_receipt(
    sent: CaptureSet,
    *,
    demo: bool,
    verdict: str | None,
    transaction_id: str | None,
    requests: Sequence[tuple[str, str | None, int | None]],
) -> dict[str, Any]:
    """``requests`` holds (step, request id, Vlens error code) per API call, in order."""
    images = []
    for index, item in enumerate(sent.images()):
        images.append({
            "step": item.step,
            "index": index,
            "source": item.source,
            "bytes": item.image.size,
            "width": item.image.width,
            "height": item.image.height,
            "captured_at": item.captured_at,
            "stream_time_s": None if item.stream_t is None else round(item.stream_t, 3),
            "quality_checks_overridden": item.overridden,
            "camera_frame": None if item.source_size is None
            else {"width": item.source_size[0], "height": item.source_size[1]},
            "card_width_px": item.card_width_px,
            "low_resolution": item.low_resolution,
            "sha256": item.image.sha256,
        })
    return {
        "receipt": "identity verification submission",
        "generated_at": now_iso(),
        "service": "Vlens simulator (demo)" if demo else "Vlens Digital Identity API",
        "transaction_id": transaction_id,
        "verdict": verdict,
        "face_frames_span_s": None if sent.face_span_s is None else round(sent.face_span_s, 3),
        "images": images,
        "requests": [
            {"step": step, "request_id": request_id, "error_code": code}
            for step, request_id, code in requests
        ],
    }


def receipt_json(receipt: dict[str, Any]) -> bytes:
    return json.dumps(receipt, indent=2, ensure_ascii=False).encode("utf-8")
