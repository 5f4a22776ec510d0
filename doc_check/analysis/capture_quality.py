"""How good a capture is, measured on its own pixels against the reference: resolution, blur, glare, colour."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

BLUR_SIGMAS = (0.0, 0.3, 0.5, 0.7, 0.9, 1.1, 1.4, 1.7, 2.1, 2.6, 3.2)
"""Gaussian blurs (work-grid pixels) tried on the reference to find the one that matches the capture best."""
MIN_PX_PER_MM = 4.7
"""Capture resolution (about 120 dpi) below which fine checks cannot decide."""
MAX_BLUR_MM = 0.3
"""Blur (Gaussian sigma, mm) above which fine checks cannot decide."""
MAX_GLARE = 0.08
"""Share of the page washed out by glare above which the capture counts as poor."""

MIN_JPEG_QUALITY = 70
"""Estimated JPEG quality below which the capture counts as heavily compressed (chroma detail such as the UV
fibres' colour is quantised away)."""
IJG_LUMINANCE = np.array(
    [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29,
     51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121,
     120, 101, 72, 92, 95, 98, 112, 100, 103, 99],
    np.float64,
)  # fmt: skip
"""The JPEG standard's example luminance table (Annex K), which libjpeg scales by the quality setting."""
MAX_CLIPPED = 0.5
"""Share of the background clipped at white above which the capture counts as over-exposed."""


@dataclass(frozen=True)
class CaptureQuality:
    """What the capture of one side is like, estimated from the image (never from sample.toml)."""

    px_per_mm: float
    """Resolution of the image as captured (from its registration onto the reference)."""
    blur_mm: float
    """Gaussian blur (sigma, mm) that makes the reference's background print look most like the capture's."""
    glare: float
    """Share of the page's background washed out (near white where the reference is not)."""
    clipped: float = 0.0
    """Share of the page's background clipped at white (over-exposed: its colour is lost)."""
    jpeg_quality: float | None = None
    """The lowest JPEG quality estimated from the files' quantisation tables (None: no JPEG file)."""
    tone: dict[str, str] = field(default_factory=dict)
    """channel -> what the colour and tone normalisation took out."""

    @property
    def poor(self) -> bool:
        """True when fine measures (fibres, microprint, glyphs) may be lost to the capture."""
        return bool(self.problems())

    def problems(self) -> list[str]:
        """Why the capture is poor (empty when it is not)."""
        out = []
        if self.px_per_mm < MIN_PX_PER_MM:
            out.append(f"low resolution ({self.px_per_mm * 25.4:.0f} dpi)")
        if self.blur_mm > MAX_BLUR_MM:
            out.append(f"blurred (sigma {self.blur_mm:.2f} mm)")
        if self.glare > MAX_GLARE:
            out.append(f"glare over {self.glare:.0%} of the page")
        if self.jpeg_quality is not None and self.jpeg_quality < MIN_JPEG_QUALITY:
            out.append(f"heavily compressed (JPEG quality about {self.jpeg_quality:.0f})")
        if self.clipped > MAX_CLIPPED:
            out.append(f"over-exposed ({self.clipped:.0%} of the paper clipped at white)")
        return out

    def summary(self) -> str:
        """One line for the capture.quality finding."""
        text = (
            f"{self.px_per_mm * 25.4:.0f} dpi, blur sigma {self.blur_mm:.2f} mm, glare {self.glare:.0%}, "
            f"clipped {self.clipped:.0%}"
            + (f", JPEG quality about {self.jpeg_quality:.0f}" if self.jpeg_quality is not None else "")
            + "; "
            + "; ".join(f"{c}: {t}" for c, t in self.tone.items())
        )
        return text


def estimate_blur(sample: np.ndarray, reference: np.ndarray, mask: np.ndarray) -> float:
    """Gaussian sigma (work-grid pixels) of the blur that best turns the reference into the sample.

    Parameters
    ----------
    sample, reference : (H, W) uint8 grey images on the same grid (the sample registered onto the reference).
    mask : (H, W) uint8, nonzero where both show the same print (the background).

    The detail of each (the image minus a wide blur) is correlated over the mask for each trial blur of the
    reference; the best correlation's blur, refined by a parabola through its neighbours.
    """
    sel = mask > 0
    if sel.sum() < 400:
        return 0.0
    s = sample.astype(np.float32)
    s = s - cv2.GaussianBlur(s, (0, 0), 4.0)
    sv = s[sel]
    sv = sv - sv.mean()
    r0 = reference.astype(np.float32)
    scores = []
    for sigma in BLUR_SIGMAS:
        r = cv2.GaussianBlur(r0, (0, 0), sigma) if sigma > 0 else r0
        r = r - cv2.GaussianBlur(r, (0, 0), 4.0)
        rv = r[sel]
        rv = rv - rv.mean()
        den = float(np.sqrt((rv * rv).sum() * (sv * sv).sum()))
        scores.append(float((rv * sv).sum() / den) if den > 0 else 0.0)
    i = int(np.argmax(scores))
    if 0 < i < len(scores) - 1:
        a, b, c = scores[i - 1], scores[i], scores[i + 1]
        x0, x1, x2 = BLUR_SIGMAS[i - 1], BLUR_SIGMAS[i], BLUR_SIGMAS[i + 1]
        den = a - 2 * b + c
        if den < 0:
            t = 0.5 * (a - c) / den  # in units of a (roughly even) step
            step = (x2 - x0) / 2
            return float(np.clip(x1 + t * step, x0, x2))
    return float(BLUR_SIGMAS[i])


def glare_share(sample: np.ndarray, reference: np.ndarray, mask: np.ndarray) -> float:
    """Share of the masked page that is near white (>= 245) in the sample where the reference is below 225."""
    sel = mask > 0
    if not sel.any():
        return 0.0
    washed = (sample >= 245) & (reference < 225) & sel
    return float(washed.sum()) / float(sel.sum())


def jpeg_quality(table: list[int] | tuple[int, ...]) -> float:
    """The libjpeg quality setting (1-100) that scales the standard luminance table to ``table`` (64 entries, in
    either order: the mean ratio does not depend on it)."""
    t = np.asarray(table, np.float64)
    if t.size != 64:
        return 100.0
    scale = float(np.mean((t - 0.5) / IJG_LUMINANCE)) * 100.0
    q = 5000.0 / scale if scale > 100 else (200.0 - scale) / 2.0
    return float(np.clip(q, 1.0, 100.0))
