"""Security print motifs as ink-coverage masks: guilloche waves, rosettes, emblems, microprint, dot-matrix text."""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import cv2
import numpy as np

AA = cv2.LINE_AA


@lru_cache(maxsize=4)
def font(name: str) -> cv2.FontFace:
    """A font face: ``"ocrb"`` (the bundled OCR-B) or an OpenCV built-in (``"sans"``, ``"italic"``)."""
    if name == "ocrb":
        path = resources.files("doc_check") / "fonts" / "OCRB.otf"
        return cv2.FontFace(str(path))
    return cv2.FontFace(name)


@lru_cache(maxsize=8)
def cap_ratio(name: str, weight: int = 400) -> float:
    """Height of a capital 'H' as a fraction of the font size in pixels."""
    img = np.zeros((400, 400), np.uint8)
    cv2.putText(img, "H", (50, 300), 255, font(name), 200, weight)
    ys = np.nonzero(img.max(axis=1) > 127)[0]
    return float(ys[-1] - ys[0] + 1) / 200.0


def text(
    mask: np.ndarray,
    s: str,
    x: float,
    baseline: float,
    cap_px: float,
    *,
    face: str = "sans",
    weight: int = 400,
    value: int = 255,
    align: str = "left",
) -> int:
    """Draw ``s`` into a uint8 coverage mask with capitals ``cap_px`` high; returns the end x."""
    size = max(1, round(cap_px / cap_ratio(face, 400)))
    flags = {"left": cv2.PUT_TEXT_ALIGN_LEFT, "center": cv2.PUT_TEXT_ALIGN_CENTER, "right": cv2.PUT_TEXT_ALIGN_RIGHT}[
        align
    ]
    out = cv2.putText(mask, s, (round(x), round(baseline)), value, font(face), size, weight, flags)
    return int(out[0][0]) if isinstance(out, tuple) else int(x)


def text_width(s: str, cap_px: float, *, face: str = "sans", weight: int = 400) -> int:
    """Advance width in pixels of ``s`` drawn with capitals ``cap_px`` high."""
    size = max(1, round(cap_px / cap_ratio(face, 400)))
    return int(cv2.getTextSize((0, 0), s, (0, 1000), font(face), size, weight)[2])


def wave_family(
    shape: tuple[int, int],
    px_per_mm: float,
    *,
    spacing_mm: float,
    amp_mm: float,
    period_mm: float,
    phase: float,
    drift: float,
    angle: float = 0.0,
    thickness: int = 1,
) -> np.ndarray:
    """A family of parallel sine-modulated lines (one guilloche layer) as a uint8 coverage mask."""
    h, w = shape
    mask = np.zeros((h, w), np.uint8)
    diag = int(math.hypot(w, h)) + 20
    step = max(1.0, px_per_mm * 0.35)
    xs = np.arange(-diag / 2, diag / 2, step, dtype=np.float64)
    ca, sa = math.cos(angle), math.sin(angle)
    cx, cy = w / 2, h / 2
    spacing = spacing_mm * px_per_mm
    amp = amp_mm * px_per_mm
    k1 = 2 * math.pi / (period_mm * px_per_mm)
    k2 = k1 * 0.37
    lines = []
    for j, y0 in enumerate(np.arange(-diag / 2, diag / 2, spacing)):
        y = y0 + amp * np.sin(k1 * xs + phase + drift * j) + 0.45 * amp * np.sin(k2 * xs - 0.5 * drift * j)
        px = cx + xs * ca - y * sa
        py = cy + xs * sa + y * ca
        keep = (px > -50) & (px < w + 50) & (py > -50) & (py < h + 50)
        if keep.sum() > 1:
            lines.append(np.stack([px[keep], py[keep]], axis=1).round().astype(np.int32))
    cv2.polylines(mask, lines, False, 255, thickness, AA)
    return mask


def rosette(
    shape: tuple[int, int],
    centre: tuple[float, float],
    radius: float,
    *,
    curves: int = 48,
    lobes: int = 12,
    thickness: int = 1,
) -> np.ndarray:
    """A guilloche rosette (families of phase-shifted polar curves) as a uint8 coverage mask."""
    h, w = shape
    mask = np.zeros((h, w), np.uint8)
    th = np.linspace(0, 2 * math.pi, 720)
    polys = []
    for k in range(curves):
        p = 2 * math.pi * k / curves
        r = radius * (
            0.62 + 0.22 * np.sin(lobes * th + p) + 0.1 * np.sin((lobes // 2 - 1) * th - 2 * p) + 0.04 * np.cos(3 * th)
        )
        polys.append(
            np.stack([centre[0] + r * np.cos(th), centre[1] + r * np.sin(th)], axis=1).round().astype(np.int32)
        )
    cv2.polylines(mask, polys, True, 255, thickness, AA)
    # a small inner star of the same curves
    for k in range(curves // 2):
        p = 2 * math.pi * k / (curves // 2)
        r = radius * 0.3 * (0.7 + 0.3 * np.sin(lobes * th + p))
        cv2.polylines(
            mask,
            [np.stack([centre[0] + r * np.cos(th), centre[1] + r * np.sin(th)], axis=1).round().astype(np.int32)],
            True,
            255,
            thickness,
            AA,
        )
    return mask


def emblem(mask: np.ndarray, box: tuple[int, int, int, int], *, kind: str = "utopia", value: int = 255) -> None:
    """Draw a state emblem into ``mask`` inside the pixel box: ``utopia`` (sun over a tower) or ``pseudo``."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(x1 - x0, y1 - y0) / 2
    lw = max(1, round(r / 28))
    if kind == "utopia":
        cv2.circle(mask, (int(cx), int(cy)), int(r * 0.96), value, lw, AA)
        cv2.circle(mask, (int(cx), int(cy)), int(r * 0.86), value, lw, AA)
        for i in range(24):  # sun rays
            a = 2 * math.pi * i / 24
            r0, r1 = r * 0.5, r * (0.82 if i % 2 == 0 else 0.7)
            cv2.line(
                mask,
                (int(cx + r0 * math.cos(a)), int(cy + r0 * math.sin(a))),
                (int(cx + r1 * math.cos(a)), int(cy + r1 * math.sin(a))),
                value,
                lw,
                AA,
            )
        cv2.circle(mask, (int(cx), int(cy)), int(r * 0.46), value, -1, AA)
        # the tower of Utopia, cut out of the sun: a keep with three merlons, a door and a window
        tw, th = r * 0.3, r * 0.62
        top, bottom = cy - th / 2, cy + th / 2
        left, right = cx - tw / 2, cx + tw / 2
        mw = tw / 5
        outline = [[left, bottom], [left, top]]
        for k in range(3):
            x = left + 2 * k * mw
            outline += [[x, top - mw], [x + mw, top - mw], [x + mw, top]]
            if k < 2:
                outline += [[x + 2 * mw, top]]
        outline += [[right, top - mw], [right, bottom]]
        cv2.fillPoly(mask, [np.array(outline, np.int32)], 0, AA)
        cv2.ellipse(
            mask,
            (int(cx), int(bottom - th * 0.18)),
            (max(1, int(tw * 0.2)), max(1, int(th * 0.18))),
            0,
            180,
            360,
            value,
            -1,
            AA,
        )
        cv2.rectangle(
            mask, (int(cx - tw * 0.2), int(bottom - th * 0.18)), (int(cx + tw * 0.2), int(bottom)), value, -1, AA
        )
        cv2.rectangle(
            mask, (int(cx - tw * 0.1), int(top + th * 0.15)), (int(cx + tw * 0.1), int(top + th * 0.35)), value, -1, AA
        )
        for s in (-1, 1):  # laurel
            for i in range(7):
                a = math.pi / 2 + s * (0.5 + i * 0.28)
                px, py = cx + r * 0.92 * math.cos(a), cy + r * 0.92 * math.sin(a)
                cv2.ellipse(
                    mask,
                    (int(px), int(py)),
                    (max(1, int(r * 0.09)), max(1, int(r * 0.04))),
                    math.degrees(a) + 90,
                    0,
                    360,
                    value,
                    -1,
                    AA,
                )
    else:  # pseudo: a crowned shield
        shield = np.array(
            [
                [cx - r * 0.6, cy - r * 0.55],
                [cx + r * 0.6, cy - r * 0.55],
                [cx + r * 0.6, cy + r * 0.1],
                [cx, cy + r * 0.85],
                [cx - r * 0.6, cy + r * 0.1],
            ],
            np.int32,
        )
        cv2.polylines(mask, [shield], True, value, lw * 2, AA)
        cv2.line(mask, (int(cx), int(cy - r * 0.55)), (int(cx), int(cy + r * 0.85)), value, lw, AA)
        cv2.line(mask, (int(cx - r * 0.6), int(cy)), (int(cx + r * 0.6), int(cy)), value, lw, AA)
        crown = np.array(
            [
                [cx - r * 0.5, cy - r * 0.62],
                [cx - r * 0.5, cy - r * 0.95],
                [cx - r * 0.25, cy - r * 0.75],
                [cx, cy - r],
                [cx + r * 0.25, cy - r * 0.75],
                [cx + r * 0.5, cy - r * 0.95],
                [cx + r * 0.5, cy - r * 0.62],
            ],
            np.int32,
        )
        cv2.fillPoly(mask, [crown], value, AA)


def uv_emblem(mask: np.ndarray, box: tuple[int, int, int, int], value: int = 255) -> None:
    """The UV-only emblem: an eight-pointed star in a ring with the state code."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(x1 - x0, y1 - y0) / 2
    lw = max(1, round(r / 20))
    cv2.circle(mask, (int(cx), int(cy)), int(r * 0.95), value, lw * 2, AA)
    pts = []
    for i in range(16):
        a = math.pi * i / 8 - math.pi / 2
        rr = r * (0.8 if i % 2 == 0 else 0.36)
        pts.append([cx + rr * math.cos(a), cy + rr * math.sin(a)])
    cv2.fillPoly(mask, [np.array(pts, np.int32)], value, AA)
    cv2.circle(mask, (int(cx), int(cy)), int(r * 0.24), 0, -1, AA)
    text(mask, "UTO", cx, cy + r * 0.08, r * 0.16, weight=700, value=value, align="center")


def microprint(mask: np.ndarray, box: tuple[int, int, int, int], phrase: str, value: int = 255) -> None:
    """Repeat ``phrase`` along the box in capitals as tall as the box (legible only when magnified)."""
    x0, y0, x1, y1 = box
    cap = max(1.0, (y1 - y0) * 0.9)
    strip = np.zeros((y1 - y0 + 4, x1 - x0), np.uint8)
    line = (phrase + " \u2022 ") * 80
    text(strip, line, 0, strip.shape[0] - 2, cap, weight=500, value=value)
    region = mask[y0 - 2 : y1 + 2, x0:x1]
    h = min(region.shape[0], strip.shape[0])
    np.maximum(region[:h], strip[:h], out=region[:h])


def dot_matrix(mask: np.ndarray, s: str, box: tuple[int, int, int, int], value: int = 255) -> None:
    """Write ``s`` as a dot-matrix line (round dots on a grid, like laser perforation) fitted into the box."""
    x0, y0, x1, y1 = box
    rows, cell = 11, 8
    cap = (rows - 2) * cell
    width = text_width(s, cap, face="ocrb") + 2 * cell
    small = np.zeros((rows * cell, width), np.uint8)
    text(small, s, cell, (rows - 1) * cell, cap, face="ocrb")
    cols = max(1, width // cell)
    grid = cv2.resize(small[:, : cols * cell], (cols, rows), interpolation=cv2.INTER_AREA)
    pitch = min((y1 - y0) / rows, (x1 - x0) / cols)
    radius = max(1, round(pitch * 0.36))
    oy = y0 + ((y1 - y0) - rows * pitch) / 2
    for r, c in zip(*np.nonzero(grid > 70), strict=True):
        cv2.circle(mask, (int(x0 + (c + 0.5) * pitch), int(oy + (r + 0.5) * pitch)), radius, value, -1, AA)


def signature_path(rng: np.random.Generator, box: tuple[int, int, int, int]) -> list[np.ndarray]:
    """A handwritten-looking signature: smooth looping strokes across the box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    strokes = []
    n_strokes = int(rng.integers(1, 3))
    start = 0.05
    for s in range(n_strokes):
        end = start + (0.9 - start) * (1 if s == n_strokes - 1 else rng.uniform(0.3, 0.6))
        t = np.linspace(0, 1, 240)
        loops = rng.uniform(4, 9)
        amp = rng.uniform(0.18, 0.34)
        xs = start + (end - start) * t + 0.03 * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
        ys = 0.55 + amp * np.sin(2 * np.pi * loops * t * rng.uniform(0.9, 1.1)) * (
            0.6 + 0.4 * np.sin(np.pi * t * rng.uniform(1, 3))
        )
        ys += 0.12 * (t - 0.5) * rng.uniform(-1, 1)
        strokes.append(np.stack([x0 + xs * w, y0 + ys * h], axis=1).round().astype(np.int32))
        start = end + 0.04
    # the underline flourish
    t = np.linspace(0, 1, 60)
    strokes.append(
        np.stack([x0 + (0.1 + 0.8 * t) * w, y0 + (0.88 - 0.1 * np.sin(np.pi * t)) * h], axis=1).round().astype(np.int32)
    )
    return strokes
