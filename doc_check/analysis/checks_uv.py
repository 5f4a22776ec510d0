"""UV checks: the paper stays dull, the UV emblem glows, security fibres are present."""

from __future__ import annotations

import cv2
import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, masked_correlation

PAPER_DELTA = 35.0
"""Grey levels the paper may be brighter than the reference's under UV before it counts as fluorescent."""
EMBLEM_MIN_CONTRAST = 0.4
"""The UV emblem's contrast, relative to the reference's, below which it counts as missing."""
EMBLEM_MIN_CORRELATION = 0.35
"""Shape agreement with the reference emblem below which the emblem counts as wrong."""
FIBRE_CHROMA = 30
"""Grey levels by which a fibre's coloured glow must exceed the surrounding paper's, in the most excited colour
channel over the least (the fibres fluoresce red, blue and green-yellow; a copy's bright paper showing between
dark print lines rises in every channel alike). Between the genuine and the copied levels (about 45-80 and
below 40 at 150-300 dpi scans) and unmoved by OpenCV 5.0 -> 5.1 (a plain brightness top-hat was not: print
edges on a colour copy's glowing paper crossed 40 grey levels 17 times on 5.0 and 45 on 5.1)."""
FIBRES_MIN_SHARE = {"scan": 0.25, "photo": 0.04}
"""Share of the reference's fibre count below which fibres count as missing (a photo's blur and noise hide many)."""


FIBRES_MIN_SEEN = 12
"""Fibres the reference must still show when seen through the sample's capture (its measured blur and chroma
resolution) for a low count to mean missing fibres rather than a capture too soft to show them."""


def _v(img: np.ndarray) -> np.ndarray:
    """Brightness as the maximum over colour channels (fluorescence is saturated colour)."""
    if img.ndim == 2:
        return img
    b, g, r = cv2.split(img)
    return cv2.max(cv2.max(b, g), r)


def paper_level(page: Page, *, reference: bool = False) -> float:
    """Median UV brightness of the plain paper (design areas without emblem, portrait or data)."""
    v = page.brightness("uv", reference=reference)
    mask = page.background_mask()
    return float(np.median(v[mask > 0])) if mask.any() else float(np.median(v))


def check_paper(page: Page) -> Finding:
    """uv.paper_bright: the paper's UV brightness against the reference's."""
    s, r = paper_level(page), paper_level(page, reference=True)
    region = (0, 0, *page.size)
    if s > r + PAPER_DELTA:
        return Finding(
            "uv.paper_bright",
            "fail",
            f"paper fluoresces: UV level {s:.0f} vs {r:.0f} on the reference{page.tone_note('uv')}",
            region,
            page.side,
            "uv",
        )
    return Finding(
        "uv.paper_bright",
        "pass",
        f"paper UV-dull: level {s:.0f} vs {r:.0f} on the reference{page.tone_note('uv')}",
        region,
        page.side,
        "uv",
    )


def emblem_measures(page: Page) -> tuple[float, float]:
    """(contrast relative to the reference, shape correlation) of the UV emblem."""
    box = page.box("uv_emblem", grow_mm=1.0)
    x, y, w, h = box
    vs = _v(page.images["uv"][y : y + h, x : x + w]).astype(np.float32)
    vr = _v(page.references["uv"][y : y + h, x : x + w]).astype(np.float32)
    blur = max(1.0, page.px_per_mm * 0.3)
    vs = cv2.GaussianBlur(vs, (0, 0), blur)
    vr = cv2.GaussianBlur(vr, (0, 0), blur)
    thr = (float(vr.max()) + float(np.median(vr))) / 2
    glow = vr > thr
    if glow.sum() < 10 or (~glow).sum() < 10:
        return 1.0, 1.0
    c_ref = float(vr[glow].mean() - vr[~glow].mean())
    c_s = float(vs[glow].mean() - vs[~glow].mean())
    return (c_s / c_ref if c_ref > 0 else 1.0), masked_correlation(vs, vr)


def check_emblem(page: Page) -> Finding:
    """uv.emblem: the UV emblem glows where and as on the reference."""
    region = page.box("uv_emblem")
    contrast, corr = emblem_measures(page)
    if contrast < EMBLEM_MIN_CONTRAST:
        return Finding(
            "uv.emblem",
            "fail",
            f"UV emblem missing: contrast {contrast:.0%} of the reference's",
            region,
            page.side,
            "uv",
        )
    if corr < EMBLEM_MIN_CORRELATION:
        return Finding(
            "uv.emblem",
            "fail",
            f"UV emblem differs from the reference (shape match {corr:.2f})",
            region,
            page.side,
            "uv",
        )
    return Finding(
        "uv.emblem",
        "pass",
        f"UV emblem present (contrast {contrast:.0%}, shape match {corr:.2f})",
        region,
        page.side,
        "uv",
    )


def count_fibres(page: Page, *, reference: bool = False) -> int:
    """Thin bright specks and strands under UV on the plain paper.

    The reference's are counted on its image seen through the sample's capture (blurred as much as the capture
    measures, its colour at the capture's chroma resolution): a softer or coarser capture loses fibres on both.
    """
    if reference:
        return page.memo(("fibres", "seen"), lambda: _count_fibres(page, reference=True, image=_as_captured(page)))
    return page.memo(("fibres",), lambda: _count_sample_fibres(page))


def _count_sample_fibres(page: Page) -> int:
    """The sample's fibres, counted on the UV image as captured and as normalised, the higher count: the tone fit
    takes out a lamp's or a glare's offset as gain and curve, which may flatten thin coloured glow that the top-hat
    would see on the raw image (offsets cancel in it), and the raw image may be too dark where the fit helps."""
    raw = page.raw_images.get("uv")
    seen = _count_fibres(page)
    return max(seen, _count_fibres(page, image=raw)) if raw is not None else seen


def _as_captured(page: Page) -> np.ndarray:
    """The reference's UV image seen through the sample's capture: at the capture's resolution, JPEG-encoded with
    the sample file's own quantisation tables and chroma subsampling (when it is a JPEG), back on the work grid,
    blurred as much more as the capture measures."""
    img = page.references["uv"]
    q = page.quality
    if q is None or img.ndim != 3:
        return img
    h, w = img.shape[:2]
    out = img
    encoding = page.encodings.get("uv")
    if encoding is not None:
        k = round(q.px_per_mm / page.px_per_mm, 2)
        tables = tuple(tuple(encoding[0][i]) for i in sorted(encoding[0]))

        def replay() -> np.ndarray:
            size = (max(8, round(w * k)), max(8, round(h * k)))
            big = cv2.resize(img, size, interpolation=cv2.INTER_LINEAR if k > 1 else cv2.INTER_AREA)
            big = _jpeg_round_trip(big, *encoding)
            return cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA if k > 1 else cv2.INTER_LINEAR)

        # the same for every sample of a set captured alike: kept with the reference
        out = page.memo(("uv_as_captured", k, hash(tables), encoding[1]), replay, reference=True)
    sigma = q.blur_mm * page.px_per_mm
    return cv2.GaussianBlur(out, (0, 0), sigma) if sigma > 0.3 else out


def _jpeg_round_trip(bgr: np.ndarray, qtables: dict, subsampling: int) -> np.ndarray:
    """``bgr`` encoded and decoded as JPEG with the given quantisation tables and subsampling (Pillow)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    rgb = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    tables = [qtables[i] for i in sorted(qtables)]
    rgb.save(buf, format="JPEG", qtables=tables, subsampling=subsampling if subsampling >= 0 else 2)
    buf.seek(0)
    with Image.open(buf) as im:
        return cv2.cvtColor(np.asarray(im.convert("RGB")), cv2.COLOR_RGB2BGR)


def fibre_signal(uv: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Coloured glow above the local paper: per-channel top-hat, most excited channel minus least.

    Parameters
    ----------
    uv : (H, W, 3) uint8 BGR image under UV light (a grey (H, W) image has no colour and gives zeros).
    px_per_mm : the image's resolution.

    Returns
    -------
    (H, W) uint8 signal in grey levels.
    """
    if uv.dtype != np.uint8:
        raise ValueError(f"fibre_signal needs a uint8 image, got {uv.dtype}")
    if uv.ndim == 2:
        return np.zeros_like(uv)
    k = round(px_per_mm * 1.5) | 1
    se = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    b, g, r = (cv2.morphologyEx(c, cv2.MORPH_TOPHAT, se) for c in cv2.split(uv))
    return cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))


def _count_fibres(page: Page, *, reference: bool = False, image: np.ndarray | None = None) -> int:
    """Thin coloured specks and strands under UV on the plain paper, counted as connected components."""
    img = image if image is not None else (page.references if reference else page.images)["uv"]
    signal = fibre_signal(img, page.px_per_mm)
    mask = (signal > FIBRE_CHROMA).astype(np.uint8) * 255
    mask = cv2.bitwise_and(mask, page.background_mask())
    _n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_area = max(3, int(page.px_per_mm**2 * 0.05))
    areas = stats[1:, cv2.CC_STAT_AREA]
    return int((areas >= min_area).sum())


def check_fibres(page: Page) -> Finding:
    """uv.fibres: fluorescent fibres in the paper, counted against the reference."""
    s, r = count_fibres(page), count_fibres(page, reference=True)
    region = (0, 0, *page.size)
    if r == 0:
        return Finding("uv.fibres", "skip", "the reference shows no fibres to compare with", region, page.side, "uv")
    if s < FIBRES_MIN_SHARE.get(page.capture, 0.04) * r:
        if r < FIBRES_MIN_SEEN:
            return Finding(
                "uv.fibres",
                "warn",
                f"few security fibres seen ({s}), but this capture would show only {r} of the reference's: "
                "too soft or coarse to decide",
                region,
                page.side,
                "uv",
            )
        if page.poor_capture:
            return Finding(
                "uv.fibres",
                "warn",
                f"few security fibres seen ({s} vs {r} on the reference), but the capture is too poor to decide: "
                + ", ".join(page.quality.problems() if page.quality else ()),
                region,
                page.side,
                "uv",
            )
        return Finding(
            "uv.fibres", "fail", f"security fibres missing: {s} found vs {r} on the reference", region, page.side, "uv"
        )
    return Finding(
        "uv.fibres", "pass", f"security fibres present: {s} found ({r} on the reference)", region, page.side, "uv"
    )


def uv_findings(page: Page) -> list[Finding]:
    """Every UV check of one side (empty when the side has no UV image)."""
    if "uv" not in page.images or "uv" not in page.references:
        return []
    out = [check_paper(page)]
    if page.has("uv_emblem"):
        out.append(check_emblem(page))
    out.append(check_fibres(page))
    return out
