"""Find an ISO ID-1 card (the Egyptian national ID) in a frame or an uploaded photo.

Two ways to find it:

* a quadrilateral whose outline stands out from the background (a card held up to a webcam,
  or a photo of a card lying on a desk), found from edges and from a light/dark split of the
  frame, the largest card-shaped one winning;
* the whole image, when it *is* the card (a tightly cropped upload): its aspect must be ID-1
  and its content must look like a printed document (several lines of dark text on a light
  ground), so that a selfie or a plain wall is never taken for a card.

The perspective-corrected crop is what the front/back decision (``has_portrait``) and the
sharpness/glare checks look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from components.capture.faces import FaceBox, detect_faces

ID1_ASPECT = 85.60 / 53.98  # 1.586
DEFAULT_ASPECT_TOLERANCE = 0.20  # +-20 % of 1.586: perspective tilt changes the measured aspect
_WORK_WIDTH = 480  # detection runs on a copy this wide; cost grows with area
_MIN_AREA_FRAC = 0.04  # smaller quads are specks, not a card someone is showing
_SIDEWAYS_TOLERANCE = 0.10  # aspect tolerance for a card standing on its side
_BORDER_MARGIN = 0.01  # a quad touching the frame edge is cut off (or is the frame itself)
# A card's portrait is a small, squeezed photo: it scores 0.65-0.83 on a rectified card; the
# back's print and guilloche at most 0.27 (the benchmark's card scenes). A live face must score
# higher (``faces.MIN_SCORE``) because a room has far more face-like clutter than a card.
PORTRAIT_MIN_SCORE = 0.5
CROP_WIDTH = 856  # rectified crop width: 10 px per mm of card, enough for OCR and a face check


@dataclass(frozen=True)
class CardDetection:
    """A card found in an image.

    ``corners``: full-image pixel coordinates of the card's top-left, top-right, bottom-right
    and bottom-left corners as it is read. ``aspect``: long side over short side. ``fill``:
    the share of the image area the card covers. ``crop``: the perspective-corrected card,
    upright (BGR, ID-1 aspect). ``has_portrait``: whether the crop carries a face (the front
    does, the back does not). ``whole_image``: the image itself is the card (a tight crop).
    """

    corners: np.ndarray = field(repr=False)
    aspect: float
    fill: float
    crop: np.ndarray = field(repr=False)
    has_portrait: bool
    whole_image: bool = False

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of the card in image pixels."""
        x, y = self.corners.mean(axis=0)
        return float(x), float(y)


def find_card(
    bgr: np.ndarray, *, aspect_tolerance: float = DEFAULT_ASPECT_TOLERANCE,
    check_portrait: bool = True, any_orientation: bool = True,
) -> CardDetection | None:
    """The ID-1 card in ``bgr`` (a frame or a photo), or None when there is none.

    With ``any_orientation`` (for uploaded photos) a card standing on its side or upside down
    is found too; the crop is then turned so that the portrait, if any, is upright.
    """
    if bgr.ndim != 3 or bgr.shape[0] < 32 or bgr.shape[1] < 32:
        return None
    height, width = bgr.shape[:2]
    corners = find_card_quad(bgr, aspect_tolerance=aspect_tolerance,
                             landscape_only=not any_orientation)
    whole_image = False
    if corners is None:
        if not _is_tight_card_crop(bgr, aspect_tolerance, any_orientation):
            return None
        corners = _landscape_order(np.array(
            [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32))
        whole_image = True
    crop = rectify(bgr, corners)
    score = portrait_score(crop) if check_portrait else 0.0
    if check_portrait and any_orientation:
        # The face detector also sees faces upside down, less surely: the way up is the one
        # whose portrait scores higher.
        upside_down = np.ascontiguousarray(crop[::-1, ::-1])
        flipped_score = portrait_score(upside_down)
        if flipped_score > score:
            crop, corners, score = upside_down, np.roll(corners, 2, axis=0), flipped_score
    portrait = score >= PORTRAIT_MIN_SCORE
    return CardDetection(
        corners=corners,
        aspect=quad_aspect(corners),
        fill=float(cv2.contourArea(corners) / (width * height)),
        crop=crop,
        has_portrait=portrait,
        whole_image=whole_image,
    )


def find_card_quad(
    bgr: np.ndarray, *, aspect_tolerance: float = DEFAULT_ASPECT_TOLERANCE,
    landscape_only: bool = True,
) -> np.ndarray | None:
    """Corners of the largest card-shaped quad (full-image pixels), or None.

    Corners run along the card: top-left, top-right, bottom-right, bottom-left of the card as
    it would be read, so the first edge is a long one. ``landscape_only`` (the live guide)
    ignores cards standing on their side.
    """
    height, width = bgr.shape[:2]
    scale = min(1.0, _WORK_WIDTH / width)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if scale < 1.0:
        gray = cv2.resize(gray, (round(width * scale), round(height * scale)),
                          interpolation=cv2.INTER_AREA)
    gray = cv2.GaussianBlur(gray, (5, 5), 0)
    # Edges find a card on any background; the light/dark split finds it when one edge is
    # faint (a card band close to the desk's colour). The largest card-shaped quad wins: a
    # faint edge otherwise yields a part of the card.
    quads = [quad for mask in (_edge_mask(gray), *_split_masks(gray))
             if (quad := _best_quad(mask, aspect_tolerance, landscape_only)) is not None]
    if not quads:
        return None
    best = max(quads, key=lambda quad: cv2.contourArea(quad))
    return (best / scale).astype(np.float32)


def rectify(bgr: np.ndarray, corners: np.ndarray, *, margin: float = 0.0,
            width: int = CROP_WIDTH) -> np.ndarray:
    """Perspective-corrected card, ``width`` px wide at ID-1 aspect.

    ``margin`` (share of the card width) keeps a band of the surroundings on every side, so the
    card's own edges stay visible in the result.
    """
    out_w = width
    out_h = round(width / ID1_ASPECT)
    pad = margin * out_w
    dst = np.array([[pad, pad], [out_w - 1 + pad, pad],
                    [out_w - 1 + pad, out_h - 1 + pad], [pad, out_h - 1 + pad]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    size = (round(out_w + 2 * pad), round(out_h + 2 * pad))
    return cv2.warpPerspective(bgr, matrix, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def has_portrait(crop: np.ndarray) -> bool:
    """Whether a rectified card carries a face photo (the Egyptian ID front does)."""
    return portrait_score(crop) >= PORTRAIT_MIN_SCORE


def portrait_score(crop: np.ndarray) -> float:
    """The face detector's score for the card's portrait (0: none), the right way up.

    The portrait's face is about a quarter of the card's height (~18 px in the detector's
    128 px view), on the left (``_where_the_portrait_is``).
    """
    faces = detect_faces(crop, min_face_frac=0.09, min_score=PORTRAIT_MIN_SCORE)
    return max((face.score for face in faces if _where_the_portrait_is(face, crop.shape)),
               default=0.0)


def _where_the_portrait_is(face: FaceBox, shape: tuple[int, ...]) -> bool:
    """The card's layout: the portrait is in its left third, about mid-height, 15-50 % of its
    height (the drawn front: centre at 18 %, 44 %). A face elsewhere is not the portrait (a
    screen or a poster showing someone)."""
    height, width = shape[:2]
    cx, cy = face.centre
    return (0.15 * height <= face.h <= 0.5 * height and cx <= 0.35 * width
            and 0.3 * height <= cy <= 0.65 * height)


def quad_aspect(corners: np.ndarray) -> float:
    """Long side over short side, each the mean of two opposite edges."""
    horizontal, vertical = _edge_lengths(corners)
    long_side, short_side = max(horizontal, vertical), min(horizontal, vertical)
    return float(long_side / short_side) if short_side > 0 else float("inf")


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order four points top-left, top-right, bottom-right, bottom-left."""
    pts = points.reshape(4, 2).astype(np.float32)
    sums = pts.sum(axis=1)
    diffs = pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(sums)], pts[np.argmin(diffs)],
                     pts[np.argmax(sums)], pts[np.argmax(diffs)]], dtype=np.float32)


def _edge_lengths(corners: np.ndarray) -> tuple[float, float]:
    """Mean lengths of the (top, bottom) and (left, right) edges."""
    tl, tr, br, bl = corners
    horizontal = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    vertical = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return float(horizontal), float(vertical)


def _edge_mask(gray: np.ndarray) -> np.ndarray:
    edges = cv2.Canny(gray, 30, 90)
    return cv2.dilate(edges, np.ones((3, 3), np.uint8))


def _split_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Otsu light/dark split, both polarities (a light card on a dark desk, or the reverse)."""
    _, light = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = np.ones((7, 7), np.uint8)
    light = cv2.morphologyEx(light, cv2.MORPH_CLOSE, kernel)
    dark = cv2.morphologyEx(cv2.bitwise_not(light), cv2.MORPH_CLOSE, kernel)
    return light, dark


def _best_quad(mask: np.ndarray, aspect_tolerance: float,
               landscape_only: bool) -> np.ndarray | None:
    height, width = mask.shape[:2]
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_area = _MIN_AREA_FRAC * width * height
    border_x, border_y = _BORDER_MARGIN * width, _BORDER_MARGIN * height
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        hull = cv2.convexHull(contour)
        hull_area = cv2.contourArea(hull)
        if hull_area < min_area:
            break
        quad = _as_quad(hull, hull_area)
        if quad is None:
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        if (xs.min() < border_x or ys.min() < border_y
                or xs.max() > width - 1 - border_x or ys.max() > height - 1 - border_y):
            continue  # cut off by the frame edge
        horizontal, vertical = _edge_lengths(quad)
        tolerance = aspect_tolerance
        if horizontal < vertical:
            if landscape_only:
                continue  # the guide asks for the card in landscape
            quad = _landscape_order(quad)
            # Upright rectangles are common (doors, photos: a passport photo is 1.29), so a
            # card on its side must match the ID-1 shape more closely.
            tolerance = min(aspect_tolerance, _SIDEWAYS_TOLERANCE)
        if abs(quad_aspect(quad) / ID1_ASPECT - 1) <= tolerance:
            return quad
    return None


def _landscape_order(corners: np.ndarray) -> np.ndarray:
    """Corners of a card standing on its side, reordered so the first edge is a long one
    (the card turned a quarter clockwise). Landscape corners are returned as they are."""
    horizontal, vertical = _edge_lengths(corners)
    if horizontal >= vertical:
        return corners
    return np.roll(corners, 1, axis=0)


def _as_quad(hull: np.ndarray, hull_area: float) -> np.ndarray | None:
    perimeter = cv2.arcLength(hull, True)
    approx = cv2.approxPolyDP(hull, 0.02 * perimeter, True)
    if len(approx) == 4 and cv2.isContourConvex(approx):
        return order_corners(approx)
    # Rounded corners (real cards) give 5-8 points: fall back to the rotated bounding box
    # when the outline fills it well.
    rect = cv2.minAreaRect(hull)
    rect_area = rect[1][0] * rect[1][1]
    if rect_area > 0 and hull_area / rect_area >= 0.9:
        return order_corners(cv2.boxPoints(rect))
    return None


def _is_tight_card_crop(bgr: np.ndarray, aspect_tolerance: float,
                        any_orientation: bool) -> bool:
    """A tightly cropped card photo: ID-1 aspect, and printed lines of text."""
    height, width = bgr.shape[:2]
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if height > width:
        if not any_orientation:
            return False
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)  # text lines must run sideways
        height, width = width, height
    if abs((width / height) / ID1_ASPECT - 1) > min(aspect_tolerance, 0.10):
        return False
    small = cv2.resize(gray, (428, 270), interpolation=cv2.INTER_AREA)
    if float(np.median(small)) < 100:  # ID cards are printed on a light ground
        return False
    return text_line_count(small) >= 3


def text_line_count(gray: np.ndarray) -> int:
    """Wide, thin dark blobs after smearing dark strokes sideways: lines of print."""
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    _, strokes = cv2.threshold(blackhat, 40, 255, cv2.THRESH_BINARY)
    lines = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (21, 3)))
    # Blobs from their outer borders (top level of a two-level hierarchy; a blob inside
    # another's hole is top level too); only a wide, thin one has its pixels counted, by
    # labelling its bounding box alone (the blob lies inside it, connected).
    contours, hierarchy = cv2.findContours(lines, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return 0
    count = 0
    for contour, links in zip(contours, hierarchy[0], strict=True):
        x, y, w, h = cv2.boundingRect(contour)
        if links[3] >= 0 or w < 0.2 * gray.shape[1] or w < 4 * h:
            continue
        _, labels, stats, _ = cv2.connectedComponentsWithStats(lines[y:y + h, x:x + w])
        px, py = contour[0, 0]
        if stats[labels[py - y, px - x], cv2.CC_STAT_AREA] >= 0.3 * w * h:
            count += 1
    return count
