"""Academy scale on both backends: sign-in with scrypt-hashed one-time passphrases, one live session per attempt
(lease, explicit take-over), answers written field by field, submission files never replaced, feedback released
per exercise, cohorts and rounds; SQLite: first-release databases upgraded with a backup, foreign, missing and
read-only files. PostgreSQL: a server stopped mid-round loses no committed answer."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.cli import cli
from doc_check.errors import BadInput
from doc_check.exercise import load_exercise
from doc_check.exercise.rounds import participant_rounds
from doc_check.store import SCHEMA_VERSION, SessionConflict, SignInRefused, Store, StoredAnswer, write_text_new
from doc_check.store.schema import SQLITE_V1, statements
from doc_check.tui.session import AttemptSession

IDS = ("S1", "S2", "S3")


def _start(store: Store, who: str = "T1", ex: str = "ex") -> int:
    return store.start_attempt(who, ex, "1", "abc", "/x/exercise.toml", IDS).id


def test_field_by_field_a_stale_write_keeps_the_other_fields(store_spec) -> None:
    a, b = Store(store_spec()), Store(store_spec())
    aid = _start(a)
    a.save_answer(aid, StoredAnswer("S1", "forged", ("mrz.format",), 80, "first"))
    # a second writer that still holds an old copy changes only the note: verdict and confidence stay
    b.save_answer(aid, StoredAnswer("S1", None, (), None, "second note"), fields=["note"])
    got = a.answers(aid)["S1"]
    assert (got.verdict, got.confidence, got.note, got.indicators) == ("forged", 80, "second note", ("mrz.format",))
    a.save_answer(aid, StoredAnswer("S1", "genuine"), fields=["verdict"])
    assert a.answers(aid)["S1"].verdict == "genuine" and a.answers(aid)["S1"].note == "second note"
    a.close()
    b.close()


def test_second_live_session_is_refused_then_takes_over_explicitly(store_spec, tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p"))
    one, two = Store(store_spec()), Store(store_spec())
    first = AttemptSession(one, ex, "A1")
    sid = first.sample_id
    first.save_answer(StoredAnswer(sid, "forged", (), 70))
    with pytest.raises(SessionConflict):
        AttemptSession(two, ex, "A1")
    events = []
    second = AttemptSession(two, ex, "A1", take_over=True, on_event=lambda k, m: events.append(k))
    assert second.attempt.id == first.attempt.id and second.answer(sid).verdict == "forged"
    first_events = []
    first.on_event = lambda k, m: first_events.append((k, m))
    # the stale session's writes are refused, without an exception reaching the UI, and erase nothing
    first.save_answer(StoredAnswer(sid, "genuine", (), 10))
    first.save_time()
    assert first.lost and first_events[0][0] == "lost" and "took over" in first_events[0][1]
    assert one.answers(first.attempt.id)[sid].verdict == "forged"
    second.save_answer(StoredAnswer(sid, "counterfeit", (), 90))
    result = second.submit()
    assert result.attempt.state == "submitted"
    # a session on an attempt submitted elsewhere stops quietly too
    with pytest.raises(BadInput, match="cannot submit"):
        first.submit()
    one.close()
    two.close()


def test_session_left_frees_the_attempt(store_spec, tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p"))
    with Store(store_spec()) as store:
        AttemptSession(store, ex, "A1").leave()
        AttemptSession(store, ex, "A1")  # no conflict once the first one left


def test_submission_files_never_replaced_across_databases(tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p"))
    paths = []
    for name, n in (("a.sqlite", 4), ("b.sqlite", 1)):
        with Store(tmp_path / name) as store:
            s = AttemptSession(store, ex, "T1")
            for i in range(n):
                s.go_to(i)
                s.save_answer(StoredAnswer(s.sample_id, "forged"))
            paths.append(s.submit().path)
    assert paths[0] != paths[1] and paths[0].parent == paths[1].parent  # same attempt id 1, another database id
    answered = [sum(a["verdict"] is not None for a in json.loads(p.read_text())["answers"]) for p in paths]
    assert answered == [4, 1]
    with pytest.raises(FileExistsError):
        write_text_new(paths[0], "{}")
    assert json.loads(paths[0].read_text())["answers"][0]["verdict"] == "forged"
    # even a database whose id was copied (a copied file) cannot replace the file: the submit is refused
    with Store(tmp_path / "a.sqlite") as store:
        aid = _start(store, "T9")
        with pytest.raises(BadInput, match="never replaced"):
            store.submit(aid, "{}", paths[0])
        assert store.attempt(aid).is_open


def test_feedback_release_per_exercise(store_spec) -> None:
    with Store(store_spec()) as store:
        assert not store.feedback_released("ex")
        store.release_feedback("ex")
        assert store.feedback_released("ex") and not store.feedback_released("other")
        store.release_feedback("ex", released=False)
        assert not store.feedback_released("ex")


def test_sign_in_enrol_refuse_slow_down_reset(store_spec) -> None:
    spec = store_spec()
    with Store(spec) as admin:
        assert not admin.enrolled()
        pw = {c: admin.enrol(c, "C1", f"name {c}") for c in ("T01", "T02")}
        assert admin.enrolled() and len(set(pw.values())) == 2
        with pytest.raises(BadInput, match="already enrolled"):
            admin.enrol("T01", "C1")
        rows = admin._rows("SELECT code, pass_hash, pass_salt FROM participants ORDER BY code")
        assert all(r["pass_hash"] and pw[r["code"]] not in r["pass_hash"] for r in rows)
        assert rows[0]["pass_salt"] != rows[1]["pass_salt"]  # per-user salts
    trainee = Store(spec)
    # nobody signed in: no code can be used, the remembered default is ignored
    assert trainee.remembered_participant() is None
    with pytest.raises(BadInput, match="sign in"):
        trainee.ensure_participant("T02")
    with pytest.raises(BadInput, match="not signed in"):
        _start(trainee, "T02")
    with pytest.raises(SignInRefused):
        trainee.sign_in("NOBODY", pw["T01"])
    with pytest.raises(SignInRefused) as wrong:
        trainee.sign_in("T01", pw["T02"])
    assert wrong.value.wait_seconds >= 1
    with pytest.raises(SignInRefused, match="too many"):  # held back even with the right passphrase
        trainee.sign_in("T01", pw["T01"])
    trainee.close()
    with Store(spec) as admin:
        new = admin.reset_passphrase("T01")
    trainee = Store(spec)
    with pytest.raises(SignInRefused):
        trainee.sign_in("T01", pw["T01"])  # the old one no longer works
    with Store(spec) as admin:
        new = admin.reset_passphrase("T01")
    assert trainee.sign_in("T01", "  " + new.upper() + " ") == "T01"
    aid = _start(trainee, "T01")
    with pytest.raises(BadInput, match="not signed in"):  # signed in as T01, cannot answer as T02
        _start(trainee, "T02")
    trainee.save_answer(aid, StoredAnswer("S1", "forged"))
    trainee.close()


def test_cohorts_progress_and_rounds_with_z_scores(store_spec, tmp_path: Path) -> None:
    with Store(store_spec()) as store:
        for i in range(6):
            store.enrol(f"A{i}", "alpha")
        store.enrol("B0", "beta")
        store.assign("alpha", "r1")
        store.assign("alpha", "r2")
        store.sign_in  # noqa: B018 - (the instructor's store writes without sign-in only for the test below)
    with Store(store_spec()) as store:
        store._enrolled = False  # a test writer: bypass sign-in to record many participants' rounds
        store.enrolled = lambda: False  # type: ignore[method-assign]
        scores = {"r1": [10, 12, 14, 16, 18, 20], "r2": [20, 18, 16, 14, 12, 30]}
        for ex, pts in scores.items():
            for i, p in enumerate(pts):
                aid = _start(store, f"A{i}", ex)
                store.submit(aid, "{}", tmp_path / f"{ex}-{i}.json", score=float(p), max_score=30.0, passed=p > 15)
        aid = _start(store, "B0", "r1")
        store.submit(aid, "{}", tmp_path / "b.json", score=0.0, max_score=30.0, passed=False)
        assert store.assignments("alpha") == [("alpha", "r1"), ("alpha", "r2")]
        assert [p.participant for p in store.progress("r1", "alpha")] == [f"A{i}" for i in range(6)]
        assert [p.participant for p in store.progress("r1", "beta")] == ["B0"]
        rounds = participant_rounds(store, "A5")
        assert [r.exercise_id for r in rounds] == ["r1", "r2"]
        assert [r.points for r in rounds] == [20.0, 30.0] and rounds[1].pct == 100.0
        assert rounds[0].z > 0 and rounds[1].z > 2 and all(r.cohort_size == 6 for r in rounds)  # B0 not counted
        assert participant_rounds(store, "B0")[0].z is None  # alone in its cohort


# -- SQLite specifics ------------------------------------------------------------------------------------------


def _first_release_db(path: Path) -> None:
    """A database as the first release made it: schema 1, version in `settings`, an attempt with answers."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    for st in statements(SQLITE_V1):
        con.execute(st)
    con.execute("INSERT INTO settings VALUES ('schema_version', '1'), ('participant', 'OLD1')")
    con.execute("INSERT INTO participants VALUES ('OLD1', '2026-01-01T00:00:00+00:00')")
    con.execute(
        "INSERT INTO attempts(participant, exercise_id, exercise_version, exercise_sha256, exercise_path, sample_ids,"
        " started, state, submitted, score, max_score, passed) VALUES ('OLD1', 'ex', '1', 'abc', '/x', '[\"S1\"]',"
        " '2026-01-01T00:00:00+00:00', 'open', NULL, NULL, NULL, NULL)"
    )
    con.execute("INSERT INTO answers(attempt_id, sample_id, verdict, updated) VALUES (1, 'S1', 'forged', 'x')")
    con.execute("UPDATE attempts SET state = 'submitted', score = 9 WHERE id = 1")
    con.close()


def test_first_release_database_is_upgraded_in_place_with_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _first_release_db(db)
    store = Store(db)
    assert store.backup_path is not None and store.backup_path.parent == tmp_path
    backup = sqlite3.connect(store.backup_path)
    assert backup.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchone()[0] == "1"
    assert backup.execute("SELECT verdict FROM answers").fetchone()[0] == "forged"
    backup.close()
    assert store.get_setting("schema_version") == str(SCHEMA_VERSION)
    assert store.remembered_participant() == "OLD1"
    assert store.answers(1)["S1"].verdict == "forged" and store.attempt(1).score == 9
    with pytest.raises(Exception, match="submitted"):  # the triggers survived the upgrade
        store.save_answer(1, StoredAnswer("S1", "genuine"))
    store.enrol("NEW1", "c")  # the new columns work
    store.close()
    again = Store(db)  # opening again: no second upgrade, no second backup
    assert again.backup_path is None
    again.close()
    assert len(list(tmp_path.glob("old.sqlite.schema1-backup-*"))) == 1


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.commit()
    con.close()
    before = db.read_bytes()
    ex = make_project(tmp_path / "p")
    res = CliRunner().invoke(cli, ["train", "--db", str(db), "--exercise", str(ex)])
    assert res.exit_code == 2 and "not a doc-check database" in res.output
    with pytest.raises(BadInput, match="not a doc-check database"):
        Store(db)
    assert db.read_bytes() == before
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["invoices"]
    con.close()


def test_database_in_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.db"
    ex = make_project(tmp_path / "p")
    res = CliRunner().invoke(cli, ["train", "--db", str(target), "--exercise", str(ex)])
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [f"doc-check: error: {target}: folder {target.parent} does not exist"]
    assert not (tmp_path / "nonexistent").exists()


def test_results_reads_a_read_only_database(tmp_path: Path) -> None:
    """A database in a folder the reader cannot write (as root: read by `nobody`, who cannot write it)."""
    import shutil
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="doc-check-ro-"))  # not under tmp_path: `nobody` must reach it
    try:
        db = folder / "class.sqlite"
        with Store(db) as store:
            aid = _start(store, "R1")
            store.save_answer(aid, StoredAnswer("S1", "forged"))
        db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        folder.chmod(0o555)
        cmd = [sys.executable, "-m", "doc_check", "results", "--db", str(db), "--json"]
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("root without runuser: cannot read as an unprivileged user")
            cmd = ["runuser", "-u", "nobody", "--", *cmd]
            probe = subprocess.run(
                ["runuser", "-u", "nobody", "--", sys.executable, "-c", "import doc_check"],
                capture_output=True,
                cwd="/",
                env={**os.environ, "PYTHONPATH": str(Path.cwd())},
            )
            if probe.returncode != 0:
                pytest.skip(f"`nobody` cannot run this interpreter or import the checkout: {probe.stderr[-200:]!r}")
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=120, cwd="/", env={**os.environ, "PYTHONPATH": str(Path.cwd())}
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)[0]["participants"][0]["participant"] == "R1"
        assert sorted(p.name for p in folder.iterdir()) == ["class.sqlite"]  # nothing written beside it
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_results_reads_a_read_only_database_opened_read_only(tmp_path: Path) -> None:
    """The same as root can check it: the store opened read-only reads, and refuses every write."""
    db = tmp_path / "class.sqlite"
    with Store(db) as store:
        aid = _start(store, "R1")
    with Store(db, read_only=True) as ro:
        assert [p.participant for p in ro.progress("ex")] == ["R1"]
        with pytest.raises(BadInput, match="read-only"):
            ro.save_answer(aid, StoredAnswer("S1", "forged"))


# -- PostgreSQL: a server outage mid-round ---------------------------------------------------------------------


def test_server_restart_mid_round_loses_no_committed_answer(tmp_path: Path) -> None:
    from pg_cluster import Cluster

    try:
        cluster = Cluster()  # its own folder in /tmp (the server's unprivileged user cannot enter tmp_path)
        url = cluster.start()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"cannot start a private PostgreSQL cluster for the outage test: {exc}")
    try:
        ex = load_exercise(make_project(tmp_path / "p"))
        store = Store(url)
        events: list[str] = []
        s = AttemptSession(store, ex, "P1", on_event=lambda k, m: events.append(k))
        s.save_answer(StoredAnswer(s.sample_id, "forged", (), 50))
        cluster.stop()
        s.save_answer(StoredAnswer(s.sample_id, "counterfeit", (), 60))  # kept, no exception
        s.save_time()
        assert s.offline and events == ["offline"]
        cluster.start()
        s.save_time()  # the next tick reconnects and writes what was kept
        assert not s.offline and events == ["offline", "online"]
        with Store(url) as other:
            got = other.answers(s.attempt.id)[s.sample_id]
        assert (got.verdict, got.confidence) == ("counterfeit", 60)
        assert s.submit().attempt.state == "submitted"
        store.close()
    finally:
        cluster.destroy()
