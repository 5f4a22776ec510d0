"""Colour half-cell images drawn line by line from a numpy array: textual-image's HalfcellImage, made fast.

textual-image's half-cell renderable builds a Rich style per pixel (about half a second per frame at 160x50);
this subclass keeps the widget and its sizing but builds each line from the array, one style per run of equal
cells, with styles cached by colour pair.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual_image.renderable.halfcell import Image as HalfcellRenderable
from textual_image.widget import HalfcellImage

from doc_check.tui.images import to_pil

UPPER_HALF = "▀"
_STYLE_CACHE_LIMIT = 65536


QUANT_MASK = 0xFC
"""Colours keep 6 bits per channel (262144 colours, steps of 4 of 255): invisible on screen, and it lets equal
neighbours merge and styles be reused."""

_COLORS: dict[int, Color] = {}


def _color(rgb: int) -> Color:
    color = _COLORS.get(rgb)
    if color is None:
        r, g, b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255
        color = Color(f"#{rgb:06x}", ColorType.TRUECOLOR, triplet=ColorTriplet(r, g, b))
        if len(_COLORS) < 1 << 18:
            _COLORS[rgb] = color
    return color


class ArrayHalfcellImage(HalfcellImage, Renderable=HalfcellRenderable):
    """Shows an RGB array at one pixel per column and two per row (upper half block: fg top, bg bottom)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(None, id=id, classes=classes)
        self._keys: np.ndarray | None = None
        self._styles: dict[int, Style] = {}
        self._lines: dict[int, Strip] = {}

    def set_array(self, bgr: np.ndarray) -> None:
        """Show a BGR uint8 array (height even: two pixel rows per line)."""
        h, w = bgr.shape[:2]
        if h % 2:
            bgr = np.vstack([bgr, bgr[-1:]])
        rgb = (bgr[:, :, ::-1] & QUANT_MASK).astype(np.int64)
        rgb |= rgb >> 6  # spread 0..252 back over 0..255
        packed = (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]
        self._keys = (packed[0::2] << 24) | packed[1::2]  # one 48-bit key per cell: top colour, bottom colour
        self._lines = {}
        if len(self._styles) > _STYLE_CACHE_LIMIT:
            self._styles = {}
        # Keep the base widget's notion of an image (and its size) in step, cheaply.
        self._image = to_pil(bgr[:2, :2])
        self._image_width, self._image_height = w, h
        self.refresh()

    def clear_array(self) -> None:
        """Show nothing."""
        self._keys = None
        self._lines = {}
        self._image = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        keys = self._keys
        if keys is None or y >= keys.shape[0]:
            return Strip.blank(self.size.width)
        strip = self._lines.get(y)
        if strip is not None:
            return strip
        row = keys[y]
        # Runs of equal cells become one segment.
        change = np.flatnonzero(np.diff(row)) + 1
        starts = np.concatenate(([0], change))
        ends = np.concatenate((change, [row.shape[0]]))
        styles = self._styles
        segments = []
        for s, e, key in zip(starts.tolist(), ends.tolist(), row[starts].tolist(), strict=True):
            style = styles.get(key)
            if style is None:
                style = Style.from_color(_color(key >> 24), _color(key & 0xFFFFFF))
                styles[key] = style
            segments.append(Segment(UPPER_HALF * (e - s), style))
        strip = Strip(segments, row.shape[0])
        self._lines[y] = strip
        return strip
