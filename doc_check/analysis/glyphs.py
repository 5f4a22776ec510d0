"""Synthetic MRZ text lines rendered from the packaged OCR-B font, degraded like scans and photos (training data)."""

from __future__ import annotations

import functools
from importlib import resources

import cv2
import numpy as np

from doc_check.analysis.locate import NORM_HEIGHT, LineGrid

#: The 37 characters an MRZ may hold, in classifier order.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"

#: Font size (pixels) used to render glyphs before degradation; its capitals are CAP_RATIO * size tall.
RENDER_SIZE = 48
CAP_RATIO = 0.78


@functools.cache
def ocrb_face() -> cv2.FontFace:
    """The packaged OCR-B font as an OpenCV font face (loaded once)."""
    with resources.as_file(resources.files("doc_check") / "fonts" / "OCRB.otf") as path:
        return cv2.FontFace(str(path))


@functools.cache
def _advance() -> float:
    """Horizontal advance of one OCR-B glyph at RENDER_SIZE, in pixels (the font is monospaced)."""
    canvas = np.zeros((RENDER_SIZE * 2, RENDER_SIZE * 12), np.uint8)
    end, _ = cv2.putText(canvas, "0" * 10, (0, RENDER_SIZE), 255, ocrb_face(), RENDER_SIZE, 400)
    return end[0] / 10.0


#: Shape variants per glyph as (horizontal, vertical) scale. The packaged font draws digits 9% taller than
#: capitals and its O as wide as its 0; MRZ printers mostly draw digits at capital height, the letter O round
#: and the digit 0 as an oval, so those variants are added.
_DIGIT_VARIANTS = ((1.0, 0.92), (1.0, 0.92), (1.0, 1.0))
_VARIANTS: dict[str, tuple[tuple[float, float], ...]] = dict.fromkeys("123456789", _DIGIT_VARIANTS)
_VARIANTS["0"] = ((0.92, 0.92), (1.0, 0.92), (0.92, 1.0))
_VARIANTS["O"] = ((1.0, 1.0), (1.1, 1.0))


@functools.cache
def _glyph_inks() -> dict[tuple[str, int], tuple[tuple[np.ndarray, int], ...]]:
    """Each glyph's ink (uint8 mask) at RENDER_SIZE in four stroke weights and its shape variants, with the
    x offset of the glyph cell inside the mask."""
    size = RENDER_SIZE
    adv = _advance()
    out: dict[tuple[str, int], tuple[tuple[np.ndarray, int], ...]] = {}
    pad = 12
    for ch in ALPHABET:
        canvas = np.zeros((size + 2 * pad, int(adv) + 2 * pad), np.uint8)
        cv2.putText(canvas, ch, (pad, pad + round(CAP_RATIO * size)), 255, ocrb_face(), size, 400)
        variants = []
        for sx, sy in _VARIANTS.get(ch, ((1.0, 1.0),)):
            if sx == sy == 1.0:
                variants.append(canvas)
                continue
            cx, base = pad + adv / 2, pad + CAP_RATIO * size  # scale about the cell centre and the baseline
            m = np.array([[sx, 0.0, cx * (1 - sx)], [0.0, sy, base * (1 - sy)]])
            variants.append(cv2.warpAffine(canvas, m, canvas.shape[::-1], flags=cv2.INTER_LINEAR))
        for weight in (-1, 0, 1, 2):
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (abs(weight) * 2 + 1, abs(weight) * 2 + 1))
            inks = []
            for v in variants:
                ink = v if weight == 0 else cv2.dilate(v, kernel) if weight > 0 else cv2.erode(v, kernel)
                inks.append((ink, pad))
            out[ch, weight] = tuple(inks)
    return out


def render_line(text: str, rng: np.random.Generator) -> tuple[np.ndarray, LineGrid]:
    """Render `text` as one degraded MRZ line normalised like a located zone (capitals NORM_HEIGHT tall).

    Returns the grayscale line image and the true character grid (centres, capital band, pitch).
    """
    size = RENDER_SIZE
    cap = CAP_RATIO * size
    adv = _advance()
    inks = _glyph_inks()
    pitch = adv * rng.uniform(0.86, 1.08)
    pad_x, pad_y = int(1.5 * pitch), int(0.9 * cap)
    width = int(pad_x * 2 + pitch * len(text)) + 16
    height = int(cap + 2 * pad_y) + 16
    canvas = np.zeros((height, width), np.uint8)
    weight = int(rng.choice([-1, -1, 0, 0, 1, 2]))
    jitter = rng.uniform(0.0, 0.6)  # per-glyph vertical wobble (print quality, residual skew)
    for i, ch in enumerate(text):
        options = inks[ch, weight]
        ink, pad = options[int(rng.integers(len(options)))] if len(options) > 1 else options[0]
        x = round(pad_x + i * pitch) - pad
        y = pad_y - pad + round(rng.normal(0, jitter))
        h, w = ink.shape
        np.maximum(canvas[y : y + h, x : x + w], ink, out=canvas[y : y + h, x : x + w])
    # resolution of the capture: capitals were `eff` pixels tall before the zone was normalised
    eff = rng.uniform(8.0, 30.0)
    sy = rng.uniform(0.92, 1.08)  # capitals a little taller or shorter relative to the pitch
    fx, fy = eff / cap, eff / cap * sy
    small = cv2.resize(canvas, None, fx=fx, fy=fy, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    paper = rng.uniform(150, 250)
    dark = rng.uniform(0, min(120, paper - 60))
    img = paper + (dark - paper) * small
    img += _texture(rng, img.shape) * rng.uniform(0, 25)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.9))
    img += rng.normal(0, rng.uniform(0, 6), img.shape).astype(np.float32)
    small = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        _, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 90))])
        small = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    f_norm = NORM_HEIGHT / eff
    out = cv2.resize(small, None, fx=f_norm, fy=f_norm, interpolation=cv2.INTER_CUBIC)
    kx, ky = fx * f_norm, fy * f_norm  # render pixels -> output pixels
    centers = tuple((pad_x + i * pitch + adv / 2) * kx for i in range(len(text)))
    top, bottom = pad_y * ky, (pad_y + cap) * ky
    return out, LineGrid(centers, top, bottom, pitch * kx)


def _texture(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Zero-mean background texture: smooth blotches plus fine guilloche-like waves, roughly in [-1, 1]."""
    h, w = shape
    low = rng.normal(0, 1, (max(2, h // 24), max(2, w // 24))).astype(np.float32)
    low = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)  # small: the texture is made at capture resolution
    period = rng.uniform(6, 30)
    phase = rng.uniform(0, 2 * np.pi)
    wave = np.sin((xx * rng.uniform(-1, 1) + yy) * 2 * np.pi / period + phase + np.sin(xx / rng.uniform(20, 80)))
    return 0.6 * low + 0.4 * wave * (rng.random() < 0.5)


def random_text(rng: np.random.Generator, n: int) -> str:
    """A random MRZ-like line: uniform characters with runs of fillers, so '<' neighbours are common."""
    chars = rng.choice(list(ALPHABET), size=n)
    out = list(chars)
    if rng.random() < 0.7:
        start = int(rng.integers(n // 3, n))
        out[start:] = "<" * (n - start)
    return "".join(out)
