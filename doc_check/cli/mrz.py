"""`doc-check mrz`: check, make, repair and explain ICAO 9303 MRZ lines (thin layer over doc_check.mrz)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from doc_check.errors import BadInput
from doc_check.mrz import (
    CheckExplanation,
    MrzResult,
    Problem,
    check_batch,
    compose,
    explain,
    parse,
    repair,
)

MAX_STDIN_BYTES = 256 * 1024 * 1024
MAX_LINE = 60
"""A line longer than this is no MRZ line (the longest is 44): the input is rejected, not checked."""
BATCH_MIN = 1000
"""From this many MRZs on, `check` finds the verdicts with the vectorised batch path."""

_FIELDS = (
    ("format", "Format"),
    ("document_code", "Document code"),
    ("issuing_state", "Issuing state"),
    ("document_number", "Document number"),
    ("surname", "Surname"),
    ("given_names", "Given names"),
    ("nationality", "Nationality"),
    ("birth_date", "Birth date"),
    ("sex", "Sex"),
    ("expiry_date", "Expiry date"),
    ("optional_data", "Optional data"),
    ("optional_data_2", "Optional data 2"),
)


def _today(value: datetime | None) -> date | None:
    return value.date() if value else None


today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Check expiry (and choose date centuries) as of this day, YYYY-MM-DD. Default: today.",
)


@click.group()
def mrz() -> None:
    """Check, make, repair and explain ICAO Doc 9303 machine readable zones (TD1, TD2, TD3, MRV-A, MRV-B)."""


def _read_input(lines: tuple[str, ...]) -> list[list[str]]:
    """The MRZs to work on: the LINE arguments (one MRZ), else standard input (blank-line separated)."""
    if lines:
        mrz_lines = [part.strip() for line in lines for part in line.splitlines() if part.strip()]
        if len(mrz_lines) not in (2, 3):
            raise click.UsageError(f"an MRZ has 2 or 3 lines, {len(mrz_lines)} given")
        return [mrz_lines]
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        data = sys.stdin.read(MAX_STDIN_BYTES + 1).encode("utf-8", "surrogateescape")
    else:
        data = stream.read(MAX_STDIN_BYTES + 1)
    if len(data) > MAX_STDIN_BYTES:
        raise BadInput(f"standard input: more than {MAX_STDIN_BYTES // 2**20} MiB")
    if b"\x00" in data:
        raise BadInput("standard input: binary data, not MRZ text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"standard input: not UTF-8 text (byte {exc.start})") from None
    blocks: list[list[str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line:
            if len(line) > MAX_LINE:
                raise BadInput(f"standard input: line {number} has {len(line)} characters: not an MRZ line")
            if not current:
                start = number
            current.append(line)
            if len(current) > 3:
                raise BadInput(f"standard input: lines {start}-{number} are not an MRZ (more than 3 lines; "
                               "separate MRZs with a blank line)")  # fmt: skip
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if not blocks:
        raise BadInput("standard input: empty, no MRZ")
    for block in blocks:
        if len(block) == 1:
            raise BadInput(f"standard input: a single line {block[0][:20]!r}...: an MRZ has 2 or 3 lines")
    return blocks


def _caret_lines(result: MrzResult, problem: Problem) -> list[str]:
    if not (1 <= problem.line <= len(result.lines)):
        return []
    line = result.lines[problem.line - 1]
    pad = " " * (problem.column - 1)
    return [f"    {line}", "    " + pad + click.style("^" * max(1, problem.length), fg="red", bold=True)]


def _show_result(result: MrzResult, index: int | None) -> None:
    title = "VALID" if result.valid else "INVALID"
    head = f"{result.format or '?'}: " + click.style(title, fg="green" if result.valid else "red", bold=True)
    if index is not None:
        head = f"MRZ {index}  " + head
    click.echo(head)
    for line in result.lines:
        click.echo(f"    {line}")
    data = result.to_dict()
    for key, label in _FIELDS[1:]:
        value = data.get(key)
        if key in ("birth_date", "expiry_date"):
            value = f"{value or '-'}  (raw {data[key + '_raw']})"
        if key == "optional_data_2" and result.format != "TD1":
            continue
        click.echo(f"  {label:<16} {value if value not in (None, '') else '-'}")
    marks = []
    for name, ok in result.checks.items():
        if ok is not None:
            marks.append(f"{name.replace('_', ' ')} " + (click.style("ok", fg="green") if ok
                                                           else click.style("FAIL", fg="red")))  # fmt: skip
    click.echo("  Check digits     " + ", ".join(marks))
    for kind, problems, colour in (("error", result.errors, "red"), ("warning", result.warnings, "yellow")):
        for p in problems:
            where = f"line {p.line} col {p.column}"
            click.echo(f"  {click.style(kind, fg=colour, bold=True)} {p.code}"
                       f"{' [' + p.field + ']' if p.field else ''} ({where}): {p.message}")  # fmt: skip
            for text in _caret_lines(result, p):
                click.echo(text)


@mrz.command(short_help="Check MRZs: fields, check digits, problems with their place.")
@click.argument("lines", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per MRZ, one per line.")
@today_option
def check(lines: tuple[str, ...], as_json: bool, today: datetime | None) -> None:
    """Check an MRZ given as LINE arguments, or several from standard input (separated by blank lines).

    Exit status: 0 when every MRZ is valid, 1 when any is invalid, 2 for bad usage or unreadable input.
    """
    day = _today(today) or date.today()
    blocks = _read_input(lines)
    all_valid = True
    if len(blocks) >= BATCH_MIN and not as_json:
        batch = check_batch(blocks, today=day)
        bad = batch.invalid_indices
        for i in bad:
            _show_result(parse(blocks[i], today=day), int(i) + 1)
        n = len(blocks)
        click.echo(f"{n} MRZs: {n - len(bad)} valid, {len(bad)} invalid")
        sys.exit(1 if len(bad) else 0)
    out = []
    for i, block in enumerate(blocks, 1):
        result = parse(block, today=day)
        all_valid &= result.valid
        if as_json:
            out.append(json.dumps(result.to_dict(), ensure_ascii=False))
            if len(out) >= 2000:
                click.echo("\n".join(out))
                out = []
        else:
            if i > 1:
                click.echo()
            _show_result(result, i if len(blocks) > 1 else None)
    if out:
        click.echo("\n".join(out))
    sys.exit(0 if all_valid else 1)


_MAKE_KEYS = ("format", "document_code", "issuing_state", "surname", "given_names", "document_number",
              "nationality", "birth_date", "sex", "expiry_date", "optional_data", "optional_data_2")  # fmt: skip


@mrz.command(short_help="Print valid MRZ lines built from fields.")
@click.option("--format", "fmt", type=click.Choice(["TD1", "TD2", "TD3", "MRVA", "MRVB"], case_sensitive=False))
@click.option("--document-code", help="P, I, ID, V, ... (default by format).")
@click.option("--issuing-state", help="Issuing state code, e.g. UTO or D.")
@click.option("--surname", help="Primary identifier (accents are transliterated).")
@click.option("--given-names", default="", help="Secondary identifier.")
@click.option("--document-number")
@click.option("--nationality")
@click.option("--birth-date", help="YYYY-MM-DD or YYMMDD ('<' for unknown parts).")
@click.option("--sex", default="<", help="M, F, X or '<'.")
@click.option("--expiry-date", help="YYYY-MM-DD or YYMMDD.")
@click.option("--optional-data", default="")
@click.option("--optional-data-2", default="", help="TD1 only.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Read the fields from a JSON object in FILE ('-' for standard input).")  # fmt: skip
def make(json_file: str | None, fmt: str | None, **fields: str | None) -> None:
    """Print valid MRZ lines built from the fields (options or --json FILE)."""
    values: dict[str, str | None] = {"format": fmt, **fields}
    if json_file:
        values = {k: v for k, v in values.items() if v not in (None, "", "<")}
        try:
            text = sys.stdin.read() if json_file == "-" else Path(json_file).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadInput(f"{json_file}: {exc}") from None
        if not isinstance(data, dict):
            raise BadInput(f"{json_file}: expected a JSON object of MRZ fields")
        unknown = set(data) - set(_MAKE_KEYS)
        if unknown:
            raise BadInput(f"{json_file}: unknown field(s) {', '.join(sorted(unknown))}")
        values = {**{k: (None if v is None else str(v)) for k, v in data.items()}, **values}
    fmt_name = (values.get("format") or "").upper()
    if not fmt_name:
        raise click.UsageError("give --format (or 'format' in the JSON file)")
    values.setdefault("document_code", None)
    if not values.get("document_code"):
        values["document_code"] = {"TD3": "P", "MRVA": "V", "MRVB": "V"}.get(fmt_name, "I")
    missing = [k for k in ("issuing_state", "surname", "document_number", "nationality", "birth_date",
                           "expiry_date") if not values.get(k)]  # fmt: skip
    if missing:
        raise click.UsageError("missing: " + ", ".join("--" + k.replace("_", "-") for k in missing))
    kwargs = {k: values.get(k) or "" for k in _MAKE_KEYS if k != "format"}
    kwargs["sex"] = values.get("sex") or "<"
    for line in compose(fmt_name, **kwargs):
        click.echo(line)


@mrz.command("repair", short_help="Repair OCR look-alikes; print the lines and what changed.")
@click.argument("lines", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per MRZ: lines, changes, result.")
@today_option
def repair_cmd(lines: tuple[str, ...], as_json: bool, today: datetime | None) -> None:
    """Repair OCR confusions (O/0, I/1, S/5, B/8, Z/2, G/6, '<'/K): print the lines and what changed.

    Exit status: 0 when every repaired MRZ is valid, 1 otherwise, 2 for bad input.
    """
    day = _today(today)
    all_valid = True
    for i, block in enumerate(_read_input(lines)):
        rep = repair(block, today=day)
        all_valid &= rep.result.valid
        if as_json:
            click.echo(json.dumps({
                "lines": list(rep.lines),
                "changes": [c.__dict__ for c in rep.changes],
                "result": rep.result.to_dict(),
            }))  # fmt: skip
            continue
        if i:
            click.echo()
        for line in rep.lines:
            click.echo(line)
        if not rep.changes:
            click.echo("# no change")
        for c in rep.changes:
            click.echo(f"# line {c.line} col {c.column}: {c.old!r} -> {c.new!r} ({c.reason})")
        state = "valid" if rep.result.valid else "still invalid: " + ", ".join(p.code for p in rep.result.errors)
        click.echo(f"# {rep.result.format or '?'} {state}")
    sys.exit(0 if all_valid else 1)


def _show_explanation(e: CheckExplanation) -> None:
    verdict = click.style("ok", fg="green") if e.ok else click.style("FAIL", fg="red", bold=True)
    click.echo(f"{e.field.replace('_', ' ')}  (check digit at line {e.line} col {e.column}): {verdict}")
    cells = [(c, str(v), str(w), str(p)) for c, v, w, p in zip(e.chars, e.values, e.weights, e.products, strict=True)]
    for start in range(0, len(cells), 15):
        chunk = cells[start : start + 15]
        for label, k in (("char", 0), ("value", 1), ("weight", 2), ("product", 3)):
            click.echo(f"  {label:<8}" + "".join(f"{cell[k]:>4}" for cell in chunk))
        if start + 15 < len(cells):
            click.echo()
    click.echo(f"  sum {e.sum}, {e.sum} mod 10 = {e.mod10}; printed {e.printed!r}, expected {e.expected}")
    subs = [f"{c}~{'/'.join(alts)}" for c, alts in e.undetectable if alts]
    if subs:
        click.echo("  not detected by this digit (equal value mod 10): " + "  ".join(subs))


@mrz.command("explain", short_help="Show every check digit computed step by step.")
@click.argument("lines", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per MRZ with every check's steps.")
def explain_cmd(lines: tuple[str, ...], as_json: bool) -> None:
    """Show each check digit computed step by step: values, weights 7-3-1, products, sum, mod 10."""
    for i, block in enumerate(_read_input(lines)):
        steps = explain(block)
        if as_json:
            click.echo(json.dumps({"lines": block, "checks": [
                {**e.__dict__, "undetectable": {c: list(a) for c, a in e.undetectable}} for e in steps]}))  # fmt: skip
            continue
        if i:
            click.echo()
        for line in block:
            click.echo(line)
        for e in steps:
            click.echo()
            _show_explanation(e)
