"""The CLI against hostile and clumsy input (the red-team classes of issue 22): every bad input gets exit 2,
exactly one line `doc-check: error: ...` on stderr, no traceback, and nothing half-written.

Classes: usage errors, MRZ text and fields, JSON/TOML structure (depth, huge numbers, non-strings), sample
folders (dpi, sides, missing references), report targets (unwritable, blocked), Rich markup in names and
Markdown injection in notes, unknown ids, and the store and pack classes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.cli import cli
from doc_check.exercise import Answer, Submission, load_exercise, write_submission

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
MAKE = ["mrz", "make", "--format", "TD3", "--issuing-state", "UTO", "--document-number", "X1", "--nationality",
        "UTO", "--birth-date", "1990-01-01", "--expiry-date", "2030-01-01"]  # fmt: skip
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_TOML = "a = " + "[" * 100_000 + "]" * 100_000 + "\n"


def run(args: list[str], stdin: str | bytes | None = None):
    """Invoke the CLI in-process; the result."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)


def assert_bad(result, needle: str = "") -> str:
    """Exit 2, one line `doc-check: error: ...` on stderr, no traceback; the line."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("doc-check: error: "), lines[0]
    assert "Traceback" not in result.output
    assert needle in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------------ usage errors (item 19)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["analyze", "--workers", "0", "x"], "--workers"),
        (["mrz", "repair", "ABC"], "2 or 3 lines"),
        (["nope"], "No such command"),
        (["--bogus"], "No such option"),
        (["score"], "Missing argument"),
        (["analyze", "--max-pixels", "-1", "x"], "--max-pixels"),
        (["mrz", "check", "--json", "--json=1", L1, L2], "--json"),
        (["serve", "--port", "0", "--exercise", "x"], "--port"),
        (["generate", "--dpi", "5", "--out", "x"], "--dpi"),
        (["mrz", "make"], "--format"),
        (["mrz", "check", "--today", "9990-06-01", L1, L2], "--today"),  # item 12
        (["mrz", "check", "--today", "0001-01-01", L1, L2], "--today"),
        (["mrz", "check", "--today", "2026-13-01", L1, L2], "--today"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], needle: str) -> None:
    line = assert_bad(run(args), needle)
    assert "see 'doc-check" in line


def test_no_arguments_still_prints_help() -> None:
    result = run([])
    assert "Commands:" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ MRZ input (items 14, 20)


@pytest.mark.parametrize("command", ["check", "repair", "explain"])
def test_an_over_long_argument_line_exits_2(command: str) -> None:
    assert_bad(run(["mrz", command, "A" * 61, L2]), "61 characters")
    assert_bad(run(["mrz", command], stdin="A" * 61 + "\n" + L2 + "\n"), "61 characters")


def test_explain_refuses_a_huge_batch_quickly() -> None:
    text = f"{L1}\n{L2}\n\n" * 10_001
    assert_bad(run(["mrz", "explain"], stdin=text), "at most 10000")


def test_a_byte_order_mark_on_stdin_is_ignored() -> None:
    result = run(["mrz", "check"], stdin=b"\xef\xbb\xbf" + f"{L1}\n{L2}\n".encode())
    assert result.exit_code == 0 and "VALID" in result.output, result.output
    result = run([*MAKE, "--json", "-"], stdin=b'\xef\xbb\xbf{"surname": "Ann"}')
    assert result.exit_code == 0 and result.output.startswith("P<UTOANN<<"), result.output


@pytest.mark.parametrize(
    ("extra", "stdin", "needle"),
    [
        (["--surname", "王小明"], None, "transliterates"),
        (["--surname", "Li", "--given-names", "小明"], None, "given names"),
        (["--json", "-"], '{"surname": 5}', "must be a string"),
        (["--json", "-", "--surname", "X"], '{"given_names": ["a"]}', "must be a string"),
        (["--json", "-", "--surname", "X"], '{"optional_data": NaN}', "NaN"),
        (["--json", "-", "--surname", "X"], DEEP_JSON, "nested too deeply"),
        (["--json", "-", "--surname", "X"], '{"surname": ' + "9" * 5000 + "}", "-"),
        (["--json", "-", "--surname", "X"], '{"bogus": "x"}', "unknown field"),
    ],
    ids=["chinese-surname", "chinese-given", "number", "list", "nan", "deep", "5000-digits", "unknown-field"],
)
def test_mrz_make_refuses_bad_fields(extra: list[str], stdin: str | None, needle: str) -> None:
    assert_bad(run([*MAKE, *extra], stdin=stdin), needle)


# ------------------------------------------------------------------ submissions and exercise files (11, 13, 20)


def _project(tmp_path: Path) -> tuple[Path, dict]:
    ex = make_project(tmp_path / "proj")
    e = load_exercise(ex)
    sub = Submission(e.id, e.version, e.sha256, "T1", "2026-11-28T09:00:00+00:00", "2026-11-28T09:30:00+00:00",
                     (Answer("S1", "genuine", (), 50, 10.0), Answer("S2", "forged", (), 80, 20.0)))  # fmt: skip
    write_submission(tmp_path / "subs" / "T1.json", sub)
    return ex, json.loads((tmp_path / "subs" / "T1.json").read_text())


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("seconds", "9" * 401, "answers[0].seconds"),
        ("confidence", "9" * 401, "answers[0].confidence"),
        ("seconds", "9" * 5000, "4300 digits"),
        ("seconds", "-" + "9" * 401, "answers[0].seconds"),
        ("confidence", "1e999", "answers[0].confidence"),
        ("seconds", "NaN", "answers[0].seconds"),
    ],
    ids=["seconds-401-digits", "confidence-401-digits", "seconds-5000-digits", "seconds-minus-401", "1e999", "nan"],
)
def test_huge_numbers_in_a_submission(tmp_path: Path, field: str, value: str, needle: str) -> None:
    ex, data = _project(tmp_path)
    text = json.dumps(data).replace(f'"{field}": {data["answers"][0][field]}', f'"{field}": {value}', 1)
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert len(assert_bad(run(["score", ex, bad]), needle)) < 300


def test_deep_json_and_toml(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_JSON)
    assert_bad(run(["score", ex, deep]), "nested too deeply")
    key = tmp_path / "deep_key.toml"
    key.write_text(DEEP_TOML)
    assert_bad(run(["score", ex, tmp_path / "subs", "--key", key]), "nested too deeply")
    (ex / "exercise.toml").write_text(DEEP_TOML)
    assert_bad(run(["exercise", "validate", ex]), "nested too deeply")


def test_sample_toml_dpi_and_sides(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    samples = ex.parents[1] / "samples"
    meta = samples / "S2" / "sample.toml"
    meta.write_text(meta.read_text().replace("dpi = 300", "dpi = 0"))
    assert_bad(run(["analyze", samples / "S2"]), "dpi 0")
    meta = samples / "S3" / "sample.toml"
    meta.write_text(meta.read_text().replace('sides = ["front"]', 'sides = ["front", "back"]'))
    assert_bad(run(["analyze", samples / "S3"]), "side 'back' has no images")
    deep = samples / "S4" / "sample.toml"
    deep.write_text(DEEP_TOML)
    assert_bad(run(["analyze", samples / "S4"]), "nested too deeply")


def test_markdown_reports_escape_html_from_notes(tmp_path: Path) -> None:
    ex, data = _project(tmp_path)
    data["answers"][0]["note"] = "<script>alert(1)</script> | [/red]"
    (tmp_path / "subs" / "T1.json").write_text(json.dumps(data))
    result = run(["score", ex, tmp_path / "subs", "--out", tmp_path / "out", "--format", "md,html"])
    assert result.exit_code == 0, result.output
    for report in (tmp_path / "out").rglob("*.*"):
        assert "<script>" not in report.read_text(), report
    assert "&lt;script&gt;" in (tmp_path / "out" / "individual" / "T1.md").read_text()


# ------------------------------------------------------------------ report targets (item 9)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_score_into_unwritable_or_blocked_targets(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    subs = tmp_path / "subs"
    assert_bad(run(["score", ex, subs, "--out", "/proc/self"]), "/proc/self")
    assert_bad(run(["score", ex, subs, "--out", "/proc/self/doc-check-reports"]), "doc-check-reports")
    blocked = tmp_path / "blocked"
    (blocked / "summary.html").mkdir(parents=True)
    assert_bad(run(["score", ex, subs, "--out", blocked]), "summary.html")
    assert sorted(p.name for p in blocked.iterdir()) == ["summary.html"]  # nothing half-written
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    assert_bad(run(["score", ex, subs, "--out", a_file]), "not a folder")
    assert_bad(run(["score", ex, subs, "--out", a_file / "sub"]), "a_file")
    assert _leftovers(tmp_path) == []
    ok = run(["score", ex, subs, "--out", tmp_path / "fresh" / "reports"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "fresh" / "reports" / "summary.json").is_file() and _leftovers(tmp_path / "fresh") == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_score_into_a_read_only_folder(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert_bad(run(["score", ex, tmp_path / "subs", "--out", ro]), "not writable")
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def _class_db(tmp_path: Path, ex: Path) -> Path:
    from doc_check.store import Store, StoredAnswer
    from doc_check.tui.session import AttemptSession

    db = tmp_path / "class.sqlite"
    with Store(db) as store:
        AttemptSession(store, load_exercise(ex), "Z9").save_answer(StoredAnswer("S1", "genuine"))
    return db


def test_results_targets_and_unknown_exercise(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    db = _class_db(tmp_path, ex)
    assert_bad(run(["results", "--exercise", "nope", "--db", db]), "nope")  # item 14
    assert_bad(run(["results", "--exercise", ex, "--db", db, "--report", "/proc/self"]), "/proc/self")
    blocked = tmp_path / "r"
    (blocked / "summary.json").mkdir(parents=True)
    assert_bad(run(["results", "--exercise", ex, "--db", db, "--report", blocked]), "summary.json")
    assert sorted(p.name for p in blocked.iterdir()) == ["summary.json"]
    ok = run(["results", "--exercise", ex, "--db", db, "--report", tmp_path / "r2"])
    assert ok.exit_code == 0 and ok.stderr.count("\n") == 1, ok.stderr  # only the "wrote ..." line


# ------------------------------------------------------- analyze: markup, empty folders, references (1, 8, 14)


def _stolen_blank_id() -> str:
    key = tomllib.loads((SAMPLES / "key.toml").read_text())["samples"]
    return next(sid for sid, e in sorted(key.items()) if e["verdict"] == "stolen_blank")


def test_analyze_prints_a_stolen_blank_and_markup_in_names(tmp_path: Path) -> None:
    sid = _stolen_blank_id()
    hostile = tmp_path / "[" / "red]" / "[bold]x[/bold]"
    hostile.mkdir(parents=True)
    shutil.copytree(SAMPLES / "references", hostile / "references")
    shutil.copytree(SAMPLES / sid, hostile / sid)
    result = run(["analyze", "--workers", "1", hostile / sid])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "suggested verdict: stolen_blank" in result.output
    assert "[/red]/[bold]x[/bold]" in "".join(result.output.split())  # printed as it is, not taken for markup


def test_analyze_a_folder_without_images_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert_bad(run(["analyze", tmp_path / "empty"]), "no images")


def test_missing_references_give_unknown_not_genuine(tmp_path: Path) -> None:
    sid = _stolen_blank_id()
    shutil.copytree(SAMPLES / sid, tmp_path / sid)  # no references/ next to it
    result = run(["analyze", "--json", "--workers", "1", tmp_path / sid])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.splitlines()[0])
    assert report["verdict"] == "unknown", report["reasons"]
    assert "security printing" in report["reasons"][0]


# ------------------------------------------------------------------ store and packs (other helpers' items)


def _subprocess(args: list, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "doc_check", *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)  # fmt: skip


def assert_bad_process(proc: subprocess.CompletedProcess, needle: str = "") -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("doc-check: error: ") and needle in lines[0], proc.stderr[-2000:]


def test_train_db_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    assert_bad_process(_subprocess(["train", "--exercise", ex, "--db", tmp_path / "nonexistent" / "x.db"]))
    assert not (tmp_path / "nonexistent").exists()


def test_train_db_on_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE mine (x)")
    con.commit()
    con.close()
    assert_bad_process(_subprocess(["train", "--exercise", ex, "--db", foreign]))
    con = sqlite3.connect(foreign)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert tables == {"mine"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens read-only files for writing")
def test_results_reads_a_read_only_database(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    db = _class_db(tmp_path, ex)
    db.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        result = run(["results", "--db", db])
        assert result.exit_code == 0 and "Z9" in result.output, result.output
    finally:
        tmp_path.chmod(0o755)


def test_symlinked_sample_folder_outside_the_root_is_refused(tmp_path: Path) -> None:
    ex, _ = _project(tmp_path)
    samples = ex.parents[1] / "samples"
    outside = tmp_path / "outside" / "S1"
    shutil.move(samples / "S1", outside)
    (samples / "S1").symlink_to(outside, target_is_directory=True)
    assert_bad(run(["exercise", "validate", ex]), "S1")


def test_a_pack_whose_exercise_was_edited_is_refused(tmp_path: Path) -> None:
    import zipfile

    ex, _ = _project(tmp_path)
    pack = tmp_path / "exam.zip"
    made = run(["pack", ex, "--out", pack])
    assert made.exit_code == 0, made.output
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(edited, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("exercise.toml"):
                data = data.replace(b"pass_mark = 60", b"pass_mark = 1")
            dst.writestr(item, data)
    assert_bad_process(_subprocess(["train", "--pack", edited, "--db", tmp_path / "t.sqlite"]))
