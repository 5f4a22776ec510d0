"""One registered side of a sample: its images warped onto the reference geometry, with the layout's boxes in pixels."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from doc_check.analysis.register import Registration
from doc_check.specimen.layout import SideLayout

Box = tuple[int, int, int, int]
_REFERENCE_MEMO: dict[tuple, tuple[np.ndarray, object]] = {}


@dataclass
class Page:
    """A sample side on the reference's pixel grid, next to the reference specimen's images of that side."""

    document_type: str
    side: str
    layout: SideLayout
    images: dict[str, np.ndarray]
    """channel -> sample image (BGR) warped onto the reference geometry."""
    references: dict[str, np.ndarray]
    """channel -> reference specimen image (BGR)."""
    registrations: dict[str, Registration] = field(default_factory=dict)
    capture: str = "scan"
    originals: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """channel -> the sample's image as loaded (for fine crops at a higher resolution)."""
    full_references: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """channel -> the reference image at its own resolution."""
    _cache: dict = field(default_factory=dict, repr=False)

    def fine(self, channel: str, box: Box, px_per_mm: float, *, reference: bool = False) -> np.ndarray | None:
        """A work-grid box resampled at ``px_per_mm`` from the full-resolution image (grey), or None."""
        scale = px_per_mm / self.px_per_mm
        x, y, w, h = box
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        crop_h = np.diag([scale, scale, 1.0]) @ np.array([[1, 0, -x], [0, 1, -y], [0, 0, 1]], float)
        if reference:
            src = self.full_references.get(channel)
            if src is None:
                return None
            k = src.shape[1] / self.size[0]  # full reference pixels per work pixel
            hom = crop_h @ np.diag([1 / k, 1 / k, 1.0])
        else:
            src = self.originals.get(channel)
            reg = self.registrations.get(channel)
            if src is None or reg is None:
                return None
            hom = crop_h @ reg.homography
        out = cv2.warpPerspective(src, hom, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return cv2.cvtColor(out, cv2.COLOR_BGR2GRAY) if out.ndim == 3 else out

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the reference grid in pixels."""
        ref = next(iter(self.references.values()))
        return ref.shape[1], ref.shape[0]

    @property
    def px_per_mm(self) -> float:
        """Pixels per millimetre on the reference grid."""
        return self.size[0] / self.layout.width_mm

    def mm(self, value: float) -> int:
        """A length in millimetres as whole pixels (at least 1)."""
        return max(1, round(value * self.px_per_mm))

    def has(self, name: str) -> bool:
        """True when the layout has a box of this name."""
        return name in self.layout.boxes

    def box(self, name: str, grow_mm: float = 0.0) -> Box:
        """The named layout box as (x, y, w, h) pixels, grown by ``grow_mm`` and clipped to the page."""
        b = self.layout.boxes[name]
        s = self.px_per_mm
        x0 = round((b.x - grow_mm) * s)
        y0 = round((b.y - grow_mm) * s)
        x1 = round((b.x + b.w + grow_mm) * s)
        y1 = round((b.y + b.h + grow_mm) * s)
        w, h = self.size
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(w, x1), min(h, y1)
        return x0, y0, max(0, x1 - x0), max(0, y1 - y0)

    def memo(self, key: tuple, fn, *, reference: bool = False):
        """``fn()`` computed once per page, or once per reference image across pages when ``reference``."""
        if reference:
            anchor = next(iter(self.references.values()))
            full = (id(anchor), anchor.shape, self.side, *key)
            hit = _REFERENCE_MEMO.get(full)
            if hit is None or hit[0] is not anchor:
                if len(_REFERENCE_MEMO) > 256:
                    _REFERENCE_MEMO.clear()
                hit = _REFERENCE_MEMO[full] = (anchor, fn())
            return hit[1]
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def brightness(self, channel: str, *, reference: bool = False) -> np.ndarray:
        """Per-pixel maximum over colour channels (UV fluorescence is saturated colour), cached."""

        def make() -> np.ndarray:
            img = (self.references if reference else self.images)[channel]
            if img.ndim == 2:
                return img
            b, g, r = cv2.split(img)
            return cv2.max(cv2.max(b, g), r)

        return self.memo(("brightness", channel), make, reference=reference)

    def detail(self, channel: str, fine: float, coarse: float, *, reference: bool = False) -> np.ndarray:
        """``band_pass`` of a channel's grey image, cached (across samples for the reference)."""
        return self.memo(
            ("band", channel, round(fine, 3), round(coarse, 3)),
            lambda: band_pass(self.gray(channel, reference=reference), fine, coarse),
            reference=reference,
        )

    def gray(self, channel: str, *, reference: bool = False) -> np.ndarray:
        """The sample's (or reference's) image of a channel in grey, cached."""
        key = ("gray", channel, reference)
        if key not in self._cache:
            img = (self.references if reference else self.images)[channel]
            self._cache[key] = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        return self._cache[key]

    def crop(self, channel: str, box: Box, *, reference: bool = False, gray: bool = True) -> np.ndarray:
        """A box of a channel's image (grey by default)."""
        x, y, w, h = box
        img = (
            self.gray(channel, reference=reference)
            if gray
            else (self.references if reference else self.images)[channel]
        )
        return img[y : y + h, x : x + w]

    def mask_of(self, names: list[str] | tuple[str, ...], grow_mm: float = 0.0) -> np.ndarray:
        """A page-sized uint8 mask (255 inside) of the union of the named boxes that exist."""
        w, h = self.size
        mask = np.zeros((h, w), np.uint8)
        for n in names:
            if self.has(n):
                x, y, bw, bh = self.box(n, grow_mm)
                mask[y : y + bh, x : x + bw] = 255
        return mask

    def personal_names(self) -> list[str]:
        """Boxes that carry holder data (differ between any sample and the reference)."""
        names = [n for n in self.layout.boxes if n.startswith("viz.")]
        names += ["portrait", "ghost", "signature", "mrz", "number_alt", "uv_portrait_pattern"]
        return [n for n in names if self.has(n)]

    def background_mask(self) -> np.ndarray:
        """Where the page shows only its design: everything but personal data, emblems and marks, inside a margin."""
        key = ("background",)
        if key not in self._cache:
            w, h = self.size
            excluded = [*self.personal_names(), "emblem", "uv_emblem", "ir_mark", "title", "microprint"]
            mask = 255 - self.mask_of(excluded, grow_mm=0.8)
            margin = self.mm(3.0)
            frame = np.zeros_like(mask)
            frame[margin : h - margin, margin : w - margin] = 255
            if self.has("sticker"):
                frame[:] = 0
                x, y, bw, bh = self.box("sticker")
                frame[y + margin : y + bh - margin, x + margin : x + bw - margin] = 255
            self._cache[key] = cv2.bitwise_and(mask, frame)
        return self._cache[key]


def band_pass(gray: np.ndarray, fine: float, coarse: float) -> np.ndarray:
    """Difference of Gaussians (float32): detail between ``fine`` and ``coarse`` sigma in pixels."""
    g = gray.astype(np.float32)
    return cv2.GaussianBlur(g, (0, 0), fine) - cv2.GaussianBlur(g, (0, 0), coarse)


def masked_correlation(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Zero-mean normalised correlation of two equally sized arrays, over ``mask`` (nonzero) when given."""
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    if mask is not None:
        sel = mask > 0
        a, b = a[sel], b[sel]
    else:
        a, b = a.ravel(), b.ravel()
    if a.size < 16:
        return 0.0
    a = a - a.mean()
    b = b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 0 else 0.0


def ink_mask(gray: np.ndarray, *, dark: bool = True) -> np.ndarray:
    """Ink pixels of a text crop by Otsu's threshold (dark ink on light paper unless ``dark`` is False)."""
    if gray.size == 0:
        return np.zeros_like(gray)
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    mode = cv2.THRESH_BINARY_INV if dark else cv2.THRESH_BINARY
    _, m = cv2.threshold(blur, 0, 255, mode + cv2.THRESH_OTSU)
    return m
