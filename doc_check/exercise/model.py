"""Exercises, keys and submissions as frozen dataclasses: what an exercise file, a key file and a submission hold."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from doc_check.samples import KeyEntry

TOOLS: tuple[str, ...] = ("magnifier", "reference", "mrz_tool", "reader")
"""Every tool an exercise may allow, in menu order."""

VERDICT_OUTCOMES: tuple[str, ...] = ("correct", "wrong_class", "false_alarm", "accepted_fraud", "unanswered")
"""How a verdict compares with the key (see `ScoringPolicy`)."""

SUBMISSION_FORMAT = "doc-check-submission/1"
"""The ``format`` tag written into every submission file."""


@dataclass(frozen=True)
class ScoringPolicy:
    """How an exercise is scored; every field has a documented default (README, "Scoring policy")."""

    points_per_sample: float = 10.0
    """Points a perfect answer to one sample earns."""
    verdict_weight: float = 0.6
    """Share of a sample's points for the verdict; the rest is for the indicators."""
    correct: float = 1.0
    """Verdict credit for the key's verdict."""
    wrong_class: float = 0.5
    """Verdict credit for a fraud verdict of the wrong class on a fraudulent document."""
    false_alarm: float = -0.5
    """Verdict credit for rejecting a genuine document (any fraud verdict on a genuine one)."""
    accepted_fraud: float = -1.0
    """Verdict credit for accepting a fraudulent document as genuine: the worst error."""
    unanswered: float = 0.0
    """Verdict credit for no verdict (the whole sample then earns this times the verdict share, nothing more)."""
    parent_credit: float = 0.5
    """Credit for naming a parent of a key indicator (``mrz.check_digit`` for ``mrz.check_digit.birth_date``),
    multiplied once per level up."""
    overtime_penalty: float = 0.25
    """Share of a sample's points deducted when its time is over the per-sample limit; deducted once from the
    total (as a share of one sample's points) when the whole exercise is over its limit."""
    confident_threshold: int = 80
    """Confidence (0-100) at or above which a wrong verdict counts as confident and wrong."""
    confident_wrong_penalty: float = 0.1
    """Share of a sample's points deducted for a confident and wrong verdict."""
    pass_mark: float = 70.0
    """Percentage needed to pass."""
    critical_error: bool = False
    """If true, any accepted fraudulent document fails the exercise whatever the percentage."""


@dataclass(frozen=True)
class ExerciseSample:
    """One sample of an exercise: its opaque id and its folder."""

    id: str
    folder: Path


@dataclass(frozen=True)
class Exercise:
    """A round: ordered samples, briefing, allowed channels and tools, time limits, scoring policy."""

    id: str
    title: str
    version: str
    briefing: str
    samples: tuple[ExerciseSample, ...]
    channels: tuple[str, ...]
    tools: frozenset[str]
    time_limit_sample: int | None
    """Seconds allowed per sample, or None."""
    time_limit_total: int | None
    """Seconds allowed for the whole exercise, or None."""
    policy: ScoringPolicy
    path: Path
    """The exercise.toml file."""
    sha256: str
    """Hex SHA-256 of the exercise.toml bytes; a submission must carry the same."""
    sample_root: Path
    reference_root: Path

    @property
    def folder(self) -> Path:
        """The exercise folder (holding exercise.toml and, outside exam packs, key.toml)."""
        return self.path.parent

    @property
    def sample_ids(self) -> tuple[str, ...]:
        """The sample ids in exercise order."""
        return tuple(s.id for s in self.samples)

    def sample(self, sample_id: str) -> ExerciseSample:
        """The exercise sample with this id; KeyError if it is not part of the exercise."""
        for s in self.samples:
            if s.id == sample_id:
                return s
        raise KeyError(f"sample {sample_id!r} is not part of exercise {self.id!r}")


@dataclass(frozen=True)
class ExerciseKey:
    """The answers of an exercise: sample id -> verdict, indicators and feedback explanation."""

    path: Path
    entries: Mapping[str, KeyEntry]

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", MappingProxyType(dict(self.entries)))

    def __getitem__(self, sample_id: str) -> KeyEntry:
        return self.entries[sample_id]

    def __contains__(self, sample_id: object) -> bool:
        return sample_id in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Answer:
    """A participant's answer to one sample; ``verdict`` None means not answered."""

    sample_id: str
    verdict: str | None = None
    indicators: tuple[str, ...] = ()
    confidence: int | None = None
    """0-100, or None if not given."""
    seconds: float = 0.0
    """Time spent on the sample."""
    note: str = ""


@dataclass(frozen=True)
class Submission:
    """One participant's answers to one exercise, tied to the exercise file by version and hash."""

    exercise_id: str
    exercise_version: str
    exercise_sha256: str
    participant: str
    started: str
    """ISO 8601 time the participant started."""
    submitted: str
    """ISO 8601 time the participant submitted ("" while in progress)."""
    answers: tuple[Answer, ...] = field(default_factory=tuple)
    source: Path | None = field(default=None, compare=False)
    """The file it was read from, if any (for error messages)."""

    def answer(self, sample_id: str) -> Answer | None:
        """The answer to one sample, or None if there is none."""
        for a in self.answers:
            if a.sample_id == sample_id:
                return a
        return None

    def with_answer(self, answer: Answer) -> Submission:
        """A copy with ``answer`` replacing any earlier answer to the same sample (or appended)."""
        kept = [a for a in self.answers if a.sample_id != answer.sample_id]
        if len(kept) == len(self.answers):
            return replace(self, answers=(*self.answers, answer))
        return replace(self, answers=tuple(answer if a.sample_id == answer.sample_id else a for a in self.answers))
