"""The magnifier's geometry and rendering: crop, zoom and resize a document image to the size shown on screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

MIN_ZOOM = 1.0
"""Zoom 1 shows the whole page: the magnifier never shows less than that."""
MAX_ZOOM = 32.0
"""The magnifier's upper limit, a design choice (docs/trainee.md: "zooms up to 32x")."""
AREA_BELOW_SCALE = 1.0
"""Below one output pixel per image pixel the view shrinks the image: OpenCV's area averaging (no aliasing)."""
NEAREST_FROM_SCALE = 4.0
"""From 4 output pixels per image pixel on, image pixels are drawn as blocks (nearest neighbour), a design choice:
that far in, the pixels themselves are what is examined, and bilinear blending would blur them; in between,
bilinear."""
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
    """The ``out_h x out_w`` picture of ``image`` at ``zoom`` around ``center``; ``boxes`` (image x,y,w,h) outlined.

    Parameters
    ----------
    image : numpy.ndarray
        The document image, ``uint8``: ``(H, W, 3)`` BGR or ``(H, W)`` grey.
    zoom : float
        1 shows the whole image in the view; clamped to ``[MIN_ZOOM, MAX_ZOOM]``.
    center : tuple of float or None
        The image point (x, y) at the middle of the view; None for the image's middle. Clamped so the view
        stays on the page.
    out_w, out_h : int
        The size of the picture in pixels (positive).
    boxes : iterable of (x, y, w, h)
        Rectangles in image pixels to outline, one pixel wide.
    box_color : sequence of int
        Their BGR colour.

    Returns
    -------
    numpy.ndarray
        ``(out_h, out_w, 3)`` ``uint8`` BGR; what lies outside the image is ``BACKGROUND``.

    Raises
    ------
    ValueError
        For an image that is not ``uint8`` or not ``(H, W)`` / ``(H, W, 3)``, and for sizes that are not positive.
    """
    if image.dtype != np.uint8:
        raise ValueError(f"render_view: image must be uint8, not {image.dtype}")
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ValueError(f"render_view: image must be (H, W) or (H, W, 3), not {image.shape}")
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
    if g.scale < AREA_BELOW_SCALE:
        interp = cv2.INTER_AREA
    else:
        interp = cv2.INTER_LINEAR if g.scale < NEAREST_FROM_SCALE else cv2.INTER_NEAREST
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


Outline = tuple[Box, tuple[int, int, int]]
"""An image region (x, y, w, h) and the BGR colour it is outlined in."""
FULL_VIEW_GAP = 24
"""Pixels of background between the sample and the reference in a full-resolution view."""


def native_window(
    img_w: int, img_h: int, zoom: float, center: tuple[float, float] | None, out_w: int, out_h: int
) -> tuple[int, int, int, int]:
    """The part of the image a view of ``out_w x out_h`` shows, as whole pixel bounds ``(x0, y0, x1, y1)`` inside
    the image (at zoom 1 the whole image)."""
    g = view_geometry(img_w, img_h, zoom, center, out_w, out_h)
    x, y, w, h = g.visible
    x0, y0 = max(0, int(np.floor(x))), max(0, int(np.floor(y)))
    x1, y1 = min(img_w, int(np.ceil(x + w))), min(img_h, int(np.ceil(y + h)))
    return x0, y0, max(x0 + 1, x1), max(y0 + 1, y1)


def full_resolution_view(
    image: np.ndarray,
    zoom: float,
    center: tuple[float, float] | None,
    out_w: int,
    out_h: int,
    outlines: Iterable[Outline] = (),
) -> np.ndarray:
    """What a view of ``out_w x out_h`` at ``zoom`` around ``center`` shows, at the image's own resolution.

    Parameters
    ----------
    image : np.ndarray
        The document image, ``(H, W, 3)`` BGR or ``(H, W)`` grey, uint8.
    zoom, center, out_w, out_h
        The view as on screen (see `view_geometry`): only the window it shows is kept.
    outlines
        Image regions ``(x, y, w, h)`` with their BGR colours, drawn onto the result.

    Returns
    -------
    np.ndarray
        ``(h, w, 3)`` BGR uint8, one output pixel per image pixel (a new array; ``image`` is not changed).
    """
    img_h, img_w = image.shape[:2]
    x0, y0, x1, y1 = native_window(img_w, img_h, zoom, center, out_w, out_h)
    crop = image[y0:y1, x0:x1]
    crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) if crop.ndim == 2 else crop.copy()
    thickness = max(2, round(min(img_w, img_h) / 400))
    for (x, y, w, h), colour in outlines:
        cv2.rectangle(
            crop, (x - x0, y - y0), (x + w - x0 - 1, y + h - y0 - 1), tuple(int(c) for c in colour), thickness
        )
    return crop


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = FULL_VIEW_GAP) -> np.ndarray:
    """Two BGR uint8 images next to each other, tops aligned, on the view's background colour.

    Parameters
    ----------
    left, right : np.ndarray
        ``(H1, W1, 3)`` and ``(H2, W2, 3)`` BGR uint8, each kept at its own resolution.

    Returns
    -------
    np.ndarray
        ``(max(H1, H2), W1 + gap + W2, 3)`` BGR uint8.
    """
    h = max(left.shape[0], right.shape[0])
    out = np.empty((h, left.shape[1] + gap + right.shape[1], 3), np.uint8)
    out[:] = BACKGROUND
    out[: left.shape[0], : left.shape[1]] = left
    out[: right.shape[0], left.shape[1] + gap :] = right
    return out


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a uint8 image, without metadata (fast run-length compression: a 300-dpi page in about 0.1 s)."""
    params = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE]
    ok, data = cv2.imencode(".png", image, params)
    if not ok:
        raise ValueError("the view could not be encoded as PNG")
    return data.tobytes()
