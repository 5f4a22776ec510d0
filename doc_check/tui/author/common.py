"""What the authoring panes share: loading a sample's pictures and describing a key entry."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.markup import escape

from doc_check.errors import BadInput
from doc_check.samples import KeyEntry, Sample, load_sample

FAIL_COLOUR = (40, 40, 230)
WARN_COLOUR = (0, 190, 240)


def sample_pictures(folder: Path) -> tuple[Sample, dict[str, np.ndarray]]:
    """A sample folder and its images keyed ``side.channel`` (every side and channel, read in full)."""
    from doc_check.analysis.load import load_image

    sample = load_sample(folder)
    pictures = {}
    for key, name in sample.images.items():
        try:
            pictures[key] = load_image(folder / name)
        except BadInput:
            continue
    return sample, pictures


def truth_text(entry: KeyEntry | None) -> str:
    """The truth of a sample as Rich markup: verdict, indicators, explanation and the generator's notes."""
    if entry is None:
        return "[dim]not in the set's key.toml[/]"
    colour = "green" if entry.verdict == "genuine" else "red"
    lines = [f"[b]Truth:[/] [{colour}]{entry.verdict.replace('_', ' ')}[/]"]
    notes = ", ".join(
        f"{k.replace('_', ' ')} {v}"
        for k, v in entry.extra.items()
        if k in ("forgery", "variant", "field", "difficulty", "wear", "derived_from")
    )
    if notes:
        lines.append(f"[dim]{escape(notes)}[/]")
    if entry.indicators:
        lines.append("[b]Indicators:[/] " + escape(", ".join(entry.indicators)))
    if entry.explanation:
        lines.append(escape(entry.explanation))
    return "\n".join(lines)


def findings_rows(report) -> list[tuple[str, str, str, str]]:
    """The reader's findings as table rows (status, indicator, where, message), failing first."""
    rows = []
    if report.error:
        rows.append(("error", "", "", escape(str(report.error))))
    order = {"fail": 0, "warn": 1, "pass": 2, "skip": 3}
    for f in sorted(report.findings, key=lambda f: order.get(f.status, 9)):
        status = {"fail": "[red]fail[/]", "warn": "[yellow]warn[/]"}.get(f.status, f.status)
        rows.append((status, escape(f.indicator), escape(f"{f.side}/{f.channel}"), escape(f.message)))
    rows.append(("", f"suggests {report.verdict}", "", escape("; ".join(report.reasons))))
    return rows


def finding_boxes(report, side: str) -> list[tuple[tuple[int, int, int, int], tuple[int, int, int]]]:
    """Regions of failing and doubtful findings on one side, with their outline colours."""
    if report is None:
        return []
    return [
        (f.region, FAIL_COLOUR if f.status == "fail" else WARN_COLOUR)
        for f in report.findings
        if f.region is not None and f.side == side and f.status in ("fail", "warn")
    ]
