"""Which textual-image widget shows documents, and how many pixels a terminal cell holds for it."""

from __future__ import annotations

import os
import struct
import sys
from typing import Protocol

import numpy as np
from PIL import Image as PILImage

IMAGE_ENV = "DOC_CHECK_IMAGE"
MODES = ("auto", "halfcell", "sixel", "tgp")


def image_mode(requested: str | None = None) -> str:
    """The renderer to use: ``requested``, else `$DOC_CHECK_IMAGE`, else what textual-image detected.

    textual-image falls back to greyscale shade glyphs when stdout is not a terminal (pytest, textual-serve);
    that fallback is replaced by colour half-cells here.
    """
    mode = (requested or os.environ.get(IMAGE_ENV) or "auto").strip().lower()
    if mode not in MODES:
        mode = "auto"
    if mode != "auto":
        return mode
    from textual_image.renderable import Image as AutoRenderable
    from textual_image.renderable import SixelImage, TGPImage

    if AutoRenderable is SixelImage:
        return "sixel"
    if AutoRenderable is TGPImage:
        return "tgp"
    return "halfcell"


class PictureWidget(Protocol):
    """A textual-image widget (SixelImage, TGPImage, HalfcellImage): shows the PIL image it is given."""

    image: PILImage.Image | None


def image_widget_class(mode: str) -> type:
    """The textual-image widget class for a renderer mode."""
    from textual_image import widget

    return {"sixel": widget.SixelImage, "tgp": widget.TGPImage}.get(mode, widget.HalfcellImage)


DEFAULT_CELL = (10, 20)
"""Pixels per cell (width, height) when the terminal does not say: a VT340's, as textual-image assumes too."""


def terminal_cell_size() -> tuple[int, int] | None:
    """Pixels per terminal cell (width, height) as the terminal reports them, or None when it does not.

    Asks the kernel for the window size of stdout (``TIOCGWINSZ``: rows, columns and the window's pixels), then
    looks at ``$TEXTUAL_CELL_WIDTH``/``$TEXTUAL_CELL_HEIGHT`` (set by textual-serve for browser terminals).
    """
    stream = sys.__stdout__
    try:
        import fcntl
        import termios

        if stream is not None and stream.isatty():
            rows, cols, px_w, px_h = struct.unpack("4H", fcntl.ioctl(stream, termios.TIOCGWINSZ, b"\0" * 8))
            if rows and cols and px_w // cols > 0 and px_h // rows > 0:
                return px_w // cols, px_h // rows
    except (ImportError, OSError, ValueError):  # not a POSIX terminal, or stdout closed
        pass
    w, h = os.environ.get("TEXTUAL_CELL_WIDTH", ""), os.environ.get("TEXTUAL_CELL_HEIGHT", "")
    if w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0:
        return int(w), int(h)
    return None


def cell_pixels(mode: str) -> tuple[int, int]:
    """Image pixels per terminal cell (width, height) for a renderer mode."""
    if mode == "halfcell":
        return 1, 2
    return terminal_cell_size() or DEFAULT_CELL


def to_pil(bgr: np.ndarray) -> PILImage.Image:
    """A PIL RGB image of a BGR (or grey) uint8 array, for textual-image."""
    if bgr.ndim == 2:
        return PILImage.fromarray(bgr, "L").convert("RGB")
    return PILImage.fromarray(np.ascontiguousarray(bgr[:, :, ::-1]), "RGB")
