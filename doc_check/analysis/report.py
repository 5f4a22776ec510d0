"""Examine one sample folder: register each side to its reference, read the MRZ, run every check family."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from doc_check.analysis.checks_ir import ir_findings
from doc_check.analysis.checks_mrz import mrz_findings, mrz_object
from doc_check.analysis.checks_photo import photo_findings
from doc_check.analysis.checks_print import print_findings
from doc_check.analysis.checks_uv import uv_findings
from doc_check.analysis.findings import Finding
from doc_check.analysis.load import load_image
from doc_check.analysis.page import Page
from doc_check.analysis.register import Registration, register
from doc_check.errors import BadInput
from doc_check.mrz import Problem
from doc_check.samples import SAMPLE_FILE, Sample, load_sample
from doc_check.specimen.layout import layout as side_layout
from doc_check.specimen.layout import mrz_side

MRZ_MARGIN_MM = 4.0
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


def register_side(
    sample: Sample, reference: Sample | None, side: str, max_pixels: int | None
) -> tuple[dict[str, np.ndarray], Page | None]:
    """Load one side's images and, with a reference, warp them onto its geometry (None without reference)."""
    originals: dict[str, np.ndarray] = {}
    for channel in sample.channels:
        if f"{side}.{channel}" in sample.images:
            originals[channel] = _load(sample.image_path(side, channel), max_pixels)
    if reference is None or "visible" not in originals or f"{side}.visible" not in reference.images:
        return originals, None
    refs: dict[str, np.ndarray] = {}
    for channel in originals:
        if f"{side}.{channel}" in reference.images:
            refs[channel] = _reference_image(reference.image_path(side, channel), max_pixels)
    reg = register(originals["visible"], refs["visible"])
    regs: dict[str, Registration] = {"visible": reg}
    warped: dict[str, np.ndarray] = {"visible": reg.warp(originals["visible"])}
    for channel, img in originals.items():
        if channel == "visible" or channel not in refs:
            continue
        # Channels of one capture are pixel-aligned: the visible registration carries over when sizes agree.
        if img.shape[:2] == originals["visible"].shape[:2]:
            regs[channel] = reg
        else:
            regs[channel] = register(img, refs[channel])
        warped[channel] = regs[channel].warp(img)
    page = Page(
        document_type=sample.document_type,
        side=side,
        layout=side_layout(sample.document_type, side),
        images=warped,
        references=refs,
        registrations=regs,
        capture=sample.capture,
    )
    return originals, page


def _to_image(f: Finding, page: Page | None) -> Finding:
    """A finding's region from reference pixels to the pixels of the image it concerns."""
    if page is None or f.region is None:
        return f
    reg = page.registrations.get(f.channel) or page.registrations.get("visible")
    if reg is None:
        return f
    return replace(f, region=reg.to_image(f.region))


def _read_mrz_on_page(page: Page | None, original: np.ndarray, today: date | None) -> tuple[Any, Any]:
    """Read the MRZ from the registered page's MRZ band (fast), else from the whole original image."""
    from doc_check.analysis.mrz_read import read_mrz

    if page is not None and page.has("mrz") and page.registrations["visible"].ok:
        x, y, w, h = page.box("mrz", grow_mm=MRZ_MARGIN_MM)
        crop = page.images["visible"][y : y + h, x : x + w]
        reading = read_mrz(crop, today=today)
        if reading is not None:
            return reading, (x, y)
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
    for side in sample.sides:
        originals, page = register_side(sample, reference, side, max_pixels)
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
            if _wants("uv", only) or _wants("photo", only):
                side_findings += uv_findings(page) if _wants("uv", only) else []
            if _wants("ir", only):
                side_findings += ir_findings(page)
            if _wants("print", only):
                side_findings += print_findings(page)
            if _wants("photo", only):
                side_findings += photo_findings(page)
        if want_mrz and side == mrz_side(sample.document_type) and "visible" in originals:
            reading, offset = _read_mrz_on_page(page, originals["visible"], today)
            span = _span_region(page, offset) if offset is not None else None
            side_mrz = mrz_findings(reading, today=today, region_of_image=offset is None, span_region=span, side=side)
            if offset is not None and reading is not None:
                ox, oy = offset
                rx, ry, rw, rh = reading.region
                zone = (rx + ox, ry + oy, rw, rh)
                side_mrz = [replace(f, region=zone) if f.region is None else f for f in side_mrz]
                side_findings += side_mrz
            else:
                findings += side_mrz  # already in the original image's pixels
            mrz = mrz_object(reading)
            if reading is None:
                analysed = False
            elif page is not None and _wants("viz", only):
                from doc_check.analysis.checks_viz import viz_findings

                side_findings += viz_findings(page, reading.result)
        findings += [_to_image(f, page) for f in side_findings]
    return mrz, findings, analysed, extra


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
