"""Personalisation technique: the data strokes' ink colour against the laser-black of the reference's data."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, ink_mask

MAX_BLUE_SHIFT = 0.08
"""How much bluer (blue/green of the darkest strokes, white-balanced by the paper) the data may be than the
reference's before it counts as printed ink rather than laser engraving (scans; genuine samples stay below
0.06, inkjet and toner personalisation above 0.10 at 200-300 dpi)."""
CORE_PERCENTILE = 10
"""The darkest share (percent) of each field's ink pixels taken as stroke cores (edges mix with the background)."""
MIN_CORE_PIXELS = 40


def _personal_boxes(page: Page) -> list[str]:
    names = [n for n in page.layout.boxes if n.startswith("viz.")]
    return names + (["mrz"] if page.has("mrz") else [])


def ink_tint(page: Page, *, reference: bool = False) -> float | None:
    """Blue/green ratio of the data's darkest stroke pixels over that of the paper around them (None: no ink).

    Laser engraving chars the substrate a neutral black; inkjet and toner inks carry a colour of their own.
    """
    img = (page.references if reference else page.images)["visible"]
    if img.ndim != 3:
        return None
    cores, papers = [], []
    for name in _personal_boxes(page):
        x, y, w, h = page.box(name, grow_mm=0.3)
        patch = img[y : y + h, x : x + w]
        if patch.size == 0:
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
