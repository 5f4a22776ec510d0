"""Which textual-image widget shows documents, and how many pixels a terminal cell holds for it."""

from __future__ import annotations

import os
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


def cell_pixels(mode: str) -> tuple[int, int]:
    """Image pixels per terminal cell (width, height) for a renderer mode."""
    if mode == "halfcell":
        return 1, 2
    from textual_image._terminal import get_cell_size

    try:
        size = get_cell_size()
        w, h = int(size.width), int(size.height)
    except Exception:  # the terminal did not answer: assume a common 10x20 font
        w, h = 10, 20
    return (w if w > 0 else 10), (h if h > 0 else 20)


def to_pil(bgr: np.ndarray) -> PILImage.Image:
    """A PIL RGB image of a BGR (or grey) uint8 array, for textual-image."""
    if bgr.ndim == 2:
        return PILImage.fromarray(bgr, "L").convert("RGB")
    return PILImage.fromarray(np.ascontiguousarray(bgr[:, :, ::-1]), "RGB")
