"""Examine one sample folder: register each side to its reference, read the MRZ, run every check family."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from doc_check.analysis.capture_quality import CaptureQuality, estimate_blur, glare_share, jpeg_quality
from doc_check.analysis.checks_ir import ir_findings
from doc_check.analysis.checks_mrz import mrz_findings, mrz_object
from doc_check.analysis.checks_photo import photo_findings
from doc_check.analysis.checks_print import print_findings
from doc_check.analysis.checks_uv import uv_findings
from doc_check.analysis.findings import Finding
from doc_check.analysis.load import load_image
from doc_check.analysis.page import Page
from doc_check.analysis.register import Registration, register
from doc_check.analysis.tone import PRIOR_WEIGHT, fit_common_curve, fit_tone
from doc_check.errors import BadInput
from doc_check.mrz import Problem
from doc_check.samples import SAMPLE_FILE, Sample, load_sample
from doc_check.specimen.layout import layout as side_layout
from doc_check.specimen.layout import mrz_side

WORK_PX_PER_MM = 5.9
"""Resolution of the grid the checks run on (150 dpi, half of the usual 300): coarse checks run here, fine ones
(microprint, data fields, MRZ) on crops resampled from the full-resolution image."""
MRZ_MARGIN_MM = 4.0
MRZ_PX_PER_MM = 11.0
"""Resolution at which the MRZ band is cut out for the reader."""
"""Margin around the layout's MRZ box cut out for the MRZ reader."""

_REFERENCE_CACHE: dict[tuple[str, str, str], np.ndarray] = {}


def _reference_image(path: Path, max_pixels: int | None) -> np.ndarray:
    key = (str(path), str(path.stat().st_mtime_ns), str(max_pixels))
    if key not in _REFERENCE_CACHE:
        if len(_REFERENCE_CACHE) > 24:
            _REFERENCE_CACHE.clear()
        _REFERENCE_CACHE[key] = _load(path, max_pixels)
    return _REFERENCE_CACHE[key]


def _load(path: Path, max_pixels: int | None) -> np.ndarray:
    return load_image(path, max_pixels=max_pixels) if max_pixels else load_image(path)


def _wants(prefix: str, only: Collection[str] | None) -> bool:
    if not only:
        return True
    return any(s == prefix or s.startswith(prefix + ".") or prefix.startswith(s + ".") for s in only)


def _shrunk(image: np.ndarray, f: float) -> np.ndarray:
    return cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 0.999 else image


def _halved(image: np.ndarray, f: float) -> tuple[np.ndarray, float]:
    """Shrink by whole halvings (fast, anti-aliased) while the target factor ``f`` allows; returns the factor used."""
    q = 1.0
    while f / q <= 0.55:
        h, w = image.shape[:2]
        # an even crop halves exactly (OpenCV's fast 2x2 average; an odd side would stretch the image slightly)
        image = cv2.resize(image[: h // 2 * 2, : w // 2 * 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        q /= 2
    return image, q


def _work_reference(path: Path, max_pixels: int | None, f: float) -> np.ndarray:
    key = (str(path), "work", f"{f:.5f}")
    if key not in _REFERENCE_CACHE:
        _REFERENCE_CACHE[key] = _shrunk(_reference_image(path, max_pixels), f)
    return _REFERENCE_CACHE[key]


def register_side(
    sample: Sample,
    reference: Sample | None,
    side: str,
    max_pixels: int | None,
    *,
    channels: Collection[str] | None = None,
) -> tuple[dict[str, np.ndarray], Page | None]:
    """Load one side's images and, with a reference, warp them onto its geometry at the working scale.

    Only the ``channels`` named are decoded (all when None; visible always, registration needs it).
    Returns the original images (channel -> array) and the Page (None without a reference image).
    """
    originals: dict[str, np.ndarray] = {}
    for channel in sample.channels:
        if channels is not None and channel != "visible" and channel not in channels:
            continue
        if f"{side}.{channel}" in sample.images:
            originals[channel] = _load(sample.image_path(side, channel), max_pixels)
    if reference is None or "visible" not in originals or f"{side}.visible" not in reference.images:
        return originals, None
    lay = side_layout(sample.document_type, side)
    ref_full = _reference_image(reference.image_path(side, "visible"), max_pixels)
    f = min(1.0, WORK_PX_PER_MM * lay.width_mm / ref_full.shape[1])
    refs: dict[str, np.ndarray] = {}
    for channel in originals:
        if f"{side}.{channel}" in reference.images:
            refs[channel] = _work_reference(reference.image_path(side, channel), max_pixels, f)
    model = "similarity" if sample.capture == "scan" else "homography"
    reg_full = register(originals["visible"], ref_full, model=model)
    work_size = (refs["visible"].shape[1], refs["visible"].shape[0])
    # the image is shrunk by q before warping (anti-aliasing), so the work homography is S(f) H S(1/q)
    target = min(1.0, f * _scale_of(reg_full.homography))
    to_work = np.diag([f, f, 1.0]) @ reg_full.homography
    reg = Registration(to_work, work_size, reg_full.method, reg_full.score)
    regs: dict[str, Registration] = {}
    warped: dict[str, np.ndarray] = {}
    for channel, img in originals.items():
        if channel not in refs:
            continue
        # Channels of one capture are pixel-aligned: the visible registration carries over when sizes agree.
        if img.shape[:2] == originals["visible"].shape[:2]:
            regs[channel] = reg
            src, q = _halved(img, target)
            h = to_work @ np.diag([1 / q, 1 / q, 1.0])
        else:
            other = register(img, _reference_image(reference.image_path(side, channel), max_pixels), model=model)
            regs[channel] = Registration(np.diag([f, f, 1.0]) @ other.homography, work_size, other.method, other.score)
            h = regs[channel].homography
            src = img
        warped[channel] = cv2.warpPerspective(
            src, h, work_size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    page = Page(
        document_type=sample.document_type,
        side=side,
        layout=lay,
        images=warped,
        references=refs,
        registrations=regs,
        capture=sample.capture,
        originals=originals,
        full_references={c: _reference_image(reference.image_path(side, c), max_pixels) for c in refs},
    )
    page.encodings = {c: e for c in originals if (e := jpeg_encoding(sample.image_path(side, c))) is not None}
    if reg.ok:
        ref_px_per_mm = ref_full.shape[1] / lay.width_mm
        normalise_page(page, ref_px_per_mm / _scale_of(reg_full.homography))
    return originals, page


def jpeg_encoding(path: Path) -> tuple[dict, int] | None:
    """(quantisation tables, chroma subsampling code) of a JPEG file, read from its header; None for other files."""
    from PIL import Image, JpegImagePlugin

    try:
        with Image.open(path) as im:
            tables = getattr(im, "quantization", None)
            if im.format != "JPEG" or not tables:
                return None
            return dict(tables), int(JpegImagePlugin.get_sampling(im))
    except (OSError, ValueError):
        return None


def normalise_page(page: Page, capture_px_per_mm: float) -> None:
    """Map every channel's levels onto the reference's (a bounded per-channel gain and tone curve fitted on the
    registered paper and background print) and measure the capture's quality into ``page.quality``.

    The work images are normalised; the full-resolution originals the fine checks resample (microprint, fields,
    ink colour) are not: those measures are relative to their own crop's paper and ink.
    """
    mask = page.background_mask()
    tone: dict[str, str] = {}
    unlit = mask
    vis = page.images["visible"]
    top = vis.max(axis=2) if vis.ndim == 3 else vis
    page.clipped = cv2.dilate((top >= 252).astype(np.uint8) * 255, np.ones((3, 3), np.uint8))
    for channel in sorted(page.images, key=lambda c: c != "visible"):
        img, ref = page.images[channel], page.references.get(channel)
        if ref is None or ref.shape != img.shape:
            continue
        if channel == "uv" and img.ndim == 3:
            # fluorescence is saturated colour: one curve for its brightness (the maximum over colour channels),
            # fitted without the fibres (random on every sheet, never paired), applied to every colour channel
            fit = fit_tone(
                page.brightness("uv"), page.brightness("uv", reference=True), _without_fibres(page, unlit), prior=0.05
            )
        elif channel == "visible" and img.ndim == 3 and page.capture == "scan":
            # a flatbed lights the page evenly: one curve and three gains (a photo's light varies over the page:
            # a free curve per channel, and its colours are compared with a wider margin)
            fit = fit_common_curve(img, ref, mask)
        else:
            # IR shows little but paper and personal data (the background vanishes): few levels, a firm prior
            fit = fit_tone(img, ref, unlit, prior=0.05 if channel == "ir" else PRIOR_WEIGHT)
        tone[channel] = fit.describe()
        page.raw_images[channel] = img
        if not fit.identity:
            page.images[channel] = fit.apply_all(img)
        page._cache.clear()
        if channel == "visible" and page.capture == "photo":  # a flatbed's lid keeps glare out
            unlit = cv2.bitwise_and(mask, cv2.bitwise_not(_glare_mask(page)))
    page._cache.clear()
    gray = page.gray("visible")
    ref_gray = page.gray("visible", reference=True)
    blur_px = estimate_blur(gray, ref_gray, mask)
    page.quality = CaptureQuality(
        px_per_mm=capture_px_per_mm,
        blur_mm=blur_px / page.px_per_mm,
        glare=glare_share(gray, ref_gray, mask),
        clipped=cv2.countNonZero(cv2.bitwise_and(mask, page.clipped)) / max(1, cv2.countNonZero(mask)),
        jpeg_quality=min((jpeg_quality(e[0][0]) for e in page.encodings.values() if 0 in e[0]), default=None),
        tone=tone,
    )


def _glare_mask(page: Page) -> np.ndarray:
    """Where the normalised visible image is smoothly brighter than the reference (glare, a lamp's hot spot):
    a photo's glare lies over every channel, so the other channels' tone fits leave it out."""
    h, w = page.size[1], page.size[0]
    small = (max(8, w // 4), max(8, h // 4))  # glare is smooth: a quarter of the grid is plenty
    sigma = 3.0 * page.px_per_mm / 4

    def smooth(img: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(cv2.resize(img, small, interpolation=cv2.INTER_AREA).astype(np.float32), (0, 0), sigma)

    diff = smooth(page.gray("visible")) - smooth(page.gray("visible", reference=True))
    return cv2.resize(((diff > 6.0) * 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)


def _without_fibres(page: Page, mask: np.ndarray) -> np.ndarray:
    """``mask`` less every pixel near a UV fibre of the sample or of the reference (random on every sheet: never
    paired, they would teach the tone fit that bright maps to dark)."""
    from doc_check.analysis.checks_uv import fibre_signal

    fibres = cv2.bitwise_or(
        fibre_signal(page.images["uv"], page.px_per_mm), fibre_signal(page.references["uv"], page.px_per_mm)
    )
    near = cv2.dilate((fibres > 10).astype(np.uint8) * 255, np.ones((5, 5), np.uint8))
    return cv2.bitwise_and(mask, cv2.bitwise_not(near))


def quality_finding(page: Page) -> Finding:
    """capture.quality: resolution, blur, glare and colour of the capture; ``warn`` when too poor to decide."""
    q = page.quality
    if q is None:
        return Finding("capture.quality", "skip", "capture not measured", None, page.side, "visible")
    if q.poor:
        text = "capture too poor for fine checks: " + ", ".join(q.problems()) + f" ({q.summary()})"
        return Finding("capture.quality", "warn", text, None, page.side, "visible")
    return Finding("capture.quality", "pass", f"capture usable: {q.summary()}", None, page.side, "visible")


def _scale_of(h: np.ndarray) -> float:
    """The mean linear scale of a homography's affine part (reference pixels per image pixel)."""
    a = h[:2, :2] / h[2, 2]
    return float(np.sqrt(abs(np.linalg.det(a)))) or 1.0


def _to_image(f: Finding, page: Page | None) -> Finding:
    """A finding's region from reference pixels to the pixels of the image it concerns."""
    if page is None or f.region is None:
        return f
    reg = page.registrations.get(f.channel) or page.registrations.get("visible")
    if reg is None:
        return f
    return replace(f, region=reg.to_image(f.region))


def _confidence(reading: Any) -> float:
    """Mean per-character confidence of an MRZ reading."""
    values = [c for line in reading.confidences for c in line]
    return float(np.mean(values)) if values else 0.0


def _read_mrz_on_page(page: Page | None, original: np.ndarray, today: date | None) -> tuple[Any, Any]:
    """Read the MRZ from the page's MRZ band, warped from the original at a finer scale (fast), else from the
    whole original image. Returns the reading and, for a band, the function mapping band boxes to work pixels."""
    from doc_check.analysis.mrz_read import read_mrz

    if page is not None and page.has("mrz") and page.registrations["visible"].ok:
        x, y, w, h = page.box("mrz", grow_mm=MRZ_MARGIN_MM)
        k = MRZ_PX_PER_MM / page.px_per_mm
        band_h = np.diag([k, k, 1.0]) @ np.array([[1, 0, -x], [0, 1, -y], [0, 0, 1]], float)
        band_h = band_h @ page.registrations["visible"].homography
        band = cv2.warpPerspective(
            original, band_h, (int(w * k), int(h * k)), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
        )
        reading = read_mrz(band, today=today)
        if reading is not None and not reading.result.valid:
            # an invalid reading may be the document (tampered) or the reader: a second look at the whole image
            # decides; a valid reading there wins
            whole = read_mrz(original, today=today)
            if whole is not None and whole.result.valid and _confidence(whole) >= _confidence(reading):
                return whole, None
        if reading is not None:

            def to_work(r: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
                return (int(x + r[0] / k), int(y + r[1] / k), int(np.ceil(r[2] / k)), int(np.ceil(r[3] / k)))

            return reading, to_work
    return read_mrz(original, today=today), None


def examine_sample(
    sample: Sample,
    references: Path,
    *,
    only: Collection[str] | None = None,
    today: date | None = None,
    max_pixels: int | None = None,
) -> tuple[dict[str, Any] | None, list[Finding], bool, dict[str, Any]]:
    """Run every check on a sample: (mrz object, findings with regions in image pixels, analysed?, diagnostics)."""
    reference: Sample | None = None
    if (Path(references) / SAMPLE_FILE).is_file():
        reference = load_sample(references)
        if reference.document_type != sample.document_type:
            raise BadInput(
                f"{references}: reference is a {reference.document_type}, the sample a {sample.document_type}"
            )
    findings: list[Finding] = []
    extra: dict[str, Any] = {"registration": {}}
    mrz: dict[str, Any] | None = None
    analysed = True
    want_mrz = any(_wants(p, only) for p in ("mrz", "doc", "viz"))
    pages: list[Page] = []
    mrz_result = None
    channels = needed_channels(only)
    page_checks = any(_wants(a, only) for a in ("photo", "print", "uv", "ir", "viz"))
    for side in sample.sides:
        if not page_checks and not (want_mrz and side == mrz_side(sample.document_type)):
            continue  # nothing asked for looks at this side: do not decode it
        originals, page = register_side(sample, reference, side, max_pixels, channels=channels)
        if page is not None:
            reg = page.registrations["visible"]
            extra["registration"][side] = {"method": reg.method, "score": round(reg.score, 3)}
        side_findings: list[Finding] = []
        if page is None or not page.registrations["visible"].ok:
            analysed = False if reference is not None else analysed
            why = "no reference specimen" if reference is None else "document not found against the reference"
            for area in ("photo", "print", "uv", "ir"):
                if _wants(area, only):
                    side_findings.append(Finding(f"{area}.{_FIRST[area]}", "skip", why, None, side, "visible"))
        else:
            if _wants("capture", only):
                side_findings.append(quality_finding(page))
            if _wants("uv", only) or _wants("photo", only):
                side_findings += uv_findings(page) if _wants("uv", only) else []
            if _wants("ir", only):
                side_findings += ir_findings(page)
            if _wants("print", only):
                side_findings += print_findings(page)
            if _wants("photo", only):
                side_findings += photo_findings(page)
        if want_mrz and side == mrz_side(sample.document_type) and "visible" in originals:
            reading, to_work = _read_mrz_on_page(page, originals["visible"], today)
            offset = to_work
            span = _span_region(page, offset) if offset is not None else None
            side_mrz = mrz_findings(reading, today=today, region_of_image=offset is None, span_region=span, side=side)
            if to_work is not None and reading is not None:
                zone = to_work(tuple(reading.region))
                side_mrz = [replace(f, region=zone) if f.region is None else f for f in side_mrz]
                side_findings += side_mrz
            else:
                findings += side_mrz  # already in the original image's pixels
            mrz = mrz_object(reading)
            if reading is None:
                analysed = False
            else:
                mrz_result = reading.result
        findings += [_to_image(f, page) for f in side_findings]
        if page is not None and page.registrations["visible"].ok:
            pages.append(page)
    if mrz_result is not None and _wants("viz", only):
        # the data page may be another side than the MRZ's (an ID card's front)
        from doc_check.analysis.checks_viz import viz_findings

        for page in pages:
            findings += [_to_image(f, page) for f in viz_findings(page, mrz_result)]
    return mrz, findings, analysed, extra


def needed_channels(only: Collection[str] | None) -> frozenset[str] | None:
    """The capture channels the selected checks look at (None: all of them, as for a full run)."""
    if not only:
        return None
    out = {"visible"}
    if any(_wants(a, only) for a in ("uv", "photo", "print")):
        out.add("uv")  # the photo and print checks also look at the UV overprint and paper
    if _wants("ir", only):
        out.add("ir")
    return frozenset(out)


_FIRST = {"photo": "substitution", "print": "background", "uv": "paper_bright", "ir": "background"}


def _span_region(page: Page | None, offset: tuple[int, int] | None):
    """A function mapping an MRZ problem (line, column, length) to its characters' box in reference pixels."""
    if page is None or offset is None or not page.has("mrz"):
        return None
    cells = page.layout.mrz_char_boxes_mm()
    s = page.px_per_mm

    def span(problem: Problem):
        line = problem.line - 1
        if not (0 <= line < len(cells)) or problem.column < 1:
            return None
        row = cells[line]
        first = min(problem.column - 1, len(row) - 1)
        last = min(first + max(1, problem.length) - 1, len(row) - 1)
        a, b = row[first], row[last]
        return (int(a.x * s), int(a.y * s), int((b.x + b.w - a.x) * s) + 1, int(a.h * s) + 1)

    return span
