"""The summary of a round: participants with robust z-scores, per-sample accuracy and consensus, the verdict
confusion matrix and per-indicator detection rates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from doc_check.errors import BadInput
from doc_check.exercise.fastpath import paused_gc
from doc_check.exercise.load import check_key
from doc_check.exercise.model import Exercise, ExerciseKey
from doc_check.exercise.score import IndividualReport
from doc_check.exercise.zscore import RobustStats, robust_stats, z_class, z_scores
from doc_check.indicators import VERDICTS

UNANSWERED = "unanswered"
"""Column label of the confusion matrix for samples without a verdict."""


@dataclass(frozen=True)
class ParticipantSummary:
    """One participant's line in the summary."""

    participant: str
    total: float
    pct: float
    z: float | None
    z_class: str
    passed: bool
    critical_error: bool
    correct: int
    brier: float | None


@dataclass(frozen=True)
class SampleSummary:
    """How the round did on one sample."""

    sample_id: str
    position: int
    truth: str
    n: int
    """Participants scored (answered or not)."""
    answered: int
    share_correct: float
    """Share of all participants with the key's verdict."""
    share_detected: float
    """Fraud: share calling it any fraud verdict. Genuine: share accepting it."""
    consensus: str | None
    """The most frequent verdict (None if nobody answered)."""
    consensus_share: float
    mean_pct: float
    """Mean points on this sample as a percentage of its maximum (negative points count as 0)."""
    difficulty: str
    """From the share correct: easy (>= 0.8), medium (>= 0.5), hard."""
    key_difficulty: str | None
    """The difficulty the key (the generator) recorded, if any."""


@dataclass(frozen=True)
class IndicatorSummary:
    """Detection of one key indicator across the round."""

    indicator: str
    expected: int
    """(participant, sample) pairs where the key lists it."""
    detected: int
    """... of which the participant named it (or a more specific id)."""
    partial: int
    """... of which the participant named only a parent id."""
    rate: float
    """detected / expected."""
    false_alarms: int
    """Times it was named on a sample whose key does not earn it any credit."""


@dataclass(frozen=True)
class SummaryReport:
    """The summary report of a round."""

    exercise_id: str
    exercise_title: str
    exercise_version: str
    n_participants: int
    stats: RobustStats
    participants: tuple[ParticipantSummary, ...]
    samples: tuple[SampleSummary, ...]
    confusion_labels: tuple[str, ...]
    """Row labels are the verdicts (truth); columns the verdicts plus ``unanswered``."""
    confusion: tuple[tuple[int, ...], ...]
    indicators: tuple[IndicatorSummary, ...]
    pass_rate: float
    mean_pct: float
    median_pct: float

    @property
    def confusion_columns(self) -> tuple[str, ...]:
        """Column labels of the confusion matrix."""
        return (*self.confusion_labels, UNANSWERED)


def _difficulty(share_correct: float) -> str:
    if share_correct >= 0.8:
        return "easy"
    if share_correct >= 0.5:
        return "medium"
    return "hard"


def summarize(
    exercise: Exercise, key: ExerciseKey, reports: Sequence[IndividualReport], method: str = "algorithm_a"
) -> SummaryReport:
    """Summarise a round's individual reports (one per participant) with z-scores by ``method``."""
    with paused_gc():
        return _summarize(exercise, key, reports, method)


def _summarize(exercise: Exercise, key: ExerciseKey, reports: Sequence[IndividualReport], method: str) -> SummaryReport:
    check_key(exercise, key)
    seen: dict[str, int] = {}
    for i, r in enumerate(reports):
        if r.exercise_id != exercise.id or r.exercise_version != exercise.version:
            raise BadInput(
                f"report of {r.participant!r} is for {r.exercise_id!r} v{r.exercise_version}, "
                f"not {exercise.id!r} v{exercise.version}"
            )
        if r.participant in seen:
            raise BadInput(f"participant {r.participant!r} has more than one submission")
        seen[r.participant] = i
    n = len(reports)
    ids = exercise.sample_ids
    totals = np.array([r.total for r in reports], dtype=float)
    stats = robust_stats(totals, method)
    zs = z_scores(totals, stats) if n else np.zeros(0)
    participants = tuple(
        ParticipantSummary(
            participant=r.participant,
            total=r.total,
            pct=r.pct,
            z=float(z) if stats.n else None,
            z_class=z_class(float(z)),
            passed=r.passed,
            critical_error=r.critical_error,
            correct=r.correct,
            brier=r.calibration.brier,
        )
        for r, z in zip(reports, zs, strict=True)
    )

    # Per-sample matrices: verdict codes (index into VERDICTS, len = unanswered), points.
    v_index = {v: i for i, v in enumerate(VERDICTS)}
    un = len(VERDICTS)
    codes = np.full((n, len(ids)), un, dtype=np.int8)
    points = np.zeros((n, len(ids)), dtype=float)
    for i, r in enumerate(reports):
        for j, res in enumerate(r.results):
            if res.verdict is not None:
                codes[i, j] = v_index[res.verdict]
            points[i, j] = res.points
    truth_codes = np.array([v_index[key[s].verdict] for s in ids], dtype=np.int8)
    genuine = v_index["genuine"]

    samples = []
    for j, sid in enumerate(ids):
        col = codes[:, j]
        truth = truth_codes[j]
        counts = np.bincount(col, minlength=un + 1)
        answered = int(n - counts[un])
        correct = int(counts[truth])
        detected = int(counts[genuine]) if truth == genuine else int(answered - counts[genuine])
        if answered:
            top = int(np.argmax(counts[:un]))
            consensus, consensus_share = VERDICTS[top], float(counts[top]) / answered
        else:
            consensus, consensus_share = None, 0.0
        share = correct / n if n else 0.0
        kd = key[sid].extra.get("difficulty")
        samples.append(
            SampleSummary(
                sample_id=sid,
                position=j + 1,
                truth=VERDICTS[truth],
                n=n,
                answered=answered,
                share_correct=share,
                share_detected=detected / n if n else 0.0,
                consensus=consensus,
                consensus_share=consensus_share,
                mean_pct=float(np.clip(points[:, j], 0, None).mean() / exercise.policy.points_per_sample * 100)
                if n
                else 0.0,
                difficulty=_difficulty(share) if n else "n/a",
                key_difficulty=str(kd) if kd is not None else None,
            )
        )

    # Confusion matrix: truth verdict (rows) x given verdict or unanswered (columns).
    flat = truth_codes[None, :].astype(np.int32) * (un + 1) + codes.astype(np.int32)
    conf = (
        np.bincount(flat.ravel(), minlength=un * (un + 1)).reshape(un, un + 1)
        if n
        else np.zeros((un, un + 1), dtype=int)
    )

    # Per-indicator detection.
    expected: Counter[str] = Counter()
    detected_c: Counter[str] = Counter()
    partial_c: Counter[str] = Counter()
    false_c: Counter[str] = Counter()
    for r in reports:
        for res in r.results:
            ind = res.indicators
            for k in res.key_indicators:
                expected[k] += 1
            for k in ind.matched:
                detected_c[k] += 1
            for k in ind.partial:
                partial_c[k] += 1
            for a in ind.extra:
                false_c[a] += 1
    ind_ids = list(dict.fromkeys([*expected, *sorted(false_c)]))
    indicators = tuple(
        IndicatorSummary(
            indicator=k,
            expected=expected[k],
            detected=detected_c[k],
            partial=partial_c[k],
            rate=detected_c[k] / expected[k] if expected[k] else 0.0,
            false_alarms=false_c[k],
        )
        for k in ind_ids
    )
    pcts = np.array([r.pct for r in reports], dtype=float)
    return SummaryReport(
        exercise_id=exercise.id,
        exercise_title=exercise.title,
        exercise_version=exercise.version,
        n_participants=n,
        stats=stats,
        participants=participants,
        samples=tuple(samples),
        confusion_labels=VERDICTS,
        confusion=tuple(tuple(int(c) for c in row) for row in conf),
        indicators=indicators,
        pass_rate=sum(r.passed for r in reports) / n if n else 0.0,
        mean_pct=float(pcts.mean()) if n else 0.0,
        median_pct=float(np.median(pcts)) if n else 0.0,
    )
