"""Photo checks: the ghost image shows the portrait's person; background and UV overprint run on across its edge."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, band_pass, masked_correlation

GHOST_MIN_SIMILARITY = 0.45
"""Similarity of ghost and portrait (normalised grey thumbnails) below which they count as different people."""
EDGE_MIN_RATIO = 0.5
"""Agreement of the ring around the portrait with the reference, relative to the rest of the page, below which the
edge counts as broken (scans only: a photo's blur and glare make the ring too unsteady)."""
UV_PATTERN_MIN = 0.15
"""Match of the UV overprint over the portrait with the reference's below which it counts as missing."""
UV_RING_MIN = 0.3
"""Match of the UV overprint just outside the portrait above which it counts as present there."""

THUMB = (32, 40)


def _thumb(gray: np.ndarray) -> np.ndarray:
    """A small, contrast-normalised thumbnail without slow shading (glare, lighting)."""
    t = cv2.resize(gray, THUMB, interpolation=cv2.INTER_AREA).astype(np.float32)
    t = cv2.GaussianBlur(t, (0, 0), 0.8) - cv2.GaussianBlur(t, (0, 0), 6.0)
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
        return Finding(
            "photo.ghost_mismatch",
            "fail",
            f"ghost image does not match the portrait (similarity {s:.2f})",
            region,
            page.side,
            "visible",
        )
    return Finding(
        "photo.ghost_mismatch",
        "pass",
        f"ghost image matches the portrait (similarity {s:.2f})",
        region,
        page.side,
        "visible",
    )


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
    s = page.detail("visible", sigma, sigma * 6)
    r = page.detail("visible", sigma, sigma * 6, reference=True)
    c_ring = masked_correlation(s, r, ring)
    c_page = masked_correlation(s, r, page.background_mask())
    return c_ring / c_page if c_page > 0.05 else 1.0


def check_edge(page: Page) -> Finding:
    """photo.edge: the background print and the UV overprint run on unbroken across the portrait's edge."""
    region = page.box("portrait", grow_mm=2.0)
    if "uv" in page.images and "uv" in page.references and page.has("uv_portrait_pattern"):
        inner, ring = uv_pattern_measures(page)
        if ring >= UV_RING_MIN and inner < UV_PATTERN_MIN:
            return Finding(
                "photo.edge",
                "fail",
                f"UV overprint stops at the portrait's edge (match {ring:.2f} outside, {inner:.2f} inside)",
                region,
                page.side,
                "uv",
            )
    if page.capture == "scan":
        ratio = edge_ratio(page)
        if ratio < EDGE_MIN_RATIO:
            return Finding(
                "photo.edge",
                "fail",
                f"background broken around the portrait ({ratio:.0%} of the page's match)",
                region,
                page.side,
                "visible",
            )
        return Finding(
            "photo.edge",
            "pass",
            f"background continuous around the portrait ({ratio:.0%} of the page's match)",
            region,
            page.side,
            "visible",
        )
    return Finding("photo.edge", "pass", "UV overprint continuous across the portrait's edge", region, page.side, "uv")


def uv_pattern_measures(page: Page) -> tuple[float, float]:
    """Match of the sample's UV overprint with the reference's (inside the portrait, in a ring just outside it)."""
    box = page.box("uv_portrait_pattern", grow_mm=1.8)
    s = page.crop("uv", box).astype(np.float32)
    r = page.crop("uv", box, reference=True).astype(np.float32)
    sigma = max(1.0, page.px_per_mm * 0.1)
    bs = band_pass(s, sigma, sigma * 8)
    br = band_pass(r, sigma, sigma * 8)
    h, w = s.shape
    g, d = page.mm(1.8), page.mm(1.0)
    ring = np.full(s.shape, 255, np.uint8)
    ring[max(0, g - d // 3) : h - g + d // 3, max(0, g - d // 3) : w - g + d // 3] = 0
    inner = np.zeros(s.shape, np.uint8)
    inner[g + d : h - g - d, g + d : w - g - d] = 255
    return masked_correlation(bs, br, inner), masked_correlation(bs, br, ring)


def check_substitution(page: Page) -> Finding:
    """photo.substitution: the UV overprint applied over the portrait at issue is still there."""
    region = page.box("portrait")
    if "uv" not in page.images or "uv" not in page.references or not page.has("uv_portrait_pattern"):
        return Finding("photo.substitution", "skip", "no UV image of the portrait to compare", region, page.side, "uv")
    inner, _ = uv_pattern_measures(page)
    if inner < UV_PATTERN_MIN:
        return Finding(
            "photo.substitution",
            "fail",
            f"UV overprint over the portrait missing (match {inner:.2f})",
            region,
            page.side,
            "uv",
        )
    return Finding(
        "photo.substitution",
        "pass",
        f"UV overprint over the portrait intact (match {inner:.2f})",
        region,
        page.side,
        "uv",
    )


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
