"""How a document side is imaged: a flatbed ``scan`` or a ``photo`` on a table; seeded, channels pixel-aligned."""

from __future__ import annotations

import math

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
        m = np.array([[c, -s, out[0] / 2 + dx - (c * cx - s * cy)], [s, c, out[1] / 2 + dy - (s * cx + c * cy)], [0, 0, 1]])
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


def _surround(kind: str, channel: str, out: tuple[int, int], rng: np.random.Generator, grey: bool) -> np.ndarray:
    w, h = out
    if kind == "scan":
        base = SCAN_BED[channel]
        return np.full((h, w) if grey else (h, w, 3), base, np.uint8)
    # a wooden table: grain along x, slow colour variation
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    phase = rng.uniform(0, 6, size=3)
    grain = 0.5 + 0.5 * np.sin(60 * yy + 3 * np.sin(4 * xx + phase[0]) + phase[1]) * np.sin(7 * yy + phase[2])
    grain = grain.astype(np.float32)
    base = np.asarray(TABLE_BASE[channel], np.float32)
    if grey:
        return np.clip(base * (0.8 + 0.3 * grain), 0, 255).astype(np.uint8)
    return np.clip(base[None, None, :] * (0.8 + 0.3 * grain[..., None]), 0, 255).astype(np.uint8)


def capture_side(images: dict[str, np.ndarray], kind: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Image one side's channels the same way (one geometry for all, so they stay pixel-aligned)."""
    if kind not in CAPTURES:
        raise ValueError(f"unknown capture {kind!r}; choose from {', '.join(CAPTURES)}")
    first = next(iter(images.values()))
    h, w = first.shape[:2]
    m, out = _geometry(kind, (w, h), rng)
    ow, oh = out
    if kind == "photo":
        yy, xx = np.mgrid[0:oh, 0:ow].astype(np.float32)
        lx, ly = rng.uniform(-0.6, 0.6, size=2)
        light = 0.82 + 0.18 * (1 - ((xx / ow - 0.5 - lx * 0.5) ** 2 + (yy / oh - 0.5 - ly * 0.5) ** 2) * 2.2)
        gx, gy = rng.uniform(0.2, 0.8) * ow, rng.uniform(0.2, 0.8) * oh
        gr = rng.uniform(0.05, 0.1) * ow
        glare = np.exp(-(((xx - gx) ** 2) / (2 * gr**2) + ((yy - gy) ** 2) / (2 * (gr * 0.6) ** 2))).astype(np.float32)
        blur = float(rng.uniform(0.7, 1.3))
        noise_sigma = float(rng.uniform(3.0, 5.0))
    else:
        light = glare = None
        blur = 0.45
        noise_sigma = 2.0
    out_images: dict[str, np.ndarray] = {}
    for channel, img in images.items():
        grey = img.ndim == 2
        bg = _surround(kind, channel, out, rng, grey)
        warped = cv2.warpPerspective(img, m, out, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, out, flags=cv2.INTER_LINEAR)
        a = mask.astype(np.float32) / 255.0
        f = warped.astype(np.float32)
        b = bg.astype(np.float32)
        if not grey:
            a = a[..., None]
        comp = f * a + b * (1 - a)
        if kind == "photo":
            # the page's soft shadow on the table
            shadow = cv2.GaussianBlur(cv2.warpPerspective(np.full((h, w), 255, np.uint8), m @ np.array([[1, 0, 6], [0, 1, 8], [0, 0, 1]]), out), (0, 0), 0.008 * ow)
            shadow = shadow.astype(np.float32) / 255.0 * (1 - (a if grey else a[..., 0]))
            comp = comp * (1 - 0.45 * (shadow if grey else shadow[..., None]))
            lit = light if grey else light[..., None]
            comp = comp * lit
            strength = {"visible": 130.0, "uv": 20.0, "ir": 55.0}[channel]
            gl = glare if grey else glare[..., None]
            comp = comp + strength * gl * a
        comp = cv2.GaussianBlur(comp, (0, 0), blur)
        comp += rng.normal(0, noise_sigma, comp.shape).astype(np.float32)
        out_images[channel] = np.clip(comp + 0.5, 0, 255).astype(np.uint8)
    return out_images
