"""Nothing lost: kill the trainee UI mid-exercise in a subprocess, start it again, the answers and clocks are there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tui_helpers import make_project

from doc_check.store import Store

DRIVER = Path(__file__).with_name("tui_resume_driver.py")


def _run(args: list[str], **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(DRIVER.parent))
    return subprocess.Popen([sys.executable, str(DRIVER), *args], stdout=subprocess.PIPE, text=True, env=env, **kw)


def test_kill_and_resume(tmp_path: Path) -> None:
    ex_dir = make_project(tmp_path / "proj")
    db = tmp_path / "train.sqlite"
    proc = _run([str(ex_dir), str(db), "2"])
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    store = Store(db)
    attempt = store.history("R1")[0]
    assert attempt.is_open and attempt.current_sample == "C3"
    answers = store.answers(attempt.id)
    assert answers["A1"].verdict == "genuine" and answers["B2"].verdict == "forged"
    assert answers["A1"].indicators == ("print.erasure",)
    assert answers["A1"].seconds >= 1.0 and attempt.total_seconds >= 2.0
    saved_total = attempt.total_seconds
    store.close()

    out = subprocess.run(
        [sys.executable, str(DRIVER), str(ex_dir), str(db), "0", "report"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(DRIVER.parent)),
    )
    assert out.returncode == 0, out.stderr[-2000:]
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state["sample"] == "C3"  # resumed where it was
    assert state["total"] >= saved_total  # the exercise clock continues, it does not restart
    store = Store(db)
    again = store.history("R1")
    assert len(again) == 1 and again[0].id == attempt.id  # the same attempt, not a new one
    assert store.answers(attempt.id)["B2"].verdict == "forged"
