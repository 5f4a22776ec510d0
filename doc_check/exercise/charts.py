"""Summary charts as inline SVG via matplotlib (the optional `report` extra, imported only when charts are drawn)."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from doc_check.exercise.summary import SummaryReport
from doc_check.exercise.zscore import z_class

if TYPE_CHECKING:
    from doc_check.exercise.rounds import Round

CLASS_COLOURS = {"satisfactory": "#2e7d32", "questionable": "#f9a825", "unsatisfactory": "#c62828", "n/a": "#9e9e9e"}
MAX_BARS = 400
"""Above this many participants the z-score chart draws a sorted profile instead of one bar each."""


class ChartsUnavailable(RuntimeError):
    """matplotlib is not installed (install the `report` extra)."""


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ChartsUnavailable(f"matplotlib is not installed ({exc})") from None
    return plt


def _svg(plt: Any, fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _zscore_chart(plt: Any, s: SummaryReport) -> str:
    parts = sorted((p for p in s.participants if p.z is not None), key=lambda p: (p.z, p.participant))
    z = np.array([p.z for p in parts], dtype=float)
    n = len(parts)
    width = min(12.0, max(6.0, 0.25 * n + 2)) if n <= MAX_BARS else 10.0
    fig, ax = plt.subplots(figsize=(width, 4.0))
    if n <= MAX_BARS:
        colours = [CLASS_COLOURS[z_class(v)] for v in z]
        ax.bar(np.arange(n), z, color=colours, width=0.8)
        if n <= 60:
            ax.set_xticks(np.arange(n), [p.participant for p in parts], rotation=90, fontsize=8)
        else:
            ax.set_xticks([])
        ax.set_xlabel("participants, sorted by z-score")
    else:
        x = np.arange(n)
        for cls, colour in CLASS_COLOURS.items():
            mask = np.array([z_class(v) == cls for v in z])
            if mask.any():
                ax.fill_between(x, 0, z, where=mask, color=colour, step="mid", linewidth=0)
        ax.set_xlabel(f"{n} participants, sorted by z-score")
    for y, style in ((2, "--"), (-2, "--"), (3, "-"), (-3, "-")):
        ax.axhline(y, color="#555555", linestyle=style, linewidth=0.8)
    ax.axhline(0, color="black", linewidth=0.8)
    lim = max(3.5, float(np.abs(z).max()) + 0.5) if n else 3.5
    ax.set_ylim(-lim, lim)
    ax.set_ylabel("z-score")
    ax.set_title("Robust z-scores (|z| ≤ 2 satisfactory, 2 < |z| < 3 questionable, |z| ≥ 3 unsatisfactory)", fontsize=9)
    return _svg(plt, fig)


def _confusion_chart(plt: Any, s: SummaryReport) -> str:
    m = np.array(s.confusion, dtype=float)
    keep = m.sum(axis=1) > 0
    rows = [lab for lab, k in zip(s.confusion_labels, keep, strict=True) if k]
    m = m[keep]
    cols = list(s.confusion_columns)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(1.2 * len(cols) + 2, 0.6 * len(rows) + 1.6))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(
                j,
                i,
                f"{int(m[i, j])}\n{100 * share[i, j]:.0f}%",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if share[i, j] > 0.6 else "black",
            )
    ax.set_xticks(range(len(cols)), [c.replace("_", " ") for c in cols], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [r.replace("_", " ") for r in rows])
    ax.set_xlabel("answer")
    ax.set_ylabel("key")
    ax.set_title("Verdicts: key (rows) against answers (columns)", fontsize=9)
    return _svg(plt, fig)


def _samples_chart(plt: Any, s: SummaryReport) -> str:
    n = len(s.samples)
    fig, ax = plt.subplots(figsize=(min(12.0, max(5.0, 0.5 * n + 2)), 3.5))
    x = np.arange(n)
    correct = [100 * x_.share_correct for x_ in s.samples]
    detected = [100 * x_.share_detected for x_ in s.samples]
    ax.bar(x - 0.2, correct, width=0.4, label="verdict correct", color="#1f4e79")
    ax.bar(x + 0.2, detected, width=0.4, label="fraud detected / genuine accepted", color="#7fa7d1")
    ax.set_xticks(
        x,
        [f"{x_.position}. {x_.truth.replace('_', ' ')}" for x_ in s.samples],
        fontsize=8,
        rotation=45,
        ha="right",
        rotation_mode="anchor",
    )
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of participants")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    ax.set_title("Per-sample accuracy (sample number and key verdict)", fontsize=9, pad=22)
    return _svg(plt, fig)


def render_summary_charts(s: SummaryReport) -> dict[str, str]:
    """Inline SVG of the z-score bar chart, the confusion matrix and per-sample accuracy; ChartsUnavailable
    without matplotlib."""
    plt = _pyplot()
    # a round of one participant gives degenerate axes: matplotlib's warnings about them are no news to the user
    with plt.rc_context({"svg.hashsalt": "doc-check", "svg.fonttype": "none"}), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = {
            "zscores": _zscore_chart(plt, s),
            "confusion": _confusion_chart(plt, s),
            "samples": _samples_chart(plt, s),
        }
    # Element ids must stay unique when several SVGs share one page.
    for name, svg in out.items():
        out[name] = re.sub(r'id="([^"]+)"', rf'id="{name}-\1"', svg)
        out[name] = re.sub(r"#([A-Za-z][\w.-]*)\)", rf"#{name}-\1)", out[name])
        out[name] = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{name}-\1"', out[name])
    return out


def render_trend_chart(rounds: Sequence[Round]) -> str:
    """A participant's trend over rounds as inline SVG: percentage per round (bars) and robust z-score (line,
    with the |z| = 2 and 3 limits). ChartsUnavailable without matplotlib."""
    plt = _pyplot()
    with plt.rc_context({"svg.hashsalt": "doc-check", "svg.fonttype": "none"}):
        svg = _trend_chart(plt, rounds)
    svg = re.sub(r'id="([^"]+)"', r'id="trend-\1"', svg)
    svg = re.sub(r"#([A-Za-z][\w.-]*)\)", r"#trend-\1)", svg)
    return re.sub(r'xlink:href="#([^"]+)"', r'xlink:href="#trend-\1"', svg)


def _trend_chart(plt: Any, rounds: Sequence[Round]) -> str:
    n = len(rounds)
    x = np.arange(n)
    pct = np.array([np.nan if r.pct is None else r.pct for r in rounds], dtype=float)
    z = np.array([np.nan if r.z is None else r.z for r in rounds], dtype=float)
    fig, ax = plt.subplots(figsize=(min(12.0, max(5.0, 0.9 * n + 2)), 3.6))
    ax.bar(x, np.nan_to_num(pct), color="#90caf9", width=0.6, label="% of points")
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of points")
    ax.set_xticks(x, [r.exercise_id for r in rounds], rotation=30, ha="right", fontsize=8)
    zax = ax.twinx()
    for y, style in ((2, "--"), (-2, "--"), (3, "-"), (-3, "-")):
        zax.axhline(y, color="#777777", linestyle=style, linewidth=0.7)
    zax.plot(x, z, color="#1a237e", marker="o", linewidth=1.5, label="z-score")
    for xi, zi in zip(x, z, strict=True):
        if not np.isnan(zi):
            zax.plot(xi, zi, "o", color=CLASS_COLOURS[z_class(float(zi))], markersize=8)
    lim = max(3.5, float(np.nanmax(np.abs(z))) + 0.5) if np.isfinite(z).any() else 3.5
    zax.set_ylim(-lim, lim)
    zax.set_ylabel("robust z-score")
    ax.set_title("Rounds: % of points (bars) and z-score among the cohort (line)", fontsize=9)
    return _svg(plt, fig)
