#!/usr/bin/env python3
"""Set up and run doc-check with nothing but Python >= 3.11.

    python3 dev.py train          # the trainee UI on the built-in exercise
    python3 dev.py test [ARGS]    # the test suite (pytest ARGS), in the locked environment
    python3 dev.py test --latest  # the suite on the newest release of every dependency (snapshots excepted)
    python3 dev.py lock           # refresh requirements.lock from pyproject.toml (needs PyPI)
    python3 dev.py <any doc-check arguments>

The first run makes `.venv/` and installs exactly `requirements.lock` into it (every package pinned, with
hashes), then the project itself without dependencies; later runs reinstall only when the lock or
`pyproject.toml` changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
PINS = ROOT / "requirements-pins.txt"
STAMP_NAME = ".doc-check-installed"
UV = "uv==0.13.9"  # the lock tool itself, installed into a throwaway venv by `dev.py lock`
LOCK_PYTHON = "3.11"  # the oldest Python the project supports; markers cover 3.11-3.13
LOCK_EXTRAS = ("test", "lint")
SNAPSHOT_TESTS = "tests/test_tui_snapshots.py"


def _bin(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def _run(cmd: list[str], what: str, **kw) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"dev.py: {what} failed")


def _pip(env: Path) -> list[str]:
    return [str(_bin(env) / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]


def _make_venv(env: Path) -> None:
    if not (_bin(env) / "python").exists():
        print(f"dev.py: creating {env.name}/ ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(env)


def _ensure_env() -> None:
    """`.venv` holding exactly the lock, then the project (editable, no dependencies)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under any python3 to say so
        sys.exit("doc-check needs Python >= 3.11")
    if not LOCK.is_file():
        sys.exit(f"dev.py: {LOCK.name} is missing; run `python3 dev.py lock`")
    wanted = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / STAMP_NAME
    if stamp.exists() and stamp.read_text() == wanted and (_bin(VENV) / "doc-check").exists():
        return
    _make_venv(VENV)
    print(f"dev.py: installing {LOCK.name} into .venv ...", file=sys.stderr)
    # --require-hashes: every package must be pinned in the lock and match its hash; nothing else resolves.
    _run([*_pip(VENV), "--require-hashes", "-r", str(LOCK)], f"pip install -r {LOCK.name}")
    # sync: a package that left the lock leaves the venv too
    _remove_unlocked(VENV)
    _run([*_pip(VENV), "--no-deps", "--no-build-isolation", "-e", str(ROOT)], "pip install -e . (no deps)")
    stamp.write_text(wanted)


def _locked_versions() -> dict[str, set[str]]:
    """Package name (normalised) -> versions pinned in the lock (two where Python versions fork)."""
    out: dict[str, set[str]] = {}
    for line in LOCK.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if m:
            out.setdefault(_norm(m.group(1)), set()).add(m.group(2))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed(env: Path) -> dict[str, str]:
    done = subprocess.run(
        [str(_bin(env) / "python"), "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {_norm(p["name"]): p["version"] for p in json.loads(done.stdout)}


def _remove_unlocked(env: Path) -> None:
    keep = set(_locked_versions()) | {"pip", "doc-check"}
    extra = [name for name in _installed(env) if name not in keep]
    if extra:
        _run([str(_bin(env) / "python"), "-m", "pip", "uninstall", "-y", "-q", *extra], "pip uninstall")


def lock() -> int:
    """Resolve pyproject.toml (+ test extras, + the build backend) into requirements.lock with hashes."""
    tools = Path(tempfile.mkdtemp(prefix="doc-check-lock-"))
    try:
        _make_venv(tools)
        _run([*_pip(tools), UV], f"pip install {UV}")
        extras = [a for e in LOCK_EXTRAS for a in ("--extra", e)]
        build = tools / "build-requirements.in"
        build.write_text(_build_requirement() + "\n")
        cmd = [
            str(_bin(tools) / "uv"),
            "pip",
            "compile",
            "--quiet",
            "pyproject.toml",
            str(build),
            *extras,
            "--universal",
            "--python-version",
            LOCK_PYTHON,
            "--generate-hashes",
            "--no-header",
            "--constraint",
            str(PINS),
            "--output-file",
            str(LOCK),
        ]
        done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "UV_NO_CACHE": "1"})
        if done.returncode != 0:
            return done.returncode
        header = (
            "# The locked environment of doc-check: every runtime, test and build dependency, with hashes.\n"
            "# Made by `python3 dev.py lock` (uv pip compile --universal for Python >= 3.11); installed by\n"
            "# `python3 dev.py` with `pip install --require-hashes -r requirements.lock`. Do not edit by hand.\n"
        )
        LOCK.write_text(header + LOCK.read_text())
        print(f"dev.py: wrote {LOCK.name} ({len(_locked_versions())} packages)", file=sys.stderr)
        return 0
    finally:
        shutil.rmtree(tools, ignore_errors=True)


def _build_requirement() -> str:
    """The `[build-system] requires` of pyproject.toml (one requirement)."""
    text = (ROOT / "pyproject.toml").read_text()
    m = re.search(r'^requires\s*=\s*\["([^"]+)"\]', text, re.M)
    if not m:
        sys.exit("dev.py: pyproject.toml has no single [build-system] requires entry")
    return m.group(1)


def test_latest(args: list[str]) -> int:
    """Run the suite in a throwaway venv with the newest release of every dependency; name what moved."""
    env = Path(tempfile.mkdtemp(prefix="doc-check-latest-"))
    try:
        _make_venv(env)
        print("dev.py: installing the newest releases into a throwaway venv ...", file=sys.stderr)
        _run([*_pip(env), "--upgrade", f"{ROOT}[test]"], "pip install .[test] (newest releases)")
        locked, now = _locked_versions(), _installed(env)
        moved = sorted(
            f"{name} {'/'.join(sorted(locked[name]))} -> {v}"
            for name, v in now.items()
            if name in locked and v not in locked[name]
        )
        print("dev.py: newest releases differing from the lock: " + (", ".join(moved) or "none"), file=sys.stderr)
        # the checkout's code on the newest dependencies; snapshots are tied to the lock's rendering
        cmd = [str(_bin(env) / "python"), "-m", "pytest", "-p", "no:cacheprovider", "--ignore", SNAPSHOT_TESTS, *args]
        rc = subprocess.call(cmd, cwd=ROOT)
        if rc not in (0, 5):
            print(
                "dev.py: the suite FAILS on the newest releases; packages that moved since the lock: "
                + (", ".join(moved) or "none"),
                file=sys.stderr,
            )
        return rc
    finally:
        shutil.rmtree(env, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["lock"]:
        return lock()
    if argv[:1] == ["test"] and "--latest" in argv:
        return test_latest([a for a in argv[1:] if a != "--latest"])
    _ensure_env()
    if argv[:1] == ["test"]:
        cmd = [str(_bin(VENV) / "python"), "-m", "pytest", *argv[1:]]
    else:
        cmd = [str(_bin(VENV) / "doc-check"), *argv]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
