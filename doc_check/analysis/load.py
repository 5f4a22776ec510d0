"""Load a document image from an untrusted file into a BGR uint8 array (EXIF orientation applied)."""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from doc_check.errors import BadInput

#: Default pixel limit (width x height read from the header) above which a file is refused as a decompression bomb.
DEFAULT_MAX_PIXELS = 60_000_000

#: Container formats accepted (Pillow format names); MPO is the multi-picture JPEG many cameras write.
FORMATS = frozenset({"PNG", "JPEG", "MPO", "TIFF", "WEBP", "BMP"})

_PIL_LIMIT_LOCK = threading.Lock()

_ORIENTATION = 0x0112  # the EXIF tag for how the stored pixels must be turned for display


def load_image(path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Decode a PNG/JPEG/TIFF/WebP/BMP file into a BGR uint8 array, or raise BadInput naming the file."""
    p = Path(path)
    if p.is_dir():
        raise BadInput(f"{p}: is a directory, not an image")
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise BadInput(f"{p}: no such file") from None
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror or exc})") from None
    if size == 0:
        raise BadInput(f"{p}: empty file")
    try:
        with _PIL_LIMIT_LOCK:
            saved = Image.MAX_IMAGE_PIXELS
            # We check the header dimensions against our own limit below; Pillow's must not refuse first.
            Image.MAX_IMAGE_PIXELS = None
            try:
                im: Image.Image = Image.open(p)
            finally:
                Image.MAX_IMAGE_PIXELS = saved
    except UnidentifiedImageError:
        raise BadInput(f"{p}: not an image (unknown or corrupt format)") from None
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc})") from None
    except Exception as exc:  # Pillow plugins raise assorted errors on malformed headers
        raise BadInput(f"{p}: corrupt image header ({type(exc).__name__}: {exc})") from None
    with im:
        if im.format not in FORMATS:
            raise BadInput(f"{p}: unsupported image format {im.format} (PNG, JPEG, TIFF, WebP, BMP)")
        width, height = im.size
        if width <= 0 or height <= 0:
            raise BadInput(f"{p}: image has no pixels ({width}x{height})")
        if width * height > max_pixels:
            raise BadInput(
                f"{p}: image too large ({width}x{height} = {width * height} pixels > limit {max_pixels}); "
                "possible decompression bomb"
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im.load()
                # exif_transpose copies the whole image even when there is nothing to turn: ask first
                if im.getexif().get(_ORIENTATION, 1) != 1:
                    im = ImageOps.exif_transpose(im) or im
                array = _to_bgr(im)
        except BadInput:
            raise
        except Exception as exc:  # truncated data, broken chunks, bad EXIF
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise BadInput(f"{p}: corrupt or truncated image data ({message})") from None
    return array


def _to_bgr(im: Image.Image) -> np.ndarray:
    """Convert a decoded Pillow image of any mode to a contiguous BGR uint8 array."""
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        a = np.asarray(im, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        scale = 255.0 / (hi - lo) if hi > lo else 0.0
        gray = ((a - lo) * scale).clip(0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, rgba)
    # grey and RGB (the usual captures) go straight through OpenCV, several times faster than a reversed-axis copy
    if im.mode == "L":
        return cv2.cvtColor(np.asarray(im, dtype=np.uint8), cv2.COLOR_GRAY2BGR)
    if im.mode != "RGB":
        im = im.convert("RGB")
    return cv2.cvtColor(np.asarray(im, dtype=np.uint8), cv2.COLOR_RGB2BGR)
