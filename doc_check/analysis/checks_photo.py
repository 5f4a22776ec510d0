"""Photo checks: the ghost image shows the portrait's person, the background and UV overprint run on across the portrait's edge."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, band_pass, masked_correlation

GHOST_MIN_SIMILARITY = 0.45
"""Similarity of ghost and portrait (normalised grey thumbnails) below which they count as different people."""
EDGE_MIN_RATIO = 0.5
"""Agreement of the ring around the portrait with the reference, relative to the rest of the page, below which the edge counts as broken."""
UV_PATTERN_MIN_RATIO = 0.4
"""The UV pattern's presence over the portrait, relative to the reference, below which the portrait counts as replaced."""

THUMB = (24, 30)


def _thumb(gray: np.ndarray) -> np.ndarray:
    t = cv2.resize(gray, THUMB, interpolation=cv2.INTER_AREA).astype(np.float32)
    t = cv2.GaussianBlur(t, (3, 3), 0)
    return (t - t.mean()) / (t.std() + 1e-6)


def ghost_similarity(page: Page, *, reference: bool = False) -> float:
    """Correlation of the ghost image with the portrait after both are shrunk to the same thumbnail."""
    p = page.crop("visible", page.box("portrait"), reference=reference)
    g = page.crop("visible", page.box("ghost"), reference=reference)
    if p.size == 0 or g.size == 0:
        return 1.0
    tp, tg = _thumb(p), _thumb(g)
    return max(masked_correlation(tp, tg), masked_correlation(tp, -tg))


def check_ghost(page: Page) -> Finding:
    """photo.ghost_mismatch: the ghost image is the same face as the portrait."""
    s = ghost_similarity(page)
    region = page.box("ghost")
    if s < GHOST_MIN_SIMILARITY:
        return Finding("photo.ghost_mismatch", "fail", f"ghost image does not match the portrait (similarity {s:.2f})", region, page.side, "visible")
    return Finding("photo.ghost_mismatch", "pass", f"ghost image matches the portrait (similarity {s:.2f})", region, page.side, "visible")


def edge_ratio(page: Page) -> float:
    """Background agreement with the reference in a ring around the portrait, relative to the page's."""
    outer = page.box("portrait", grow_mm=2.0)
    inner = page.box("portrait", grow_mm=0.3)
    w, h = page.size
    ring = np.zeros((h, w), np.uint8)
    x, y, bw, bh = outer
    ring[y : y + bh, x : x + bw] = 255
    x, y, bw, bh = inner
    ring[y : y + bh, x : x + bw] = 0
    for n in page.personal_names():
        if n not in ("portrait", "uv_portrait_pattern"):
            x, y, bw, bh = page.box(n, grow_mm=0.5)
            ring[y : y + bh, x : x + bw] = 0
    sigma = max(1.0, page.px_per_mm * 0.12)
    s = band_pass(page.gray("visible"), sigma, sigma * 6)
    r = band_pass(page.gray("visible", reference=True), sigma, sigma * 6)
    c_ring = masked_correlation(s, r, ring)
    c_page = masked_correlation(s, r, page.background_mask())
    return c_ring / c_page if c_page > 0.05 else 1.0


def check_edge(page: Page) -> Finding:
    """photo.edge: the background print runs on unbroken up to the portrait's edge."""
    ratio = edge_ratio(page)
    region = page.box("portrait", grow_mm=2.0)
    if ratio < EDGE_MIN_RATIO:
        return Finding("photo.edge", "fail", f"background broken around the portrait ({ratio:.0%} of the page's match)", region, page.side, "visible")
    return Finding("photo.edge", "pass", f"background continuous around the portrait ({ratio:.0%} of the page's match)", region, page.side, "visible")


def uv_pattern_ratio(page: Page) -> float:
    """Presence of the reference's UV pattern over the portrait in the sample (1 = as on the reference)."""
    box = page.box("uv_portrait_pattern")
    s = page.crop("uv", box).astype(np.float32)
    r = page.crop("uv", box, reference=True).astype(np.float32)
    sigma = max(1.0, page.px_per_mm * 0.1)
    bs = band_pass(s, sigma, sigma * 8)
    br = band_pass(r, sigma, sigma * 8)
    c = masked_correlation(bs, br)
    return c


def check_substitution(page: Page) -> Finding:
    """photo.substitution: the UV pattern printed over the portrait at issue is still there and continuous."""
    region = page.box("portrait")
    if "uv" not in page.images or "uv" not in page.references or not page.has("uv_portrait_pattern"):
        return Finding("photo.substitution", "skip", "no UV image of the portrait to compare", region, page.side, "uv")
    c = uv_pattern_ratio(page)
    if c < UV_PATTERN_MIN_RATIO:
        return Finding("photo.substitution", "fail", f"UV overprint over the portrait missing or broken (match {c:.2f})", region, page.side, "uv")
    return Finding("photo.substitution", "pass", f"UV overprint over the portrait intact (match {c:.2f})", region, page.side, "uv")


def photo_findings(page: Page) -> list[Finding]:
    """Every photo check of one side (sides without a portrait give none)."""
    if not page.has("portrait") or "visible" not in page.images:
        return []
    out = []
    if page.has("ghost"):
        out.append(check_ghost(page))
    out.append(check_edge(page))
    out.append(check_substitution(page))
    return out
