"""The install story: the lock covers the declared dependencies; the built-ins are found without the checkout's cwd."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from doc_check.builtin import builtin_exercises, builtin_samples
from doc_check.exercise.validate import find_exercises

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.\-]+", req).group(0)).lower()


def test_lock_pins_every_declared_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = {_name(r) for r in project["project"]["dependencies"]}
    declared |= {_name(r) for r in project["project"]["optional-dependencies"]["test"]}
    declared |= {_name(r) for r in project["build-system"]["requires"]}
    text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 3)[-1])
    pinned = {}
    for entry in entries:
        m = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", entry)
        if m:
            pinned[_name(m.group(1))] = entry
            assert "--hash=sha256:" in entry, f"{m.group(1)} is pinned without a hash"
    assert declared <= set(pinned), f"not in the lock: {sorted(declared - set(pinned))}"


def test_builtin_exercises_and_samples_are_found() -> None:
    assert (builtin_exercises() / "first-line" / "exercise.toml").is_file()
    assert (builtin_samples() / "key.toml").is_file()
    assert find_exercises("first-line") == [builtin_exercises() / "first-line"]


def test_cli_help_in_a_fresh_interpreter_from_another_folder(tmp_path: Path) -> None:
    """`importlib.util` must not depend on something else having imported it first."""
    code = "import sys; from doc_check.cli import main; sys.argv = ['doc-check', '--help']; main()"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "analyze" in done.stdout


def test_validate_a_builtin_exercise_by_id_from_another_folder(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "doc_check", "exercise", "validate", "first-line"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "first-line" in done.stdout
