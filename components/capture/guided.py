"""Find the ID card the person holds up to the live camera, near the on-screen card guide.

The whole-frame contour finder (``card.find_card_quad``, used for uploads) needs the card's
outline to stand out as one closed contour; in a living room, in front of shelves or a patterned
sofa, and with a thumb over an edge, it rarely does. Here the overlay tells the person where to
hold the card, so each of the card's four edges is looked for in its own band around the guide:

1. edge pixels (Canny) whose gradient runs across the expected edge direction vote for straight
   lines (a Hough transform restricted to a band and to +-16 degrees of tilt), so a thumb hiding
   part of an edge only costs votes;
2. the strongest few lines of each band are combined into quads; a quad counts when it has the
   ID-1 shape (long over short side within ``ASPECT_TOLERANCE``) and its four edges are present
   along most of their length (``MIN_EDGE_COVER``), the best covered winning;
3. the quad's inside must look like a printed card: lines of dark print on a light ground, or a
   portrait (a screen showing a photo, a hand or a window frame do not);
4. each edge is then re-fitted at full resolution (strongest gradient across the edge near
   the line, a robust fit that ignores a thumb), so the corners and the crop sent follow the
   card to well under 2 % of its width.

With the previous frame's card (``previous``), each edge is first looked for in a narrow strip
around where it was (tracking); the quads found there go through the same checks.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from components.capture.card import ID1_ASPECT, has_portrait, rectify, text_line_count

WORK_WIDTH = 480  # the search runs on a copy this wide
ASPECT_TOLERANCE = 0.08  # ID-1 1.586 +-8 %: A4 paper (1.41) and 16:9 screens (1.78) are out
MIN_EDGE_COVER = 0.55  # every edge visible along at least this share (a thumb hides ~20 %)
MIN_MEAN_COVER = 0.72  # and the four together along this share on average
MAX_TILT_DEG = 13.0  # the card's edges may lean this much (10 degrees of tilt plus perspective)
LINES_PER_BAND = 12  # candidate lines kept per edge band
# Lines of print on a card side: the Egyptian ID has about five to seven per side; an ID-card-
# sized patch of a printed page has twelve or more.
MAX_PRINT_LINES = 11
# Bands (shares of the frame) in which each edge may lie: the guide is centred and two thirds
# of the width; a card 30-95 % of the width held near it has its edges here.
OUTER_LIMIT = 0.01
INNER_LIMIT_X = 0.36
INNER_LIMIT_Y = 0.42
MIN_WIDTH_SHARE = 0.28
# Past a corner, a line "goes on" when edge pixels lie along nearly all of it (busy backgrounds
# scatter edge pixels everywhere, covering a third to a half of any line by chance).
LINE_GOES_ON = 0.9
# Just inside its edges a card is plain ground (no print within ~5 % of its height of the edge):
# at least this share of that border band is smooth, on average over the four sides. Found
# cards: 0.85 or more (a thumb is smooth too); a photo, a screen or a quad half on a page and
# half on the background behind it: 0.6-0.72.
MIN_SMOOTH_BORDER = 0.85
MIN_BOUNDARY_CONTRAST = 0.45  # every edge separates the card from something else along this share
# The best-scored quads are tried in the order of score plus this times their mean contrast:
# a quad with one edge on a background line that crosses the card (a brick joint, a shelf) has
# card on both sides of part of that edge, and the card's own edge wins.
CONTRAST_WEIGHT = 1.0
OUTER_ZONE = 0.45  # half-width of the zone a card's edges stay in, share of the frame
OUTER_PENALTY = 4.0  # vote of an edge pixel outside that zone, against its line
# ... when it is near both ends; near one end only (clutter beside the card, a cushion
# hiding the stripe's other end) a weaker vote against it.
ONE_END_PENALTY = 2.0
# Tracking (``previous``): an edge may move this share of the work width between analysed
# frames (a card waved at half its width per second, at 15 frames per second, moves 3 %), and
# turn by this many degrees; this many candidate lines are kept per edge.
TRACK_REACH = 0.04
TRACK_TURN = 4
TRACK_LINES = 4
REFINE_REACH = 0.012  # share of the frame width searched either side of a line when refining


@dataclass(frozen=True)
class GuidedCard:
    """A card found near the guide: corners (full-frame pixels, TL, TR, BR, BL), crop, cover."""

    corners: np.ndarray = field(repr=False)
    crop: np.ndarray = field(repr=False)  # rectified, at most 640 px wide
    cover: float  # mean share of the four edges seen
    tracked: bool = False  # found near the previous frame's card (no whole search)


@dataclass(frozen=True)
class _Line:
    """``offset`` is where the line crosses the band's middle axis; ``slope`` its lean."""

    offset: float
    slope: float
    votes: float


def find_card_in_guide(bgr: np.ndarray, *, aspect_tolerance: float = ASPECT_TOLERANCE,
                       check_print: bool = True,
                       previous: np.ndarray | None = None) -> GuidedCard | None:
    """The card held up near the guide, or None. ``bgr`` is a full camera frame.

    ``previous``: the corners of the card found in the previous analysed frame of the same
    stream (tracking). Each edge is then looked for first close to where it was (a narrow
    strip, a small turn); a quad found there must pass every check below on this frame, and
    when none does the whole search runs as without ``previous``.
    """
    view = _WorkView.of(bgr)
    if previous is not None:
        lines = _tracked_lines(view, np.asarray(previous, np.float64) * view.scale)
        found = _best_card(bgr, view, lines, aspect_tolerance, check_print, tracked=True)
        if found is not None:
            return found
    h, w = view.small.shape[:2]
    lines = (
        _band_lines(view.hx, view.hy, h, w, (OUTER_LIMIT * h, INNER_LIMIT_Y * h)),
        _band_lines(view.hx, view.hy, h, w, ((1 - INNER_LIMIT_Y) * h, (1 - OUTER_LIMIT) * h)),
        _band_lines(view.vy, view.vx, w, h, (OUTER_LIMIT * w, INNER_LIMIT_X * w)),
        _band_lines(view.vy, view.vx, w, h, ((1 - INNER_LIMIT_X) * w, (1 - OUTER_LIMIT) * w)),
    )
    return _best_card(bgr, view, lines, aspect_tolerance, check_print, tracked=False)


@dataclass
class _WorkView:
    """The frame at the work width (blurred a little) and its oriented edge pixels."""

    small: np.ndarray
    scale: float  # work pixels per frame pixel
    horizontal: np.ndarray
    vertical: np.ndarray
    hx: np.ndarray  # columns and rows of the horizontal-ish edge pixels
    hy: np.ndarray
    vx: np.ndarray  # ... and of the vertical-ish ones
    vy: np.ndarray

    @classmethod
    def of(cls, bgr: np.ndarray) -> _WorkView:
        height, width = bgr.shape[:2]
        scale = min(1.0, WORK_WIDTH / width)
        small = bgr
        while small.shape[1] >= 2 * WORK_WIDTH:
            small = cv2.pyrDown(small)  # halving with a Gaussian: fast and free of aliasing
        if scale < 1.0:
            small = cv2.resize(small, (round(width * scale), round(height * scale)),
                               interpolation=cv2.INTER_LINEAR)
        small = cv2.GaussianBlur(small, (3, 3), 0)
        horizontal, vertical = _oriented_edges(small)
        return cls(small, scale, horizontal, vertical, *_edge_points(horizontal),
                   *_edge_points(vertical))

    @functools.cached_property
    def covers(self) -> tuple[np.ndarray, np.ndarray]:
        """The edge pixels thickened by one pixel, for sampling along a quad's edges."""
        kernel = np.ones((3, 3), np.uint8)
        return cv2.dilate(self.horizontal, kernel), cv2.dilate(self.vertical, kernel)


_Lines = tuple[list["_Line"], list["_Line"], list["_Line"], list["_Line"]]


def _best_card(bgr: np.ndarray, view: _WorkView, lines: _Lines, aspect_tolerance: float,
               check_print: bool, *, tracked: bool) -> GuidedCard | None:
    """The best quad the lines (top, bottom, left, right candidates) make that passes every
    check: ID-1 shape, edges present, not a stripe or a sheet, contrast across its edges,
    refitted at full resolution, and (``check_print``) print inside."""
    tops, bottoms, lefts, rights = lines
    if not (tops and bottoms and lefts and rights):
        return None
    h, w = view.small.shape[:2]
    quads = _candidate_quads(tops, bottoms, lefts, rights, w / 2, h / 2, w, aspect_tolerance)
    if not len(quads):
        return None
    covers_h, covers_v = view.covers
    covers = _edge_covers(quads, covers_h, covers_v, _SAMPLES)
    ok = (covers.min(axis=1) >= MIN_EDGE_COVER) & (covers.mean(axis=1) >= MIN_MEAN_COVER)
    if not ok.any():
        return None
    quads, covers = quads[ok], covers[ok]
    before = _edge_covers(quads, covers_h, covers_v, _BEYOND_START) >= LINE_GOES_ON
    after = _edge_covers(quads, covers_h, covers_v, _BEYOND_END) >= LINE_GOES_ON
    # A line that goes on past both its corners is mostly the background's (a stripe); two
    # opposite edges that both go on past the same side belong to a larger sheet.
    passing = (before & after).any(axis=1)
    sheet = ((before[:, 0] & before[:, 2]) | (after[:, 0] & after[:, 2])
             | (before[:, 1] & before[:, 3]) | (after[:, 1] & after[:, 3]))
    aspects = _aspects(quads)
    score = (covers.mean(axis=1) - 0.25 * (before | after).mean(axis=1)
             - 3.0 * np.abs(aspects / ID1_ASPECT - 1))
    # A card edge can line up with a stripe by chance: such a quad only ranks below every
    # quad without one; a sheet is never a card.
    score[passing] -= 1.0
    score[sheet] = -np.inf
    tries = [int(index) for index in np.argsort(-score)[:8] if np.isfinite(score[index])]
    contrasts = {index: _boundary_contrast(view.small, quads[index]) for index in tries}
    tries.sort(key=lambda index: -(score[index] + CONTRAST_WEIGHT * contrasts[index].mean()))
    for index in tries:
        contrast = contrasts[index]
        if contrast.min() < MIN_BOUNDARY_CONTRAST:
            continue  # the same surface goes on past an edge: part of a larger sheet
        corners = _refine(bgr, quads[index] / view.scale)
        if corners is None or abs(_aspect(corners) / ID1_ASPECT - 1) > aspect_tolerance:
            continue
        card_width = float(np.linalg.norm(corners[1] - corners[0]))
        crop = rectify(bgr, corners, width=int(min(640, round(card_width))))
        if check_print and not looks_printed(crop):
            continue
        return GuidedCard(corners, crop, float(covers[index].mean()), tracked)
    return None


def _tracked_lines(view: _WorkView, previous: np.ndarray) -> _Lines:
    """Candidate lines for each edge near the previous card's (``previous``: its corners at
    the work scale), within the same bands as the whole search."""
    h, w = view.small.shape[:2]
    reach = TRACK_REACH * WORK_WIDTH
    tl, tr, br, bl = previous

    def near(start: np.ndarray, end: np.ndarray, transposed: bool) -> tuple[float, float]:
        """Offset (across, at the middle of the band's axis) and slope of the line."""
        a, b = (1, 0) if transposed else (0, 1)  # along, across
        slope = (end[b] - start[b]) / max(1e-6, end[a] - start[a])
        middle = (h if transposed else w) / 2
        return float(start[b] + slope * (middle - start[a])), float(slope)

    def lines(along: np.ndarray, across: np.ndarray, size: int, length: int,
              band: tuple[float, float], line: tuple[float, float]) -> list[_Line]:
        return _band_lines(along, across, size, length, band, near=line, reach=reach,
                           limit=TRACK_LINES)

    return (
        lines(view.hx, view.hy, h, w, (OUTER_LIMIT * h, INNER_LIMIT_Y * h), near(tl, tr, False)),
        lines(view.hx, view.hy, h, w, ((1 - INNER_LIMIT_Y) * h, (1 - OUTER_LIMIT) * h),
              near(bl, br, False)),
        lines(view.vy, view.vx, w, h, (OUTER_LIMIT * w, INNER_LIMIT_X * w), near(tl, bl, True)),
        lines(view.vy, view.vx, w, h, ((1 - INNER_LIMIT_X) * w, (1 - OUTER_LIMIT) * w),
              near(tr, br, True)),
    )


def looks_printed(crop: np.ndarray) -> bool:
    """Whether a rectified quad looks like an ID card: print on a light ground, or a portrait."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (428, 270), interpolation=cv2.INTER_AREA)
    # The card is the light part of its own picture: its ground is near its brightest parts.
    median, bright = _percentiles(small, (50, 97))
    if median < 0.55 * bright:
        return False
    if smooth_border(small) < MIN_SMOOTH_BORDER:
        return False
    lines = text_line_count(small)
    if lines > MAX_PRINT_LINES:
        return False  # a page of text (a letter, a form): far more lines than an ID card side
    return lines >= 2 or has_portrait(crop)


def smooth_border(gray: np.ndarray) -> float:
    """Share of the band 2-7 % of the card's height inside its edges where the grey level
    hardly changes (Sobel magnitude < 25 after a 1 px blur), averaged over the four sides."""
    height, width = gray.shape
    a, b = round(0.02 * height), round(0.07 * height)
    # Only the four border strips are filtered, with 5 px of context past the bands (4 for
    # the blur's 9 taps, 1 for the Sobel): the same values as filtering the whole crop.
    m = b + 5
    bands = (_magnitude(gray[:m])[a:b, b:width - b],
             _magnitude(gray[height - m:])[m - b:m - a, b:width - b],
             _magnitude(gray[:, :m])[b:height - b, a:b],
             _magnitude(gray[:, width - m:])[b:height - b, m - b:m - a])
    return float(np.mean([(band < 25).mean() for band in bands]))


def _magnitude(gray: np.ndarray) -> np.ndarray:
    blurred = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 1.0)
    return np.hypot(cv2.Sobel(blurred, cv2.CV_32F, 1, 0), cv2.Sobel(blurred, cv2.CV_32F, 0, 1))


def _percentiles(gray: np.ndarray, shares: tuple[float, ...]) -> list[float]:
    """``np.percentile`` (linear) of an 8-bit image for each of ``shares``, from its histogram."""
    counts = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()  # exact below 2**24
    cumulative = np.cumsum(counts.astype(np.int64))
    last = gray.size - 1
    result = []
    for share in shares:
        rank = last * share / 100
        low = int(rank)
        fraction = rank - low
        a = float(np.searchsorted(cumulative, low, side="right"))
        b = float(np.searchsorted(cumulative, min(low + 1, last), side="right"))
        # numpy's interpolation, term for term (from the nearer end)
        result.append(b - (b - a) * (1 - fraction) if fraction >= 0.5 else a + (b - a) * fraction)
    return result


def _oriented_edges(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge pixels of horizontal-ish and vertical-ish edges (gradient within 35 degrees).

    The gradient is taken per colour channel, the strongest channel winning at each pixel: a
    card's edge against a background of the same brightness but another colour still shows.
    """
    first, *others = (_gradients(channel) for channel in cv2.split(bgr))
    gx, gy, ax, ay, strength = first
    for cx, cy, bx, by, cs in others:
        stronger = cv2.compare(cs, strength, cv2.CMP_GT)  # ties: the earlier channel
        for source, target in ((cx, gx), (cy, gy), (bx, ax), (by, ay)):
            cv2.copyTo(source, stronger, target)
        strength = cv2.max(cs, strength)
    edges = cv2.Canny(gx, gy, 20, 50)
    fx, fy = ax.astype(np.float32), ay.astype(np.float32)
    horizontal = cv2.bitwise_and(edges, cv2.compare(fx, 0.7 * fy, cv2.CMP_LT))
    vertical = cv2.bitwise_and(edges, cv2.compare(fy, 0.7 * fx, cv2.CMP_LT))
    return horizontal, vertical


def _gradients(channel: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sobel x and y (int16), their absolute values and the strength |x| + |y|."""
    gx = cv2.Sobel(channel, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(channel, cv2.CV_16S, 0, 1, ksize=3)
    zero = np.zeros_like(gx)
    ax, ay = cv2.absdiff(gx, zero), cv2.absdiff(gy, zero)
    return gx, gy, ax, ay, cv2.add(ax, ay)  # at most 2 x 1020: no saturation in 16 bits


def _edge_points(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column and row (int32) of every edge pixel."""
    points = cv2.findNonZero(edges)
    if points is None:
        empty = np.empty(0, np.int32)
        return empty, empty
    points = points.reshape(-1, 2)
    return np.ascontiguousarray(points[:, 0]), np.ascontiguousarray(points[:, 1])


_SLOPES = np.tan(np.radians(np.arange(-MAX_TILT_DEG, MAX_TILT_DEG + 0.1, 1.0)))


def _band_lines(along: np.ndarray, across: np.ndarray, h: int, w: int,
                band: tuple[float, float], *, near: tuple[float, float] | None = None,
                reach: float = 0.0, limit: int = LINES_PER_BAND) -> list[_Line]:
    """Strongest straight lines in a band of edge pixels (``along``: position along the band's
    axis, 0..w-1; ``across``: position across it, 0..h-1): ``offset`` = ``across`` at the
    centre of the axis, ``slope`` = d across / d along; at most ``limit``.

    ``near`` (offset, slope): only lines within ``reach`` of that offset and ``TRACK_TURN``
    degrees of that slope (tracking); their votes are the same as in the whole band's.
    """
    lo, hi = max(0, int(band[0]) - 8), min(h, math.ceil(band[1]) + 8)
    inside = (across >= lo) & (across < hi)
    slopes = len(_SLOPES)
    first, last = 0, slopes  # slope rows voted for
    keep = slice(0, slopes)  # ... and searched
    if near is not None:
        offset, slope = near
        band = (max(band[0], offset - reach), min(band[1], offset + reach))
        if band[0] >= band[1]:
            return []
        # Every pixel voting for a line in the window (the vote blur included) lies within
        # this strip around the old line.
        margin = reach + w / 2 * math.tan(math.radians(TRACK_TURN + 1)) + 2
        inside &= np.abs(across - (offset + slope * (along - w / 2))) <= margin
        row = min(slopes - 1, max(0, round(math.degrees(math.atan(slope)) + MAX_TILT_DEG)))
        # one more row either side: the vote blur mixes neighbouring slopes
        first, last = max(0, row - TRACK_TURN - 1), min(slopes, row + TRACK_TURN + 2)
        keep = slice(max(0, row - TRACK_TURN) - first, min(slopes, row + TRACK_TURN + 1) - first)
    if np.count_nonzero(inside) < 10:
        return []
    along, across = along[inside], across[inside]
    size = h + 1
    bins, span, pad = _line_bins(w, size)
    # One histogram for every slope and the three zones (centre, near the start, near the
    # end): the pixel at (along, across) votes for offset across - shift(slope, along).
    counts = np.bincount((bins[first:last, along] + across[None, :]).ravel(),
                         minlength=3 * slopes * span)
    counts = counts.reshape(3, slopes, span)[:, first:last, pad:pad + size]
    # Neighbouring angles and offsets share votes (a slightly curved or blurred edge).
    votes = cv2.GaussianBlur(np.ascontiguousarray(counts.transpose(1, 2, 0), dtype=np.float32),
                             (3, 3), 0.7)
    centre, left, right = votes[..., 0], votes[..., 1], votes[..., 2]
    # Pixels near both of the frame's ends vote against a line: a card (at most ~90 % of the
    # frame) never reaches them, while a stripe or a shelf running past the card does. Near
    # one end only (a mug beside the card, a stripe half hidden) they count less against it.
    acc = (centre - OUTER_PENALTY * np.minimum(left, right)
           - ONE_END_PENALTY * np.maximum(left, right))
    acc = np.ascontiguousarray(acc[keep])
    acc[:, : int(band[0])] = 0
    acc[:, math.ceil(band[1]):] = 0
    base = first + keep.start  # slope index of the first row searched
    lines: list[_Line] = []
    for _ in range(limit):
        index = int(np.argmax(acc))
        slope_i, offset = divmod(index, size)
        strength = float(acc[slope_i, offset])
        if strength < 0.12 * w:
            break
        lines.append(_Line(float(offset), float(_SLOPES[base + slope_i]), strength))
        acc[:, max(0, offset - 4):offset + 5] = 0
    return lines


@functools.cache
def _line_bins(w: int, size: int) -> tuple[np.ndarray, int, int]:
    """For a band axis ``w`` long and ``size`` offsets: the histogram bin (slopes x w, int32)
    that position x votes for on each slope, less the across position; the bins per slope and
    zone (``span``: ``size`` plus ``pad`` either side, where offsets past the ends land)."""
    dx = np.arange(w, dtype=np.float32) - np.float32(w / 2)
    shifts = np.rint(dx[None, :] * _SLOPES[:, None].astype(np.float32)).astype(np.int32)
    pad = int(np.abs(shifts).max())
    span = size + 2 * pad
    zones = np.where(dx < -OUTER_ZONE * w, 1, np.where(dx > OUTER_ZONE * w, 2, 0))
    slope_index = np.arange(len(_SLOPES), dtype=np.int32)[:, None]
    bins = pad - shifts + slope_index * span + (zones * len(_SLOPES) * span)[None, :]
    return bins.astype(np.int32), span, pad


def _candidate_quads(tops: list[_Line], bottoms: list[_Line], lefts: list[_Line],
                     rights: list[_Line], xc: float, yc: float, w: int,
                     aspect_tolerance: float) -> np.ndarray:
    """Corners (N x 4 x 2, TL TR BR BL) of every line combination with the ID-1 shape."""
    def params(lines: list[_Line]) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([line.offset for line in lines]), np.array([line.slope for line in lines]))

    (ta, ts), (ba, bs) = params(tops), params(bottoms)
    (la, ls), (ra, rs) = params(lefts), params(rights)
    grid = np.meshgrid(np.arange(len(tops)), np.arange(len(bottoms)), np.arange(len(lefts)),
                       np.arange(len(rights)), indexing="ij")
    t, b, left, r = (index.ravel() for index in grid)
    corners = np.stack([
        _meet(ta[t], ts[t], la[left], ls[left], xc, yc), _meet(ta[t], ts[t], ra[r], rs[r], xc, yc),
        _meet(ba[b], bs[b], ra[r], rs[r], xc, yc), _meet(ba[b], bs[b], la[left], ls[left], xc, yc),
    ], axis=1)
    edges = np.linalg.norm(corners - np.roll(corners, -1, axis=1), axis=2)  # top right bottom left
    card_w = (edges[:, 0] + edges[:, 2]) / 2
    card_h = (edges[:, 1] + edges[:, 3]) / 2
    aspect = card_w / np.maximum(card_h, 1e-6)
    keep = (card_w >= MIN_WIDTH_SHARE * w) & (
        np.abs(aspect / ID1_ASPECT - 1) <= aspect_tolerance + 0.02)
    return corners[keep].astype(np.float32)


def _meet(a: np.ndarray, s: np.ndarray, b: np.ndarray, t: np.ndarray,
          xc: float, yc: float) -> np.ndarray:
    """Intersections (N x 2) of y = a + s (x - xc) with x = b + t (y - yc)."""
    y = (a + s * (b - xc - t * yc)) / (1 - s * t)
    x = b + t * (y - yc)
    return np.stack([x, y], axis=1)


def _aspects(quads: np.ndarray) -> np.ndarray:
    """Long over short side of each quad (N x 4 x 2), from the means of opposite edges."""
    edges = np.linalg.norm(quads - np.roll(quads, -1, axis=1), axis=2)
    return (edges[:, 0] + edges[:, 2]) / np.maximum(edges[:, 1] + edges[:, 3], 1e-6)


def _aspect(corners: np.ndarray) -> float:
    tl, tr, br, bl = corners
    horizontal = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    vertical = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return float(horizontal / vertical) if vertical > 0 else float("inf")


_SAMPLES = np.linspace(0.06, 0.94, 36, dtype=np.float32)
# Past the corners, along each edge's own line: a card's edge stops at its corners, the edge of
# a larger sheet or a stripe of the background goes on.
_BEYOND_START = np.linspace(-0.13, -0.03, 12, dtype=np.float32)
_BEYOND_END = np.linspace(1.03, 1.13, 12, dtype=np.float32)


def _edge_covers(quads: np.ndarray, covers_h: np.ndarray, covers_v: np.ndarray,
                 samples: np.ndarray) -> np.ndarray:
    """Share of ``samples`` (positions along each quad edge: top, right, bottom, left, 0 at the
    first corner, 1 at the second) lying on an edge pixel of the edge's orientation."""
    result = np.empty((len(quads), 4), np.float32)
    for edge, (a, b, mask) in enumerate(((0, 1, covers_h), (1, 2, covers_v),
                                         (3, 2, covers_h), (0, 3, covers_v))):
        start, end = quads[:, a], quads[:, b]
        points = start[:, None, :] + (end - start)[:, None, :] * samples[None, :, None]
        xs = np.clip(np.rint(points[..., 0]), 0, mask.shape[1] - 1).astype(np.intp)
        ys = np.clip(np.rint(points[..., 1]), 0, mask.shape[0] - 1).astype(np.intp)
        result[:, edge] = (mask[ys, xs] > 0).mean(axis=1)
    return result


_CANON_W, _CANON_PAD = 160, 12


def _boundary_contrast(small: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """For each edge (top, right, bottom, left): the share of its length where the strip just
    inside differs in colour from the strip just outside (a thumb over the edge does not)."""
    ch = round(_CANON_W / ID1_ASPECT)
    pad = _CANON_PAD
    dst = np.array([[pad, pad], [pad + _CANON_W, pad], [pad + _CANON_W, pad + ch],
                    [pad, pad + ch]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    canon = cv2.warpPerspective(small, matrix, (_CANON_W + 2 * pad, ch + 2 * pad),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    a, b = 2, 8  # strip from 2 to 8 px either side of the edge
    x0, x1, y0, y1 = pad, pad + _CANON_W, pad, pad + ch
    # Medians across each strip: a thin line of print inside or outside does not count.
    strips = (
        (_median6(canon[y0 + a:y0 + b, x0:x1], 0), _median6(canon[y0 - b:y0 - a, x0:x1], 0)),
        (_median6(canon[y0:y1, x1 - b:x1 - a], 1), _median6(canon[y0:y1, x1 + a:x1 + b], 1)),
        (_median6(canon[y1 - b:y1 - a, x0:x1], 0), _median6(canon[y1 + a:y1 + b, x0:x1], 0)),
        (_median6(canon[y0:y1, x0 + a:x0 + b], 1), _median6(canon[y0:y1, x0 - b:x0 - a], 1)),
    )
    return np.array([float((np.linalg.norm(inner - outer, axis=1) > 18).mean())
                     for inner, outer in strips])


def _median6(strip: np.ndarray, axis: int) -> np.ndarray:
    """The median across a strip six pixels thick (uint8 in, float32 out, as ``np.median``)."""
    ordered = np.sort(strip, axis=axis)
    middle = np.take(ordered, [2, 3], axis=axis).astype(np.float32)
    return np.take(middle, 0, axis=axis) * 0.5 + np.take(middle, 1, axis=axis) * 0.5


_REFINE_SAMPLES = np.linspace(0.08, 0.92, 60)  # positions along an edge that are refitted


def _refine(bgr: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    """Re-fit each edge at full resolution; corners are the refitted lines' intersections."""
    height, width = bgr.shape[:2]
    reach = max(3, round(REFINE_REACH * width))
    lines = []
    for a, b in ((0, 1), (1, 2), (2, 3), (3, 0)):
        start, end = corners[a].astype(np.float64), corners[b].astype(np.float64)
        direction = (end - start) / max(1e-6, float(np.linalg.norm(end - start)))
        normal = np.array([-direction[1], direction[0]])
        along = start[None, :] + (end - start)[None, :] * _REFINE_SAMPLES[:, None]
        steps = np.arange(-reach, reach + 1, dtype=np.float64)
        probe = along[:, None, :] + steps[None, :, None] * normal[None, None, :]
        xs = np.clip(probe[..., 0], 0, width - 1).astype(np.float32)
        ys = np.clip(probe[..., 1], 0, height - 1).astype(np.float32)
        best, keep = _edge_steps(_profiles(bgr, xs, ys))
        if keep.sum() < 12:
            # A card edge against a background of the same grey but another colour (a blue
            # stripe on a grey wall, in dim light): the step of the channel that changes most.
            best, keep = _edge_steps(_profiles(bgr, xs, ys, colour=True))
            if keep.sum() < 12:
                return None
        shift = (best[keep] + 0.5 - reach).astype(np.float64)
        points = along[keep] + shift[:, None] * normal[None, :]
        fitted = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        vx, vy, px, py = fitted.ravel()
        lines.append((float(px), float(py), float(vx), float(vy)))
    result = []
    for first, second in ((3, 0), (0, 1), (1, 2), (2, 3)):
        point = _intersect(lines[first], lines[second])
        if point is None:
            return None
        result.append(point)
    return np.array(result, np.float32)


def _edge_steps(profile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where along each profile (rows; colour profiles: rows x steps x 3) the level changes
    most, and which profiles change enough to place the edge (half their median, at least 6)."""
    step = np.abs(np.diff(profile, axis=1))
    if step.ndim == 3:
        step = step.max(axis=2)
    best = step.argmax(axis=1)
    strength = step.max(axis=1)
    ordered = np.sort(strength)  # its median, as np.median (60 values: the middle two)
    middle = float((ordered[29] + ordered[30]) * np.float32(0.5))
    return best, strength >= max(6.0, 0.5 * middle)


def _profiles(bgr: np.ndarray, xs: np.ndarray, ys: np.ndarray, *,
              colour: bool = False) -> np.ndarray:
    """The frame's grey level (``colour``: its three channels), blurred (3 x 3 Gaussian), read
    at (``xs``, ``ys``). Only the box the points lie in is greyed and blurred (2 px of context
    for the blur and the bilinear read): the same values as blurring the whole frame."""
    height, width = bgr.shape[:2]
    x0, y0 = max(0, int(xs.min()) - 2), max(0, int(ys.min()) - 2)
    x1, y1 = min(width, int(xs.max()) + 4), min(height, int(ys.max()) + 4)
    box = bgr[y0:y1, x0:x1] if colour else cv2.cvtColor(bgr[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    blurred = cv2.GaussianBlur(box, (3, 3), 0).astype(np.float32)
    return cv2.remap(blurred, xs - np.float32(x0), ys - np.float32(y0), cv2.INTER_LINEAR)


def _intersect(p: tuple[float, float, float, float],
               q: tuple[float, float, float, float]) -> tuple[float, float] | None:
    x1, y1, dx1, dy1 = p
    x2, y2, dx2, dy2 = q
    det = dx1 * (-dy2) - dy1 * (-dx2)
    if abs(det) < 1e-9:
        return None
    s = ((x2 - x1) * (-dy2) - (y2 - y1) * (-dx2)) / det
    return x1 + s * dx1, y1 + s * dy1
