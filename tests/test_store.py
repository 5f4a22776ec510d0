"""The store on both backends (SQLite, PostgreSQL): answers upserted field by field, immutable submissions enforced
in the database, history, class progress, leases, sign-in, cohorts, many writers; SQLite specifics (WAL, upgrade of
a first-release database, foreign and read-only files)."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from doc_check.errors import BadInput
from doc_check.store import AttemptClosed, Store, StoredAnswer, default_db_path

IDS = ("S1", "S2", "S3")


def _raw_refused(spec: str, sql: str, aid: int) -> None:
    """Raw SQL on a second connection, past the store: the database itself refuses."""
    if spec.startswith("postgresql"):
        import psycopg

        with psycopg.connect(spec, autocommit=True) as raw, pytest.raises(psycopg.errors.IntegrityConstraintViolation):
            raw.execute(sql.replace("?", "%s"), (aid,))
    else:
        raw = sqlite3.connect(spec)
        try:
            with pytest.raises(sqlite3.IntegrityError):
                raw.execute(sql, (aid,))
        finally:
            raw.close()


def _start(store: Store, who: str = "T1", sha: str = "abc") -> int:
    return store.start_attempt(who, "ex", "1", sha, "/x/exercise.toml", IDS).id


def test_wal_and_busy_timeout(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    assert store.journal_mode() == "wal"
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_default_path_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOC_CHECK_DB", str(tmp_path / "x.sqlite"))
    assert default_db_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("DOC_CHECK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "doc-check" / "doc-check.sqlite"


def test_answers_upsert_and_resume_the_same_attempt(store_spec) -> None:
    store = Store(store_spec())
    aid = _start(store)
    store.save_answer(aid, StoredAnswer("S1", "forged", ("print.erasure", "mrz.format"), 70, "odd font", 12.5))
    store.save_answer(aid, StoredAnswer("S1", "counterfeit", ("mrz.format",), 90, "", 20.0))
    store.record_time(aid, 33.0, "S2", 4.0)
    store.set_current_sample(aid, "S2")
    store.close()
    store = Store(store_spec())
    assert _start(store) == aid  # open attempt at the same exercise file is resumed
    got = store.answers(aid)
    assert got["S1"] == StoredAnswer("S1", "counterfeit", ("mrz.format",), 90, "", 20.0)
    assert got["S2"].seconds == 4.0 and got["S2"].verdict is None
    a = store.attempt(aid)
    assert a.total_seconds == 33.0 and a.current_sample == "S2"
    assert _start(store, sha="changed") != aid  # another exercise file: a new attempt


def test_submitted_attempt_is_immutable(store_spec, tmp_path: Path) -> None:
    store = Store(store_spec())
    aid = _start(store)
    store.save_answer(aid, StoredAnswer("S1", "genuine"))
    sub = store.submission(aid, submitted="2026-01-01T00:00:00+00:00")
    assert [a.sample_id for a in sub.answers] == list(IDS) and sub.answers[1].verdict is None
    path = tmp_path / "out" / "sub.json"
    store.submit(aid, json.dumps({"ok": 1}), path, score=6.0, max_score=30.0, passed=False)
    assert json.loads(path.read_text()) == {"ok": 1}
    assert not list(path.parent.glob("*.tmp"))
    with pytest.raises(AttemptClosed):
        store.save_answer(aid, StoredAnswer("S1", "forged"))
    with pytest.raises(AttemptClosed):
        store.save_answer(aid, StoredAnswer("S2", "forged"))
    with pytest.raises(AttemptClosed):
        store.record_time(aid, 99.0, None, 0)
    with pytest.raises(AttemptClosed):
        store.submit(aid, "{}", tmp_path / "again.json")
    assert not (tmp_path / "again.json").exists()
    # Even raw SQL cannot change it: triggers guard the rows.
    for sql in (
        "UPDATE answers SET verdict = 'forged' WHERE attempt_id = ?",
        "DELETE FROM answers WHERE attempt_id = ?",
        "UPDATE attempts SET state = 'open' WHERE id = ?",
        "DELETE FROM attempts WHERE id = ?",
    ):
        _raw_refused(store_spec(), sql, aid)
    assert store.answers(aid)["S1"].verdict == "genuine"
    assert _start(store) != aid  # a new attempt after a submitted one


def test_history_best_and_progress(store_spec, tmp_path: Path) -> None:
    store = Store(store_spec())
    for who, score in (("T1", 10.0), ("T1", 25.0), ("T1", 20.0), ("T2", 5.0)):
        aid = _start(store, who)
        store.save_answer(aid, StoredAnswer("S1", "genuine"))
        store.submit(aid, "{}", tmp_path / f"{who}-{aid}.json", score=score, max_score=30.0, passed=score >= 21)
    aid = _start(store, "T3")
    store.save_answer(aid, StoredAnswer("S1", "genuine"))
    store.save_answer(aid, StoredAnswer("S2", "forged"))
    store.save_answer(aid, StoredAnswer("S3", None, ("mrz.format",)))  # touched but no verdict yet
    assert [a.score for a in store.history("T1", "ex")] == [20.0, 25.0, 10.0]
    assert store.best_scores("T1")["ex"].score == 25.0
    rows = {p.participant: p for p in store.progress("ex")}
    assert set(rows) == {"T1", "T2", "T3"}
    assert rows["T1"].score == 20.0 and rows["T1"].state == "submitted"  # latest attempt
    assert rows["T3"].answered == 2 and rows["T3"].total == 3 and rows["T3"].state == "open"


def test_participant_codes(store_spec) -> None:
    store = Store(store_spec())
    assert store.remembered_participant() is None
    store.ensure_participant("T-07")
    assert store.remembered_participant() == "T-07"
    store.ensure_participant("class2", remember=False)
    assert store.remembered_participant() == "T-07"
    assert store.participants() == ["T-07", "class2"]
    for bad in ("", "a b", "../x", "x" * 65):
        with pytest.raises(BadInput):
            store.ensure_participant(bad)


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(BadInput, match=r"bad\.sqlite"):
        Store(bad)


def _writer(db: str, who: str, n: int) -> None:
    store = Store(db)
    aid = store.start_attempt(who, "ex", "1", "abc", "/x", [f"S{i}" for i in range(n)]).id
    for i in range(n):
        store.save_answer(aid, StoredAnswer(f"S{i}", "forged", ("mrz.format",), i, f"note {i}", float(i)))
        store.record_time(aid, float(i), f"S{i}", float(i))
    store.close()


def test_many_processes_write_one_database(store_spec) -> None:
    db = store_spec()
    Store(db).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db, f"P{k}", 40)) for k in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = Store(db)
    rows = store.progress("ex")
    assert [r.participant for r in rows] == [f"P{k}" for k in range(6)]
    assert all(r.answered == 40 and r.total == 40 for r in rows)
    if store.backend == "sqlite":
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
