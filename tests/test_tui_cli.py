"""`doc-check train` on the command line: bad input is a one-line error with exit code 2, nothing started."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from tui_helpers import make_project

from doc_check.cli import cli


def test_unknown_exercise(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["train", "--exercise", "no-such-exercise", "--db", str(tmp_path / "d.sqlite")])
    assert result.exit_code == 2
    assert "no-such-exercise: no such exercise" in result.output
    assert "Traceback" not in result.output


def test_broken_exercise_file(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    (ex / "exercise.toml").write_text('id = "x"\ntitle = [broken\n')
    result = CliRunner().invoke(cli, ["train", "--exercise", str(ex), "--db", str(tmp_path / "d.sqlite")])
    assert result.exit_code == 2 and "invalid TOML" in result.output


def test_not_a_database(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    db = tmp_path / "notes.txt"
    db.write_text("not a database at all\n" * 50)
    result = CliRunner().invoke(cli, ["train", "--exercise", str(ex), "--db", str(db), "--as", "T1"])
    assert result.exit_code == 2 and "notes.txt" in result.output
    assert db.read_text().startswith("not a database")  # untouched


def test_bad_participant_code(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    result = CliRunner().invoke(cli, ["train", "-e", str(ex), "--db", str(tmp_path / "d.sqlite"), "--as", "../x"])
    assert result.exit_code == 2 and "participant code" in result.output


def test_train_imports_no_ui_before_it_runs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, doc_check.cli.train; print(any(m.startswith(('textual', 'doc_check.tui')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
