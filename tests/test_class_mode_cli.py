"""`doc-check serve` and `doc-check results` on bad input, the child command, and `results --watch`."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.cli import cli
from doc_check.cli.serve import child_command, is_loopback
from doc_check.exercise import load_exercise
from doc_check.store import Store, StoredAnswer
from doc_check.tui.session import AttemptSession


def test_serve_refuses_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    ex = make_project(tmp_path / "p")
    res = runner.invoke(cli, ["serve", "--exercise", str(ex), "--host", "0.0.0.0", "--db", str(tmp_path / "d")])
    assert res.exit_code == 2 and "not a loopback address" in res.output
    res = runner.invoke(cli, ["serve", "--exercise", str(tmp_path / "nope"), "--db", str(tmp_path / "d")])
    assert res.exit_code == 2 and "no such exercise" in res.output
    res = runner.invoke(cli, ["serve", "--db", str(tmp_path / "d")])
    assert res.exit_code == 2 and "exactly one of --exercise or --pack" in res.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    res = runner.invoke(cli, ["serve", "--pack", str(junk), "--db", str(tmp_path / "d")])
    assert res.exit_code == 2 and "not a zip archive" in res.output
    assert not (tmp_path / "d").exists()  # nothing created for a refused start


def test_loopback_and_child_command(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")
    db = tmp_path / "a class" / "db.sqlite"
    cmd = child_command(db, exercise=tmp_path / "ex 1")
    assert cmd.startswith("DOC_CHECK_IMAGE=halfcell exec ")
    args = shlex.split(cmd.split(" exec ", 1)[1])
    assert args[:4] == [sys.executable, "-m", "doc_check", "train"]
    assert args[args.index("--db") + 1] == str(db) and "--class-mode" in args
    assert args[args.index("--exercise") + 1] == str(tmp_path / "ex 1")


def test_class_store_never_remembers(tmp_path: Path) -> None:
    with Store(tmp_path / "c.sqlite", class_mode=True) as store:
        store.ensure_participant("A1")
        assert store.remembered_participant() is None
        assert "A1" in store.participants()
    with Store(tmp_path / "c.sqlite") as plain:
        assert plain.remembered_participant() is None


def test_results_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["results", "--db", str(tmp_path / "missing.sqlite")])
    assert res.exit_code == 2 and "database not found" in res.output
    ex_dir = make_project(tmp_path / "p")
    (ex_dir / "key.toml").unlink()
    db = tmp_path / "class.sqlite"
    with Store(db) as store:
        session = AttemptSession(store, load_exercise(ex_dir), "Z9")
        session.save_answer(StoredAnswer("S1", "genuine"))
    res = runner.invoke(cli, ["results", "--exercise", str(ex_dir), "--db", str(db), "--report", str(tmp_path / "r")])
    assert res.exit_code == 2 and "needs --exercise naming an exercise folder with its key.toml" in res.output
    assert not (tmp_path / "r").exists()
    res = runner.invoke(cli, ["results", "--db", str(db)])
    assert res.exit_code == 0 and "Z9" in res.output and "1/4" in res.output and "working" in res.output


def test_watch_rewrites_the_report_when_someone_submits(tmp_path: Path) -> None:
    import json

    ex_dir = make_project(tmp_path / "p")
    db = tmp_path / "class.sqlite"
    exercise = load_exercise(ex_dir)
    with Store(db) as store:
        first = AttemptSession(store, exercise, "A1")
        first.save_answer(StoredAnswer("S1", "genuine"))
        first.submit()
        second = AttemptSession(store, exercise, "A2")
        second.save_answer(StoredAnswer("S1", "forged"))
        second.leave()  # else its lease keeps a second session out for LEASE_SECONDS
    rep = tmp_path / "rep"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doc_check",
            "results",
            "--exercise",
            str(ex_dir),
            "--db",
            str(db),
            "--watch",
            "--interval",
            "0.2",
            "--report",
            str(rep),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        summary = rep / "summary.json"
        deadline = time.monotonic() + 30
        while not summary.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert json.loads(summary.read_text())["n_participants"] == 1
        with Store(db) as store:
            AttemptSession(store, exercise, "A2").submit()
        a2 = rep / "individual" / "A2.html"  # written after the summary
        while (json.loads(summary.read_text())["n_participants"] != 2 or not a2.is_file()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
        assert json.loads(summary.read_text())["n_participants"] == 2
        assert a2.is_file()
        for _ in range(100):  # each participant's rounds page with the trend chart, written with the reports
            if (rep / "history" / "A2.html").is_file():
                break
            time.sleep(0.1)
        assert "<svg" in (rep / "history" / "A2.html").read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "wrote" in out and "report files" in out and "A2" in out and "submitted" in out


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    import socket

    ex = make_project(tmp_path / "p")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = CliRunner().invoke(
            cli, ["serve", "--exercise", str(ex), "--port", str(port), "--db", str(tmp_path / "d.sqlite")]
        )
    assert res.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in res.output
    assert not (tmp_path / "d.sqlite").exists()


def test_class_mode_train_asks_every_code_and_lists_only_the_served_exercise(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from doc_check.tui.app import TrainApp

    ex = make_project(tmp_path / "p")
    other = ex.parent / "other"
    shutil.copytree(ex, other)
    (other / "exercise.toml").write_text((other / "exercise.toml").read_text().replace('id = "ex1"', 'id = "other"'))
    db = tmp_path / "class.sqlite"
    with Store(db) as store:
        store.ensure_participant("EARLIER")  # remembered as the default by a plain `doc-check train`
    seen: dict[str, object] = {}
    original = TrainApp.run

    async def look(pilot) -> None:
        await pilot.pause()
        seen["screen"] = type(pilot.app.screen).__name__
        seen["exercises"] = [e.id for e in pilot.app.exercises]
        await pilot.press(*"T5", "enter")
        await pilot.pause()
        seen["after"] = type(pilot.app.screen).__name__
        pilot.app.exit()

    monkeypatch.setattr(
        TrainApp, "run", lambda self, *a, **k: original(self, headless=True, size=(120, 40), auto_pilot=look)
    )
    monkeypatch.setenv("DOC_CHECK_EXERCISES", str(ex.parent))
    res = CliRunner().invoke(
        cli, ["train", "--exercise", str(ex), "--db", str(db), "--class-mode", "--image", "halfcell"]
    )
    assert res.exit_code == 0, res.output
    assert seen == {"screen": "ParticipantScreen", "exercises": ["ex1"], "after": "ExamineScreen"}
    with Store(db) as store:
        assert store.remembered_participant() == "EARLIER"  # not replaced by the class's trainee
        assert [a.participant for a in store.history()] == ["T5"]


def test_idle_marker() -> None:
    from datetime import datetime

    from doc_check.cli.results import _idle

    now = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)
    assert _idle("2026-11-28T09:57:30+00:00", now) == "idle 2m"
    assert _idle("2026-11-28T09:59:30+00:00", now) == ""
    assert _idle("not a time", now) == ""
