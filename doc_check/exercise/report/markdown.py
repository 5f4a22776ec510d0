"""Reports as Markdown: the individual report to hand out and the round's summary."""

from __future__ import annotations

import html

from doc_check.durations import minutes_seconds
from doc_check.exercise.report.wording import METHOD_NAMES, calibration_word, number, outcome, verdict
from doc_check.exercise.score import IndividualReport
from doc_check.exercise.summary import SummaryReport


def _md_cell(text: str) -> str:
    """Free text (notes, explanations, titles) for Markdown: one line, table-safe, and no raw HTML (a note's
    `<script>` would run in a Markdown viewer that renders HTML)."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


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


def individual_markdown(r: IndividualReport) -> str:
    """An individual report as Markdown."""
    lines = [
        f"# {_md_cell(r.exercise_title)} — individual report",
        "",
        f"- Exercise: `{r.exercise_id}` version {r.exercise_version}",
        f"- Participant: `{r.participant}`",
        f"- Started: {r.started or '—'}; submitted: {r.submitted or '—'}",
        f"- Result: {_result_line(r)}",
        f"- Verdicts correct: {r.correct} of {len(r.results)}; unanswered: {r.unanswered}",
        f"- Time: {minutes_seconds(r.seconds_total)}"
        + (f" of {minutes_seconds(r.time_limit_total)}" if r.time_limit_total else "")
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
            f"| {s.position} | `{s.sample_id}` | {verdict(s.verdict)} | {verdict(s.truth)} | {outcome(s.outcome)} "
            f"| {', '.join(ind.matched) or '—'} | {', '.join(ind.partial) or '—'} | {', '.join(ind.missed) or '—'} "
            f"| {', '.join(ind.extra) or '—'} | {'—' if s.confidence is None else s.confidence} "
            f"| {minutes_seconds(s.seconds)}{' (over)' if s.over_time else ''} | {s.points:.1f} / {s.max_points:.0f} |"
        )
    c = r.calibration
    lines += [
        "",
        "## Confidence",
        "",
    ]
    if c.n and c.accuracy is not None and c.overconfidence is not None:
        lines += [
            f"- Answers with a confidence: {c.n}; mean confidence {c.mean_confidence:.0f} %, "
            f"verdicts correct {100 * c.accuracy:.0f} % "
            f"({calibration_word(c.overconfidence)})",
            f"- Brier score: {c.brier:.3f} (0 is perfect; always answering 50 % gives 0.250)",
        ]
    else:
        lines.append("- No confidence given.")
    lines.append(f"- Confident and wrong: {c.confident_wrong}")
    lines += ["", "## Feedback", ""]
    for s in r.results:
        mark = "✔" if s.correct else "✘"
        lines.append(
            f"**{s.position}. `{s.sample_id}`** {mark} — key: {verdict(s.truth)}"
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
        f"# {_md_cell(s.exercise_title)} — summary report",
        "",
        f"- Exercise: `{s.exercise_id}` version {s.exercise_version}; participants: {s.n_participants}",
        f"- Mean {s.mean_pct:.1f} %, median {s.median_pct:.1f} %, passed {100 * s.pass_rate:.0f} %",
        f"- z-scores (ISO 13528, {METHOD_NAMES.get(st.method, st.method)}): "
        f"assigned value x* = {number(st.assigned, 2)} points, "
        f"robust SD s* = {number(st.sigma, 2)} (start from {st.sigma_source})"
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
            f"| `{p.participant}` | {p.total:.1f} | {p.pct:.1f} | {number(p.z, 2)} | {p.z_class} "
            f"| {'yes' if p.passed else 'no'} | {'yes' if p.critical_error else 'no'} | {p.correct} "
            f"| {number(p.brier, 3)} |"
        )
    lines += [
        "",
        "## Samples",
        "",
        "| # | sample | key | share correct | detected | consensus | mean % | difficulty | key difficulty |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for x in s.samples:
        cons = "—" if x.consensus is None else f"{verdict(x.consensus)} ({100 * x.consensus_share:.0f} %)"
        lines.append(
            f"| {x.position} | `{x.sample_id}` | {verdict(x.truth)} | {100 * x.share_correct:.0f} % "
            f"| {100 * x.share_detected:.0f} % | {cons} | {x.mean_pct:.0f} | {x.difficulty} "
            f"| {x.key_difficulty or '—'} |"
        )
    cols = s.confusion_columns
    lines += [
        "",
        "## Confusion matrix (rows: key, columns: answers)",
        "",
        "| key \\ answer | " + " | ".join(verdict(c) if c != "unanswered" else "unanswered" for c in cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for label, row in zip(s.confusion_labels, s.confusion, strict=True):
        lines.append(f"| {verdict(label)} | " + " | ".join(str(v) for v in row) + " |")
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
