"""How a document side is imaged: a flatbed ``scan`` or a ``photo`` on a table; seeded, channels pixel-aligned."""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

CAPTURES = ("scan", "photo")

# what surrounds the document under each light (BGR or grey, 0..255)
SCAN_BED = {"visible": (236, 238, 240), "uv": (24, 10, 16), "ir": 205}
TABLE_BASE = {"visible": (92, 118, 150), "uv": (10, 4, 8), "ir": 120}


def _geometry(kind: str, size: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int]]:
    """The homography from the page to the captured image, and the output size (width, height)."""
    w, h = size
    if kind == "scan":
        margin = int(0.04 * max(w, h))
        out = (w + 2 * margin, h + 2 * margin)
        angle = math.radians(float(rng.uniform(-1.5, 1.5)))
        dx, dy = rng.uniform(-0.4, 0.4, size=2) * margin
        c, s = math.cos(angle), math.sin(angle)
        cx, cy = w / 2, h / 2
        m = np.array(
            [[c, -s, out[0] / 2 + dx - (c * cx - s * cy)], [s, c, out[1] / 2 + dy - (s * cx + c * cy)], [0, 0, 1]]
        )
        return m, out
    out = (int(w * 1.22), int(h * 1.28))
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    scale = float(rng.uniform(0.82, 0.9))
    angle = math.radians(float(rng.uniform(-6, 6)))
    tilt_x = math.radians(float(rng.uniform(-10, 10)))  # the camera's tilt about the page's vertical axis
    tilt_y = math.radians(float(rng.uniform(-10, 10)))
    cx, cy = out[0] / 2 + rng.uniform(-0.03, 0.03) * out[0], out[1] / 2 + rng.uniform(-0.03, 0.03) * out[1]
    dst = []
    for x, y in src:
        u, v = (x - w / 2) * scale, (y - h / 2) * scale
        # perspective: points farther from the camera shrink
        depth = 1 + (u / w) * math.sin(tilt_x) + (v / h) * math.sin(tilt_y)
        u, v = u / depth, v / depth
        ru = u * math.cos(angle) - v * math.sin(angle)
        rv = u * math.sin(angle) + v * math.cos(angle)
        dst.append([cx + ru, cy + rv])
    m = cv2.getPerspectiveTransform(src, np.array(dst, np.float32))
    return m, out


def _grain(out: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A wooden table's grain as a 0..1 float32 field (drawn small, scaled up)."""
    w, h = out
    sw, sh = max(8, w // 4), max(8, h // 4)
    yy = np.linspace(0, 1, sh, dtype=np.float32)[:, None]
    xx = np.linspace(0, 1, sw, dtype=np.float32)[None, :]
    phase = rng.uniform(0, 6, size=3)
    grain = (
        0.5
        + 0.3 * np.sin(170 * yy + 6 * np.sin(3 * xx + phase[0]) + phase[1]) * np.sin(9 * yy + phase[2])
        + 0.2 * np.sin(40 * yy + 2 * np.sin(5 * xx + phase[2]))
    )
    return cv2.resize(grain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _table(channel: str, grain: np.ndarray, grey: bool) -> np.ndarray:
    """The table top under one light, uint8."""
    base = TABLE_BASE[channel]
    if grey:
        return cv2.convertScaleAbs(grain, alpha=0.3 * base, beta=0.8 * base)
    return cv2.merge([cv2.convertScaleAbs(grain, alpha=0.3 * b, beta=0.8 * b) for b in base])


NOISE_TILE = 2048


@lru_cache(maxsize=1)
def _noise_tile() -> np.ndarray:
    """A fixed tile of Gaussian sensor noise (int16, sigma 16), cut at seeded offsets per capture."""
    tile = np.random.default_rng(0x5EED).standard_normal((NOISE_TILE, NOISE_TILE), dtype=np.float32) * 16
    return np.clip(np.round(tile), -127, 127).astype(np.int16)


def _noise(shape: tuple[int, ...], sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Seeded Gaussian noise of ``sigma`` grey levels as int16, the shape of an image."""
    tile = _noise_tile()
    h, w = shape[:2]
    c = shape[2] if len(shape) == 3 else 1
    flat_w = w * c
    if h > NOISE_TILE or flat_w > NOISE_TILE:
        tile = np.tile(tile, (h // NOISE_TILE + 1, flat_w // NOISE_TILE + 1))
    oy = int(rng.integers(0, tile.shape[0] - h + 1))
    ox = int(rng.integers(0, tile.shape[1] - flat_w + 1))
    noise = tile[oy : oy + h, ox : ox + flat_w].reshape(shape) * round(sigma * 16)  # a new array
    noise >>= 8
    return noise


def _smooth_field(out: tuple[int, int], fn) -> np.ndarray:
    """A smooth float32 field computed on a coarse grid and scaled up to ``out`` (width, height)."""
    w, h = out
    sw, sh = max(8, w // 8), max(8, h // 8)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    small = fn(xx * (w / sw), yy * (h / sh)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def capture_side(images: dict[str, np.ndarray], kind: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Image one side's channels the same way (one geometry for all, so they stay pixel-aligned)."""
    if kind not in CAPTURES:
        raise ValueError(f"unknown capture {kind!r}; choose from {', '.join(CAPTURES)}")
    first = next(iter(images.values()))
    h, w = first.shape[:2]
    m, out = _geometry(kind, (w, h), rng)
    ow, oh = out
    if kind == "photo":
        lx, ly = rng.uniform(-0.6, 0.6, size=2)
        light = _smooth_field(
            out,
            lambda x, y: 0.82 + 0.18 * (1 - ((x / ow - 0.5 - lx * 0.5) ** 2 + (y / oh - 0.5 - ly * 0.5) ** 2) * 2.2),
        )
        gx, gy = rng.uniform(0.2, 0.8) * ow, rng.uniform(0.2, 0.8) * oh
        gr = rng.uniform(0.05, 0.1) * ow
        glare = _smooth_field(
            out, lambda x, y: np.exp(-(((x - gx) ** 2) / (2 * gr**2) + ((y - gy) ** 2) / (2 * (gr * 0.6) ** 2)))
        )
        # the page's soft shadow on the table, cast down and to the right (computed at quarter size)
        q = np.diag([0.25, 0.25, 1.0])
        qout = (max(8, ow // 4), max(8, oh // 4))
        ones = np.full((h, w), 255, np.uint8)
        page = cv2.warpPerspective(ones, q @ m, qout).astype(np.float32) / 255.0
        shifted = cv2.warpPerspective(ones, q @ np.array([[1, 0, 0.006 * ow], [0, 1, 0.008 * ow], [0, 0, 1]]) @ m, qout)
        shadow = cv2.GaussianBlur(shifted.astype(np.float32) / 255.0, (0, 0), 0.002 * ow + 0.5) * (1 - page)
        shadow = cv2.resize(shadow, out, interpolation=cv2.INTER_LINEAR)
        light = light * (1 - 0.45 * shadow)
        blur = float(rng.uniform(0.7, 1.3))
        noise_sigma = float(rng.uniform(3.0, 5.0))
    else:
        light = glare = None
        blur = 0.45
        noise_sigma = 2.0
    out_images: dict[str, np.ndarray] = {}
    if kind == "photo":
        grain = _grain(out, rng)
        light3 = cv2.merge([light] * 3)
        glare3 = cv2.merge([glare] * 3)
    for channel, img in images.items():
        grey = img.ndim == 2
        if kind == "scan":
            bed = SCAN_BED[channel]
            comp = cv2.warpPerspective(
                img,
                m,
                out,
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=bed if not grey else (bed,) * 3,
            )
            comp = cv2.GaussianBlur(comp, (0, 0), blur)
            out_images[channel] = cv2.add(comp, _noise(comp.shape, noise_sigma, rng), dtype=cv2.CV_8U)
            continue
        comp = _table(channel, grain, grey)
        cv2.warpPerspective(img, m, out, dst=comp, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
        comp = cv2.GaussianBlur(comp, (0, 0), blur)
        strength = {"visible": 105.0, "uv": 18.0, "ir": 50.0}[channel]
        lit = cv2.multiply(comp, light if grey else light3, dtype=cv2.CV_32F)
        lit = cv2.scaleAdd(glare if grey else glare3, strength, lit)
        out_images[channel] = cv2.add(lit, _noise(comp.shape, noise_sigma, rng), dtype=cv2.CV_8U)
    return out_images
