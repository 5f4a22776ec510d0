"""Personalisation technique: the data strokes' ink colour against the laser-black of the reference's data."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, ink_mask

MAX_BLUE_SHIFT = 0.15
"""How much bluer (blue/green of the darkest strokes, white-balanced by the paper) the data may be than the
reference's before it counts as printed ink rather than laser engraving (scans; genuine samples stay below
0.06, inkjet and toner personalisation above 0.10 at 200-300 dpi)."""
CORE_PERCENTILE = 10
"""The darkest share (percent) of each field's ink pixels taken as stroke cores (edges mix with the background)."""
MIN_CORE_PIXELS = 40
MIN_FIELDS = 5
"""Data fields a side needs for its ink to be judged (an ID card's back, with a few small fields, is too noisy)."""
TINT_PX_PER_MM = 10.0
"""Resolution at which the data's ink colour is sampled (about that of a 250 dpi capture)."""


def _personal_boxes(page: Page) -> list[str]:
    names = [n for n in page.layout.boxes if n.startswith("viz.")]
    return names + (["mrz"] if page.has("mrz") else [])


def colour_crop(page: Page, box: tuple[int, int, int, int], px_per_mm: float, *, reference: bool = False) -> np.ndarray | None:
    """A work-grid box resampled in colour at ``px_per_mm`` from the full-resolution image (thin strokes keep
    their own colour there instead of blending with the print under them), or None."""
    scale = px_per_mm / page.px_per_mm
    x, y, w, h = box
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
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
    """Blue/green ratio of the data's darkest stroke pixels over that of the paper around them (None: no ink).

    Laser engraving chars the substrate a neutral black; inkjet and toner inks carry a colour of their own.
    """
    cores, papers = [], []
    for name in _personal_boxes(page):
        patch = colour_crop(page, page.box(name, grow_mm=0.3), TINT_PX_PER_MM, reference=reference)
        if patch is None or patch.size == 0:
            continue
        gray = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
        ink = ink_mask(gray) > 0
        if ink.sum() < 20 or (~ink).sum() < 20:
            continue
        core = ink & (gray <= np.percentile(gray[ink], CORE_PERCENTILE))
        cores.append(patch[core].astype(np.float32))
        papers.append(patch[~ink].astype(np.float32))
    if not cores or sum(len(c) for c in cores) < MIN_CORE_PIXELS:
        return None
    ink_bgr = np.median(np.concatenate(cores), axis=0) / (np.median(np.concatenate(papers), axis=0) + 1.0)
    return float(ink_bgr[0] / ink_bgr[1]) if ink_bgr[1] > 0 else None


def check_personalisation(page: Page) -> Finding:
    """print.personalisation: the data is laser-engraved black like the reference's, not inkjet or toner ink."""
    boxes = [page.box(n) for n in _personal_boxes(page)]
    if not boxes:
        return Finding("print.personalisation", "skip", "no personal data on this side", None, page.side, "visible")
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    region = (x0, y0, max(b[0] + b[2] for b in boxes) - x0, max(b[1] + b[3] for b in boxes) - y0)
    fields = [n for n in _personal_boxes(page) if n.startswith("viz.")]
    if len(fields) < MIN_FIELDS:
        return Finding("print.personalisation", "skip", f"too little data on this side ({len(fields)} fields) to judge the ink; judged on the data page", region, page.side, "visible")
    if page.capture != "scan":
        return Finding("print.personalisation", "skip", "ink colour not judged on a photo (lighting and white balance vary)", region, page.side, "visible")
    s = page.memo(("ink_tint",), lambda: ink_tint(page))
    r = page.memo(("ink_tint",), lambda: ink_tint(page, reference=True), reference=True)
    if s is None or r is None:
        return Finding("print.personalisation", "skip", "no data ink found to judge the personalisation", region, page.side, "visible")
    shift = s - r
    if shift > MAX_BLUE_SHIFT:
        return Finding("print.personalisation", "fail", f"data printed in tinted ink, not laser-engraved black (blue/green {s:.2f}, reference {r:.2f})", region, page.side, "visible")
    return Finding("print.personalisation", "pass", f"data as black as the reference's laser engraving (blue/green {s:.2f}, reference {r:.2f})", region, page.side, "visible")
