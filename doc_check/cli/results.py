"""`doc-check results`: the live table of a class (participants, progress, scores, z-scores) and its summary report."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from doc_check.durations import minutes_seconds
from doc_check.errors import BadInput
from doc_check.exercise import load_exercise_key
from doc_check.exercise.live import ClassResults, class_results, exercise_ids
from doc_check.exercise.model import Exercise, ExerciseKey
from doc_check.samples import KEY_FILE
from doc_check.store import Store, default_db_spec, is_postgres_url

Z_STYLE = {"satisfactory": "green", "questionable": "yellow", "unsatisfactory": "bold red", "n/a": "dim"}


def _find_exercise(spec: str) -> tuple[str, Exercise | None, ExerciseKey | None]:
    """The exercise id to look up, and the exercise and key when ``spec`` names an exercise on disk."""
    from doc_check.cli.common import builtin_exercises_dir, resolve_exercise

    try:
        exercise = resolve_exercise(spec, builtin_exercises_dir())
    except BadInput:
        if Path(spec).exists():
            raise
        return spec, None, None  # an id only known to the database: stored scores are shown
    key_path = exercise.folder / KEY_FILE
    key = load_exercise_key(key_path, exercise) if key_path.is_file() else None
    return exercise.id, exercise, key


def _open_for_reading(db: str | None) -> Store:
    """The database, read-only when the file or its folder cannot be written (results never need to write)."""
    spec = db or default_db_spec()
    if is_postgres_url(str(spec)):
        return Store(spec)
    path = Path(spec).expanduser()
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return Store(path, read_only=not writable)


def _write_histories(store: Store, folder: Path, participants: list[str]) -> list[Path]:
    """Each reported participant's rounds page with the trend chart (`history/<code>.html`)."""
    from doc_check.exercise.history_report import history_html
    from doc_check.exercise.rounds import participant_rounds
    from doc_check.store import write_text_atomic

    out = []
    for code in sorted(set(participants)):
        who = store.participant(code)
        path = folder / f"{code}.html"
        try:
            write_text_atomic(path, history_html(code, who.cohort if who else None, participant_rounds(store, code)))
        except OSError as exc:
            raise BadInput(f"{path}: cannot write: {exc.strerror}") from None
        out.append(path)
    return out


def _idle(updated: str, now: datetime | None = None) -> str:
    """``idle 3m`` when the last change is a minute or more ago, else empty."""
    try:
        then = datetime.fromisoformat(updated)
    except ValueError:
        return ""
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    minutes = int(((now or datetime.now(UTC)) - then).total_seconds() // 60)
    return f"idle {minutes}m" if minutes >= 1 else ""


def render_table(res: ClassResults, title: str = "") -> Table:
    """The rich table of one exercise's class results."""
    max_points = next((r.max_score for r in res.rows if r.max_score), None)
    out_of = f", points out of {max_points:.0f}" if max_points else ""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title=Text(title or f"{res.exercise_id}: {len(res.rows)} participants, {res.submitted} submitted{out_of}"),
        title_justify="left",
    )
    for name, right in (
        ("participant", False),
        ("state", False),
        ("answered", True),
        ("time", True),
        ("now on", False),
        ("points", True),
        ("%", True),
        ("pass", False),
        ("z", True),
    ):
        table.add_column(name, justify="right" if right else "left", min_width=len(name))
    for r in res.rows:
        bar_len = 5
        filled = round(bar_len * r.answered / r.total) if r.total else 0
        progress = Text(f"{r.answered}/{r.total} ") + Text("█" * filled, "cyan") + Text("░" * (bar_len - filled), "dim")
        progress.no_wrap = True
        idle = _idle(r.updated) if r.state != "submitted" else ""
        state = (
            Text("submitted", "green")
            if r.state == "submitted"
            else (Text(idle, "yellow") if idle else Text("working", "cyan"))
        )
        if r.problem:
            state = Text("unscored", "red")
        table.add_row(
            Text(r.participant),  # never markup: ids and codes come from the database
            state,
            progress,
            minutes_seconds(r.seconds),
            Text("" if r.state == "submitted" else (r.current_sample or "")),
            "" if r.score is None else f"{r.score:.1f}",
            "" if r.pct is None else f"{r.pct:.0f}",
            "" if r.passed is None else ("yes" if r.passed else Text("no", "red")),
            "" if r.z is None else Text(f"{r.z:+.2f}", Z_STYLE.get(r.z_class, "")),
        )
    if res.stats is not None and res.stats.n >= 2:
        table.caption = (
            f"z: green |z|<=2, yellow <3, red >=3; assigned value {res.stats.assigned:.2f} points, "
            f"robust SD {res.stats.sigma:.2f} ({res.stats.method}); "
            + ("rescored with the key" if res.scored_with_key else "scores stored at submission")
        )
    return table


def _to_json(res: ClassResults) -> dict:
    return {
        "exercise_id": res.exercise_id,
        "participants": [
            {
                k: getattr(r, k)
                for k in (
                    "participant",
                    "state",
                    "answered",
                    "total",
                    "seconds",
                    "current_sample",
                    "score",
                    "max_score",
                    "pct",
                    "passed",
                    "z",
                    "z_class",
                    "updated",
                    "problem",
                )
            }
            for r in res.rows
        ],
        "assigned": None if res.stats is None else res.stats.assigned,
        "sigma": None if res.stats is None else res.stats.sigma,
        "scored_with_key": res.scored_with_key,
    }


@click.command("results")
@click.option(
    "--exercise",
    "-e",
    "spec",
    metavar="ID|PATH",
    help="The exercise (id or folder); its key, when present, rescores submissions. Default: every "
    "exercise in the database.",
)
@click.option(
    "--db",
    help="SQLite file or postgresql:// URL [$DOC_CHECK_DB or $XDG_DATA_HOME/doc-check/doc-check.sqlite].",
)
@click.option("--cohort", help="Only this cohort's participants (z-scores among them).")
@click.option("--watch", is_flag=True, help="Keep the table live, refreshing until Ctrl+C.")
@click.option(
    "--interval",
    type=click.FloatRange(0.2, 3600),
    default=2.0,
    show_default=True,
    help="Seconds between refreshes with --watch.",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the summary and individual reports (md, html, csv, json) of the submitted "
    "attempts into this folder, and each participant's rounds with a trend chart (history/CODE.html; needs the "
    "exercise's key); with --watch, rewritten whenever someone submits.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (no table).")
def results(
    spec: str | None,
    db: str | None,
    cohort: str | None,
    watch: bool,
    interval: float,
    report_dir: Path | None,
    as_json: bool,
) -> None:
    """Show the class's participants, progress, scores and robust z-scores, read live from the database the
    trainees write (`doc-check serve`, `doc-check train --db`).

    \b
    Exit codes: 0 done, 2 bad input (unknown exercise, no key for --report, unusable database).
    """
    if db is not None and not is_postgres_url(db) and not Path(db).exists():
        raise BadInput(f"{db}: database not found")
    targets: list[tuple[str, Exercise | None, ExerciseKey | None]] = []
    if spec:
        targets.append(_find_exercise(spec))
    if report_dir is not None and (not targets or targets[0][2] is None):
        raise BadInput("--report needs --exercise naming an exercise folder with its key.toml")
    if watch and as_json:
        raise click.UsageError("--watch and --json do not go together")
    store = _open_for_reading(db)
    try:
        if targets and targets[0][1] is None and not watch and targets[0][0] not in exercise_ids(store):
            raise BadInput(f"--exercise {spec}: no such exercise folder or built-in exercise, and no attempt at it "
                           "in the database")  # fmt: skip
        if cohort is not None and cohort not in store.cohorts():
            raise BadInput(f"--cohort {cohort}: no such cohort in {store.label}")

        def snapshot() -> list[ClassResults]:
            todo = targets or [(eid, None, None) for eid in exercise_ids(store, cohort)]
            return [class_results(store, eid, ex, key, cohort=cohort) for eid, ex, key in todo]

        reported: list[frozenset] = []

        def write_report(shots: list[ClassResults]) -> str:
            """(Re)write the reports when the set of submitted attempts changed; a line saying what was done."""
            if report_dir is None:
                return ""
            _eid, exercise, key = targets[0]
            res = shots[0]
            done = frozenset(r.attempt_id for r in res.rows if r.state == "submitted")
            if reported and reported[-1] == done:
                return ""
            from doc_check.exercise.report import write_reports

            assert exercise is not None and key is not None
            written = write_reports(report_dir, res.reports, res.summary(exercise, key))
            written += _write_histories(store, report_dir / "history", [r.participant for r in res.reports])
            reported.append(done)
            return (
                f"{time.strftime('%H:%M:%S')} wrote {len(written)} report files for {len(res.reports)} "
                f"submissions into {report_dir}"
            )

        if report_dir is not None and not watch:
            click.echo(write_report(snapshot()), err=True)
        if as_json:
            click.echo(json.dumps([_to_json(r) for r in snapshot()], indent=2))
            return
        console = Console()

        last_report = [""]

        def view() -> Group:
            shots = snapshot()
            if not shots:
                return Group(Text("no attempts in the database yet", "dim"))
            if watch:
                last_report[0] = write_report(shots) or last_report[0]
            footer = time.strftime("updated %H:%M:%S") + ("  (Ctrl+C to stop)" if watch else "")
            if last_report[0]:
                footer += f"\n{last_report[0]}"
            return Group(*(render_table(r) for r in shots), Text(footer, "dim"))

        if not watch:
            console.print(view())
            return
        from rich.live import Live

        # Ctrl+C / SIGTERM set a flag instead of raising: a KeyboardInterrupt raised inside a garbage-collector
        # callback is printed and dropped by Python, which left the watch running forever.
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            with Live(view(), console=console, refresh_per_second=4, screen=False) as live:
                while not stop.wait(interval):
                    live.update(view())
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        store.close()
