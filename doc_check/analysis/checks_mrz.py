"""MRZ checks: structure, check digits, field values, issuer and expiry, from the MRZ read off the image."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from doc_check.analysis.findings import Finding
from doc_check.indicators import MRZ_CHECK_FIELDS
from doc_check.mrz import MrzResult, Problem, problem_indicator

Region = tuple[int, int, int, int]
SpanRegion = Callable[[Problem], Region | None]


def read_page_mrz(image: np.ndarray, *, today: date | None = None) -> tuple[Any, dict[str, Any] | None]:
    """Read the MRZ of a document image: (the MrzReading or None, the report's ``mrz`` object or None)."""
    from doc_check.analysis.mrz_read import read_mrz_explained

    reading, search = read_mrz_explained(image, today=today)
    if reading is None:
        # no MRZ: the report says what the reader saw and why it rejected each candidate
        return None, {"found": False, "diagnostics": search.to_dict()}
    return reading, mrz_object(reading)


def mrz_object(reading: Any) -> dict[str, Any] | None:
    """The ``mrz`` object of a report: the lines read (and before repair), confidence, plus `mrz check --json` keys."""
    if reading is None:
        return None
    out = dict(reading.result.to_dict())
    out["lines"] = list(reading.lines)
    out["raw_lines"] = list(reading.raw_lines)
    confs = [c for line in reading.confidences for c in line]
    out["min_confidence"] = round(float(min(confs)), 3) if confs else None
    out["repairs"] = len(reading.changes)
    out["checks_decided"] = list(reading.checks_decided)  # fields whose reading the check digits chose
    return out


def mrz_findings(
    reading: Any,
    *,
    today: date | None = None,
    region_of_image: bool = True,
    span_region: SpanRegion | None = None,
    side: str = "front",
    expected: bool = True,
) -> list[Finding]:
    """Findings for mrz.format, mrz.check_digit.*, mrz.field, doc.issuer_unknown and doc.expired.

    ``span_region`` maps a problem (line, column, length) to a box; otherwise the MRZ zone's region is used
    (``reading.region``, in the pixels of the image read, when ``region_of_image``).
    """
    if reading is None:
        status = "warn" if expected else "skip"
        return [Finding("mrz.format", status, "no machine readable zone could be found or read", None, side, "visible")]
    result: MrzResult = reading.result
    zone = tuple(reading.region) if region_of_image and reading.region is not None else None
    by_indicator: dict[str, list[Problem]] = {}
    for problem in result.errors + result.warnings:
        ind = problem_indicator(problem)
        if ind is not None:
            by_indicator.setdefault(ind, []).append(problem)

    def region_for(problems: list[Problem]) -> Region | None:
        if span_region is not None and problems:
            r = span_region(problems[0])
            if r is not None:
                return r
        return zone

    def finding(indicator: str, ok_message: str, status_bad: str = "fail") -> Finding:
        problems = by_indicator.get(indicator)
        if problems:
            msg = "; ".join(dict.fromkeys(p.message for p in problems))
            return Finding(indicator, status_bad, msg, region_for(problems), side, "visible")
        return Finding(indicator, "pass", ok_message, zone, side, "visible")

    out = [finding("mrz.format", f"{result.format} structure correct ({len(result.lines)} lines)")]
    for field in MRZ_CHECK_FIELDS:
        ok = result.checks.get(field)
        ind = f"mrz.check_digit.{field}"
        if ok is None and ind not in by_indicator:
            continue
        out.append(finding(ind, f"check digit of {field.replace('_', ' ')} correct"))
    out.append(finding("mrz.field", "dates, sex and codes are possible values"))
    out.append(finding("doc.issuer_unknown", f"issuing state {result.issuing_state or '?'} is a Doc 9303 code"))
    expiry = result.expiry_date.isoformat() if result.expiry_date else "?"
    out.append(finding("doc.expired", f"valid until {expiry}", status_bad="warn"))
    return out
