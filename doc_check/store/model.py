"""What the store holds and returns: answers, attempts, class progress, rounds; and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


class AttemptClosed(Exception):
    """A write to an attempt that was already submitted (submitted attempts are immutable)."""


class SessionConflict(Exception):
    """Another live session holds the attempt's lease (a second window or browser with the same code)."""


class LeaseLost(Exception):
    """This session's lease on the attempt was taken over by another session: its writes are refused."""


class StoreUnavailable(Exception):
    """The database server cannot be reached right now (the session keeps its changes and retries)."""


class SignInRefused(Exception):
    """A participant code and passphrase that do not sign in (wrong, unknown, or too many recent failures)."""

    def __init__(self, message: str, wait_seconds: float = 0.0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


ANSWER_FIELDS = ("verdict", "indicators", "confidence", "note", "seconds")


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


@dataclass(frozen=True)
class Participant:
    """An enrolled (or self-registered) participant: code, name, cohort, whether a passphrase is set."""

    code: str
    name: str
    cohort: str | None
    enrolled: bool


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")
