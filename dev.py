#!/usr/bin/env python3
"""Set up and run doc-check with nothing but Python >= 3.11.

    python3 dev.py train          # the trainee UI on the built-in exercise
    python3 dev.py test [ARGS]    # the test suite (pytest ARGS), in the locked environment
    python3 dev.py test --latest  # the suite on the newest release of every dependency (snapshots excepted)
    python3 dev.py lock           # refresh requirements.lock (+ requirements-bench.lock) from pyproject.toml
    python3 dev.py bench bench/SCRIPT.py [ARGS]   # a benchmark in .venv-bench (the lock + the bench extra's lock)
    python3 dev.py lint           # ruff check, ruff format --check, mypy, lint-imports
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
LOCK_EXTRAS = ("test", "lint", "cluster")
# The `bench` extra (peers measured side by side, e.g. PassportEye) is locked apart: only what it adds to the lock.
BENCH_LOCK = ROOT / "requirements-bench.lock"
BENCH_VENV = ROOT / ".venv-bench"
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


def _ensure_env(env: Path = VENV, locks: tuple[Path, ...] = (LOCK,)) -> None:
    """`env` holding exactly the locks, then the project (editable, no dependencies)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under any python3 to say so
        sys.exit("doc-check needs Python >= 3.11")
    for lock_file in locks:
        if not lock_file.is_file():
            sys.exit(f"dev.py: {lock_file.name} is missing; run `python3 dev.py lock`")
    data = b"".join(f.read_bytes() for f in locks) + (ROOT / "pyproject.toml").read_bytes()
    wanted = hashlib.sha256(data).hexdigest()
    stamp = env / STAMP_NAME
    if stamp.exists() and stamp.read_text() == wanted and (_bin(env) / "doc-check").exists():
        return
    _make_venv(env)
    names = " + ".join(f.name for f in locks)
    print(f"dev.py: installing {names} into {env.name} ...", file=sys.stderr)
    # --require-hashes: every package must be pinned in the lock and match its hash; nothing else resolves.
    reqs = [a for f in locks for a in ("-r", str(f))]
    _run([*_pip(env), "--require-hashes", *reqs], f"pip install {names}")
    # sync: a package that left the lock leaves the venv too
    _remove_unlocked(env, locks)
    _run([*_pip(env), "--no-deps", "--no-build-isolation", "-e", str(ROOT)], "pip install -e . (no deps)")
    stamp.write_text(wanted)


def _locked_versions(lock_file: Path = LOCK) -> dict[str, set[str]]:
    """Package name (normalised) -> versions pinned in the lock (two where Python versions fork)."""
    out: dict[str, set[str]] = {}
    for line in lock_file.read_text().splitlines():
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


def _remove_unlocked(env: Path, locks: tuple[Path, ...] = (LOCK,)) -> None:
    keep = {name for f in locks for name in _locked_versions(f)} | {"pip", "doc-check"}
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
        return _lock_bench(tools, cmd)
    finally:
        shutil.rmtree(tools, ignore_errors=True)


def _lock_bench(tools: Path, main_cmd: list[str]) -> int:
    """requirements-bench.lock: what the `bench` extra adds to requirements.lock, resolved with every package the
    lock pins held at its locked version (so `.venv-bench` is the lock plus these)."""
    pinned = tools / "locked-constraints.txt"
    keep = [re.match(r"^([A-Za-z0-9_.\-]+==[^\s;\\]+(?:\s*;[^\\]+)?)", line) for line in LOCK.read_text().splitlines()]
    pinned.write_text("\n".join(m.group(1).strip() for m in keep if m) + "\n")
    full = tools / "bench-full.lock"
    extras = [a for e in (*LOCK_EXTRAS, "bench") for a in ("--extra", e)]
    cmd = [a for a in main_cmd if a not in ("--output-file", str(LOCK), "--extra", *LOCK_EXTRAS)]
    cmd += [*extras, "--constraint", str(pinned), "--output-file", str(full)]
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "UV_NO_CACHE": "1"})
    if done.returncode != 0:
        return done.returncode
    locked = _locked_versions()
    blocks, current = [], []  # one block per package: its `name==version` line, hashes and `# via` comments
    for line in full.read_text().splitlines():
        if re.match(r"^[A-Za-z0-9]", line) and current:
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    added = []
    for block in blocks:
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", block[0])
        if m and m.group(2) not in locked.get(_norm(m.group(1)), set()):
            added.append("\n".join(block))
    header = (
        "# What the `bench` extra adds to requirements.lock, with hashes (made by `python3 dev.py lock`).\n"
        "# `python3 dev.py bench bench/SCRIPT.py` installs requirements.lock + this file into .venv-bench.\n"
    )
    BENCH_LOCK.write_text(header + "\n".join(added) + "\n")
    print(f"dev.py: wrote {BENCH_LOCK.name} ({len(added)} packages)", file=sys.stderr)
    return 0


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
    env.chmod(0o755)  # tests run a command as an unprivileged user, who must reach this interpreter
    try:
        _make_venv(env)
        print("dev.py: installing the newest releases into a throwaway venv ...", file=sys.stderr)
        _run([*_pip(env), "--upgrade", f"{ROOT}[test,cluster]"], "pip install .[test,cluster] (newest releases)")
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


LINTERS = (
    ("ruff check", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("mypy", ["mypy"]),
    ("lint-imports", ["lint-imports"]),
)


def lint() -> int:
    """ruff check, ruff format --check, mypy and lint-imports (config in pyproject.toml); all run, any failure fails."""
    failed = []
    for name, cmd in LINTERS:
        print(f"dev.py: {name}", file=sys.stderr, flush=True)
        if subprocess.call([str(_bin(VENV) / cmd[0]), *cmd[1:]], cwd=ROOT) != 0:
            failed.append(name)
    if failed:
        print(f"dev.py: lint FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["lock"]:
        return lock()
    if argv[:1] == ["test"] and "--latest" in argv:
        return test_latest([a for a in argv[1:] if a != "--latest"])
    if argv[:1] == ["bench"]:
        if len(argv) < 2:
            sys.exit("usage: python3 dev.py bench bench/SCRIPT.py [ARGS]")
        _ensure_env(BENCH_VENV, (LOCK, BENCH_LOCK))
        return subprocess.call([str(_bin(BENCH_VENV) / "python"), *argv[1:]], cwd=ROOT)
    _ensure_env()
    if argv[:1] == ["lint"]:
        return lint()
    if argv[:1] == ["test"]:
        cmd = [str(_bin(VENV) / "python"), "-m", "pytest", *argv[1:]]
    else:
        cmd = [str(_bin(VENV) / "doc-check"), *argv]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
