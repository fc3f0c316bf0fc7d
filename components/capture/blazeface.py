"""MediaPipe's BlazeFace short-range face detector, run by OpenCV's DNN module (offline).

The model file (``models/face_detection_short_range.tflite``, 229 KB, Apache-2.0, see
``models/NOTICE``) is a single-shot detector for faces within about two metres of a phone or
webcam. It takes one 128x128 RGB image with values in [-1, 1] and answers, for each of 896
fixed anchors, a score (a logit) and 16 numbers: the box centre offset, its width and height,
and six key points (eyes, nose tip, mouth, ears), all in 128-pixel units relative to the
anchor's centre. The anchors are not stored in the model: they are the centres of a 16x16 grid
(2 anchors per cell) and an 8x8 grid (6 per cell), generated here.

The image is letterboxed (scaled to fit, padded to a square) so faces keep their shape, boxes
are mapped back to the image's pixels, and overlapping detections of one face are merged by a
score-weighted average (as MediaPipe does), which steadies the box between frames.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np

MODEL_PATH = Path(__file__).parent / "models" / "face_detection_short_range.tflite"
INPUT_SIDE = 128
MIN_SCORE = 0.5  # MediaPipe's default detection confidence
MERGE_IOU = 0.3  # detections overlapping more than this are the same face
# (grid side, anchors per cell): 128 px with strides 8 and 16.
_GRIDS = ((16, 2), (8, 6))
_local = threading.local()


class FaceInputError(ValueError):
    """The image handed to the face detector is not an 8-bit BGR or greyscale picture."""


@dataclass(frozen=True)
class Detection:
    """One face: box (x, y, w, h) in image pixels, score in (0, 1), six key points (x, y) in
    image pixels: right eye, left eye, nose tip, mouth, right ear, left ear (the person's)."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: np.ndarray = field(repr=False)


@cache
def anchors() -> np.ndarray:
    """The 896 anchor centres, (x, y) in [0, 1], in the model's output order."""
    centres = []
    for side, per_cell in _GRIDS:
        ys, xs = np.mgrid[0:side, 0:side]
        cells = np.stack([(xs.ravel() + 0.5) / side, (ys.ravel() + 0.5) / side], axis=1)
        centres.append(np.repeat(cells, per_cell, axis=0))
    out = np.concatenate(centres).astype(np.float32)
    out.flags.writeable = False
    return out


def _net() -> cv2.dnn.Net:
    # A dnn.Net keeps per-call state: one per thread (the analysis worker, the simulator).
    net = getattr(_local, "net", None)
    if net is None:
        if not MODEL_PATH.is_file():
            raise RuntimeError(f"the face model is missing: {MODEL_PATH}")
        net = cv2.dnn.readNetFromTFLite(str(MODEL_PATH))
        _local.net = net
    return net


def check_image(image: object) -> np.ndarray:
    """The image as a BGR array, or ``FaceInputError`` saying what is wrong with it."""
    if not isinstance(image, np.ndarray):
        raise FaceInputError(f"face detection needs a numpy image, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise FaceInputError(f"face detection needs 8-bit pixels (uint8), got {image.dtype}")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.ndim != 3 or image.shape[2] != 3:
        raise FaceInputError(
            f"face detection needs a BGR (height, width, 3) or greyscale (height, width) "
            f"image, got shape {image.shape}")
    if min(image.shape[:2]) < 8:
        raise FaceInputError(f"image of {image.shape[1]}x{image.shape[0]} px is too small")
    return image


def detect(bgr: np.ndarray, *, min_score: float | None = None,
           centre_square: bool = True) -> list[Detection]:
    """Faces in a BGR (or greyscale) image of any size, best score first.

    The whole image is one 128 px view, so in a 16:9 frame a face must be ~20 % of the frame's
    height to be seen; with ``centre_square`` a wide frame's central square is a second view
    (where the guide asks for the face), and detections of one face in both views merge.
    ``min_score``: the least score reported (default ``MIN_SCORE``).
    """
    bgr = check_image(bgr)
    min_score = MIN_SCORE if min_score is None else min_score
    height, width = bgr.shape[:2]
    views = [_run(bgr, 0, min_score)]
    if centre_square and width > 1.2 * height:
        x0 = (width - height) // 2
        views.append(_run(bgr[:, x0:x0 + height], x0, min_score))
    boxes, points, scores = (np.concatenate(parts) for parts in zip(*views, strict=True))
    return _merge(boxes, points, scores) if len(scores) else []


def _run(bgr: np.ndarray, x_offset: int,
         min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One inference on ``bgr`` letterboxed to 128 px: boxes (x, y, w, h), key points and
    scores of the anchors at or above ``min_score``, in pixels of the full image."""
    height, width = bgr.shape[:2]
    scale = INPUT_SIDE / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    pad_x, pad_y = (INPUT_SIDE - size[0]) // 2, (INPUT_SIDE - size[1]) // 2
    square = cv2.copyMakeBorder(small, pad_y, INPUT_SIDE - size[1] - pad_y, pad_x,
                                INPUT_SIDE - size[0] - pad_x, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    blob = cv2.dnn.blobFromImage(square, 1 / 127.5, mean=(127.5, 127.5, 127.5), swapRB=True)
    net = _net()
    net.setInput(blob)
    logits, regressors = net.forward(["classificators", "regressors"])
    scores = 1 / (1 + np.exp(-np.clip(logits.reshape(-1), -80, 80)))
    keep = np.flatnonzero(scores >= min_score)
    raw = regressors.reshape(-1, 16)[keep] / INPUT_SIDE
    centre = anchors()[keep]
    # Model units (share of the 128 px square) to image pixels.
    offset = np.array([pad_x, pad_y], np.float32) / INPUT_SIDE
    to_px = INPUT_SIDE / scale
    shift = np.array([x_offset, 0], np.float32)
    cxy = (raw[:, 0:2] + centre - offset) * to_px + shift
    wh = raw[:, 2:4] * to_px
    points = (raw[:, 4:16].reshape(-1, 6, 2) + centre[:, None, :] - offset) * to_px + shift
    return np.concatenate([cxy - wh / 2, wh], axis=1), points, scores[keep]


def _merge(boxes: np.ndarray, points: np.ndarray, scores: np.ndarray) -> list[Detection]:
    """Weighted non-maximum suppression: each face is the score-weighted mean of the
    detections overlapping the best remaining one."""
    order = np.argsort(-scores)
    boxes, points, scores = boxes[order], points[order], scores[order]
    left = np.ones(len(scores), bool)
    found = []
    for i in range(len(scores)):
        if not left[i]:
            continue
        same = left & (_iou(boxes[i], boxes) > MERGE_IOU)
        same[i] = True
        weights = scores[same] / scores[same].sum()
        box = (boxes[same] * weights[:, None]).sum(axis=0)
        keypoints = (points[same] * weights[:, None, None]).sum(axis=0)
        x, y, w, h = (float(v) for v in box)
        found.append(Detection((x, y, w, h), float(scores[i]), keypoints))
        left &= ~same
    return found


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[0] + box[2], boxes[:, 0] + boxes[:, 2])
    y1 = np.minimum(box[1] + box[3], boxes[:, 1] + boxes[:, 3])
    overlap = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    union = box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - overlap
    return np.asarray(overlap / np.maximum(union, 1e-9))
