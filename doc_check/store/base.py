"""The store's interface and the logic both backends share: participants and sign-in, attempts, answers written
field by field, leases, submissions, releases, cohorts and class views. SQL is written once with ``?``
placeholders; a backend supplies the connection, transactions and its dialect's few differences."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from doc_check.errors import BadInput
from doc_check.exercise.load import ID_RE
from doc_check.exercise.model import Answer, Submission
from doc_check.store import signin
from doc_check.store.files import write_text_new
from doc_check.store.model import (
    ANSWER_FIELDS,
    Attempt,
    AttemptClosed,
    LeaseLost,
    Participant,
    ParticipantProgress,
    SessionConflict,
    SignInRefused,
    StoredAnswer,
    now_iso,
)

DB_ENV = "DOC_CHECK_DB"
LEASE_SECONDS = 30.0
"""A session's lease on its attempt lasts this long after its last write (the clock writes every second)."""


def default_db_path() -> Path:
    """`$DOC_CHECK_DB`, else `$XDG_DATA_HOME/doc-check/doc-check.sqlite` (XDG default `~/.local/share`)."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "doc-check" / "doc-check.sqlite"


def is_postgres_url(spec: object) -> bool:
    """True for ``postgresql://...`` and ``postgres://...`` database specs."""
    return isinstance(spec, str) and spec.split("://", 1)[0] in ("postgresql", "postgres")


def default_db_spec() -> str | Path:
    """`$DOC_CHECK_DB` (a path or a PostgreSQL URL), else the default SQLite path."""
    env = os.environ.get(DB_ENV)
    if env and is_postgres_url(env):
        return env
    return default_db_path()


def new_lease_owner() -> str:
    """A session's lease id: ``host:pid:random`` (a lease of a process known dead on this host is not live)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


def _alive(owner: str) -> bool:
    """False only for a lease of a process on this host that no longer runs (killed, crashed)."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class Store:
    """The trainee database. ``Store(spec)`` opens SQLite for a path (the default) and PostgreSQL for a
    ``postgresql://`` URL; both give the same guarantees (one transaction per change, submitted attempts
    immutable in the database itself).

    ``class_mode``: many trainees share the database, so no participant code is remembered as a default.
    ``read_only``: never write (and never upgrade the schema); for `doc-check results`.
    """

    backend = "abstract"
    path: Path
    """A local path: the SQLite file, or for PostgreSQL a name inside the local folder for submission files."""

    def __new__(cls, spec: str | Path | None = None, **kwargs: Any) -> Store:
        if cls is Store:
            if spec is None:
                spec = default_db_spec()
            if is_postgres_url(str(spec)):
                from doc_check.store.postgres import PostgresStore

                cls = PostgresStore
            else:
                from doc_check.store.sqlite import SQLiteStore

                cls = SQLiteStore
        return super().__new__(cls)

    def __init__(self, spec: str | Path | None = None, *, class_mode: bool = False, read_only: bool = False) -> None:
        self.class_mode = class_mode
        self.read_only = read_only
        self.signed_in: str | None = None
        self._lock = threading.RLock()
        self._enrolled: bool | None = None

    # -- what a backend provides ----------------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement on the connection (``?`` placeholders); returns a cursor."""
        raise NotImplementedError

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, rolled back on any error; backend errors become AttemptClosed and so on."""
        raise NotImplementedError
        yield

    def close(self) -> None:
        """Close the connection."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        """How to name the database to a user (a path, or a URL without its password)."""
        return str(self.path)

    _for_update = ""
    """`` FOR UPDATE`` where the dialect locks rows read in a write transaction (SQLite locks the database)."""

    # -- plumbing -------------------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Store]:
        if self.read_only:
            raise BadInput(f"{self.label}: opened read-only")
        with self._lock, self._transaction():
            yield self

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return list(self._execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _set_new_db_id(self) -> None:
        """Give a database its id once (names its submission files uniquely among databases)."""
        self._execute(
            "INSERT INTO settings(key, value) VALUES ('db_id', ?) ON CONFLICT(key) DO NOTHING", (uuid.uuid4().hex,)
        )

    def db_id(self) -> str:
        """The database's own random id (hex)."""
        row = self._one("SELECT value FROM settings WHERE key = 'db_id'")
        return row["value"] if row else "0" * 32

    # -- settings and participants --------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        """A remembered setting, or None."""
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else None

    def set_setting(self, key: str, value: str) -> None:
        """Remember a setting."""
        with self._write():
            self._execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def remembered_participant(self) -> str | None:
        """The participant code given last time on this database (never in class mode or with sign-in)."""
        if self.class_mode or self.enrolled():
            return None
        return self.get_setting("participant")

    @staticmethod
    def check_code(code: str) -> str:
        """A participant code as given, or BadInput (a letter or digit, then letters, digits, ``.``, ``_``, ``-``)."""
        code = code.strip()
        if not ID_RE.match(code):
            raise BadInput(f"participant code {code!r}: letters, digits, '.', '_', '-' only (at most 64)")
        return code

    def ensure_participant(self, code: str, remember: bool = True) -> str:
        """Register a participant code and optionally remember it as this database's default (not in class
        mode). With enrolled participants, only the signed-in code is accepted."""
        code = self.check_code(code)
        if self.enrolled():
            if code != self.signed_in:
                raise BadInput(f"participant {code}: sign in with your passphrase first")
            return code
        with self._write():
            self._execute(
                "INSERT INTO participants(code, created) VALUES (?, ?) ON CONFLICT DO NOTHING", (code, now_iso())
            )
            if remember and not self.class_mode:
                self._execute(
                    "INSERT INTO settings(key, value) VALUES ('participant', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (code,),
                )
        return code

    def participants(self, cohort: str | None = None) -> list[str]:
        """Every participant code (of one cohort when given), sorted."""
        if cohort is None:
            return [r["code"] for r in self._rows("SELECT code FROM participants ORDER BY code")]
        return [
            r["code"] for r in self._rows("SELECT code FROM participants WHERE cohort = ? ORDER BY code", (cohort,))
        ]

    def participant(self, code: str) -> Participant | None:
        """One participant's record, or None."""
        r = self._one("SELECT code, name, cohort, pass_hash FROM participants WHERE code = ?", (code,))
        return None if r is None else Participant(r["code"], r["name"], r["cohort"], r["pass_hash"] is not None)

    def cohorts(self) -> list[str]:
        """Every cohort with a participant or an assignment, sorted."""
        rows = self._rows(
            "SELECT cohort FROM participants WHERE cohort IS NOT NULL UNION SELECT cohort FROM assignments"
        )
        return sorted({r["cohort"] for r in rows})

    # -- sign-in --------------------------------------------------------------------------------------------

    def enrolled(self) -> bool:
        """True once any participant has a passphrase: then every trainee must sign in."""
        if not self._enrolled:  # once enrolled, always (no query per write); not yet: asked again
            row = self._one("SELECT COUNT(*) AS n FROM participants WHERE pass_hash IS NOT NULL")
            self._enrolled = bool(row and row["n"])
        return bool(self._enrolled)

    def enrol(self, code: str, cohort: str, name: str = "") -> str:
        """Enrol a participant in a cohort with a fresh one-time passphrase, returned once and stored only as a
        salted scrypt hash. BadInput if the code already has a passphrase (reset it instead)."""
        code, cohort = self.check_code(code), self.check_code(cohort)
        passphrase, salt = signin.new_passphrase(), signin.new_salt()
        digest = signin.hash_passphrase(passphrase, salt)
        with self._write():
            row = self._execute(
                f"SELECT pass_hash FROM participants WHERE code = ?{self._for_update}", (code,)
            ).fetchone()
            if row is not None and row["pass_hash"] is not None:
                raise BadInput(
                    f"participant {code}: already enrolled (use `doc-check class reset` for a new passphrase)"
                )
            self._execute(
                "INSERT INTO participants(code, created, name, cohort, pass_hash, pass_salt, failures, locked_until) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, 0) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                "cohort = excluded.cohort, pass_hash = excluded.pass_hash, pass_salt = excluded.pass_salt, "
                "failures = 0, locked_until = 0",
                (code, now_iso(), name, cohort, digest, salt),
            )
        self._enrolled = True
        return passphrase

    def reset_passphrase(self, code: str) -> str:
        """A new one-time passphrase for an enrolled participant (failures cleared); BadInput if not enrolled."""
        code = self.check_code(code)
        passphrase, salt = signin.new_passphrase(), signin.new_salt()
        digest = signin.hash_passphrase(passphrase, salt)
        with self._write():
            row = self._execute(
                f"SELECT pass_hash FROM participants WHERE code = ?{self._for_update}", (code,)
            ).fetchone()
            if row is None or row["pass_hash"] is None:
                raise BadInput(f"participant {code}: not enrolled")
            self._execute(
                "UPDATE participants SET pass_hash = ?, pass_salt = ?, failures = 0, locked_until = 0 WHERE code = ?",
                (digest, salt, code),
            )
        return passphrase

    def sign_in(self, code: str, passphrase: str) -> str:
        """Check a participant's passphrase; on success the store writes as that participant only.
        SignInRefused for a wrong or unknown one, and while a code is held back after repeated failures."""
        code = code.strip()
        row = self._one("SELECT pass_hash, pass_salt, failures, locked_until FROM participants WHERE code = ?", (code,))
        now = time.time()
        if row is None or row["pass_hash"] is None:
            signin.hash_passphrase(passphrase, signin.new_salt())  # the same work as for a known code
            raise SignInRefused("unknown participant code or wrong passphrase")
        if row["locked_until"] > now:
            wait = row["locked_until"] - now
            raise SignInRefused(f"too many failed sign-ins: try again in {wait:.0f} s", wait)
        if not signin.passphrase_matches(passphrase, row["pass_salt"], row["pass_hash"]):
            with self._write():
                failures = (
                    int(
                        self._execute("SELECT failures FROM participants WHERE code = ?", (code,)).fetchone()[
                            "failures"
                        ]
                    )
                    + 1
                )
                delay = signin.failure_delay(failures)
                self._execute(
                    "UPDATE participants SET failures = ?, locked_until = ? WHERE code = ?",
                    (failures, now + delay, code),
                )
            raise SignInRefused(f"unknown participant code or wrong passphrase (wait {delay:.0f} s)", delay)
        with self._write():
            self._execute("UPDATE participants SET failures = 0, locked_until = 0 WHERE code = ?", (code,))
        self.signed_in = code
        return code

    def _check_writer(self, participant: str) -> None:
        if self.enrolled() and participant != self.signed_in:
            raise BadInput(f"participant {participant}: not signed in")

    # -- cohorts, assignments, releases ----------------------------------------------------------------------

    def assign(self, cohort: str, exercise_id: str) -> None:
        """Assign an exercise to a cohort (again: nothing changes)."""
        cohort, exercise_id = self.check_code(cohort), self.check_code(exercise_id)
        with self._write():
            self._execute(
                "INSERT INTO assignments(cohort, exercise_id, assigned) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (cohort, exercise_id, now_iso()),
            )

    def assignments(self, cohort: str | None = None) -> list[tuple[str, str]]:
        """(cohort, exercise id) pairs in the order they were assigned."""
        sql, params = "SELECT cohort, exercise_id FROM assignments", cast("tuple[str, ...]", ())
        if cohort is not None:
            sql, params = sql + " WHERE cohort = ?", (cohort,)
        return [(r["cohort"], r["exercise_id"]) for r in self._rows(sql + " ORDER BY assigned, exercise_id", params)]

    def release_feedback(self, exercise_id: str, released: bool = True) -> None:
        """Release (or withhold again) the feedback of an exercise in class mode."""
        with self._write():
            if released:
                self._execute(
                    "INSERT INTO releases(exercise_id, released) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (exercise_id, now_iso()),
                )
            else:
                self._execute("DELETE FROM releases WHERE exercise_id = ?", (exercise_id,))

    def feedback_released(self, exercise_id: str) -> bool:
        """True once the instructor released the exercise's feedback."""
        return self._one("SELECT released FROM releases WHERE exercise_id = ?", (exercise_id,)) is not None

    # -- attempts -------------------------------------------------------------------------------------------

    @staticmethod
    def _attempt(row: Any) -> Attempt:
        return Attempt(
            id=int(row["id"]),
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
        row = self._one("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        if row is None:
            raise KeyError(f"no attempt {attempt_id}")
        return self._attempt(row)

    def open_attempt(self, participant: str, exercise_id: str, exercise_sha256: str) -> Attempt | None:
        """The participant's unsubmitted attempt at this exact exercise file, if there is one."""
        row = self._one(
            "SELECT * FROM attempts WHERE participant = ? AND exercise_id = ? AND exercise_sha256 = ? "
            "AND state = 'open' ORDER BY id DESC LIMIT 1",
            (participant, exercise_id, exercise_sha256),
        )
        return self._attempt(row) if row else None

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
        self._check_writer(participant)
        with self._write():
            self._execute(
                "INSERT INTO participants(code, created) VALUES (?, ?) ON CONFLICT DO NOTHING", (participant, now_iso())
            )
            row = self._execute(
                "SELECT id FROM attempts WHERE participant = ? AND exercise_id = ? AND exercise_sha256 = ? "
                "AND state = 'open' ORDER BY id DESC LIMIT 1",
                (participant, exercise_id, exercise_sha256),
            ).fetchone()
            if row is None:
                row = self._execute(
                    "INSERT INTO attempts(participant, exercise_id, exercise_version, exercise_sha256, exercise_path,"
                    " sample_ids, started, current_sample) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        participant,
                        exercise_id,
                        str(exercise_version),
                        exercise_sha256,
                        str(exercise_path),
                        json.dumps(list(sample_ids)),
                        now_iso(),
                        sample_ids[0] if sample_ids else None,
                    ),
                ).fetchone()
            attempt_id = int(row["id"])
        return self.attempt(attempt_id)

    # -- leases: one live session per attempt -----------------------------------------------------------------

    def acquire_lease(self, attempt_id: int, owner: str, take_over: bool = False) -> None:
        """Make ``owner`` (a session id) the attempt's only writer. SessionConflict when another session's lease
        is still live, unless ``take_over`` (then the other session's next write gets LeaseLost)."""
        now = time.time()
        with self._write():
            row = self._execute(
                f"SELECT state, lease_owner, lease_until FROM attempts WHERE id = ?{self._for_update}", (attempt_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no attempt {attempt_id}")
            if row["state"] != "open":
                raise AttemptClosed(f"attempt {attempt_id} was already submitted")
            held = row["lease_owner"] not in (None, owner) and row["lease_until"] > now and _alive(row["lease_owner"])
            if held and not take_over:
                seen = now - row["lease_until"] + LEASE_SECONDS
                raise SessionConflict(f"another session is working on this attempt (last seen {seen:.0f} s ago)")
            self._execute(
                "UPDATE attempts SET lease_owner = ?, lease_until = ? WHERE id = ?",
                (owner, now + LEASE_SECONDS, attempt_id),
            )

    def release_lease(self, attempt_id: int, owner: str) -> None:
        """Give up the lease (leaving the exercise or quitting), if this session still holds it."""
        with self._write():
            self._execute(
                "UPDATE attempts SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ? "
                "AND state = 'open'",
                (attempt_id, owner),
            )

    def _check_lease(self, attempt_id: int, lease: str | None, renew: bool = False) -> None:
        """Inside a write: LeaseLost unless ``lease`` holds the attempt (no check without a lease)."""
        if lease is None:
            return
        row = self._execute(
            f"SELECT state, lease_owner FROM attempts WHERE id = ?{self._for_update}", (attempt_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no attempt {attempt_id}")
        if row["state"] != "open":
            raise AttemptClosed(f"attempt {attempt_id} was already submitted")
        if row["lease_owner"] != lease:
            raise LeaseLost("another session took over this attempt")
        if renew:
            self._execute("UPDATE attempts SET lease_until = ? WHERE id = ?", (time.time() + LEASE_SECONDS, attempt_id))

    # -- answers and clocks ---------------------------------------------------------------------------------

    def set_current_sample(self, attempt_id: int, sample_id: str, lease: str | None = None) -> None:
        """Remember which sample the trainee is looking at."""
        with self._write():
            self._check_lease(attempt_id, lease)
            self._execute("UPDATE attempts SET current_sample = ? WHERE id = ?", (sample_id, attempt_id))

    def record_time(
        self,
        attempt_id: int,
        total_seconds: float,
        sample_id: str | None,
        sample_seconds: float,
        lease: str | None = None,
    ) -> None:
        """Save the exercise clock and one sample's clock (absolute values, in one transaction; renews the lease)."""
        with self._write():
            self._check_lease(attempt_id, lease, renew=True)
            self._execute("UPDATE attempts SET total_seconds = ? WHERE id = ?", (float(total_seconds), attempt_id))
            if sample_id is not None:
                self._execute(
                    "INSERT INTO answers(attempt_id, sample_id, seconds, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(attempt_id, sample_id) DO UPDATE SET seconds = excluded.seconds",
                    (attempt_id, sample_id, float(sample_seconds), now_iso()),
                )

    def save_answer(
        self,
        attempt_id: int,
        answer: StoredAnswer,
        fields: Sequence[str] | None = None,
        lease: str | None = None,
    ) -> None:
        """Upsert one sample's answer in its own transaction: only ``fields`` (default: all) change, so a write
        never undoes another field written meanwhile. AttemptClosed once submitted, LeaseLost when taken over."""
        fields = list(ANSWER_FIELDS if fields is None else fields)
        unknown = set(fields) - set(ANSWER_FIELDS)
        if unknown:
            raise ValueError(f"unknown answer fields {sorted(unknown)}")
        values = {
            "verdict": answer.verdict,
            "indicators": json.dumps(sorted(set(answer.indicators))),
            "confidence": answer.confidence,
            "note": answer.note,
            "seconds": float(answer.seconds),
        }
        sets = ", ".join(f"{f} = excluded.{f}" for f in [*fields, "updated"])
        with self._write():
            self._check_lease(attempt_id, lease)
            self._execute(
                "INSERT INTO answers(attempt_id, sample_id, verdict, indicators, confidence, note, seconds, updated) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(attempt_id, sample_id) DO UPDATE SET {sets}",
                (attempt_id, answer.sample_id, *(values[f] for f in ANSWER_FIELDS), now_iso()),
            )

    def answers(self, attempt_id: int) -> dict[str, StoredAnswer]:
        """Every stored answer of an attempt, by sample id (samples never touched are absent)."""
        rows = self._rows("SELECT * FROM answers WHERE attempt_id = ?", (attempt_id,))
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

    # -- submissions ----------------------------------------------------------------------------------------

    def submission_dir(self) -> Path:
        """Where submission files go: `submissions/` next to the database."""
        return self.path.parent / "submissions"

    def submission_file(self, attempt: Attempt) -> Path:
        """The attempt's submission file: named by exercise, participant, this database's id and the attempt
        (unique across the databases sharing a folder)."""
        return (
            self.submission_dir() / f"{attempt.exercise_id}-{attempt.participant}-{self.db_id()[:12]}-{attempt.id}.json"
        )

    def submit(
        self,
        attempt_id: int,
        submission_json: str,
        submission_path: str | Path,
        score: float | None = None,
        max_score: float | None = None,
        passed: bool | None = None,
        report_json: str | None = None,
        lease: str | None = None,
    ) -> Attempt:
        """Close an attempt for good: write the submission file (never replacing one), then mark the attempt
        submitted in one transaction."""
        current = self.attempt(attempt_id)
        if not current.is_open:
            raise AttemptClosed(f"attempt {attempt_id} was already submitted")
        path = Path(submission_path)
        with self._write():
            self._check_lease(attempt_id, lease)
            try:
                write_text_new(path, submission_json)
            except FileExistsError:
                raise BadInput(f"{path}: a submission file of that name exists already (never replaced)") from None
            self._execute(
                "UPDATE attempts SET state = 'submitted', submitted = ?, submission_path = ?, submission_json = ?, "
                "score = ?, max_score = ?, passed = ?, report_json = ?, lease_owner = NULL WHERE id = ?",
                (
                    now_iso(),
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
        row = self._one("SELECT submission_json FROM attempts WHERE id = ?", (attempt_id,))
        return row["submission_json"] if row else None

    def report_json(self, attempt_id: int) -> str | None:
        """The individual report JSON stored with a submitted attempt, if the scorer gave one."""
        row = self._one("SELECT report_json FROM attempts WHERE id = ?", (attempt_id,))
        return row["report_json"] if row else None

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
        return [self._attempt(r) for r in self._rows(sql + " ORDER BY id DESC", params)]

    def best_scores(self, participant: str) -> dict[str, Attempt]:
        """Per exercise id, the participant's best submitted attempt (highest score fraction, then earliest)."""
        best: dict[str, Attempt] = {}
        for a in reversed(self.history(participant)):
            if a.state != "submitted" or a.score is None:
                continue
            frac = (a.score or 0.0) / a.max_score if a.max_score else (a.score or 0.0)
            old = best.get(a.exercise_id)
            if old is None or frac > ((old.score or 0.0) / old.max_score if old.max_score else old.score or 0.0):
                best[a.exercise_id] = a
        return best

    def progress(self, exercise_id: str, cohort: str | None = None) -> list[ParticipantProgress]:
        """Each participant's latest attempt at an exercise (of one cohort when given): answered count, clock,
        score; sorted by participant."""
        sql = (
            "SELECT a.*, "
            " (SELECT COUNT(*) FROM answers w WHERE w.attempt_id = a.id AND w.verdict IS NOT NULL) AS answered,"
            " (SELECT MAX(updated) FROM answers w WHERE w.attempt_id = a.id) AS last_answer "
            "FROM attempts a JOIN participants p ON p.code = a.participant WHERE a.exercise_id = ? AND a.id = "
            " (SELECT MAX(b.id) FROM attempts b WHERE b.exercise_id = a.exercise_id AND b.participant = a.participant)"
        )
        params: list[Any] = [exercise_id]
        if cohort is not None:
            sql += " AND p.cohort = ?"
            params.append(cohort)
        out = []
        for r in self._rows(sql + " ORDER BY a.participant", params):
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
