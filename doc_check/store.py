"""SQLite store of trainees' attempts: participants, answers saved as they change, timers, submissions, history."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from doc_check.atomic import atomic_write_text
from doc_check.errors import BadInput
from doc_check.exercise.load import ID_RE
from doc_check.exercise.model import Answer, Submission

DB_ENV = "DOC_CHECK_DB"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
    code    TEXT PRIMARY KEY,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    participant      TEXT NOT NULL REFERENCES participants(code),
    exercise_id      TEXT NOT NULL,
    exercise_version TEXT NOT NULL,
    exercise_sha256  TEXT NOT NULL,
    exercise_path    TEXT NOT NULL,
    sample_ids       TEXT NOT NULL,          -- JSON list, the exercise's order
    started          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'submitted')),
    submitted        TEXT,
    total_seconds    REAL NOT NULL DEFAULT 0,
    current_sample   TEXT,
    score            REAL,
    max_score        REAL,
    passed           INTEGER,
    submission_path  TEXT,
    submission_json  TEXT,
    report_json      TEXT
);
CREATE INDEX IF NOT EXISTS attempts_by_exercise ON attempts(exercise_id, participant);
CREATE TABLE IF NOT EXISTS answers (
    attempt_id  INTEGER NOT NULL REFERENCES attempts(id),
    sample_id   TEXT NOT NULL,
    verdict     TEXT,
    indicators  TEXT NOT NULL DEFAULT '[]',  -- JSON list of indicator ids
    confidence  INTEGER,
    note        TEXT NOT NULL DEFAULT '',
    seconds     REAL NOT NULL DEFAULT 0,
    updated     TEXT NOT NULL,
    PRIMARY KEY (attempt_id, sample_id)
);
CREATE TRIGGER IF NOT EXISTS attempts_immutable
BEFORE UPDATE ON attempts FOR EACH ROW WHEN OLD.state = 'submitted'
BEGIN SELECT RAISE(ABORT, 'attempt is submitted and cannot change'); END;
CREATE TRIGGER IF NOT EXISTS attempts_undeletable
BEFORE DELETE ON attempts FOR EACH ROW WHEN OLD.state = 'submitted'
BEGIN SELECT RAISE(ABORT, 'attempt is submitted and cannot change'); END;
CREATE TRIGGER IF NOT EXISTS answers_immutable_update
BEFORE UPDATE ON answers FOR EACH ROW
WHEN (SELECT state FROM attempts WHERE id = OLD.attempt_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'attempt is submitted and cannot change'); END;
CREATE TRIGGER IF NOT EXISTS answers_immutable_insert
BEFORE INSERT ON answers FOR EACH ROW
WHEN (SELECT state FROM attempts WHERE id = NEW.attempt_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'attempt is submitted and cannot change'); END;
CREATE TRIGGER IF NOT EXISTS answers_immutable_delete
BEFORE DELETE ON answers FOR EACH ROW
WHEN (SELECT state FROM attempts WHERE id = OLD.attempt_id) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'attempt is submitted and cannot change'); END;
"""


class AttemptClosed(Exception):
    """A write to an attempt that was already submitted (submitted attempts are immutable)."""


@dataclass(frozen=True)
class StoredAnswer:
    """A trainee's answer to one sample as stored: verdict (None until chosen), indicators, confidence, note, time."""

    sample_id: str
    verdict: str | None = None
    indicators: tuple[str, ...] = ()
    confidence: int | None = None
    note: str = ""
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        """True once a verdict was chosen."""
        return self.verdict is not None


@dataclass(frozen=True)
class Attempt:
    """One participant's attempt at one exercise version."""

    id: int
    participant: str
    exercise_id: str
    exercise_version: str
    exercise_sha256: str
    exercise_path: str
    sample_ids: tuple[str, ...]
    started: str
    state: str
    submitted: str | None
    total_seconds: float
    current_sample: str | None
    score: float | None
    max_score: float | None
    passed: bool | None
    submission_path: str | None

    @property
    def is_open(self) -> bool:
        """True while the attempt can still change."""
        return self.state == "open"


@dataclass(frozen=True)
class ParticipantProgress:
    """One participant's latest attempt at an exercise, for a class overview."""

    participant: str
    attempt_id: int
    state: str
    answered: int
    total: int
    total_seconds: float
    current_sample: str | None
    score: float | None
    max_score: float | None
    passed: bool | None
    updated: str


def default_db_path() -> Path:
    """`$DOC_CHECK_DB`, else `doc-check.sqlite` in the user's data folder for doc-check.

    That folder is platformdirs' (on Linux `$XDG_DATA_HOME/doc-check`, by default `~/.local/share/doc-check`).
    """
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("doc-check", appauthor=False) / "doc-check.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The trainee database: one SQLite file in WAL mode, safe for many processes writing at once."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise BadInput(f"{self.path}: cannot switch the database to WAL mode (got {mode})")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._lock = threading.RLock()
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"{self.path}: not a usable doc-check database: {exc}") from None
        except OSError as exc:
            raise BadInput(f"{self.path}: cannot open database: {exc}") from None

    # -- plumbing -------------------------------------------------------------------------------------------

    def _init_schema(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";\n"):
                    if statement.strip():
                        self._db.execute(statement)
                row = self._db.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO settings(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                    )
                elif int(row[0]) > SCHEMA_VERSION:
                    raise BadInput(f"{self.path}: database schema {row[0]} is newer than this doc-check")
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        """Roll back if a transaction is open (never mask the error that led here)."""
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE so writers queue on busy_timeout instead of deadlocking)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except sqlite3.IntegrityError as exc:
                self._rollback()
                if "submitted" in str(exc):
                    raise AttemptClosed(str(exc)) from None
                raise
            except BaseException:
                self._rollback()
                raise
            else:
                self._db.execute("COMMIT")

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def journal_mode(self) -> str:
        """The database's journal mode (always ``wal``)."""
        return str(self._read("PRAGMA journal_mode")[0][0])

    # -- settings and participants --------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        """A remembered setting, or None."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        """Remember a setting."""
        with self._write() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def remembered_participant(self) -> str | None:
        """The participant code given last time on this database, if any."""
        return self.get_setting("participant")

    def ensure_participant(self, code: str, remember: bool = True) -> str:
        """Register a participant code (a letter or digit, then letters, digits, ``.``, ``_``, ``-``; at most 64)
        and optionally remember it as this database's default."""
        code = code.strip()
        if not ID_RE.match(code):
            raise BadInput(f"participant code {code!r}: letters, digits, '.', '_', '-' only (at most 64)")
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO participants(code, created) VALUES (?, ?)", (code, _now()))
            if remember:
                db.execute(
                    "INSERT INTO settings(key, value) VALUES ('participant', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (code,),
                )
        return code

    def participants(self) -> list[str]:
        """Every participant code, sorted."""
        return [r[0] for r in self._read("SELECT code FROM participants ORDER BY code")]

    # -- attempts -------------------------------------------------------------------------------------------

    @staticmethod
    def _attempt(row: sqlite3.Row) -> Attempt:
        return Attempt(
            id=row["id"],
            participant=row["participant"],
            exercise_id=row["exercise_id"],
            exercise_version=row["exercise_version"],
            exercise_sha256=row["exercise_sha256"],
            exercise_path=row["exercise_path"],
            sample_ids=tuple(json.loads(row["sample_ids"])),
            started=row["started"],
            state=row["state"],
            submitted=row["submitted"],
            total_seconds=float(row["total_seconds"]),
            current_sample=row["current_sample"],
            score=row["score"],
            max_score=row["max_score"],
            passed=None if row["passed"] is None else bool(row["passed"]),
            submission_path=row["submission_path"],
        )

    def attempt(self, attempt_id: int) -> Attempt:
        """One attempt by id; KeyError if there is none."""
        rows = self._read("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        if not rows:
            raise KeyError(f"no attempt {attempt_id}")
        return self._attempt(rows[0])

    def open_attempt(self, participant: str, exercise_id: str, exercise_sha256: str) -> Attempt | None:
        """The participant's unsubmitted attempt at this exact exercise file, if there is one."""
        rows = self._read(
            "SELECT * FROM attempts WHERE participant = ? AND exercise_id = ? AND exercise_sha256 = ? "
            "AND state = 'open' ORDER BY id DESC LIMIT 1",
            (participant, exercise_id, exercise_sha256),
        )
        return self._attempt(rows[0]) if rows else None

    def start_attempt(
        self,
        participant: str,
        exercise_id: str,
        exercise_version: str,
        exercise_sha256: str,
        exercise_path: str,
        sample_ids: tuple[str, ...] | list[str],
    ) -> Attempt:
        """Resume the participant's open attempt at this exercise file, or start a new one."""
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO participants(code, created) VALUES (?, ?)", (participant, _now()))
            row = db.execute(
                "SELECT id FROM attempts WHERE participant = ? AND exercise_id = ? AND exercise_sha256 = ? "
                "AND state = 'open' ORDER BY id DESC LIMIT 1",
                (participant, exercise_id, exercise_sha256),
            ).fetchone()
            if row is None:
                cur = db.execute(
                    "INSERT INTO attempts(participant, exercise_id, exercise_version, exercise_sha256, exercise_path,"
                    " sample_ids, started, current_sample) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        participant,
                        exercise_id,
                        str(exercise_version),
                        exercise_sha256,
                        str(exercise_path),
                        json.dumps(list(sample_ids)),
                        _now(),
                        sample_ids[0] if sample_ids else None,
                    ),
                )
                assert cur.lastrowid is not None  # set by the INSERT just made
                attempt_id = cur.lastrowid
            else:
                attempt_id = int(row[0])
        return self.attempt(attempt_id)

    def set_current_sample(self, attempt_id: int, sample_id: str) -> None:
        """Remember which sample the trainee is looking at."""
        with self._write() as db:
            db.execute("UPDATE attempts SET current_sample = ? WHERE id = ?", (sample_id, attempt_id))

    def record_time(self, attempt_id: int, total_seconds: float, sample_id: str | None, sample_seconds: float) -> None:
        """Save the exercise clock and one sample's clock (absolute values, in one transaction)."""
        with self._write() as db:
            db.execute("UPDATE attempts SET total_seconds = ? WHERE id = ?", (float(total_seconds), attempt_id))
            if sample_id is not None:
                db.execute(
                    "INSERT INTO answers(attempt_id, sample_id, seconds, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(attempt_id, sample_id) DO UPDATE SET seconds = excluded.seconds",
                    (attempt_id, sample_id, float(sample_seconds), _now()),
                )

    def save_answer(self, attempt_id: int, answer: StoredAnswer) -> None:
        """Upsert one sample's answer (and its clock) in its own transaction; AttemptClosed once submitted."""
        with self._write() as db:
            db.execute(
                "INSERT INTO answers(attempt_id, sample_id, verdict, indicators, confidence, note, seconds, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(attempt_id, sample_id) DO UPDATE SET "
                "verdict = excluded.verdict, indicators = excluded.indicators, confidence = excluded.confidence, "
                "note = excluded.note, seconds = excluded.seconds, updated = excluded.updated",
                (
                    attempt_id,
                    answer.sample_id,
                    answer.verdict,
                    json.dumps(sorted(set(answer.indicators))),
                    answer.confidence,
                    answer.note,
                    float(answer.seconds),
                    _now(),
                ),
            )

    def answers(self, attempt_id: int) -> dict[str, StoredAnswer]:
        """Every stored answer of an attempt, by sample id (samples never touched are absent)."""
        rows = self._read("SELECT * FROM answers WHERE attempt_id = ?", (attempt_id,))
        return {
            r["sample_id"]: StoredAnswer(
                r["sample_id"],
                r["verdict"],
                tuple(json.loads(r["indicators"])),
                r["confidence"],
                r["note"],
                float(r["seconds"]),
            )
            for r in rows
        }

    def submit(
        self,
        attempt_id: int,
        submission_json: str,
        submission_path: str | Path,
        score: float | None = None,
        max_score: float | None = None,
        passed: bool | None = None,
        report_json: str | None = None,
    ) -> Attempt:
        """Close an attempt for good: write the submission file atomically, then mark the attempt submitted."""
        current = self.attempt(attempt_id)
        if not current.is_open:
            raise AttemptClosed(f"attempt {attempt_id} was already submitted")
        path = Path(submission_path)
        atomic_write_text(path, submission_json, durable=True)
        with self._write() as db:
            db.execute(
                "UPDATE attempts SET state = 'submitted', submitted = ?, submission_path = ?, submission_json = ?, "
                "score = ?, max_score = ?, passed = ?, report_json = ? WHERE id = ?",
                (
                    _now(),
                    str(path),
                    submission_json,
                    score,
                    max_score,
                    None if passed is None else int(passed),
                    report_json,
                    attempt_id,
                ),
            )
        return self.attempt(attempt_id)

    def submission(self, attempt_id: int, submitted: str = "") -> Submission:
        """The attempt's answers as a Submission (every sample in exercise order; untouched ones unanswered)."""
        a = self.attempt(attempt_id)
        stored = self.answers(attempt_id)
        answers = []
        for sid in a.sample_ids:
            ans = stored.get(sid, StoredAnswer(sid))
            answers.append(Answer(sid, ans.verdict, ans.indicators, ans.confidence, round(ans.seconds, 1), ans.note))
        return Submission(
            a.exercise_id, a.exercise_version, a.exercise_sha256, a.participant, a.started, submitted, tuple(answers)
        )

    def submission_json(self, attempt_id: int) -> str | None:
        """The submission JSON stored with a submitted attempt."""
        rows = self._read("SELECT submission_json FROM attempts WHERE id = ?", (attempt_id,))
        return rows[0][0] if rows else None

    def report_json(self, attempt_id: int) -> str | None:
        """The individual report JSON stored with a submitted attempt, if the scorer gave one."""
        rows = self._read("SELECT report_json FROM attempts WHERE id = ?", (attempt_id,))
        return rows[0][0] if rows else None

    def submission_dir(self) -> Path:
        """Where submission files go: `submissions/` next to the database."""
        return self.path.parent / "submissions"

    # -- history and class views ----------------------------------------------------------------------------

    def history(self, participant: str | None = None, exercise_id: str | None = None) -> list[Attempt]:
        """Attempts, newest first, optionally of one participant and/or one exercise."""
        sql, params = "SELECT * FROM attempts WHERE 1=1", []
        if participant is not None:
            sql += " AND participant = ?"
            params.append(participant)
        if exercise_id is not None:
            sql += " AND exercise_id = ?"
            params.append(exercise_id)
        return [self._attempt(r) for r in self._read(sql + " ORDER BY id DESC", tuple(params))]

    def best_scores(self, participant: str) -> dict[str, Attempt]:
        """Per exercise id, the participant's best submitted attempt (highest score fraction, then earliest)."""
        best: dict[str, Attempt] = {}
        for a in reversed(self.history(participant)):
            if a.state != "submitted" or a.score is None:
                continue
            frac = a.score / a.max_score if a.max_score else a.score
            old = best.get(a.exercise_id)
            if old is None or frac > ((old.score or 0) / old.max_score if old.max_score else old.score or 0):
                best[a.exercise_id] = a
        return best

    def progress(self, exercise_id: str) -> list[ParticipantProgress]:
        """Each participant's latest attempt at an exercise: answered count, clock, score; sorted by participant."""
        rows = self._read(
            "SELECT a.*, "
            " (SELECT COUNT(*) FROM answers w WHERE w.attempt_id = a.id AND w.verdict IS NOT NULL) AS answered,"
            " (SELECT MAX(updated) FROM answers w WHERE w.attempt_id = a.id) AS last_answer "
            "FROM attempts a WHERE a.exercise_id = ? AND a.id = "
            " (SELECT MAX(b.id) FROM attempts b WHERE b.exercise_id = a.exercise_id AND b.participant = a.participant) "
            "ORDER BY a.participant",
            (exercise_id,),
        )
        out = []
        for r in rows:
            a = self._attempt(r)
            out.append(
                ParticipantProgress(
                    participant=a.participant,
                    attempt_id=a.id,
                    state=a.state,
                    answered=int(r["answered"]),
                    total=len(a.sample_ids),
                    total_seconds=a.total_seconds,
                    current_sample=a.current_sample,
                    score=a.score,
                    max_score=a.max_score,
                    passed=a.passed,
                    updated=max(filter(None, [r["last_answer"], a.submitted, a.started])),
                )
            )
        return out
