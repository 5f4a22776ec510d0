"""A participant's history over rounds as a page: every round's points, percentage and z-score, and the trend
chart (inline SVG, as the summary report's charts)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import asdict

from doc_check.exercise.charts import ChartsUnavailable, render_trend_chart
from doc_check.exercise.rounds import Round

_CSS = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
    "table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.3em .8em;text-align:right}"
    "td:first-child,th:first-child{text-align:left}.satisfactory{color:#2e7d32}.questionable{color:#f9a825}"
    ".unsatisfactory{color:#c62828;font-weight:bold}"
)


def _f(x: float | None, fmt: str) -> str:
    return "" if x is None else format(x, fmt)


def history_html(participant: str, cohort: str | None, rounds: Sequence[Round]) -> str:
    """The history page of one participant (self-contained HTML; the chart left out without matplotlib)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(r.exercise_id)}</td><td>{e(r.submitted)}</td><td>{_f(r.points, '.1f')}"
        f"{'' if r.max_points is None else ' / ' + format(r.max_points, '.0f')}</td><td>{_f(r.pct, '.0f')}</td>"
        f'<td class="{e(r.z_class)}">{_f(r.z, "+.2f")}</td><td>{r.cohort_size}</td></tr>'
        for r in rounds
    )
    try:
        chart = render_trend_chart(rounds) if rounds else ""
    except ChartsUnavailable as exc:
        chart = f"<p><em>trend chart left out: {e(str(exc))}</em></p>"
    who = f"<code>{e(participant)}</code>" + (f" · cohort <code>{e(cohort)}</code>" if cohort else "")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(participant)}: rounds</title>'
        f"<style>{_CSS}</style></head><body><h1>Rounds of {who}</h1>"
        f"<h2>Trend</h2>{chart}<h2>Every round</h2><table><tr><th>exercise</th><th>submitted</th><th>points</th>"
        f"<th>%</th><th>z</th><th>cohort submitted</th></tr>{rows}</table></body></html>\n"
    )


def history_json(participant: str, cohort: str | None, rounds: Sequence[Round]) -> str:
    """The rounds as JSON."""
    return json.dumps({"participant": participant, "cohort": cohort, "rounds": [asdict(r) for r in rounds]}, indent=2)
