"""Individual and summary reports as Markdown, self-contained HTML (charts via the optional matplotlib), CSV, JSON."""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from doc_check.errors import BadInput
from doc_check.exercise.charts import ChartsUnavailable, render_summary_charts
from doc_check.exercise.fastpath import paused_gc
from doc_check.exercise.score import IndicatorScore, IndividualReport, SampleResult
from doc_check.exercise.submission import atomic_write_text
from doc_check.exercise.summary import SummaryReport

FORMATS: tuple[str, ...] = ("md", "html", "csv", "json")
"""Report formats `write_reports` knows."""
INDIVIDUAL_DIR = "individual"
"""Sub-folder of the output folder holding one report per participant."""

Progress = Callable[[int, int], None]


def parse_formats(text: str) -> tuple[str, ...]:
    """``"md,html"`` -> ("md", "html"); BadInput for unknown formats."""
    out = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise BadInput(
            f"--format {text!r}: unknown format(s) {', '.join(bad) or '(none)'} (known: {', '.join(FORMATS)})"
        )
    return out


# ---------------------------------------------------------------- JSON


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
        ind = memo.get(id(i))
        if ind is None:
            ind = memo[id(i)] = _indicator_dict(i)
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


def _json_compact(d: dict[str, Any], lists: tuple[str, ...] = ("results",)) -> str:
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


# ---------------------------------------------------------------- helpers


def _f(x: float | None, digits: int = 1) -> str:
    return "\u2013" if x is None else f"{x:.{digits}f}"


def _verdict(v: str | None) -> str:
    return "—" if v is None else v.replace("_", " ")


def _outcome(o: str) -> str:
    return {
        "correct": "correct",
        "wrong_class": "fraud, wrong class",
        "false_alarm": "false alarm (genuine rejected)",
        "accepted_fraud": "ACCEPTED FRAUD",
        "unanswered": "unanswered",
    }[o]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _secs(s: float) -> str:
    s = round(s)
    return f"{s // 60}:{s % 60:02d}"


def _calibration_word(over: float) -> str:
    if over > 0.05:
        return f"overconfident by {100 * over:.0f} points"
    if over < -0.05:
        return f"underconfident by {-100 * over:.0f} points"
    return f"well calibrated ({100 * over:+.0f} points)"


_METHOD_NAMES = {"algorithm_a": "Algorithm A", "mad": "median and scaled MAD"}


def _result_line(r: IndividualReport) -> str:
    verdict = "PASSED" if r.passed else "NOT PASSED"
    crit = ""
    if r.critical_error:
        crit = " — a fraudulent document was accepted" + (
            " (critical error: fails the exercise)" if r.critical_rule else ""
        )
    return (
        f"{r.total:.1f} / {r.max_total:.0f} points ({r.pct:.1f} %), pass mark {r.pass_mark:.0f} %: **{verdict}**{crit}"
    )


# ---------------------------------------------------------------- Markdown


def individual_markdown(r: IndividualReport) -> str:
    """An individual report as Markdown."""
    lines = [
        f"# {r.exercise_title} — individual report",
        "",
        f"- Exercise: `{r.exercise_id}` version {r.exercise_version}",
        f"- Participant: `{r.participant}`",
        f"- Started: {r.started or '—'}; submitted: {r.submitted or '—'}",
        f"- Result: {_result_line(r)}",
        f"- Verdicts correct: {r.correct} of {len(r.results)}; unanswered: {r.unanswered}",
        f"- Time: {_secs(r.seconds_total)}"
        + (f" of {_secs(r.time_limit_total)}" if r.time_limit_total else "")
        + (" — **over the time limit**" if r.time_over_total else ""),
        "",
        "## Samples",
        "",
        "| # | sample | your verdict | key | outcome | indicators found | partly | missed | not in key "
        "| confidence | time | points |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in r.results:
        ind = s.indicators
        lines.append(
            f"| {s.position} | `{s.sample_id}` | {_verdict(s.verdict)} | {_verdict(s.truth)} | {_outcome(s.outcome)} "
            f"| {', '.join(ind.matched) or '—'} | {', '.join(ind.partial) or '—'} | {', '.join(ind.missed) or '—'} "
            f"| {', '.join(ind.extra) or '—'} | {'—' if s.confidence is None else s.confidence} "
            f"| {_secs(s.seconds)}{' (over)' if s.over_time else ''} | {s.points:.1f} / {s.max_points:.0f} |"
        )
    c = r.calibration
    lines += [
        "",
        "## Confidence",
        "",
    ]
    if c.n:
        lines += [
            f"- Answers with a confidence: {c.n}; mean confidence {c.mean_confidence:.0f} %, "
            f"verdicts correct {100 * c.accuracy:.0f} % "
            f"({_calibration_word(c.overconfidence)})",
            f"- Brier score: {c.brier:.3f} (0 is perfect; always answering 50 % gives 0.250)",
        ]
    else:
        lines.append("- No confidence given.")
    lines.append(f"- Confident and wrong: {c.confident_wrong}")
    lines += ["", "## Feedback", ""]
    for s in r.results:
        mark = "✔" if s.correct else "✘"
        lines.append(
            f"**{s.position}. `{s.sample_id}`** {mark} — key: {_verdict(s.truth)}"
            + (f" ({', '.join(s.key_indicators)})" if s.key_indicators else "")
        )
        if s.explanation:
            lines.append(f": {_md_cell(s.explanation)}")
        if s.note:
            lines.append(f"  Your note: {_md_cell(s.note)}")
        lines.append("")
    return "\n".join(lines) + "\n"


def summary_markdown(s: SummaryReport) -> str:
    """A summary report as Markdown."""
    st = s.stats
    lines = [
        f"# {s.exercise_title} — summary report",
        "",
        f"- Exercise: `{s.exercise_id}` version {s.exercise_version}; participants: {s.n_participants}",
        f"- Mean {s.mean_pct:.1f} %, median {s.median_pct:.1f} %, passed {100 * s.pass_rate:.0f} %",
        f"- z-scores (ISO 13528, {_METHOD_NAMES.get(st.method, st.method)}): "
        f"assigned value x* = {_f(st.assigned, 2)} points, "
        f"robust SD s* = {_f(st.sigma, 2)} (start from {st.sigma_source})"
        + (f", {st.iterations} iterations" if st.iterations else ""),
        "- Classes: |z| <= 2 satisfactory, 2 < |z| < 3 questionable, |z| >= 3 unsatisfactory",
        "",
        "## Participants",
        "",
        "| participant | points | % | z | class | passed | critical error | correct | Brier |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in sorted(s.participants, key=lambda p: (-p.total, p.participant)):
        lines.append(
            f"| `{p.participant}` | {p.total:.1f} | {p.pct:.1f} | {_f(p.z, 2)} | {p.z_class} "
            f"| {'yes' if p.passed else 'no'} | {'yes' if p.critical_error else 'no'} | {p.correct} "
            f"| {_f(p.brier, 3)} |"
        )
    lines += [
        "",
        "## Samples",
        "",
        "| # | sample | key | share correct | detected | consensus | mean % | difficulty | key difficulty |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for x in s.samples:
        cons = "—" if x.consensus is None else f"{_verdict(x.consensus)} ({100 * x.consensus_share:.0f} %)"
        lines.append(
            f"| {x.position} | `{x.sample_id}` | {_verdict(x.truth)} | {100 * x.share_correct:.0f} % "
            f"| {100 * x.share_detected:.0f} % | {cons} | {x.mean_pct:.0f} | {x.difficulty} "
            f"| {x.key_difficulty or '—'} |"
        )
    cols = s.confusion_columns
    lines += [
        "",
        "## Confusion matrix (rows: key, columns: answers)",
        "",
        "| key \\ answer | " + " | ".join(_verdict(c) if c != "unanswered" else "unanswered" for c in cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for label, row in zip(s.confusion_labels, s.confusion, strict=True):
        lines.append(f"| {_verdict(label)} | " + " | ".join(str(v) for v in row) + " |")
    lines += [
        "",
        "## Indicators",
        "",
        "| indicator | expected | detected | parent only | rate | named wrongly |",
        "|---|---|---|---|---|---|",
    ]
    for i in s.indicators:
        lines.append(
            f"| `{i.indicator}` | {i.expected} | {i.detected} | {i.partial} | "
            f"{(f'{100 * i.rate:.0f} %') if i.expected else '—'} | {i.false_alarms} |"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- CSV


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
    rows = [_INDIVIDUAL_HEAD]
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
    part = [["participant", "total", "pct", "z", "z_class", "passed", "critical_error", "correct", "brier"]]
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
    samp = [
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
    conf = [["key", *s.confusion_columns]]
    for label, row in zip(s.confusion_labels, s.confusion, strict=True):
        conf.append([label, *row])
    ind = [["indicator", "expected", "detected", "partial", "rate", "false_alarms"]]
    for i in s.indicators:
        ind.append([i.indicator, i.expected, i.detected, i.partial, round(i.rate, 4), i.false_alarms])
    return {"participants": _csv(part), "samples": _csv(samp), "confusion": _csv(conf), "indicators": _csv(ind)}


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:84rem;color:#1b1f24;
padding:0 1rem;line-height:1.45}
h1{font-size:1.5rem;border-bottom:2px solid #1f4e79;padding-bottom:.3rem}
h2{font-size:1.15rem;margin-top:2rem;color:#1f4e79}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #c8ced6;padding:.25rem .5rem;text-align:left;vertical-align:top}
.scroll{overflow-x:auto;max-width:100%}
th{background:#eef2f6}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ok{color:#1a7f37;font-weight:600}.bad{color:#b42318;font-weight:600}.warn{color:#9a6700;font-weight:600}
.card{display:inline-block;border:1px solid #c8ced6;border-radius:6px;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0}
.card b{display:block;font-size:1.3rem}
.chart{margin:1rem 0}.chart svg{max-width:100%;height:auto}
.note{color:#57606a;font-size:.9rem}
"""

_CLASS_CSS = {
    "satisfactory": "ok",
    "questionable": "warn",
    "unsatisfactory": "bad",
    "correct": "ok",
    "wrong_class": "warn",
    "false_alarm": "bad",
    "accepted_fraud": "bad",
    "unanswered": "warn",
}


def _e(x: object) -> str:
    return html.escape(str(x))


def _ids(ids: Sequence[str]) -> str:
    """Indicator ids for a table cell: one per line, breakable after dots."""
    return "<br>".join(html.escape(i).replace(".", ".<wbr>") for i in ids) or "—"


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _table(head: list[str], rows: list[list[str]], num: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    trs = []
    for row in rows:
        tds = "".join(f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(row))
        trs.append(f"<tr>{tds}</tr>")
    return f'<div class="scroll"><table><thead><tr>{th}</tr></thead><tbody>{"".join(trs)}</tbody></table></div>'


def individual_html(r: IndividualReport) -> str:
    """An individual report as one self-contained HTML page."""
    res_cls = "ok" if r.passed else "bad"
    cards = [
        ("Score", f"{r.pct:.1f} %"),
        ("Points", f"{r.total:.1f} / {r.max_total:.0f}"),
        ("Result", f'<span class="{res_cls}">{"passed" if r.passed else "not passed"}</span>'),
        ("Correct verdicts", f"{r.correct} / {len(r.results)}"),
        ("Time", _secs(r.seconds_total) + (' <span class="bad">over</span>' if r.time_over_total else "")),
    ]
    body = [
        f"<h1>{_e(r.exercise_title)} — individual report</h1>",
        f"<p>Participant <code>{_e(r.participant)}</code> · exercise <code>{_e(r.exercise_id)}</code> "
        f"version {_e(r.exercise_version)} · started {_e(r.started or '—')} · submitted "
        f"{_e(r.submitted or '—')}</p>",
        "".join(f'<div class="card">{_e(k)}<b>{v}</b></div>' for k, v in cards),
    ]
    if r.critical_error:
        body.append(
            '<p class="bad">A fraudulent document was accepted as genuine'
            + (" — a critical error: the exercise is not passed." if r.critical_rule else ".")
            + "</p>"
        )
    body.append(f'<p class="note">Pass mark {r.pass_mark:.0f} %.</p><h2>Samples</h2>')
    rows = []
    for s in r.results:
        ind = s.indicators
        rows.append(
            [
                str(s.position),
                f"<code>{_e(s.sample_id)}</code>",
                _e(_verdict(s.verdict)),
                _e(_verdict(s.truth)),
                f'<span class="{_CLASS_CSS[s.outcome]}">{_e(_outcome(s.outcome))}</span>',
                _ids(ind.matched),
                _ids(ind.partial),
                _ids(ind.missed),
                _ids(ind.extra),
                "—" if s.confidence is None else str(s.confidence),
                _secs(s.seconds) + (' <span class="bad">over</span>' if s.over_time else ""),
                f"{s.points:.1f} / {s.max_points:.0f}",
            ]
        )
    body.append(
        _table(
            [
                "#",
                "sample",
                "your verdict",
                "key",
                "outcome",
                "found",
                "parent only",
                "missed",
                "not in key",
                "confidence",
                "time",
                "points",
            ],
            rows,
            {0, 9, 11},
        )
    )
    c = r.calibration
    body.append("<h2>Confidence</h2>")
    if c.n:
        body.append(
            f"<p>Mean confidence {c.mean_confidence:.0f} %, verdicts correct {100 * c.accuracy:.0f} % "
            f"({_calibration_word(c.overconfidence)}). Brier score {c.brier:.3f} "
            f"(0 is perfect; always answering 50 % gives 0.250). Confident and wrong: "
            f"{c.confident_wrong}.</p>"
        )
    else:
        body.append(f"<p>No confidence given. Confident and wrong: {c.confident_wrong}.</p>")
    body.append("<h2>Feedback</h2><dl>")
    for s in r.results:
        mark = '<span class="ok">✔</span>' if s.correct else '<span class="bad">✘</span>'
        body.append(
            f"<dt>{s.position}. <code>{_e(s.sample_id)}</code> {mark} key: {_e(_verdict(s.truth))}"
            + (f" ({_e(', '.join(s.key_indicators))})" if s.key_indicators else "")
            + "</dt>"
            f"<dd>{_e(s.explanation)}" + (f"<br><i>Your note:</i> {_e(s.note)}" if s.note else "") + "</dd>"
        )
    body.append("</dl>")
    return _page(f"{r.exercise_title} — {r.participant}", "\n".join(body))


def summary_html(s: SummaryReport) -> str:
    """A summary report as one self-contained HTML page with inline SVG charts (when matplotlib is present)."""
    st = s.stats
    body = [
        f"<h1>{_e(s.exercise_title)} — summary report</h1>",
        f"<p>Exercise <code>{_e(s.exercise_id)}</code> version {_e(s.exercise_version)}</p>",
        "".join(
            f'<div class="card">{k}<b>{v}</b></div>'
            for k, v in [
                ("Participants", s.n_participants),
                ("Mean", f"{s.mean_pct:.1f} %"),
                ("Median", f"{s.median_pct:.1f} %"),
                ("Passed", f"{100 * s.pass_rate:.0f} %"),
            ]
        ),
        f'<p class="note">z-scores per ISO 13528 ({_e(_METHOD_NAMES.get(st.method, st.method))}): assigned value '
        f"x* = {_f(st.assigned, 2)} points, robust SD s* = {_f(st.sigma, 2)} (start from {_e(st.sigma_source)})."
        f" |z| ≤ 2 satisfactory, 2 &lt; |z| &lt; 3 questionable, |z| ≥ 3 unsatisfactory.</p>",
    ]
    try:
        charts = render_summary_charts(s)
    except ChartsUnavailable as exc:
        charts = None
        body.append(
            f'<p class="warn">Charts need the <code>report</code> extra '
            f"(<code>pip install 'doc-check[report]'</code>, which installs matplotlib): {_e(exc)}</p>"
        )
    if charts:
        body.append("<h2>z-scores of participants</h2>" + f'<div class="chart">{charts["zscores"]}</div>')
    body.append("<h2>Participants</h2>")
    rows = []
    for p in sorted(s.participants, key=lambda p: (-p.total, p.participant)):
        rows.append(
            [
                f"<code>{_e(p.participant)}</code>",
                f"{p.total:.1f}",
                f"{p.pct:.1f}",
                _f(p.z, 2),
                f'<span class="{_CLASS_CSS.get(p.z_class, "")}">{_e(p.z_class)}</span>',
                "yes" if p.passed else "no",
                '<span class="bad">yes</span>' if p.critical_error else "no",
                str(p.correct),
                _f(p.brier, 3),
            ]
        )
    body.append(
        _table(
            ["participant", "points", "%", "z", "class", "passed", "critical error", "correct", "Brier"],
            rows,
            {1, 2, 3, 7, 8},
        )
    )
    body.append("<h2>Samples</h2>")
    if charts:
        body.append(f'<div class="chart">{charts["samples"]}</div>')
    rows = []
    for x in s.samples:
        cons = "—" if x.consensus is None else f"{_e(_verdict(x.consensus))} ({100 * x.consensus_share:.0f} %)"
        rows.append(
            [
                str(x.position),
                f"<code>{_e(x.sample_id)}</code>",
                _e(_verdict(x.truth)),
                f"{100 * x.share_correct:.0f} %",
                f"{100 * x.share_detected:.0f} %",
                cons,
                f"{x.mean_pct:.0f}",
                _e(x.difficulty),
                _e(x.key_difficulty or "—"),
            ]
        )
    body.append(
        _table(
            ["#", "sample", "key", "share correct", "detected", "consensus", "mean %", "difficulty", "key difficulty"],
            rows,
            {0, 3, 4, 6},
        )
    )
    body.append("<h2>Confusion matrix of verdicts</h2>")
    if charts:
        body.append(f'<div class="chart">{charts["confusion"]}</div>')
    rows = [
        [f"<b>{_e(_verdict(label))}</b>", *(str(v) for v in row)]
        for label, row in zip(s.confusion_labels, s.confusion, strict=True)
    ]
    body.append(
        _table(
            ["key \\ answer", *(_verdict(c) for c in s.confusion_columns)],
            rows,
            set(range(1, len(s.confusion_columns) + 1)),
        )
    )
    body.append("<h2>Indicators</h2>")
    rows = [
        [
            f"<code>{_e(i.indicator)}</code>",
            str(i.expected),
            str(i.detected),
            str(i.partial),
            f"{100 * i.rate:.0f} %" if i.expected else "—",
            str(i.false_alarms),
        ]
        for i in s.indicators
    ]
    body.append(
        _table(["indicator", "expected", "detected", "parent only", "rate", "named wrongly"], rows, {1, 2, 3, 4, 5})
    )
    return _page(f"{s.exercise_title} — summary", "\n".join(body))


# ---------------------------------------------------------------- files


def _safe_name(participant: str) -> str:
    if not participant or "/" in participant or "\\" in participant or participant.startswith("."):
        raise BadInput(f"participant code {participant!r} cannot be used as a file name")
    return participant


def individual_jsonl(reports: Sequence[IndividualReport]) -> str:
    """All individual reports as JSON Lines: one report object per line."""
    memo: dict[int, dict[str, Any]] = {}  # indicator scores are shared between reports: convert each once
    return "".join(json.dumps(individual_to_dict(r, memo), ensure_ascii=False) + "\n" for r in reports)


def write_reports(
    out_dir: str | Path,
    individual: Sequence[IndividualReport],
    summary: SummaryReport | None,
    formats: Sequence[str] = FORMATS,
    progress: Progress | None = None,
    per_participant: bool = True,
) -> list[Path]:
    """Write the reports into ``out_dir``, each file atomically: the summary (``summary.{md,html,json}``,
    ``summary_*.csv``), all individual reports in one file per machine format (``individual.jsonl``,
    ``individual.csv``) and, with ``per_participant``, one confidential report per participant
    (``individual/<participant>.{md,html}``)."""
    with paused_gc():
        return _write_reports(out_dir, individual, summary, formats, progress, per_participant)


def _write_reports(
    out_dir: str | Path,
    individual: Sequence[IndividualReport],
    summary: SummaryReport | None,
    formats: Sequence[str],
    progress: Progress | None,
    per_participant: bool,
) -> list[Path]:
    for f in formats:
        if f not in FORMATS:
            raise BadInput(f"unknown report format {f!r} (known: {', '.join(FORMATS)})")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out}: exists and is not a folder")
    names = [_safe_name(r.participant) for r in individual]
    written: list[Path] = []

    def put(path: Path, text: str) -> None:
        atomic_write_text(path, text)
        written.append(path)

    per_file = [f for f in formats if f in ("md", "html")] if per_participant else []
    total = len(individual) * len(per_file) + 1
    done = 0
    if summary is not None:
        if "json" in formats:
            put(
                out / "summary.json",
                _json_compact(summary_to_dict(summary), ("participants", "samples", "indicators", "confusion")),
            )
        if "md" in formats:
            put(out / "summary.md", summary_markdown(summary))
        if "html" in formats:
            put(out / "summary.html", summary_html(summary))
        if "csv" in formats:
            for suffix, text in summary_csv(summary).items():
                put(out / f"summary_{suffix}.csv", text)
    if "json" in formats and individual:
        put(out / "individual.jsonl", individual_jsonl(individual))
    if "csv" in formats and individual:
        put(out / "individual.csv", individual_csv(individual))
    done += 1
    if progress:
        progress(done, total)
    renderers = {"md": individual_markdown, "html": individual_html}
    step = max(1, total // 100)
    for r, name in zip(individual, names, strict=True):
        for f in per_file:
            put(out / INDIVIDUAL_DIR / f"{name}.{f}", renderers[f](r))
            done += 1
            if progress and (done % step == 0 or done == total):
                progress(done, total)
    return written
