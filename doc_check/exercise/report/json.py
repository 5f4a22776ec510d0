"""Reports as JSON: the summary object and one object per individual report (JSON Lines)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from doc_check.exercise.score import IndicatorScore, IndividualReport, SampleResult
from doc_check.exercise.summary import SummaryReport


def _r(x: float | None) -> float | None:
    if x is None or math.isnan(x) or math.isinf(x):
        return None
    return round(x, 6)


def _indicator_dict(i: IndicatorScore) -> dict[str, Any]:
    return {
        "f1": i.f1,
        "precision": i.precision,
        "recall": i.recall,
        "matched": list(i.matched),
        "partial": list(i.partial),
        "missed": list(i.missed),
        "extra": list(i.extra),
    }


def _result_dict(s: SampleResult, memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One sample of an individual JSON report: the participant's data and its scoring. What is the same for
    every participant (the key's indicators, explanation, maximum points) is left to the key and summary."""
    i = s.indicators
    if memo is None:
        ind = _indicator_dict(i)
    else:
        cached = memo.get(id(i))
        if cached is None:
            cached = memo[id(i)] = _indicator_dict(i)
        ind = cached
    return {
        "sample_id": s.sample_id,
        "truth": s.truth,
        "verdict": s.verdict,
        "outcome": s.outcome,
        "points": s.points,
        "confidence": s.confidence,
        "seconds": s.seconds,
        "over_time": s.over_time,
        "confident_wrong": s.confident_wrong,
        "indicators": ind,
        "note": s.note,
    }


def individual_to_dict(r: IndividualReport, _memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON-ready dict of an individual report (same fields as the dataclasses, plus over_time_samples)."""
    c = r.calibration
    return {
        "format": "doc-check-individual-report/1",
        "exercise_id": r.exercise_id,
        "exercise_title": r.exercise_title,
        "exercise_version": r.exercise_version,
        "participant": r.participant,
        "started": r.started,
        "submitted": r.submitted,
        "points_per_sample": r.results[0].max_points if r.results else None,
        "results": [_result_dict(s, _memo) for s in r.results],
        "total": _r(r.total),
        "max_total": _r(r.max_total),
        "pct": _r(r.pct),
        "pass_mark": _r(r.pass_mark),
        "passed": r.passed,
        "critical_error": r.critical_error,
        "critical_rule": r.critical_rule,
        "calibration": {
            "n": c.n,
            "brier": _r(c.brier),
            "mean_confidence": _r(c.mean_confidence),
            "accuracy": _r(c.accuracy),
            "overconfidence": _r(c.overconfidence),
            "confident_wrong": c.confident_wrong,
        },
        "seconds_total": _r(r.seconds_total),
        "time_limit_total": r.time_limit_total,
        "time_over_total": r.time_over_total,
        "unanswered": r.unanswered,
        "correct": r.correct,
        "over_time_samples": list(r.over_time_samples),
    }


def summary_to_dict(s: SummaryReport) -> dict[str, Any]:
    """The JSON-ready dict of a summary report (same fields as the dataclasses, plus confusion_columns)."""
    st = s.stats
    return {
        "format": "doc-check-summary-report/1",
        "exercise_id": s.exercise_id,
        "exercise_title": s.exercise_title,
        "exercise_version": s.exercise_version,
        "n_participants": s.n_participants,
        "stats": {
            "method": st.method,
            "assigned": _r(st.assigned),
            "sigma": _r(st.sigma),
            "sigma_source": st.sigma_source,
            "n": st.n,
            "iterations": st.iterations,
        },
        "pass_rate": _r(s.pass_rate),
        "mean_pct": _r(s.mean_pct),
        "median_pct": _r(s.median_pct),
        "confusion_labels": list(s.confusion_labels),
        "confusion_columns": list(s.confusion_columns),
        "confusion": [list(row) for row in s.confusion],
        "samples": [{k: (_r(v) if isinstance(v, float) else v) for k, v in vars(x).items()} for x in s.samples],
        "indicators": [{k: (_r(v) if isinstance(v, float) else v) for k, v in vars(i).items()} for i in s.indicators],
        "participants": [
            {
                "participant": p.participant,
                "total": _r(p.total),
                "pct": _r(p.pct),
                "z": _r(p.z),
                "z_class": p.z_class,
                "passed": p.passed,
                "critical_error": p.critical_error,
                "correct": p.correct,
                "brier": _r(p.brier),
            }
            for p in s.participants
        ],
    }


def compact_json(d: dict[str, Any], lists: tuple[str, ...] = ("results",)) -> str:
    """JSON with one line per item of the named lists: readable, and written by the C encoder (indent= is not)."""
    parts = []
    for k, v in d.items():
        key = json.dumps(k)
        if k in lists and isinstance(v, list):
            items = ",\n    ".join(json.dumps(x, ensure_ascii=False) for x in v)
            parts.append(f"{key}: [\n    {items}\n  ]" if v else f"{key}: []")
        else:
            parts.append(f"{key}: {json.dumps(v, ensure_ascii=False)}")
    return "{\n  " + ",\n  ".join(parts) + "\n}\n"


def individual_jsonl(reports: Sequence[IndividualReport]) -> str:
    """All individual reports as JSON Lines: one report object per line."""
    memo: dict[int, dict[str, Any]] = {}  # indicator scores are shared between reports: convert each once
    return "".join(json.dumps(individual_to_dict(r, memo), ensure_ascii=False) + "\n" for r in reports)
