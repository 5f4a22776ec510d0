"""`doc-check analyze`: run the document reader on images and sample folders (thin: parse, call, present)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from doc_check.cli.progress import progress_bars

STATUS_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skip": "dim"}
VERDICT_STYLE = {
    "genuine": "bold green",
    "counterfeit": "bold red",
    "forged": "bold red",
    "pseudo": "bold magenta",
    "unknown": "bold yellow",
}


def _print_report(console, report) -> None:
    from rich.table import Table

    if report.error is not None:
        console.print(f"[bold red]{report.input}[/]: cannot analyse: {report.error}", markup=True, highlight=False)
        return
    title = f"{report.input}  ({report.document_type or 'unknown type'}, {report.seconds:.2f} s)"
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("indicator", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("where", no_wrap=True)
    table.add_column("message")
    for f in report.findings:
        where = f"{f.side}/{f.channel}"
        style = STATUS_STYLE.get(f.status, "")
        table.add_row(f.indicator, f"[{style}]{f.status}[/]", where, f.message)
    console.print(table)
    if report.mrz and report.mrz.get("lines"):
        for line in report.mrz["lines"]:
            console.print(f"  MRZ  {line}", highlight=False, markup=False)
    console.print(f"  suggested verdict: [{VERDICT_STYLE.get(report.verdict, '')}]{report.verdict}[/]")
    for reason in report.reasons:
        console.print(f"    - {reason}", highlight=False, markup=False)
    console.print()


@click.command("analyze")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document per line.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel worker processes (default: the CPU count).",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="CHECK",
    help="Run only these checks: an area (mrz, viz, doc, photo, print, uv, ir) or an indicator id or prefix. "
    "Repeatable.",
)
@click.option(
    "--max-pixels",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse images with more pixels than this (decompression bombs); default 60 million.",
)
def analyze(
    paths: tuple[Path, ...], as_json: bool, workers: int | None, only: tuple[str, ...], max_pixels: int | None
) -> None:
    """Analyse document images and sample folders: MRZ and security-feature checks, and a suggested verdict.

    A PATH is an image, a sample folder, or a folder of either. Exit 0 when every document was analysed,
    2 when any input could not be read (the batch goes on past it).
    """
    from doc_check.analysis.analyze import analyze_paths, expand_paths, validate_only

    only_set = validate_only(only) if only else None
    targets = expand_paths(paths)
    workers = workers or os.cpu_count() or 1
    console = None if as_json else _console(stderr=False)
    bad = 0
    # reports on stdout scroll above the bar only when stdout is the same terminal
    with progress_bars(not as_json and len(targets) > 1, redirect_stdout=sys.stdout.isatty()) as phase:
        progress = phase("analysing")
        for report in analyze_paths(targets, workers=workers, only=only_set, progress=progress, max_pixels=max_pixels):
            if report.error is not None:
                bad += 1
                click.echo(f"doc-check: error: {report.error}", err=True)
            if as_json:
                click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
            elif report.error is None:
                _print_report(console, report)
    if bad:
        sys.exit(2)


def _console(*, stderr: bool):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)
