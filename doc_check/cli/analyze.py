"""`doc-check analyze`: run the document reader on images and sample folders (thin: parse, call, present)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from doc_check.cli.progress import progress_bars
from doc_check.errors import BadInput

STATUS_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skip": "dim"}
VERDICT_STYLE = {
    "genuine": "bold green",
    "counterfeit": "bold red",
    "forged": "bold red",
    "stolen_blank": "bold red",
    "pseudo": "bold magenta",
    "unknown": "bold yellow",
}


def _print_report(console, report) -> None:
    """One document's findings as a table; every text from the input (file names, messages) is plain Text,
    never Rich markup (a file named `[/red]` must print as it is)."""
    from rich.table import Table
    from rich.text import Text

    title = Text(f"{report.input}  ({report.document_type or 'unknown type'}, {report.seconds:.2f} s)")
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("indicator", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("where", no_wrap=True)
    table.add_column("message")
    for f in report.findings:
        where = f"{f.side}/{f.channel}"
        table.add_row(Text(f.indicator), Text(f.status, style=STATUS_STYLE.get(f.status, "")), Text(where),
                      Text(f.message))  # fmt: skip
    console.print(table)
    if report.mrz and report.mrz.get("lines"):
        for line in report.mrz["lines"]:
            console.print(Text(f"  MRZ  {line}"))
    verdict = Text("  suggested verdict: ")
    verdict.append(str(report.verdict), style=VERDICT_STYLE.get(report.verdict, "bold"))
    console.print(verdict)
    for reason in report.reasons:
        console.print(Text(f"    - {reason}"))
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
@click.option(
    "--scheduler",
    envvar="DOC_CHECK_SCHEDULER",
    metavar="ADDRESS",
    help="Analyse on a Dask cluster: tcp://HOST:PORT of a scheduler, or local:N for N local worker processes "
    "(needs doc-check[cluster]; workers must see the inputs at the same path; --workers is then ignored). "
    "[env DOC_CHECK_SCHEDULER]",
)
def analyze(
    paths: tuple[Path, ...],
    as_json: bool,
    workers: int | None,
    only: tuple[str, ...],
    max_pixels: int | None,
    scheduler: str | None,
) -> None:
    """Analyse document images and sample folders: MRZ and security-feature checks, and a suggested verdict.

    A PATH is an image, a sample folder, or a folder of either. Exit 0 when every document was analysed,
    2 when any input could not be read (the batch goes on past it).
    """
    from doc_check.analysis.analyze import analyze_paths, expand_paths, validate_only

    only_set = validate_only(only) if only else None
    targets = expand_paths(paths)
    if not targets:
        raise BadInput(f"{', '.join(str(p) for p in paths)}: no images or sample folders to analyse")
    workers = workers or os.cpu_count() or 1
    console = None if as_json else _console(stderr=False)
    bad = 0
    # reports on stdout scroll above the bar only when stdout is the same terminal
    with progress_bars(not as_json and len(targets) > 1, redirect_stdout=sys.stdout.isatty()) as phase:
        progress = phase("analysing")
        if scheduler:
            from doc_check.cluster.analyze import analyze_paths_on_cluster

            reports = analyze_paths_on_cluster(
                targets, scheduler, only=only_set, progress=progress, max_pixels=max_pixels
            )
        else:
            reports = analyze_paths(targets, workers=workers, only=only_set, progress=progress, max_pixels=max_pixels)
        for report in reports:
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
