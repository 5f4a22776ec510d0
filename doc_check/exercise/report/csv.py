"""Reports as CSV: one row per participant and sample, and the summary's four tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from doc_check.exercise.score import IndicatorScore, IndividualReport
from doc_check.exercise.summary import SummaryReport


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(rows)
    return buf.getvalue()


_INDIVIDUAL_HEAD = [
    "participant",
    "position",
    "sample_id",
    "truth",
    "verdict",
    "outcome",
    "verdict_credit",
    "precision",
    "recall",
    "f1",
    "matched",
    "partial",
    "missed",
    "extra",
    "confidence",
    "seconds",
    "over_time",
    "confident_wrong",
    "points",
    "max_points",
]


def _indicator_cells(i: IndicatorScore) -> list[Any]:
    return [
        round(i.precision, 4),
        round(i.recall, 4),
        round(i.f1, 4),
        " ".join(i.matched),
        " ".join(i.partial),
        " ".join(i.missed),
        " ".join(i.extra),
    ]


def individual_csv(reports: Sequence[IndividualReport]) -> str:
    """One CSV row per participant and sample."""
    rows: list[list[Any]] = [_INDIVIDUAL_HEAD]
    memo: dict[int, list[Any]] = {}
    for r in reports:
        for s in r.results:
            cells = memo.get(id(s.indicators))
            if cells is None:
                cells = memo[id(s.indicators)] = _indicator_cells(s.indicators)
            rows.append(
                [
                    r.participant,
                    s.position,
                    s.sample_id,
                    s.truth,
                    s.verdict or "",
                    s.outcome,
                    s.verdict_credit,
                    *cells,
                    "" if s.confidence is None else s.confidence,
                    s.seconds,
                    int(s.over_time),
                    int(s.confident_wrong),
                    s.points,
                    s.max_points,
                ]
            )
    return _csv(rows)


def summary_csv(s: SummaryReport) -> dict[str, str]:
    """The summary as CSV tables: file suffix -> text (participants, samples, confusion, indicators)."""
    part: list[list[Any]] = [
        ["participant", "total", "pct", "z", "z_class", "passed", "critical_error", "correct", "brier"]
    ]
    for p in s.participants:
        part.append(
            [
                p.participant,
                round(p.total, 4),
                round(p.pct, 4),
                "" if p.z is None else round(p.z, 4),
                p.z_class,
                int(p.passed),
                int(p.critical_error),
                p.correct,
                "" if p.brier is None else round(p.brier, 4),
            ]
        )
    samp: list[list[Any]] = [
        [
            "position",
            "sample_id",
            "truth",
            "n",
            "answered",
            "share_correct",
            "share_detected",
            "consensus",
            "consensus_share",
            "mean_pct",
            "difficulty",
            "key_difficulty",
        ]
    ]
    for x in s.samples:
        samp.append(
            [
                x.position,
                x.sample_id,
                x.truth,
                x.n,
                x.answered,
                round(x.share_correct, 4),
                round(x.share_detected, 4),
                x.consensus or "",
                round(x.consensus_share, 4),
                round(x.mean_pct, 4),
                x.difficulty,
                x.key_difficulty or "",
            ]
        )
    conf: list[list[Any]] = [["key", *s.confusion_columns]]
    for label, row in zip(s.confusion_labels, s.confusion, strict=True):
        conf.append([label, *row])
    ind: list[list[Any]] = [["indicator", "expected", "detected", "partial", "rate", "false_alarms"]]
    for i in s.indicators:
        ind.append([i.indicator, i.expected, i.detected, i.partial, round(i.rate, 4), i.false_alarms])
    return {"participants": _csv(part), "samples": _csv(samp), "confusion": _csv(conf), "indicators": _csv(ind)}
