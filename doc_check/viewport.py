"""The magnifier's geometry and rendering: crop, zoom and resize a document image to the size shown on screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

MIN_ZOOM = 1.0
MAX_ZOOM = 32.0
BACKGROUND = (40, 40, 40)
"""BGR colour around the page where the view is larger than the image."""

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class ViewGeometry:
    """Where an output pixel looks in the image: image x = x0 + u / scale, image y = y0 + v / scale."""

    x0: float
    y0: float
    scale: float
    """Output pixels per image pixel."""
    out_w: int
    out_h: int
    center: tuple[float, float]
    """The clamped centre of the view, in image pixels."""

    def to_image(self, u: float, v: float) -> tuple[float, float]:
        """Image coordinates of an output pixel."""
        return self.x0 + u / self.scale, self.y0 + v / self.scale

    def to_view(self, x: float, y: float) -> tuple[float, float]:
        """Output coordinates of an image pixel."""
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale

    @property
    def visible(self) -> tuple[float, float, float, float]:
        """The part of image space shown: (x, y, w, h)."""
        return self.x0, self.y0, self.out_w / self.scale, self.out_h / self.scale


def clamp_zoom(zoom: float) -> float:
    """Zoom limited to [MIN_ZOOM, MAX_ZOOM]."""
    return float(min(MAX_ZOOM, max(MIN_ZOOM, zoom)))


def view_geometry(
    img_w: int, img_h: int, zoom: float, center: tuple[float, float] | None, out_w: int, out_h: int
) -> ViewGeometry:
    """The view of an image at ``zoom`` (1 = the whole image fits) around ``center`` (None = middle), clamped."""
    if img_w <= 0 or img_h <= 0 or out_w <= 0 or out_h <= 0:
        raise ValueError("image and view must have positive sizes")
    zoom = clamp_zoom(zoom)
    scale = min(out_w / img_w, out_h / img_h) * zoom
    win_w, win_h = out_w / scale, out_h / scale
    cx, cy = center if center is not None else (img_w / 2, img_h / 2)

    def clamp(c: float, win: float, size: int) -> float:
        if win >= size:
            return size / 2
        return min(max(c, win / 2), size - win / 2)

    cx, cy = clamp(cx, win_w, img_w), clamp(cy, win_h, img_h)
    return ViewGeometry(cx - win_w / 2, cy - win_h / 2, scale, out_w, out_h, (cx, cy))


def render_view(
    image: np.ndarray,
    zoom: float,
    center: tuple[float, float] | None,
    out_w: int,
    out_h: int,
    boxes: Iterable[Box] = (),
    box_color: Sequence[int] = (0, 0, 255),
) -> np.ndarray:
    """The ``out_h x out_w`` picture of ``image`` at ``zoom`` around ``center``; ``boxes`` (image x,y,w,h) outlined."""
    img_h, img_w = image.shape[:2]
    g = view_geometry(img_w, img_h, zoom, center, out_w, out_h)
    # Integer crop of the source that covers the visible window, then one resize of just that crop.
    x_a, y_a = max(0, int(np.floor(g.x0))), max(0, int(np.floor(g.y0)))
    x_b = min(img_w, int(np.ceil(g.x0 + out_w / g.scale)))
    y_b = min(img_h, int(np.ceil(g.y0 + out_h / g.scale)))
    crop = image[y_a:y_b, x_a:x_b]
    # Output rectangle the crop maps to.
    u_a, v_a = g.to_view(x_a, y_a)
    u_b, v_b = g.to_view(x_b, y_b)
    u_a, v_a = round(u_a), round(v_a)
    dst_w = max(1, min(out_w, round(u_b)) - max(0, u_a))
    dst_h = max(1, min(out_h, round(v_b)) - max(0, v_a))
    interp = cv2.INTER_AREA if g.scale < 1 else (cv2.INTER_LINEAR if g.scale < 4 else cv2.INTER_NEAREST)
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    part = cv2.resize(crop, (dst_w, dst_h), interpolation=interp)
    out = np.empty((out_h, out_w, 3), dtype=np.uint8)
    out[:] = BACKGROUND
    u0, v0 = max(0, u_a), max(0, v_a)
    out[v0 : v0 + dst_h, u0 : u0 + dst_w] = part[: out_h - v0, : out_w - u0]
    for x, y, w, h in boxes:
        p1 = g.to_view(x, y)
        p2 = g.to_view(x + w, y + h)
        cv2.rectangle(
            out,
            (round(p1[0]), round(p1[1])),
            (round(p2[0]) - 1, round(p2[1]) - 1),
            tuple(int(c) for c in box_color),
            1,
        )
    return out


def zoom_about(
    geometry: ViewGeometry, new_zoom: float, u: float, v: float, img_w: int, img_h: int
) -> tuple[float, tuple[float, float]]:
    """New (zoom, center) so the image point under output pixel (u, v) stays under it (mouse-wheel zoom)."""
    new_zoom = clamp_zoom(new_zoom)
    x, y = geometry.to_image(u, v)
    base = min(geometry.out_w / img_w, geometry.out_h / img_h)
    new_scale = base * new_zoom
    cx = x - (u - geometry.out_w / 2) / new_scale
    cy = y - (v - geometry.out_h / 2) / new_scale
    return new_zoom, (cx, cy)
