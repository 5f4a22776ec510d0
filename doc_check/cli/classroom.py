"""`doc-check class`: enrol participants (one-time passphrases), reset them, assign exercises to cohorts, release
feedback, list a class, show a participant's rounds."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from doc_check.errors import BadInput
from doc_check.store import Store

DB_HELP = "SQLite file or postgresql:// URL [$DOC_CHECK_DB or $XDG_DATA_HOME/doc-check/doc-check.sqlite]."


def _open(db: str | None) -> Store:
    return Store(db)


def _read_csv(path: Path) -> list[tuple[str, str]]:
    """(code, name) rows of a CSV with columns code[,name] (a header row `code,name` is skipped)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read: {exc}") from None
    out = []
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        if not row or not row[0].strip() or (n == 1 and row[0].strip().lower() == "code"):
            continue
        if len(row) > 2:
            raise BadInput(f"{path}:{n}: expected code[,name], got {len(row)} columns")
        out.append((row[0].strip(), row[1].strip() if len(row) > 1 else ""))
    return out


def _sheet(path: Path, title: str, rows: list[tuple[str, str, str]]) -> None:
    """A printable sheet of codes and passphrases (Markdown, or HTML for a .html name), never replacing a file."""
    from doc_check.store import write_text_new

    if path.suffix.lower() in (".html", ".htm"):
        e = html.escape
        cells = "".join(
            f'<div class="slip"><b>{e(code)}</b> {e(name)}<br>passphrase: <code>{e(pw)}</code></div>'
            for code, name, pw in rows
        )
        text = (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{e(title)}</title><style>'
            "body{font-family:sans-serif}.slip{border:1px dashed #888;padding:1em;margin:.5em;display:inline-block;"
            f"width:20em}}code{{font-size:1.3em}}</style></head><body><h1>{e(title)}</h1>{cells}</body></html>\n"
        )
    else:
        lines = [f"# {title}", "", "| code | name | passphrase |", "|---|---|---|"]
        lines += [f"| {code} | {name.replace('|', '/')} | `{pw}` |" for code, name, pw in rows]
        text = "\n".join(lines) + "\n"
    try:
        write_text_new(path, text)
    except FileExistsError:
        raise BadInput(f"--sheet {path}: exists already (a sheet is never replaced)") from None
    except OSError as exc:
        raise BadInput(f"--sheet {path}: cannot write: {exc.strerror}") from None


def _print_passphrases(rows: list[tuple[str, str, str]], what: str) -> None:
    table = Table(title=f"{what}: passphrases are shown once (and stored only as scrypt hashes)", title_justify="left")
    for col in ("code", "name", "passphrase"):
        table.add_column(col)
    for code, name, pw in rows:
        table.add_row(escape(code), escape(name), pw)
    Console().print(table)


@click.group("class")
def class_group() -> None:
    """Enrol a class (sign-in with one-time passphrases), assign exercises to cohorts, release feedback."""


@class_group.command("enrol")
@click.option("--db", help=DB_HELP)
@click.option("--cohort", required=True, help="The cohort the participants join (letters, digits, . _ -).")
@click.option(
    "--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Codes (and names) from a CSV."
)
@click.option(
    "--sheet", type=click.Path(dir_okay=False, path_type=Path), help="Also write a printable sheet (.md or .html)."
)
@click.argument("codes", nargs=-1)
def enrol(db: str | None, cohort: str, csv_file: Path | None, sheet: Path | None, codes: tuple[str, ...]) -> None:
    """Enrol participants in a cohort, each with a one-time passphrase printed once. Once a database has
    enrolled participants, `train` and `serve` ask every trainee for code and passphrase.

    \b
    Exit codes: 0 done, 2 bad input (bad code, already enrolled, unreadable CSV).
    """
    people = [(c, "") for c in codes] + (_read_csv(csv_file) if csv_file else [])
    if not people:
        raise click.UsageError("give participant codes, or --csv FILE")
    seen = set()
    for code, _name in people:
        Store.check_code(code)
        if code in seen:
            raise BadInput(f"participant {code}: given twice")
        seen.add(code)
    with _open(db) as store:
        for code, _name in people:
            p = store.participant(code)
            if p is not None and p.enrolled:
                raise BadInput(f"participant {code}: already enrolled (use `doc-check class reset`); nobody enrolled")
        rows = [(code, name, store.enrol(code, cohort, name)) for code, name in people]
    if sheet is not None:
        _sheet(sheet, f"doc-check sign-in: cohort {cohort}", rows)
    _print_passphrases(rows, f"enrolled {len(rows)} in cohort {cohort}")


@class_group.command("reset")
@click.option("--db", help=DB_HELP)
@click.option(
    "--sheet", type=click.Path(dir_okay=False, path_type=Path), help="Also write a printable sheet (.md or .html)."
)
@click.argument("codes", nargs=-1, required=True)
def reset(db: str | None, sheet: Path | None, codes: tuple[str, ...]) -> None:
    """Give enrolled participants new one-time passphrases (a forgotten one, or a code held back after failed
    sign-ins). Their attempts and answers stay."""
    with _open(db) as store:
        rows = []
        for code in codes:
            p = store.participant(code)
            rows.append((code, p.name if p else "", store.reset_passphrase(code)))
    if sheet is not None:
        _sheet(sheet, "doc-check sign-in: new passphrases", rows)
    _print_passphrases(rows, f"reset {len(rows)}")


@class_group.command("assign")
@click.option("--db", help=DB_HELP)
@click.option("--cohort", required=True, help="The cohort.")
@click.argument("exercises", nargs=-1, required=True)
def assign(db: str | None, cohort: str, exercises: tuple[str, ...]) -> None:
    """Assign exercises (ids or folders) to a cohort: its trainees' picker lists only those."""
    from doc_check.cli.common import builtin_exercises_dir, resolve_exercise

    ids = []
    for spec in exercises:
        ids.append(resolve_exercise(spec, builtin_exercises_dir()).id if Path(spec).exists() else spec)
    with _open(db) as store:
        for eid in ids:
            store.assign(cohort, eid)
        now = [eid for _c, eid in store.assignments(cohort)]
    click.echo(f"cohort {cohort}: {', '.join(now)}")


@class_group.command("release")
@click.option("--db", help=DB_HELP)
@click.option("--withhold", is_flag=True, help="Withhold the feedback again.")
@click.argument("exercise_id")
def release(db: str | None, withhold: bool, exercise_id: str) -> None:
    """Release an exercise's feedback in class mode: until then a trainee who submits sees only "submitted"."""
    with _open(db) as store:
        store.release_feedback(exercise_id, released=not withhold)
    click.echo(f"{exercise_id}: feedback {'withheld' if withhold else 'released'}")


@class_group.command("list")
@click.option("--db", help=DB_HELP)
@click.option("--cohort", help="Only this cohort.")
def list_class(db: str | None, cohort: str | None) -> None:
    """The participants (cohort, name, enrolled) and each cohort's assigned exercises."""
    with _open(db) as store:
        table = Table(title=f"participants in {escape(store.label)}", title_justify="left")
        for col in ("code", "name", "cohort", "sign-in"):
            table.add_column(col)
        for code in store.participants(cohort):
            p = store.participant(code)
            assert p is not None
            table.add_row(escape(p.code), escape(p.name), escape(p.cohort or ""), "yes" if p.enrolled else "")
        console = Console()
        console.print(table)
        for c in [cohort] if cohort else store.cohorts():
            assigned = [eid for _c, eid in store.assignments(c)]
            console.print(f"cohort {escape(c)}: " + (escape(", ".join(assigned)) if assigned else "no exercises"))


@class_group.command("history")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the page with the trend chart."
)
@click.argument("code")
def history(db: str | None, as_json: bool, html_file: Path | None, code: str) -> None:
    """A participant's rounds: every exercise submitted, with points, percentage and robust z-score among the
    cohort; with --html, a page with the trend chart."""
    from doc_check.exercise.history_report import history_html, history_json
    from doc_check.exercise.rounds import participant_rounds

    with _open(db) as store:
        p = store.participant(code)
        if p is None:
            raise BadInput(f"participant {code}: not in {store.label}")
        rounds = participant_rounds(store, code)
    if html_file is not None:
        from doc_check.store import write_text_atomic

        try:
            write_text_atomic(html_file, history_html(code, p.cohort, rounds))
        except OSError as exc:
            raise BadInput(f"--html {html_file}: cannot write: {exc.strerror}") from None
    if as_json:
        click.echo(history_json(code, p.cohort, rounds))
        return
    table = Table(title=f"{escape(code)}: {len(rounds)} rounds" + (f", cohort {escape(p.cohort)}" if p.cohort else ""))
    for col in ("exercise", "submitted", "points", "%", "z", "of"):
        table.add_column(col, justify="left" if col in ("exercise", "submitted") else "right")
    for r in rounds:
        table.add_row(
            escape(r.exercise_id),
            r.submitted,
            "" if r.points is None else f"{r.points:.1f}",
            "" if r.pct is None else f"{r.pct:.0f}",
            "" if r.z is None else f"{r.z:+.2f}",
            str(r.cohort_size),
        )
    Console().print(table)
