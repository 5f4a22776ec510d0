"""IR checks: MRZ and personal data absorb, the background print vanishes, the IR-only mark shows."""

from __future__ import annotations

import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, ink_mask, masked_correlation

MIN_ABSORPTION = 0.4
"""IR ink contrast, relative to the same ink's visible contrast and to the reference, below which ink counts as
IR-transparent."""
MAX_BACKGROUND_CORRELATION = 0.5
"""Correlation of the IR image with the visible background print above which the background counts as IR-visible."""
MIN_MARK_CONTRAST = 0.15
"""The IR mark's contrast, relative to the reference's, below which it counts as missing."""


def absorption(page: Page, box: tuple[int, int, int, int], *, reference: bool = False) -> float | None:
    """How dark the visible ink of a box stays in IR: IR contrast over visible contrast (about 1 = absorbent)."""
    vis = page.crop("visible", box, reference=reference)
    ir = page.crop("ir", box, reference=reference)
    if vis.size == 0:
        return None
    ink = ink_mask(vis) > 0
    if ink.sum() < 20 or (~ink).sum() < 20:
        return None
    c_vis = _median(vis, ~ink) - _median(vis, ink)
    if c_vis < 25:
        return None
    c_ir = _median(ir, ~ink) - _median(ir, ink)
    return c_ir / c_vis


def _median(gray: np.ndarray, where: np.ndarray) -> float:
    """``np.median(gray[where])``, from a histogram when ``gray`` is 8-bit (several times faster, same value)."""
    values = gray[where]
    if values.dtype != np.uint8:
        return float(np.median(values))
    cum = np.cumsum(np.bincount(values, minlength=256))
    n = int(cum[-1])
    lo = int(np.searchsorted(cum, (n - 1) // 2, side="right"))
    hi = int(np.searchsorted(cum, n // 2, side="right"))
    return (lo + hi) / 2.0


def _absorb_finding(page: Page, indicator: str, names: list[str], what: str) -> Finding:
    vals, refs = [], []
    for n in names:
        box = page.box(n, grow_mm=0.3)
        a = absorption(page, box)
        r = absorption(page, box, reference=True)
        if a is not None:
            vals.append(a)
        if r is not None:
            refs.append(r)
    region = page.box(names[0]) if len(names) == 1 else _union(page, names)
    if not vals:
        return Finding(indicator, "skip", f"no {what} ink found to test", region, page.side, "ir")
    # the upper quartile: personalisation is one technique for every field, while glare or a stain spoils a few
    s = float(np.percentile(vals, 75))
    r = float(np.percentile(refs, 75)) if refs else 1.0
    rel = s / r if r > 0.05 else s
    if rel < MIN_ABSORPTION:
        return Finding(
            indicator,
            "fail",
            f"{what} not IR-absorbent: contrast {rel:.0%} of the reference's",
            region,
            page.side,
            "ir",
        )
    return Finding(
        indicator, "pass", f"{what} absorbs in IR (contrast {rel:.0%} of the reference's)", region, page.side, "ir"
    )


def _union(page: Page, names: list[str]) -> tuple[int, int, int, int]:
    boxes = [page.box(n) for n in names]
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return x0, y0, x1 - x0, y1 - y0


def background_visibility(page: Page, *, reference: bool = False) -> float:
    """Correlation between the fine background print in visible light and the IR image over plain design areas."""
    fine = max(0.7, page.px_per_mm * 0.08)
    coarse = fine * 4
    vis = page.detail("visible", fine, coarse, reference=reference)
    ir = page.detail("ir", fine, coarse, reference=reference)
    return masked_correlation(vis, ir, page.background_mask())


def check_background(page: Page) -> Finding:
    """ir.background: the guilloche background must vanish in IR."""
    s = background_visibility(page)
    r = background_visibility(page, reference=True)
    region = (0, 0, *page.size)
    if s > max(MAX_BACKGROUND_CORRELATION, r + 0.2):
        return Finding(
            "ir.background",
            "fail",
            f"background print shows in IR (match with visible {s:.2f}, reference {r:.2f})",
            region,
            page.side,
            "ir",
        )
    return Finding(
        "ir.background",
        "pass",
        f"background IR-transparent (match with visible {s:.2f}, reference {r:.2f})",
        region,
        page.side,
        "ir",
    )


def mark_contrast(page: Page) -> float:
    """The IR mark's darkness against the paper, relative to the reference's."""
    box = page.box("ir_mark", grow_mm=0.5)
    s = page.crop("ir", box).astype(np.float32)
    r = page.crop("ir", box, reference=True).astype(np.float32)
    mark = ink_mask(page.crop("ir", box, reference=True)) > 0
    if mark.sum() < 10 or (~mark).sum() < 10:
        return 1.0
    c_ref = float(r[~mark].mean() - r[mark].mean())
    c_s = float(s[~mark].mean() - s[mark].mean())
    return c_s / c_ref if c_ref > 0 else 1.0


def check_mark(page: Page) -> Finding:
    """ir.mark: the mark printed in IR-only ink shows in IR as on the reference."""
    region = page.box("ir_mark")
    c = mark_contrast(page)
    if c < MIN_MARK_CONTRAST:
        return Finding(
            "ir.mark", "fail", f"IR mark missing: contrast {c:.0%} of the reference's", region, page.side, "ir"
        )
    return Finding("ir.mark", "pass", f"IR mark present (contrast {c:.0%} of the reference's)", region, page.side, "ir")


def ir_findings(page: Page) -> list[Finding]:
    """Every IR check of one side (empty when the side has no IR image)."""
    if "ir" not in page.images or "ir" not in page.references or "visible" not in page.images:
        return []
    out = []
    if page.has("mrz"):
        out.append(_absorb_finding(page, "ir.mrz", ["mrz"], "MRZ"))
    data = [n for n in page.layout.boxes if n.startswith("viz.")]
    if data:
        out.append(_absorb_finding(page, "ir.data", data, "personal data"))
    out.append(check_background(page))
    if page.has("ir_mark"):
        out.append(check_mark(page))
    return out
