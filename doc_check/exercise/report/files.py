"""Writing a round's reports into a folder: which files, in which formats, each written atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from doc_check.atomic import atomic_write_text
from doc_check.errors import BadInput
from doc_check.exercise.fastpath import paused_gc
from doc_check.exercise.report.csv import individual_csv, summary_csv
from doc_check.exercise.report.html import individual_html, summary_html
from doc_check.exercise.report.json import compact_json, individual_jsonl, summary_to_dict
from doc_check.exercise.report.markdown import individual_markdown, summary_markdown
from doc_check.exercise.score import IndividualReport
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


def _safe_name(participant: str) -> str:
    if not participant or "/" in participant or "\\" in participant or participant.startswith("."):
        raise BadInput(f"participant code {participant!r} cannot be used as a file name")
    return participant


def write_reports(
    out_dir: str | Path,
    individual: Sequence[IndividualReport],
    summary: SummaryReport | None,
    formats: Sequence[str] = FORMATS,
    progress: Progress | None = None,
    per_participant: bool = True,
) -> list[Path]:
    """Write the reports into ``out_dir``, the whole set staged in a temporary folder next to it and then moved
    into place (nothing half-written; an unwritable target is BadInput): the summary (``summary.{md,html,json}``,
    ``summary_*.csv``), all individual reports in one file per machine format (``individual.jsonl``,
    ``individual.csv``) and, with ``per_participant``, one confidential report per participant
    (``individual/<participant>.{md,html}``)."""
    for f in formats:
        if f not in FORMATS:
            raise BadInput(f"unknown report format {f!r} (known: {', '.join(FORMATS)})")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out}: exists and is not a folder")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise BadInput(f"{out}: folder not writable; nothing written")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as exc:
        raise BadInput(f"{out}: cannot write reports here ({exc.strerror or exc}); nothing written") from None
    try:
        with paused_gc():
            staged = _write_reports(stage, individual, summary, formats, progress, per_participant)
        return _move_into_place(stage, out, [p.relative_to(stage) for p in staged])
    except OSError as exc:
        raise BadInput(f"{out}: cannot write reports ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _move_into_place(stage: Path, out: Path, files: list[Path]) -> list[Path]:
    """Move a complete report set from ``stage`` to ``out``: the folder itself when new, else file by file
    (each an atomic replace) after checking that no target is in the way."""
    if not out.exists():
        stage.chmod(0o777 & ~_process_umask())
        stage.rename(out)
        return [out / f for f in files]
    for f in files:
        target = out / f
        for parent in target.parents:
            if parent == out:
                break
            if parent.exists() and not parent.is_dir():
                raise BadInput(f"{parent}: exists and is not a folder; nothing written")
        if target.is_dir():
            raise BadInput(f"{target}: is a folder; nothing written")
    for f in files:
        (out / f).parent.mkdir(parents=True, exist_ok=True)
        (stage / f).replace(out / f)
    return [out / f for f in files]


def _process_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_reports(
    out_dir: str | Path,
    individual: Sequence[IndividualReport],
    summary: SummaryReport | None,
    formats: Sequence[str],
    progress: Progress | None,
    per_participant: bool,
) -> list[Path]:
    out = Path(out_dir)
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
                compact_json(summary_to_dict(summary), ("participants", "samples", "indicators", "confusion")),
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
