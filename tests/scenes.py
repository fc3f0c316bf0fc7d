"""Scenes that look like real use, for the card finder's robustness benchmark and its guard test.

An ID card (drawn as in ``tests/imagery.py``) held up in front of an ordinary place: photographs
that ship with scikit-image (a kitchen table with coffee, a cat on a sofa, a rocket launch, a
motorcycle in a workshop, stained tissue, an astronaut with the flag, ...) or procedural clutter
(shelves of books, patterned sofas, desks with papers). Conditions: in-plane tilt up to 10
degrees and a slight keystone, card 45-80 % of the frame width near the on-screen guide, a thumb
over one long edge in half of the scenes, light 0.65-1.25x, slight blur, sensor noise, JPEG
quality 70-95. Negatives show the same places with no card: a hand, a screen showing a photo, a
sheet of paper, a person, or nothing.

Everything is generated from a seed, so a scene set is the same on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np

from tests.imagery import CARD_ASPECT, face_crop, id_card_back, id_card_front

SIZES = ((1280, 720), (640, 480))
PHOTO_NAMES = ("coffee", "chelsea", "rocket", "immunohistochemistry", "astronaut", "cat",
               "motorcycle", "hubble_deep_field", "camera", "coins")
PROCEDURAL = ("shelves", "sofa", "desk", "wall")
PEOPLE = ("astronaut", "camera")  # photographs with a person in them
NEGATIVE_KINDS = ("empty", "hand", "screen", "paper", "person")
SKIN_TONES = ((60, 90, 140), (80, 120, 180), (110, 150, 205), (140, 175, 225), (45, 65, 100))


@dataclass(frozen=True)
class Scene:
    """One generated frame and what is in it (``corners`` None: no card)."""

    image: np.ndarray = field(repr=False)
    corners: np.ndarray | None = field(repr=False)  # true card corners TL, TR, BR, BL (pixels)
    side: str | None  # "front", "back" or None
    conditions: dict[str, str]


@cache
def _photo(name: str) -> np.ndarray:
    from skimage import data

    rgb = data.stereo_motorcycle()[0] if name == "motorcycle" else getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    return np.ascontiguousarray(rgb[:, :, :3][:, :, ::-1]).astype(np.uint8)


def _photo_background(rng: np.random.Generator, width: int, height: int, name: str) -> np.ndarray:
    photo = _photo(name)
    ph, pw = photo.shape[:2]
    # A random crop of 60-100 % of the photo, stretched to the frame (a room seen close up).
    share = rng.uniform(0.6, 1.0)
    cw = min(pw, round(share * pw))
    ch = min(ph, max(8, round(cw * height / width)))
    x0, y0 = int(rng.integers(0, pw - cw + 1)), int(rng.integers(0, ph - ch + 1))
    return cv2.resize(photo[y0:y0 + ch, x0:x0 + cw], (width, height),
                      interpolation=cv2.INTER_LINEAR)


def _colour(rng: np.random.Generator, low: int = 20, high: int = 235) -> tuple[int, int, int]:
    b, g, r = rng.integers(low, high, 3)
    return int(b), int(g), int(r)


def _procedural_background(rng: np.random.Generator, width: int, height: int,
                           kind: str) -> np.ndarray:
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = _colour(rng, 60, 200)
    if kind == "shelves":  # rows of books: many vertical and horizontal edges
        y = 0
        while y < height:
            row = int(rng.integers(height // 6, height // 3))
            x = 0
            while x < width:
                spine = int(rng.integers(width // 80, width // 25))
                top = y + int(rng.integers(0, row // 3))
                cv2.rectangle(frame, (x, top), (x + spine, y + row), _colour(rng), -1)
                x += spine + int(rng.integers(0, 4))
            shelf = (0, y + row), (width, y + row + height // 40)
            cv2.rectangle(frame, *shelf, _colour(rng, 40, 120), -1)
            y += row + height // 40
    elif kind == "sofa":  # stripes or checks of a patterned fabric, with cushions
        period = int(rng.integers(width // 40, width // 12))
        a, b = _colour(rng), _colour(rng)
        for x in range(0, width, period):
            cv2.rectangle(frame, (x, 0), (x + period // 2, height), a, -1)
        if rng.random() < 0.5:
            for y in range(0, height, period):
                frame[y:y + period // 3] = (frame[y:y + period // 3] * 0.6 + np.array(b) * 0.4)
        for _ in range(3):
            cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
            cv2.ellipse(frame, (cx, cy), (width // 6, height // 5), float(rng.uniform(0, 180)),
                        0, 360, _colour(rng), -1)
    elif kind == "desk":  # papers, a keyboard, a mug, cables
        for _ in range(12):
            x, y = int(rng.integers(-width // 8, width)), int(rng.integers(-height // 8, height))
            w = int(rng.integers(width // 12, width // 3))
            h = int(rng.integers(height // 12, height // 3))
            box = cv2.boxPoints(((x, y), (w, h), float(rng.uniform(-40, 40)))).astype(np.int32)
            cv2.fillConvexPoly(frame, box, _colour(rng))
        for _ in range(6):
            pts = rng.integers(0, max(width, height), (4, 2)).astype(np.int32)
            cv2.polylines(frame, [pts], False, _colour(rng, 0, 80), int(rng.integers(2, 6)))
    else:  # a textured wall: brick or plaster with a picture frame
        from skimage import data

        texture = getattr(data, str(rng.choice(["brick", "gravel", "grass"])))()
        tile = cv2.resize(texture, (width, height))
        tint = np.array(_colour(rng, 120, 230), np.float32) / 255
        frame = np.clip(tile[:, :, None] * tint[None, None, :], 0, 255).astype(np.uint8)
        x, y = int(rng.integers(0, width // 2)), int(rng.integers(0, height // 2))
        picture = (x, y), (x + width // 4, y + height // 3)
        cv2.rectangle(frame, *picture, _colour(rng, 0, 90), 10)
    return frame


def _quad(width: int, height: int, cw: float, aspect: float, centre: tuple[float, float],
          angle_deg: float, keystone: float) -> np.ndarray:
    """Corners TL, TR, BR, BL of a ``cw`` x ``cw/aspect`` rectangle, rotated and keystoned."""
    ch = cw / aspect
    k = keystone * cw
    local = np.array([[-cw / 2 + k, -ch / 2], [cw / 2 - k, -ch / 2],
                      [cw / 2 + k * 0.3, ch / 2], [-cw / 2 - k * 0.3, ch / 2]], np.float64)
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (local @ rot.T + np.array(centre)).astype(np.float32)


def _place(frame: np.ndarray, picture: np.ndarray, corners: np.ndarray) -> None:
    """Warp ``picture`` onto ``corners`` of ``frame`` (anti-aliased edges)."""
    h, w = picture.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpPerspective(picture, matrix, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size).astype(np.float32)
    alpha = (mask / 255)[:, :, None]
    frame[:] = (frame * (1 - alpha) + warped * alpha).astype(np.uint8)


def _skin_blob(frame: np.ndarray, rng: np.random.Generator, centre: tuple[float, float],
               axes: tuple[float, float], angle: float, tone: tuple[int, int, int]) -> None:
    """A shaded skin-coloured ellipse (a thumb or finger), lighter along its middle."""
    height, width = frame.shape[:2]
    mask = np.zeros((height, width), np.uint8)
    cv2.ellipse(mask, (round(centre[0]), round(centre[1])), (round(axes[0]), round(axes[1])),
                angle, 0, 360, 255, -1)
    mask_f = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 1.2)
    shade = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), max(2.0, axes[1] / 2))
    colour = np.array(tone, np.float32) * (0.75 + 0.35 * shade[:, :, None])
    alpha = mask_f[:, :, None]
    frame[:] = np.clip(frame * (1 - alpha) + colour * alpha, 0, 255).astype(np.uint8)


def _thumb(frame: np.ndarray, rng: np.random.Generator, corners: np.ndarray) -> str:
    """A thumb over the top or bottom long edge, somewhere between 20 and 80 % along it."""
    cw = float(np.linalg.norm(corners[1] - corners[0]))
    edge = "bottom" if rng.random() < 0.6 else "top"
    a, b = (corners[3], corners[2]) if edge == "bottom" else (corners[0], corners[1])
    along = rng.uniform(0.2, 0.8)
    point = a + (b - a) * along
    direction = (b - a) / np.linalg.norm(b - a)
    normal = np.array([-direction[1], direction[0]])  # points down for the top edge
    inward = -normal if edge == "bottom" else normal
    thumb_w = cw * rng.uniform(0.17, 0.23)  # a thumb is ~2 cm across, the card 8.56 cm
    length = cw * rng.uniform(0.4, 0.55)
    centre = point + inward * length * rng.uniform(0.0, 0.2)
    angle = math.degrees(math.atan2(inward[1], inward[0]))
    tone = SKIN_TONES[int(rng.integers(0, len(SKIN_TONES)))]
    # The rest of the hand, outside the card, then the thumb over the edge.
    palm = point - inward * cw * 0.3
    _skin_blob(frame, rng, (palm[0], palm[1]), (cw * 0.3, cw * 0.2), angle + 90, tone)
    _skin_blob(frame, rng, (centre[0], centre[1]), (length / 2, thumb_w / 2), angle, tone)
    return edge


def _hand(frame: np.ndarray, rng: np.random.Generator) -> None:
    """An open hand: a palm and five fingers, in a random skin tone."""
    height, width = frame.shape[:2]
    tone = SKIN_TONES[int(rng.integers(0, len(SKIN_TONES)))]
    size = rng.uniform(0.25, 0.45) * height
    cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.45, 0.75) * height
    _skin_blob(frame, rng, (cx, cy), (size * 0.42, size * 0.5), float(rng.uniform(-20, 20)), tone)
    for i, offset in enumerate((-0.36, -0.12, 0.12, 0.36)):
        angle = -90 + offset * 40 + float(rng.uniform(-8, 8))
        length = size * (0.55 if i in (1, 2) else 0.45)
        fx = cx + offset * size
        fy = cy - size * 0.5 - length * 0.35
        _skin_blob(frame, rng, (fx, fy), (length / 2, size * 0.09), angle, tone)
    _skin_blob(frame, rng, (cx + size * 0.55, cy), (size * 0.3, size * 0.1), -30, tone)


def _screen(frame: np.ndarray, rng: np.random.Generator) -> None:
    """A monitor or TV (16:9 or 16:10, black bezel) showing a photo."""
    height, width = frame.shape[:2]
    aspect = 16 / 9 if rng.random() < 0.5 else 16 / 10
    sw = rng.uniform(0.45, 0.8) * width
    sw = min(sw, 0.85 * height * aspect)
    content = _photo(str(rng.choice(["coffee", "chelsea", "rocket", "astronaut", "motorcycle"])))
    screen = cv2.resize(content, (320, round(320 / aspect)))
    bezel = 12
    panel = cv2.copyMakeBorder(screen, bezel, bezel, bezel, bezel, cv2.BORDER_CONSTANT,
                               value=(20, 20, 20))
    corners = _quad(width, height, sw, panel.shape[1] / panel.shape[0],
                    (width * rng.uniform(0.42, 0.58), height * rng.uniform(0.42, 0.58)),
                    float(rng.uniform(-6, 6)), float(rng.uniform(-0.02, 0.02)))
    _place(frame, panel, corners)


def _paper(frame: np.ndarray, rng: np.random.Generator) -> None:
    """A sheet of A4 paper with lines of print, landscape or portrait."""
    height, width = frame.shape[:2]
    landscape = rng.random() < 0.6
    pw, ph = (594, 420) if landscape else (420, 594)
    sheet = np.full((ph, pw, 3), 238, np.uint8)
    for y in range(40, ph - 40, 22):
        end = int(rng.integers(pw // 2, pw - 40))
        cv2.rectangle(sheet, (40, y), (end, y + 8), (60, 60, 60), -1)
    size = rng.uniform(0.45, 0.75) * (width if landscape else height)
    cw = size if landscape else size * pw / ph
    cw = min(cw, 0.85 * height * pw / ph)
    corners = _quad(width, height, cw, pw / ph,
                    (width * rng.uniform(0.42, 0.58), height * rng.uniform(0.42, 0.58)),
                    float(rng.uniform(-10, 10)), float(rng.uniform(-0.02, 0.02)))
    _place(frame, sheet, corners)


def _person(frame: np.ndarray, rng: np.random.Generator) -> None:
    height, width = frame.shape[:2]
    face = face_crop()
    scale = rng.uniform(0.9, 1.6) * height / face.shape[0]
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    x = round(width * rng.uniform(0.5, 0.7) - face.shape[1] / 2)
    y = round(height * 0.2)
    h, w = face.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
    frame[y0:y1, x0:x1] = face[y0 - y:y1 - y, x0 - x:x1 - x]


def finish(frame: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, str]]:
    """Light, blur, sensor noise and JPEG, as a webcam delivers them."""
    light = float(rng.uniform(0.65, 1.25))
    blur = float(rng.uniform(0.0, 1.0))
    quality = int(rng.integers(70, 96))
    out = frame.astype(np.float32) * light
    if blur > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    out += rng.normal(0, 2.5, out.shape).astype(np.float32)
    image = np.clip(out, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    light_bin = "dim <0.85" if light < 0.85 else "bright >1.05" if light > 1.05 else "normal"
    return decoded, {"light": light_bin, "blur": "blur>0.6" if blur > 0.6 else "sharp",
                     "jpeg": "q70-82" if quality < 83 else "q83-95"}


def background_scene(rng: np.random.Generator, width: int, height: int, *,
                     people: bool = True) -> tuple[np.ndarray, str]:
    """A place: a photograph (60 %) or procedural clutter, and its name. ``people`` False
    leaves out the photographs with a person in them (the astronaut, the cameraman)."""
    if rng.random() < 0.6:
        names = PHOTO_NAMES if people else tuple(n for n in PHOTO_NAMES if n not in PEOPLE)
        name = names[int(rng.integers(0, len(names)))]
        return _photo_background(rng, width, height, name), f"photo:{name}"
    kind = PROCEDURAL[int(rng.integers(0, len(PROCEDURAL)))]
    return _procedural_background(rng, width, height, kind), f"clutter:{kind}"


def _held_card(rng: np.random.Generator, width: int, height: int, *, max_share: float,
               max_angle: float, off_centre: float
               ) -> tuple[str, np.ndarray, float, float, float, np.ndarray]:
    """How a card is held up: its side and picture, its width as a share of the frame's (from
    0.45 to ``max_share``), its turn in degrees, a keystone, and its centre (within
    ``off_centre`` of the frame's, as a share of each side)."""
    side = "front" if rng.random() < 0.5 else "back"
    card = id_card_front() if side == "front" else id_card_back()
    share = float(rng.uniform(0.45, max_share))
    angle = float(rng.uniform(-max_angle, max_angle))
    keystone = float(rng.uniform(-0.03, 0.03))
    centre = np.array([width * (0.5 + rng.uniform(-off_centre, off_centre)),
                       height * (0.5 + rng.uniform(-off_centre, off_centre))])
    return side, card, share, angle, keystone, centre


def card_scene(rng: np.random.Generator) -> Scene:
    """An ID card held up in front of an ordinary place."""
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    frame, where = background_scene(rng, width, height)
    side, card, share, angle, keystone, (cx, cy) = _held_card(
        rng, width, height, max_share=0.80, max_angle=10, off_centre=0.04)
    centre = (float(cx), float(cy))
    corners = _quad(width, height, share * width, CARD_ASPECT, centre, angle, keystone)
    while share > 0.45 and not _inside(corners, width, height, 0.015):
        share -= 0.01  # a wide card tilted in a 16:9 frame would leave it: hold it a bit further
        corners = _quad(width, height, share * width, CARD_ASPECT, centre, angle, keystone)
    _place(frame, card, corners)
    thumb = "none"
    if rng.random() < 0.5:
        thumb = _thumb(frame, rng, corners)
    image, finished = finish(frame, rng)
    conditions = {
        "size": f"{width}x{height}", "background": where.split(":")[0], "place": where,
        "side": side, "thumb": "thumb" if thumb != "none" else "no thumb",
        "width": "45-57%" if share < 0.57 else "57-68%" if share < 0.68 else "68-80%",
        "tilt": "<5deg" if abs(angle) < 5 else "5-10deg", **finished,
    }
    return Scene(image, corners, side, conditions)


def moving_card(rng: np.random.Generator, frames: int = 6, *, leave: int = 2,
                speed: float = 0.02) -> list[Scene]:
    """A card held up as in ``card_scene`` and moved between frames (a steady drift of up to
    ``speed`` of the frame width and half a degree per frame, the thumb moving with it), then
    taken away: ``leave`` more frames of the same place without it."""
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    place, where = background_scene(rng, width, height)
    side, card, share, angle, keystone, centre = _held_card(
        rng, width, height, max_share=0.75, max_angle=8, off_centre=0.03)
    heading = rng.uniform(0, 2 * math.pi)
    velocity = rng.uniform(0.2, 1.0) * speed * width * np.array([math.cos(heading),
                                                                  math.sin(heading)])
    turn = float(rng.uniform(-0.5, 0.5))

    def corners_at(index: int, scale: float) -> np.ndarray:
        x, y = centre + index * scale * velocity
        return _quad(width, height, share * width, CARD_ASPECT, (x, y),
                     angle + index * scale * turn, keystone)

    scale = 1.0  # a path that would leave the frame is slowed down
    while not all(_inside(corners_at(i, scale), width, height, 0.015) for i in range(frames)):
        scale *= 0.7
    thumb_seed, finish_seed = int(rng.integers(0, 2**31)), int(rng.integers(0, 2**31))
    thumb = rng.random() < 0.5
    scenes = []
    for index in range(frames + leave):
        frame = place.copy()
        corners = None
        if index < frames:
            corners = corners_at(index, scale)
            _place(frame, card, corners)
            if thumb:
                _thumb(frame, np.random.default_rng(thumb_seed), corners)
        image, finished = finish(frame, np.random.default_rng(finish_seed))
        conditions = {"size": f"{width}x{height}", "place": where, "frame": str(index),
                      "thumb": "thumb" if thumb else "no thumb", **finished}
        scenes.append(Scene(image, corners, side if corners is not None else None, conditions))
    return scenes


NEGATIVES: dict[str, Callable[[np.ndarray, np.random.Generator], None]] = {
    "empty": lambda frame, rng: None, "hand": _hand, "screen": _screen, "paper": _paper,
    "person": _person,
}


def empty_scene(rng: np.random.Generator) -> Scene:
    """The same kind of place with no card: a hand, a screen, a page, a person, or nothing."""
    width, height = SIZES[int(rng.integers(0, len(SIZES)))]
    frame, where = background_scene(rng, width, height)
    kind = NEGATIVE_KINDS[int(rng.integers(0, len(NEGATIVE_KINDS)))]
    NEGATIVES[kind](frame, rng)
    image, finished = finish(frame, rng)
    conditions = {"size": f"{width}x{height}", "background": where.split(":")[0], "place": where,
                  "negative": kind, **finished}
    return Scene(image, None, None, conditions)


def scene_set(cards: int, empties: int, seed: int = 2026) -> list[Scene]:
    """``cards`` card scenes and ``empties`` card-less ones, the same for a given seed."""
    rng = np.random.default_rng(seed)
    return [card_scene(rng) for _ in range(cards)] + [empty_scene(rng) for _ in range(empties)]


def _inside(corners: np.ndarray, width: int, height: int, margin: float) -> bool:
    mx, my = margin * width, margin * height
    return bool(corners[:, 0].min() >= mx and corners[:, 0].max() <= width - mx
                and corners[:, 1].min() >= my and corners[:, 1].max() <= height - my)


def card_in_place(card: np.ndarray, width: int, height: int, *, place: str = "coffee",
                  fill: float = 0.7, tilt: float = 3.0, thumb: bool = False,
                  seed: int = 0) -> np.ndarray:
    """``card`` held up in front of ``place`` (a scikit-image photograph or a procedural kind),
    optionally with a thumb over its bottom or top edge: the same scene for every ``seed``, only
    the sensor noise differs (for clips)."""
    rng = np.random.default_rng(1234)
    if place in PHOTO_NAMES:
        frame = _photo_background(rng, width, height, place)
    else:
        frame = _procedural_background(rng, width, height, place)
    corners = _quad(width, height, fill * width, CARD_ASPECT, (width / 2, height / 2), tilt, 0.0)
    _place(frame, card, corners)
    if thumb:
        _thumb(frame, rng, corners)
    noise = np.random.default_rng(seed).normal(0, 2.0, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)
