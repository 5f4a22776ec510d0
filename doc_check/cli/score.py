"""`doc-check score`: score submissions of an exercise, write individual and summary reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from doc_check.cli.progress import progress_bars
from doc_check.errors import BadInput
from doc_check.exercise.fastpath import paused_gc
from doc_check.exercise.load import load_exercise, load_exercise_key
from doc_check.exercise.report import parse_formats, summary_to_dict, write_reports
from doc_check.exercise.score import Scorer
from doc_check.exercise.submission import load_submissions
from doc_check.exercise.summary import summarize
from doc_check.exercise.zscore import METHODS


def _submission_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.glob("*.json"))
            if not found:
                raise BadInput(f"{p}: no submission files (*.json) in this folder")
            files.extend(found)
        else:
            files.append(p)
    return files


@click.command()
@click.argument("exercise_path", metavar="EXERCISE", type=click.Path(path_type=Path))
@click.argument("submissions", metavar="SUBMISSION...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--key", "key_path", type=click.Path(path_type=Path), help="The key (default: the exercise's key.toml).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="Write reports into this folder.")
@click.option(
    "--format",
    "formats",
    default="md,html,csv,json",
    show_default=True,
    help="Report formats, comma-separated: md, html, csv, json.",
)
@click.option(
    "--zscore",
    "method",
    type=click.Choice(METHODS),
    default="algorithm_a",
    show_default=True,
    help="Robust statistics for z-scores (ISO 13528).",
)
@click.option(
    "--individual/--no-individual",
    default=True,
    show_default=True,
    help="Also write one md/html report per participant into OUT/individual/.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout (no progress bar).")
@click.option(
    "--signer",
    "signers",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="When EXERCISE is a pack: the instructor's public key to trust [the user's own pack signing key].",
)
def score(
    exercise_path: Path,
    submissions: tuple[Path, ...],
    key_path: Path | None,
    out_dir: Path | None,
    formats: str,
    method: str,
    individual: bool,
    as_json: bool,
    signers: tuple[Path, ...] = (),
) -> None:
    """Score SUBMISSION files (or folders of *.json) of EXERCISE; print the round and write reports.

    EXERCISE may be an exam pack: its signature is verified, and its own key (written next to it by `doc-check
    pack`, e.g. exam.key.toml) is the default key. A submission made on another version of the exercise file is
    refused (exit 2), as is any bad file; nothing is written then."""
    from doc_check.cli.common import exercise_from_pack

    with exercise_from_pack(exercise_path, signers) as (ex_path, pack_key), paused_gc():
        # paused_gc: thousands of reports: the collector's full passes would cost more than the scoring
        if key_path is None and ex_path != exercise_path and pack_key is None:
            from doc_check.exercise.pack import pack_key_path

            raise BadInput(f"{pack_key_path(exercise_path)}: the pack's key not found (pass --key)")
        key = key_path if key_path is not None else pack_key
        _score(ex_path, submissions, key, out_dir, formats, method, individual, as_json)


def _score(
    exercise_path: Path,
    submissions: tuple[Path, ...],
    key_path: Path | None,
    out_dir: Path | None,
    formats: str,
    method: str,
    individual: bool,
    as_json: bool,
) -> None:
    fmts = parse_formats(formats)
    ex = load_exercise(exercise_path)
    key = load_exercise_key(key_path if key_path is not None else ex.folder, ex)
    files = _submission_files(submissions)
    show = sys.stderr.isatty() and not as_json
    with progress_bars(show) as phase:
        subs = load_submissions(files, phase("loading"))
        reports = Scorer(ex, key).score_many(subs, phase("scoring"))
        summary = summarize(ex, key, reports, method)
        written = write_reports(out_dir, reports, summary, fmts, phase("writing"), individual) if out_dir else []
    if as_json:
        click.echo(json.dumps(summary_to_dict(summary), indent=2, ensure_ascii=False))
        return
    st = summary.stats
    click.echo(
        f"{ex.title} ({ex.id} v{ex.version}): {summary.n_participants} participants, "
        f"mean {summary.mean_pct:.1f} %, median {summary.median_pct:.1f} %, "
        f"passed {100 * summary.pass_rate:.0f} %; x* = {st.assigned:.2f}, s* = {st.sigma:.2f} ({st.method})"
    )
    shown = sorted(summary.participants, key=lambda p: (-p.total, p.participant))
    limit = 50
    for p in shown[:limit]:
        z = "   n/a" if p.z is None else f"{p.z:+6.2f}"
        click.echo(
            f"  {p.participant:<16} {p.total:7.1f} {p.pct:6.1f} %  z {z}  {p.z_class:<14} "
            f"{'passed' if p.passed else 'not passed'}{'  CRITICAL' if p.critical_error else ''}"
        )
    if len(shown) > limit:
        click.echo(f"  ... {len(shown) - limit} more (see the reports)")
    if out_dir:
        click.echo(f"wrote {len(written)} files to {out_dir}")
