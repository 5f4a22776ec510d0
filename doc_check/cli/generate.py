"""`doc-check generate`: write a set of synthetic Utopia documents, their references and key."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from doc_check.samples import CAPTURES, DOCUMENT_TYPES
from doc_check.specimen.forgeries import FORGERY_KINDS
from doc_check.specimen.sampleset import DEFAULT_DPI, MAX_DPI, MIN_DPI, generate_set


@click.command("generate")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder of the sample set.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed and options give byte-identical files.")
@click.option("--count", default=12, show_default=True, type=click.IntRange(1, 100000), help="Number of samples.")
@click.option("--type", "types", multiple=True, type=click.Choice(DOCUMENT_TYPES), help="Document types (repeatable; default all).")
@click.option("--forgery", "forgeries", multiple=True, type=click.Choice(list(FORGERY_KINDS)),
              help="Forgery kinds or traps to use (repeatable; default all).")
@click.option("--capture", "captures", multiple=True, type=click.Choice(CAPTURES), help="Captures (repeatable; default both).")
@click.option("--genuine-share", default=0.4, show_default=True, type=click.FloatRange(0.0, 1.0),
              help="Share of genuine documents (plain, expired, worn).")
@click.option("--dpi", default=DEFAULT_DPI, show_default=True, type=click.IntRange(MIN_DPI, MAX_DPI), help="Render resolution.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
def generate(out: Path, seed: int, count: int, types: tuple[str, ...], forgeries: tuple[str, ...], captures: tuple[str, ...],
             genuine_share: float, dpi: int, as_json: bool) -> None:
    """Generate synthetic Utopia documents, forgeries and their key into OUT."""
    kwargs = dict(seed=seed, count=count, types=types or DOCUMENT_TYPES, forgeries=forgeries, captures=captures or CAPTURES,
                  genuine_share=genuine_share, dpi=dpi)
    if sys.stderr.isatty() and not as_json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("generate", total=None)
            summary = generate_set(out, progress=lambda done, total: bar.update(task, completed=done, total=total), **kwargs)
    else:
        summary = generate_set(out, **kwargs)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        verdicts = ", ".join(f"{v} {n}" for v, n in sorted(summary["verdicts"].items()))
        click.echo(f"Wrote {summary['count']} samples ({verdicts}), {len(summary['references'])} references and "
                   f"{summary['key']} to {summary['out']}")
