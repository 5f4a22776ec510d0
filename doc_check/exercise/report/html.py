"""Reports as self-contained HTML pages (inline CSS and SVG charts, no scripts), from autoescaping templates."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from doc_check.durations import minutes_seconds
from doc_check.exercise.charts import ChartsUnavailable, render_summary_charts
from doc_check.exercise.report.wording import METHOD_NAMES, calibration_word, number, outcome, verdict
from doc_check.exercise.score import IndividualReport
from doc_check.exercise.summary import SummaryReport

CSS_CLASS = {
    "satisfactory": "ok",
    "questionable": "warn",
    "unsatisfactory": "bad",
    "correct": "ok",
    "wrong_class": "warn",
    "false_alarm": "bad",
    "accepted_fraud": "bad",
    "unanswered": "warn",
}
"""The colour class of a z-score class or a sample's outcome."""


def _ids(ids: Sequence[str]) -> Markup:
    """Indicator ids for a table cell: one per line, breakable after dots."""
    return Markup("<br>").join(escape(i).replace(".", Markup(".<wbr>")) for i in ids) or Markup("—")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("doc_check.exercise.report", "templates"),
        autoescape=select_autoescape(["html.j2"]),
        keep_trailing_newline=True,
    )
    env.filters.update(
        fmt=format,
        number=number,
        verdict=verdict,
        outcome=outcome,
        outcome_class=lambda key: CSS_CLASS.get(key, ""),
        calibration_word=calibration_word,
        method_name=lambda method: METHOD_NAMES.get(method, method),
        minsec=minutes_seconds,
        ids=_ids,
    )
    return env


def individual_html(r: IndividualReport) -> str:
    """An individual report as one self-contained HTML page."""
    return _environment().get_template("individual.html.j2").render(r=r)


def summary_html(s: SummaryReport) -> str:
    """A summary report as one self-contained HTML page with inline SVG charts (when matplotlib is present)."""
    try:
        charts, charts_error = render_summary_charts(s), None
    except ChartsUnavailable as exc:
        charts, charts_error = None, str(exc)
    return (
        _environment()
        .get_template("summary.html.j2")
        .render(
            s=s,
            charts=charts,
            charts_error=charts_error,
            participants=sorted(s.participants, key=lambda p: (-p.total, p.participant)),
            confusion=list(zip(s.confusion_labels, s.confusion, strict=True)),
        )
    )
