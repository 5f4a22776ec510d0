"""Personalisation technique: the colour of the data strokes' absorption against the reference data's laser-black."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page

MIN_NEUTRALITY = {"scan": 0.003, "photo": 0.0}
"""The data ink's blue/green absorption slope minus the reference's below which the ink counts as tinted, not
laser-black. Measured on fresh sets at 150-300 dpi: genuine scans +0.010..+0.035, inkjet and toner scans
-0.038..-0.004; genuine photos +0.017..+0.060, inkjet and toner photos -0.037..+0.016."""
WARN_NEUTRALITY_PHOTO = 0.012
"""On a photo (lighting and white balance vary), a slope shift between the fail limit and this one is a warning."""
MIN_ABSORPTION = 0.3
"""Share of the local paper's green light a pixel must absorb to count as part of a stroke."""
MIN_CORE_PIXELS = 40
"""Stroke pixels (over all fields) needed before the ink is judged."""
MIN_FIELDS = 5
"""Data fields a side needs for its ink to be judged (an ID card's back, with a few small fields, is too noisy)."""
TINT_PX_PER_MM = 10.0
"""Resolution at which the data's ink colour is sampled (about that of a 250 dpi capture)."""


def _personal_boxes(page: Page) -> list[str]:
    names = [n for n in page.layout.boxes if n.startswith("viz.")]
    return names + (["mrz"] if page.has("mrz") else [])


def colour_crop(
    page: Page, box: tuple[int, int, int, int], px_per_mm: float, *, reference: bool = False
) -> np.ndarray | None:
    """A work-grid box resampled in colour at ``px_per_mm`` from the full-resolution image (thin strokes keep
    their own colour there instead of blending with the print under them), or None."""
    scale = px_per_mm / page.px_per_mm
    x, y, w, h = box
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    hom = np.diag([scale, scale, 1.0]) @ np.array([[1, 0, -x], [0, 1, -y], [0, 0, 1]], float)
    if reference:
        src = page.full_references.get("visible")
        if src is None:
            return None
        k = src.shape[1] / page.size[0]
        hom = hom @ np.diag([1 / k, 1 / k, 1.0])
    else:
        src, reg = page.originals.get("visible"), page.registrations.get("visible")
        if src is None or reg is None:
            return None
        hom = hom @ reg.homography
    if src.ndim != 3:
        return None
    return cv2.warpPerspective(src, hom, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def ink_tint(page: Page, *, reference: bool = False) -> float | None:
    """How much more the data's ink absorbs green than blue light, as the slope of blue over green absorption
    (relative to the local paper) across the strokes (None: no ink).

    Laser engraving chars the substrate a neutral black (slope near 1); inkjet and toner inks carry a colour of
    their own. The slope does not depend on how much of a pixel the stroke covers, so capture blur, which blends
    thin strokes with the print around them, leaves it alone.
    """
    blues, greens = [], []
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    for name in _personal_boxes(page):
        patch = colour_crop(page, page.box(name, grow_mm=0.3), TINT_PX_PER_MM, reference=reference)
        if patch is None or patch.size == 0:
            continue
        img = patch.astype(np.float32) + 1.0
        # the strokes closed over: the paper and print under them (closing the 8-bit patch is exact and faster)
        paper = cv2.morphologyEx(patch, cv2.MORPH_CLOSE, k).astype(np.float32) + 1.0
        t = 1.0 - img / paper
        ink = t[..., 1] > MIN_ABSORPTION
        if ink.sum() < MIN_CORE_PIXELS // 4:
            continue
        blues.append(t[..., 0][ink])
        greens.append(t[..., 1][ink])
    if not greens or sum(len(g) for g in greens) < MIN_CORE_PIXELS:
        return None
    b, g = np.concatenate(blues), np.concatenate(greens)
    return float((b * g).sum() / (g * g).sum())


def check_personalisation(page: Page) -> Finding:
    """print.personalisation: the data is laser-engraved black like the reference's, not inkjet or toner ink."""
    boxes = [page.box(n) for n in _personal_boxes(page)]
    if not boxes:
        return Finding("print.personalisation", "skip", "no personal data on this side", None, page.side, "visible")
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    region = (x0, y0, max(b[0] + b[2] for b in boxes) - x0, max(b[1] + b[3] for b in boxes) - y0)
    fields = [n for n in _personal_boxes(page) if n.startswith("viz.")]
    if len(fields) < MIN_FIELDS:
        return Finding(
            "print.personalisation",
            "skip",
            f"too little data on this side ({len(fields)} fields) to judge the ink; judged on the data page",
            region,
            page.side,
            "visible",
        )
    s = page.memo(("ink_tint",), lambda: ink_tint(page))
    r = page.memo(("ink_tint",), lambda: ink_tint(page, reference=True), reference=True)
    if s is None or r is None:
        return Finding(
            "print.personalisation",
            "skip",
            "no data ink found to judge the personalisation",
            region,
            page.side,
            "visible",
        )
    shift = s - r
    detail = f"blue/green absorption {s:.3f}, reference {r:.3f}"
    if shift < MIN_NEUTRALITY.get(page.capture, 0.0):
        return Finding(
            "print.personalisation",
            "fail",
            f"data printed in tinted ink (inkjet or toner), not laser-engraved black ({detail})",
            region,
            page.side,
            "visible",
        )
    if page.capture != "scan" and shift < WARN_NEUTRALITY_PHOTO:
        return Finding(
            "print.personalisation",
            "warn",
            f"data ink possibly tinted, not laser-black ({detail}); check under the magnifier",
            region,
            page.side,
            "visible",
        )
    return Finding(
        "print.personalisation",
        "pass",
        f"data as neutral black as the reference's laser engraving ({detail})",
        region,
        page.side,
        "visible",
    )
