#!/usr/bin/env python3
"""Set up and run doc-check with nothing but Python >= 3.11.

    python3 dev.py train      # the trainee UI on the built-in exercise
    python3 dev.py test       # the whole test suite
    python3 dev.py <any doc-check arguments>

The first run makes `.venv/` and installs the project with its test extras into it; later runs
reinstall only when `pyproject.toml` changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".doc-check-installed"


def _ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit("doc-check needs Python >= 3.11")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and (BIN / "doc-check").exists():
        return
    if not (BIN / "python").exists():
        print("dev.py: creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing doc-check and its test extras into .venv ...", file=sys.stderr)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    for args in (["--upgrade", "pip"], ["-e", f"{ROOT}[test]"]):
        done = subprocess.run([*pip, *args], capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            sys.exit(f"dev.py: pip install {' '.join(args)} failed")
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    _ensure_env()
    if argv[:1] == ["test"]:
        cmd = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    else:
        cmd = [str(BIN / "doc-check"), *argv]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
