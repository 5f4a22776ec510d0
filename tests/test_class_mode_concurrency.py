"""Class mode: 20 trainee processes, each running the real trainee app headless, answer and submit at the same time
into one SQLite database; nothing is lost or doubled, and `doc-check results` shows the class with scores and
z-scores."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from exercise_helpers import TRUTH, make_project

from doc_check.cli import cli
from doc_check.indicators import VERDICTS

N_TRAINEES = 20

# The trainees: 20 processes, each running the real trainee app (`TrainApp`, headless under Textual's Pilot) with
# its own Store connection to the one database file. A launcher imports Textual and doc_check once and forks them
# (a fresh interpreter per trainee would spend about 1 s of CPU each on imports alone, which is not what this test
# is about); after the fork each child builds its own app and event loop. They open the exercise, wait on a shared
# "go" file so that the writes really overlap, then answer every sample through the verdict form (each change is
# its own transaction), go to the next one with `n`, and submit with `x`, `y`.
LAUNCHER = r"""
import asyncio, json, os, sys, time, traceback
from pathlib import Path

from textual.widgets import Input

from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.screens.feedback import FeedbackScreen
from doc_check.tui.widgets.verdict_form import VerdictForm

db, ex, work, count = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
verdicts = sys.argv[5].split(",")
go = work / "go"


async def trainee(n):
    exercise = load_exercise(ex)
    app = TrainApp(Store(db), [exercise], start=exercise, participant=f"T{n:02d}", image_mode="halfcell")
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamineScreen), screen
        form = screen.query_one(VerdictForm)
        (work / f"ready-{n}").touch()
        while not go.exists():
            await asyncio.sleep(0.01)
        last = len(exercise.sample_ids) - 1
        for i, sid in enumerate(exercise.sample_ids):
            assert screen.sample_id == sid, (screen.sample_id, sid)
            # change the answer a few times, as a trainee does
            form.set_verdict("genuine")
            await pilot.pause()
            form.set_verdict(verdicts[(n + i) % len(verdicts)])
            form.toggle_indicator("print.erasure")
            await pilot.pause()
            form.query_one("#confidence", Input).value = str(60 + n)
            await pilot.pause()
            if i < last:
                await pilot.press("n")
                await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        for _ in range(2400):  # a bound for a loaded machine, not a timing claim
            if isinstance(app.screen, FeedbackScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, FeedbackScreen), app.screen
    return str(app.last_result.attempt.submission_path)


pids = {}
for n in range(count):
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            (work / f"out-{n}").write_text(asyncio.run(trainee(n)))
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    pids[pid] = n
while len(list(work.glob("ready-*"))) < count and all(os.waitpid(p, os.WNOHANG) == (0, 0) for p in pids):
    time.sleep(0.05)
go.touch()
status = {}
for pid, n in pids.items():
    _, st = os.waitpid(pid, 0)
    status[f"T{n:02d}"] = os.waitstatus_to_exitcode(st)
print(json.dumps(status))
"""


def test_twenty_trainees_submit_concurrently(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "proj")
    db = tmp_path / "class.sqlite"
    work = tmp_path / "work"
    work.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(db), str(ex), str(work), str(N_TRAINEES), ",".join(VERDICTS)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    status = json.loads(run.stdout.strip().splitlines()[-1])
    assert status == {f"T{n:02d}": 0 for n in range(N_TRAINEES)}, run.stderr[-3000:]
    assert len(list(work.glob("ready-*"))) == N_TRAINEES  # all were in the exercise before anyone answered
    outs = [(work / f"out-{n}").read_text() for n in range(N_TRAINEES)]
    samples = list(TRUTH)

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        attempts = con.execute("SELECT id, participant, state FROM attempts ORDER BY participant").fetchall()
        assert [a[1] for a in attempts] == [f"T{n:02d}" for n in range(N_TRAINEES)]
        assert all(a[2] == "submitted" for a in attempts)
        rows = con.execute(
            "SELECT a.participant, w.sample_id, w.verdict, w.confidence FROM answers w "
            "JOIN attempts a ON a.id = w.attempt_id"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == N_TRAINEES * len(samples)
    pairs = [(r[0], r[1]) for r in rows]
    assert len(set(pairs)) == len(pairs)  # every answer exactly once
    for participant, sid, verdict, confidence in rows:
        n = int(participant[1:])
        assert verdict == VERDICTS[(n + samples.index(sid)) % len(VERDICTS)]
        assert confidence == 60 + n  # the last change won
    for out in outs:
        sub = json.loads(Path(out.strip()).read_text())
        assert [a["sample_id"] for a in sub["answers"]] == samples

    # the instructor's live table: everyone submitted, rescored with the key, z-scores present
    res = CliRunner().invoke(cli, ["results", "--exercise", str(ex), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    table = json.loads(res.output)[0]
    assert table["scored_with_key"] is True
    assert len(table["participants"]) == N_TRAINEES
    assert all(p["state"] == "submitted" and p["answered"] == len(samples) for p in table["participants"])
    assert all(p["z"] is not None for p in table["participants"])
    res = CliRunner().invoke(
        cli, ["results", "--exercise", str(ex), "--db", str(db), "--report", str(tmp_path / "rep")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "rep" / "summary.html").is_file()
    assert "T19" in res.output and "submitted" in res.output
