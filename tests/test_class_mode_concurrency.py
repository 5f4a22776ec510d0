"""Class mode: 20 trainee processes answer and submit at the same time into one SQLite database; nothing is lost
or doubled, and `doc-check results` shows the class with scores and z-scores."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from doc_check.cli import cli
from doc_check.indicators import VERDICTS
from exercise_helpers import TRUTH, make_project

N_TRAINEES = 20

# One trainee process: the same AttemptSession the trainee UI saves through (one transaction per answer),
# started together with the others on a shared "go" file so that the writes really overlap.
WORKER = r"""
import sys, time
from pathlib import Path
from doc_check.exercise import load_exercise
from doc_check.store import Store, StoredAnswer
from doc_check.tui.session import AttemptSession

db, ex, code, go, n = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
verdicts = sys.argv[6].split(",")
store = Store(db)
exercise = load_exercise(ex)
session = AttemptSession(store, exercise, code)
while not go.exists():
    time.sleep(0.01)
for i, sid in enumerate(exercise.sample_ids):
    session.go_to(i)
    # change the answer a few times, as a trainee does: each change is its own transaction
    session.save_answer(StoredAnswer(sid, "genuine"))
    session.save_answer(StoredAnswer(sid, verdicts[(n + i) % len(verdicts)], ("print.erasure",), 50))
    session.save_answer(StoredAnswer(sid, verdicts[(n + i) % len(verdicts)], ("print.erasure",), 60 + n))
    session.save_time()
result = session.submit()
print(result.path)
"""


def test_twenty_trainees_submit_concurrently(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "proj")
    db = tmp_path / "class.sqlite"
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), str(ex), f"T{n:02d}", str(go), str(n), ",".join(VERDICTS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(N_TRAINEES)
    ]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    samples = list(TRUTH)

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        attempts = con.execute("SELECT id, participant, state FROM attempts ORDER BY participant").fetchall()
        assert [a[1] for a in attempts] == [f"T{n:02d}" for n in range(N_TRAINEES)]
        assert all(a[2] == "submitted" for a in attempts)
        rows = con.execute("SELECT a.participant, w.sample_id, w.verdict, w.confidence FROM answers w "
                           "JOIN attempts a ON a.id = w.attempt_id").fetchall()
    finally:
        con.close()
    assert len(rows) == N_TRAINEES * len(samples)
    pairs = [(r[0], r[1]) for r in rows]
    assert len(set(pairs)) == len(pairs)  # every answer exactly once
    for participant, sid, verdict, confidence in rows:
        n = int(participant[1:])
        assert verdict == VERDICTS[(n + samples.index(sid)) % len(VERDICTS)]
        assert confidence == 60 + n  # the last change won
    for (out, _err) in outs:
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
    res = CliRunner().invoke(cli, ["results", "--exercise", str(ex), "--db", str(db), "--report",
                                   str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "rep" / "summary.html").is_file()
    assert "T19" in res.output and "submitted" in res.output
