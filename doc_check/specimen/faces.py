"""Portraits drawn by code: a face's traits come from a seed, the drawing is plain OpenCV."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

SKIN_TONES: tuple[tuple[int, int, int], ...] = (  # BGR
    (196, 214, 244),
    (170, 196, 234),
    (150, 180, 222),
    (120, 160, 205),
    (96, 130, 180),
    (70, 100, 150),
    (52, 74, 112),
)
HAIR_COLOURS: tuple[tuple[int, int, int], ...] = (
    (20, 20, 24),
    (30, 40, 60),
    (40, 70, 110),
    (60, 110, 160),
    (110, 170, 215),
    (40, 50, 120),
    (180, 180, 185),
)
EYE_COLOURS: tuple[tuple[int, int, int], ...] = (
    (60, 40, 30),
    (90, 70, 30),
    (120, 110, 60),
    (140, 100, 40),
    (70, 110, 80),
    (30, 50, 80),
)
CLOTHES: tuple[tuple[int, int, int], ...] = (
    (70, 40, 30),
    (50, 50, 50),
    (120, 90, 60),
    (40, 60, 110),
    (150, 150, 150),
    (60, 90, 40),
    (30, 30, 90),
)
HAIR_STYLES: tuple[str, ...] = ("short", "parted", "long", "bald", "curly", "bun", "crop")

CANVAS = (330, 420)
"""Portrait drawing size (width, height): the 35 x 45 mm passport photo ratio."""


@dataclass(frozen=True)
class FaceTraits:
    """Everything that makes one drawn face differ from another."""

    sex: str
    age: int
    face_width: float
    face_height: float
    jaw: float
    skin: tuple[int, int, int]
    hair_colour: tuple[int, int, int]
    hair_style: str
    eye_colour: tuple[int, int, int]
    eye_spacing: float
    eye_size: float
    eye_height: float
    brow_thickness: int
    brow_tilt: float
    nose_length: float
    nose_width: float
    mouth_width: float
    lip_thickness: float
    glasses: bool
    beard: bool
    clothes: tuple[int, int, int]
    background: int
    head_tilt: float
    ears: float


def random_traits(rng: np.random.Generator, sex: str = "F", age: int = 35) -> FaceTraits:
    """Traits of a new face for a holder of this sex and age, drawn from ``rng``."""
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    styles = HAIR_STYLES if sex != "M" else ("short", "parted", "bald", "curly", "crop", "short")
    style = pick(styles)
    hair = pick(HAIR_COLOURS[:6])
    if age > 55 and rng.random() < 0.7:
        hair = HAIR_COLOURS[6]
    return FaceTraits(
        sex=sex,
        age=age,
        face_width=float(rng.uniform(0.58, 0.84)),
        face_height=float(rng.uniform(0.86, 1.1)),
        jaw=float(rng.uniform(0.0, 0.6)),
        skin=pick(SKIN_TONES),
        hair_colour=hair,
        hair_style=style,
        eye_colour=pick(EYE_COLOURS),
        eye_spacing=float(rng.uniform(0.36, 0.46)),
        eye_size=float(rng.uniform(0.8, 1.2)),
        eye_height=float(rng.uniform(-0.06, 0.04)),
        brow_thickness=int(rng.integers(3, 9)),
        brow_tilt=float(rng.uniform(-0.15, 0.2)),
        nose_length=float(rng.uniform(0.8, 1.25)),
        nose_width=float(rng.uniform(0.8, 1.3)),
        mouth_width=float(rng.uniform(0.8, 1.25)),
        lip_thickness=float(rng.uniform(0.6, 1.4)),
        glasses=bool(rng.random() < 0.3),
        beard=bool(sex == "M" and rng.random() < 0.35),
        clothes=pick(CLOTHES),
        background=int(rng.integers(205, 238)),
        head_tilt=float(rng.uniform(-3.0, 3.0)),
        ears=float(rng.uniform(0.85, 1.15)),
    )


def _shade(colour: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(c * f, 0, 255)) for c in colour)  # type: ignore[return-value]


def _ellipse_poly(cx: float, cy: float, ax: float, ay: float, jaw: float = 0.0, n: int = 90) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x = np.sin(t)
    y = -np.cos(t)
    # narrow the lower half towards the chin (jaw 0 = oval, higher = pointed chin)
    lower = np.clip(y, 0, 1)
    x = x * (1 - jaw * lower**2 * 0.5)
    return np.stack([cx + ax * x, cy + ay * y], axis=1).astype(np.int32)


def draw_face(
    traits: FaceTraits, width: int = CANVAS[0], height: int = CANVAS[1], *, noise_seed: int = 0
) -> np.ndarray:
    """The portrait as a BGR image of ``width`` x ``height`` pixels."""
    return cv2.resize(_draw_canvas(traits, noise_seed), (width, height), interpolation=cv2.INTER_AREA)


def _soft(mask: np.ndarray, sigma: float) -> np.ndarray:
    """A uint8 mask blurred by ``sigma`` pixels as float 0..1 (blurred at quarter size: it is smooth anyway)."""
    h, w = mask.shape
    small = cv2.resize(mask, (w // 4, h // 4), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    small = cv2.GaussianBlur(small, (0, 0), max(0.5, sigma / 4))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


@lru_cache(maxsize=64)
def _draw_canvas(t: FaceTraits, noise_seed: int) -> np.ndarray:
    W, H = CANVAS
    rng = np.random.default_rng(noise_seed)
    img = np.zeros((H, W, 3), np.float32)
    # photographic background: flat grey with a soft vignette
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    vign = 1.0 - 0.12 * (((xx - W / 2) / W) ** 2 + ((yy - H * 0.4) / H) ** 2)
    img[:] = t.background
    img *= vign[..., None]
    img[..., 0] += 6  # a slightly blue studio wall
    canvas = np.clip(img, 0, 255).astype(np.uint8)
    aa = cv2.LINE_AA
    cx, cy = W / 2, H * 0.47
    fw, fh = W * 0.5 * t.face_width * 0.74, H * 0.31 * t.face_height
    skin = t.skin
    dark_skin = _shade(skin, 0.8)
    hair = t.hair_colour

    # shoulders and clothes
    cv2.ellipse(canvas, (int(cx), int(H * 1.02)), (int(W * 0.52), int(H * 0.24)), 0, 180, 360, t.clothes, -1, aa)
    # neck
    neck = np.array(
        [
            [cx - fw * 0.42, cy + fh * 0.6],
            [cx + fw * 0.42, cy + fh * 0.6],
            [cx + fw * 0.48, H * 0.86],
            [cx - fw * 0.48, H * 0.86],
        ],
        np.int32,
    )
    cv2.fillPoly(canvas, [neck], dark_skin, aa)
    # hair behind the head
    if t.hair_style == "long":
        back = np.array(
            [
                [cx - fw * 1.25, cy - fh * 0.3],
                [cx + fw * 1.25, cy - fh * 0.3],
                [cx + fw * 1.35, H * 0.86],
                [cx - fw * 1.35, H * 0.86],
            ],
            np.int32,
        )
        cv2.fillPoly(canvas, [back], _shade(hair, 0.85), aa)
        cv2.ellipse(
            canvas,
            (int(cx), int(cy - fh * 0.3)),
            (int(fw * 1.25), int(fh * 0.95)),
            0,
            180,
            360,
            _shade(hair, 0.85),
            -1,
            aa,
        )
    if t.hair_style == "bun":
        cv2.circle(canvas, (int(cx), int(cy - fh * 1.2)), int(fw * 0.5), hair, -1, aa)
    # ears
    for side in (-1, 1):
        cv2.ellipse(
            canvas,
            (int(cx + side * fw * 0.98), int(cy + fh * 0.05)),
            (int(fw * 0.16 * t.ears), int(fh * 0.22 * t.ears)),
            0,
            0,
            360,
            dark_skin,
            -1,
            aa,
        )
    # face with shading
    face_mask = np.zeros((H, W), np.uint8)
    cv2.fillPoly(face_mask, [_ellipse_poly(cx, cy, fw, fh, t.jaw)], 255, aa)
    shade = _soft(face_mask, fw * 0.25)
    light = 0.78 + 0.26 * shade - 0.05 * ((xx - cx) / fw)  # light from the left
    face_rgb = np.asarray(skin, np.float32)[None, None, :] * light[..., None]
    m = face_mask.astype(np.float32)[..., None] / 255.0
    canvas = canvas.astype(np.float32) * (1 - m) + face_rgb * m
    # soft modelling: the chin's shadow on the neck, cheeks, the sides of the nose, eye sockets
    shading = np.zeros((H, W), np.uint8)
    cv2.ellipse(shading, (int(cx), int(cy + fh * 0.98)), (int(fw * 0.55), int(fh * 0.16)), 0, 0, 360, 255, -1)
    shading[face_mask > 128] = 0
    for side in (-1, 1):
        cv2.ellipse(
            shading,
            (int(cx + side * fw * t.eye_spacing), int(cy - fh * 0.08)),
            (int(fw * 0.24), int(fh * 0.11)),
            0,
            0,
            360,
            110,
            -1,
        )
        cv2.ellipse(
            shading,
            (int(cx + side * fw * 0.16), int(cy + fh * 0.18)),
            (int(fw * 0.05), int(fh * 0.2)),
            0,
            0,
            360,
            90,
            -1,
        )
    shade_f = _soft(shading, fw * 0.09)[..., None]
    canvas *= 1 - 0.35 * shade_f
    blush = np.zeros((H, W), np.uint8)
    for side in (-1, 1):
        cv2.ellipse(
            blush, (int(cx + side * fw * 0.5), int(cy + fh * 0.25)), (int(fw * 0.2), int(fh * 0.12)), 0, 0, 360, 255, -1
        )
    blush_f = _soft(blush, fw * 0.1)[..., None] * m
    canvas *= 1 - 0.12 * blush_f * np.array([1.0, 0.9, 0.1], np.float32)
    canvas = canvas.clip(0, 255).astype(np.uint8)

    # beard
    if t.beard:
        beard = np.zeros((H, W), np.uint8)
        cv2.fillPoly(beard, [_ellipse_poly(cx, cy + fh * 0.18, fw * 0.98, fh * 0.85, t.jaw)], 255, aa)
        cv2.rectangle(beard, (0, 0), (W, int(cy + fh * 0.3)), 0, -1)
        cv2.ellipse(beard, (int(cx), int(cy + fh * 0.5)), (int(fw * 0.3), int(fh * 0.1)), 0, 0, 360, 0, -1, aa)
        beard = cv2.GaussianBlur(beard, (0, 0), 3).astype(np.float32)[..., None] / 255.0 * 0.85
        canvas = (canvas * (1 - beard) + np.asarray(hair, np.float32) * beard).astype(np.uint8)

    # eyes and brows
    ey = cy - fh * (0.05 - t.eye_height)
    for side in (-1, 1):
        ex = cx + side * fw * t.eye_spacing
        ew, eh = fw * 0.2 * t.eye_size, fh * 0.075 * t.eye_size
        cv2.ellipse(
            canvas, (int(ex), int(ey)), (int(ew * 1.15), int(eh * 1.6)), 0, 180, 360, _shade(skin, 0.72), -1, aa
        )
        cv2.ellipse(canvas, (int(ex), int(ey)), (int(ew), int(eh)), 0, 0, 360, (235, 238, 240), -1, aa)
        cv2.circle(canvas, (int(ex), int(ey)), int(eh * 0.95), t.eye_colour, -1, aa)
        cv2.circle(canvas, (int(ex), int(ey)), int(eh * 0.45), (15, 15, 15), -1, aa)
        cv2.circle(canvas, (int(ex - eh * 0.3), int(ey - eh * 0.35)), max(1, int(eh * 0.18)), (250, 250, 250), -1, aa)
        cv2.ellipse(canvas, (int(ex), int(ey)), (int(ew), int(eh)), 0, 190, 350, (40, 35, 35), 2, aa)
        by = ey - fh * 0.2
        tilt = t.brow_tilt * side
        brow = np.array(
            [
                [ex - side * ew * 1.1, by + fh * 0.03],
                [ex, by - fh * 0.03 - tilt * 8],
                [ex + side * ew * 1.2, by + fh * 0.02 - tilt * 18],
            ],
            np.int32,
        )
        cv2.polylines(
            canvas,
            [brow],
            False,
            _shade(hair, 0.9) if hair != HAIR_COLOURS[6] else (120, 120, 125),
            t.brow_thickness,
            aa,
        )
        if t.age > 50:
            cv2.line(
                canvas,
                (int(ex + side * ew * 1.1), int(ey + eh)),
                (int(ex + side * ew * 1.4), int(ey + eh * 2.2)),
                _shade(skin, 0.72),
                1,
                aa,
            )
    # nose
    nl = fh * 0.32 * t.nose_length
    nw = fw * 0.14 * t.nose_width
    ny = ey + nl
    cv2.line(
        canvas, (int(cx - nw * 0.3), int(ey + fh * 0.05)), (int(cx - nw * 0.5), int(ny - 4)), _shade(skin, 0.78), 2, aa
    )
    cv2.ellipse(canvas, (int(cx), int(ny)), (int(nw), int(nw * 0.45)), 0, 20, 160, _shade(skin, 0.62), 2, aa)
    for side in (-1, 1):
        cv2.circle(canvas, (int(cx + side * nw * 0.45), int(ny)), max(2, int(nw * 0.2)), _shade(skin, 0.5), -1, aa)
    # mouth
    my = ny + fh * 0.24
    mw = fw * 0.32 * t.mouth_width
    lip = (int(skin[0] * 0.6), int(skin[1] * 0.55), int(min(255, skin[2] * 0.85)))
    lt = max(2, int(fh * 0.05 * t.lip_thickness))
    cv2.ellipse(canvas, (int(cx), int(my)), (int(mw), lt), 0, 180, 360, lip, -1, aa)
    cv2.ellipse(canvas, (int(cx), int(my)), (int(mw * 0.9), int(lt * 1.2)), 0, 0, 180, _shade(lip, 1.1), -1, aa)
    cv2.line(canvas, (int(cx - mw), int(my)), (int(cx + mw), int(my)), _shade(lip, 0.55), 2, aa)
    if t.age > 45:
        for side in (-1, 1):
            cv2.line(
                canvas,
                (int(cx + side * nw * 1.1), int(ny)),
                (int(cx + side * mw * 1.2), int(my + 4)),
                _shade(skin, 0.8),
                1,
                aa,
            )
        for k in range(2 + (t.age > 60)):
            y = int(cy - fh * (0.55 + 0.08 * k))
            cv2.ellipse(canvas, (int(cx), y), (int(fw * 0.45), 6), 0, 200, 340, _shade(skin, 0.85), 1, aa)

    # hair on top
    style = t.hair_style
    top = int(cy - fh * 1.05)
    if style in ("short", "parted", "long", "bun", "crop"):
        thick = {"short": 0.28, "parted": 0.34, "long": 0.36, "bun": 0.26, "crop": 0.18}[style]
        cap = np.zeros((H, W), np.uint8)
        cv2.ellipse(cap, (int(cx), int(cy - fh * 0.25)), (int(fw * 1.08), int(fh * 0.92)), 0, 180, 360, 255, -1, aa)
        cv2.ellipse(
            cap, (int(cx), int(cy - fh * 0.25 + fh * thick)), (int(fw * 0.95), int(fh * 0.92)), 0, 180, 360, 0, -1, aa
        )
        cv2.rectangle(cap, (0, int(cy - fh * 0.2)), (W, H), 0, -1)
        if style == "parted":
            cv2.ellipse(
                cap,
                (int(cx - fw * 0.3), int(cy - fh * 0.55)),
                (int(fw * 0.7), int(fh * 0.35)),
                -10,
                180,
                360,
                255,
                -1,
                aa,
            )
        if style == "long":
            for side in (-1, 1):
                pts = np.array(
                    [
                        [cx + side * fw * 0.95, cy - fh * 0.4],
                        [cx + side * fw * 1.2, cy - fh * 0.3],
                        [cx + side * fw * 1.3, H * 0.8],
                        [cx + side * fw * 1.02, H * 0.8],
                    ],
                    np.int32,
                )
                cv2.fillPoly(cap, [pts], 255, aa)
        capf = cap.astype(np.float32)[..., None] / 255.0
        strands = cv2.blur(rng.random((H, W), dtype=np.float32), (1, 9))  # fine vertical strands
        sheen = np.exp(-(((xx - cx + fw * 0.3) / (fw * 0.5)) ** 2 + ((yy - (cy - fh * 0.8)) / (fh * 0.3)) ** 2))
        tex = np.asarray(hair, np.float32)[None, None, :] * (0.75 + 0.5 * strands[..., None] + 0.25 * sheen[..., None])
        canvas = (canvas * (1 - capf) + tex * capf).clip(0, 255).astype(np.uint8)
    elif style == "curly":
        for _ in range(70):
            a = rng.uniform(np.pi, 2 * np.pi)
            r = rng.uniform(0.85, 1.12)
            px = cx + np.cos(a) * fw * r * 1.05
            py = cy - fh * 0.22 + np.sin(a) * fh * r * 0.95
            cv2.circle(
                canvas,
                (int(px), int(py)),
                int(fw * rng.uniform(0.12, 0.2)),
                _shade(hair, rng.uniform(0.8, 1.15)),
                -1,
                aa,
            )
    elif style == "bald":
        for side in (-1, 1):
            cv2.ellipse(
                canvas,
                (int(cx + side * fw * 0.92), int(cy - fh * 0.1)),
                (int(fw * 0.12), int(fh * 0.3)),
                0,
                0,
                360,
                hair,
                -1,
                aa,
            )
    del top

    if t.glasses:
        frame = (30, 30, 30) if t.age % 2 else (40, 60, 110)
        for side in (-1, 1):
            ex = cx + side * fw * t.eye_spacing
            cv2.ellipse(canvas, (int(ex), int(ey + 2)), (int(fw * 0.27), int(fh * 0.15)), 0, 0, 360, frame, 3, aa)
        cv2.line(canvas, (int(cx - fw * 0.15), int(ey)), (int(cx + fw * 0.15), int(ey)), frame, 3, aa)

    if abs(t.head_tilt) > 0.1:
        rot = cv2.getRotationMatrix2D((cx, H * 0.8), t.head_tilt, 1.0)
        canvas = cv2.warpAffine(canvas, rot, (W, H), borderMode=cv2.BORDER_REPLICATE)
    # a photograph, not a drawing: soften and add grain
    canvas = cv2.GaussianBlur(canvas, (0, 0), 1.3)
    grain = rng.normal(0, 3.0, canvas.shape).astype(np.float32)
    return (canvas.astype(np.float32) + grain).clip(0, 255).astype(np.uint8)


def _face_features(img: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Normalised grey values and gradient magnitude of the face area, and its Lab colours (None if grey)."""
    colour = img.ndim == 3 and float(np.abs(img.astype(np.int16) - img.mean(axis=2, keepdims=True)).mean()) > 2.0
    bgr = img if img.ndim == 3 else cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    small = cv2.resize(bgr, (66, 84), interpolation=cv2.INTER_AREA)[8:72, 10:56]
    g = cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)).astype(np.float32)
    m = cv2.GaussianBlur(np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)), (0, 0), 1.5)
    g = (g - g.mean()) / (g.std() + 1e-6)
    m = (m - m.mean()) / (m.std() + 1e-6)
    return g, m, cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32) if colour else None


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    """A 0..1 dissimilarity of two portraits (0: the same picture).

    Shape: correlation of the face area's grey values and edges; when both are in colour, the
    difference of their colours (skin, hair, clothes) counts as well, so a grey ghost image can be
    compared with a colour portrait.
    """
    ga, ma, la = _face_features(a)
    gb, mb, lb = _face_features(b)
    shape = 0.25 * (1 - float((ga * gb).mean())) + 0.25 * (1 - float((ma * mb).mean()))
    if la is None or lb is None:
        return float(np.clip(shape, 0, 1))
    colour = min(1.0, float(np.abs(la - lb).mean()) / 40.0)
    return float(np.clip(0.5 * shape + 0.5 * colour + 0.5 * shape * (1 - colour), 0, 1))
