"""Print checks against the reference: microprint sharpness, background print, font and position of each data field, erasure."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, band_pass, ink_mask, masked_correlation

MICROPRINT_MIN_RATIO = 0.45
"""Microprint detail (relative to the reference, normalised by the page's overall detail) below which it counts as blurred."""
BACKGROUND_MIN_CORRELATION = {"scan": 0.45, "photo": 0.25}
"""Agreement of the background print with the reference below which it counts as different."""
BACKGROUND_MAX_COLOUR = 18.0
"""Mean colour distance (Lab) of the background from the reference above which it counts as different."""
ALIGN_MAX_MM = 0.7
"""How far (mm) a field's text may start away from the reference's before it counts as misplaced."""
HEIGHT_MAX_RATIO = 0.14
"""Relative difference of text height to the reference's above which the size counts as wrong."""
STROKE_MAX_RATIO = 0.3
"""Relative difference of stroke width to the reference's above which the face counts as wrong."""
ERASURE_MIN_DETAIL = 0.45
"""Background detail left around a field, relative to the reference, below which it counts as erased."""


def detail(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Fine detail energy: variance of the Laplacian (over ``mask`` when given)."""
    lap = cv2.Laplacian(gray.astype(np.float32), cv2.CV_32F, ksize=3)
    return float(lap[mask > 0].var()) if mask is not None and mask.any() else float(lap.var())


def microprint_ratio(page: Page) -> float:
    """Microprint detail relative to the reference's, divided by the same ratio over the plain background."""
    box = page.box("microprint", grow_mm=0.2)
    s = detail(page.crop("visible", box))
    r = detail(page.crop("visible", box, reference=True))
    bg = page.background_mask()
    s_bg = detail(page.gray("visible"), bg)
    r_bg = detail(page.gray("visible", reference=True), bg)
    ctrl = min(1.0, s_bg / r_bg) if r_bg > 0 else 1.0
    return (s / r) / ctrl if r > 0 and ctrl > 0 else 1.0


def check_microprint(page: Page) -> Finding:
    """print.microprint: the microprint line is as sharp as on the reference."""
    region = page.box("microprint")
    ratio = microprint_ratio(page)
    if ratio < MICROPRINT_MIN_RATIO:
        return Finding("print.microprint", "fail", f"microprint blurred: detail {ratio:.0%} of the reference's", region, page.side, "visible")
    return Finding("print.microprint", "pass", f"microprint sharp (detail {ratio:.0%} of the reference's)", region, page.side, "visible")


def background_measures(page: Page) -> tuple[float, float]:
    """(pattern correlation with the reference, mean Lab colour distance) over the plain background."""
    mask = page.background_mask()
    sigma = max(1.0, page.px_per_mm * 0.12)
    s = cv2.GaussianBlur(page.gray("visible").astype(np.float32), (0, 0), sigma)
    r = cv2.GaussianBlur(page.gray("visible", reference=True).astype(np.float32), (0, 0), sigma)
    corr = masked_correlation(s - cv2.GaussianBlur(s, (0, 0), sigma * 6), r - cv2.GaussianBlur(r, (0, 0), sigma * 6), mask)
    sel = mask > 0
    lab_s = cv2.cvtColor(page.images["visible"], cv2.COLOR_BGR2LAB).reshape(-1, 3)[sel.ravel()].astype(np.float32)
    lab_r = cv2.cvtColor(page.references["visible"], cv2.COLOR_BGR2LAB).reshape(-1, 3)[sel.ravel()].astype(np.float32)
    colour = float(np.linalg.norm(lab_s.mean(axis=0) - lab_r.mean(axis=0)))
    return corr, colour


def check_background(page: Page) -> Finding:
    """print.background: guilloche and rainbow print match the reference in pattern and colour."""
    corr, colour = background_measures(page)
    region = (0, 0, *page.size)
    limit = BACKGROUND_MIN_CORRELATION.get(page.capture, 0.3)
    if corr < limit:
        return Finding("print.background", "fail", f"background print differs from the reference (pattern match {corr:.2f})", region, page.side, "visible")
    if colour > BACKGROUND_MAX_COLOUR:
        return Finding("print.background", "fail", f"background colours differ from the reference (distance {colour:.0f})", region, page.side, "visible")
    return Finding("print.background", "pass", f"background print matches the reference (pattern {corr:.2f}, colour distance {colour:.0f})", region, page.side, "visible")


def text_geometry(gray: np.ndarray, px_per_mm: float) -> tuple[float, float, float, float] | None:
    """(left, top, bottom, stroke width) in pixels of the dark text in a field crop, or None when empty."""
    if gray.size == 0:
        return None
    ink = ink_mask(gray)
    if float(np.median(gray)) - float(gray.min()) < 40:
        return None
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    min_h = 0.8 * px_per_mm
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= min_h]
    if not keep:
        return None
    xs = [stats[i, cv2.CC_STAT_LEFT] for i in keep]
    tops = [stats[i, cv2.CC_STAT_TOP] for i in keep]
    bottoms = [stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in keep]
    sel = np.isin(labels, keep).astype(np.uint8)
    dist = cv2.distanceTransform(sel, cv2.DIST_L2, 3)
    ridge = dist[(dist > 0) & (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8)))]
    stroke = float(np.median(ridge)) * 2 if ridge.size else 0.0
    return float(min(xs)), float(np.median(tops)), float(np.median(bottoms)), stroke


def field_geometry_findings(page: Page) -> list[Finding]:
    """print.alignment and print.font: each data field's position, height and stroke against the reference's."""
    out_align: list[tuple[str, str, tuple]] = []
    out_font: list[tuple[str, str, tuple]] = []
    checked = 0
    s_mm = page.px_per_mm
    for name in [n for n in page.layout.boxes if n.startswith("viz.")]:
        box = page.box(name, grow_mm=1.0)
        gs = text_geometry(page.crop("visible", box), s_mm)
        gr = text_geometry(page.crop("visible", box, reference=True), s_mm)
        if gs is None or gr is None:
            continue
        checked += 1
        field = name.split(".", 1)[1]
        dx = (gs[0] - gr[0]) / s_mm
        dy = ((gs[1] + gs[2]) - (gr[1] + gr[2])) / 2 / s_mm
        if abs(dx) > ALIGN_MAX_MM or abs(dy) > ALIGN_MAX_MM:
            out_align.append((field, f"{field} moved {dx:+.1f} mm, {dy:+.1f} mm", page.box(name)))
        hs, hr = gs[2] - gs[1], gr[2] - gr[1]
        if hr > 0 and abs(hs / hr - 1) > HEIGHT_MAX_RATIO:
            out_font.append((field, f"{field} text height {hs / hr:.0%} of the reference's", page.box(name)))
        elif gr[3] > 0 and abs(gs[3] / gr[3] - 1) > STROKE_MAX_RATIO:
            out_font.append((field, f"{field} strokes {gs[3] / gr[3]:.0%} as wide as the reference's", page.box(name)))
    side = page.side
    if not checked:
        return [
            Finding("print.alignment", "skip", "no data field could be measured", None, side, "visible"),
            Finding("print.font", "skip", "no data field could be measured", None, side, "visible"),
        ]
    findings = []
    for indicator, bad, ok in (("print.alignment", out_align, "in place"), ("print.font", out_font, "in the reference's face and size")):
        if bad:
            findings += [Finding(indicator, "fail", msg, region, side, "visible") for _, msg, region in bad]
        else:
            findings.append(Finding(indicator, "pass", f"all {checked} measured data fields {ok}", None, side, "visible"))
    return findings


def erasure_findings(page: Page) -> list[Finding]:
    """print.erasure: the background print around each data field is intact (not washed or scraped away)."""
    bad = []
    checked = 0
    fine = max(0.7, page.px_per_mm * 0.08)
    for name in [n for n in page.layout.boxes if n.startswith("viz.")]:
        box = page.box(name, grow_mm=1.2)
        inner = page.box(name, grow_mm=0.2)
        gs = page.crop("visible", box)
        gr = page.crop("visible", box, reference=True)
        if gs.size == 0:
            continue
        mask = np.full(gs.shape, 255, np.uint8)
        ix, iy = inner[0] - box[0], inner[1] - box[1]
        mask[max(0, iy) : iy + inner[3], max(0, ix) : ix + inner[2]] = 0
        if (mask > 0).sum() < 50:
            continue
        ds = float(np.abs(band_pass(gs, fine, fine * 4))[mask > 0].mean())
        dr = float(np.abs(band_pass(gr, fine, fine * 4))[mask > 0].mean())
        if dr < 1.0:
            continue
        checked += 1
        ratio = ds / dr
        if ratio < ERASURE_MIN_DETAIL:
            field = name.split(".", 1)[1]
            bad.append(Finding("print.erasure", "fail", f"background print washed out around {field} ({ratio:.0%} of the reference's detail)", page.box(name), page.side, "visible"))
    if bad:
        return bad
    if not checked:
        return [Finding("print.erasure", "skip", "no field surroundings could be measured", None, page.side, "visible")]
    return [Finding("print.erasure", "pass", f"background intact around all {checked} data fields", None, page.side, "visible")]


def print_findings(page: Page) -> list[Finding]:
    """Every print check of one side (visible light)."""
    if "visible" not in page.images or "visible" not in page.references:
        return []
    out = []
    if page.has("microprint"):
        out.append(check_microprint(page))
    out.append(check_background(page))
    out += field_geometry_findings(page)
    out += erasure_findings(page)
    return out
