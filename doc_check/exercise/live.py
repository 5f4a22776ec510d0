"""A class's live results from the trainee database: progress per participant, scores and robust z-scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from doc_check.errors import BadInput
from doc_check.exercise.model import Exercise, ExerciseKey
from doc_check.exercise.score import IndividualReport, Scorer
from doc_check.exercise.submission import parse_submission
from doc_check.exercise.summary import SummaryReport, summarize
from doc_check.exercise.zscore import RobustStats, robust_stats, z_class, z_scores
from doc_check.store import Store


@dataclass(frozen=True)
class LiveRow:
    """One participant's latest attempt at the exercise, as the instructor's live table shows it."""

    participant: str
    attempt_id: int
    state: str
    """``open`` (still working) or ``submitted``."""
    answered: int
    total: int
    seconds: float
    current_sample: str | None
    score: float | None
    """Points of a submitted attempt (rescored with the key when it is at hand), else None."""
    max_score: float | None
    pct: float | None
    passed: bool | None
    z: float | None
    """Robust z-score of the points among the submitted attempts (None while open or alone)."""
    z_class: str
    updated: str
    problem: str = ""
    """Why a submitted attempt could not be scored (for another exercise file), else empty."""


@dataclass(frozen=True)
class ClassResults:
    """The live table of one exercise, and the individual reports of the submitted attempts when scored."""

    exercise_id: str
    rows: tuple[LiveRow, ...]
    stats: RobustStats | None
    reports: tuple[IndividualReport, ...]
    scored_with_key: bool

    @property
    def submitted(self) -> int:
        """How many participants have submitted."""
        return sum(1 for r in self.rows if r.state == "submitted")

    def summary(self, exercise: Exercise, key: ExerciseKey) -> SummaryReport:
        """The summary report of the submitted attempts."""
        return summarize(exercise, key, self.reports)


def exercise_ids(store: Store, cohort: str | None = None) -> list[str]:
    """Every exercise id with an attempt in the database (by the cohort's participants, or assigned to the
    cohort, when given), sorted."""
    if cohort is None:
        return sorted({a.exercise_id for a in store.history()})
    members = set(store.participants(cohort))
    ids = {a.exercise_id for a in store.history() if a.participant in members}
    return sorted(ids | {eid for _c, eid in store.assignments(cohort)})


def class_results(
    store: Store,
    exercise_id: str,
    exercise: Exercise | None = None,
    key: ExerciseKey | None = None,
    method: str = "algorithm_a",
    cohort: str | None = None,
) -> ClassResults:
    """Each participant's latest attempt at ``exercise_id``; submitted ones scored with ``key`` when given (else
    the score stored at submission), with robust z-scores of the points among the submitted (of one cohort
    when given)."""
    scorer = Scorer(exercise, key) if exercise is not None and key is not None else None
    progress = store.progress(exercise_id, cohort)
    scored: dict[int, tuple[float | None, float | None, bool | None, str]] = {}
    reports: list[IndividualReport] = []
    for p in progress:
        if p.state != "submitted":
            continue
        if scorer is None:
            scored[p.attempt_id] = (p.score, p.max_score, p.passed, "")
            continue
        text = store.submission_json(p.attempt_id) or ""
        try:
            report = scorer.score(parse_submission(text, f"attempt {p.attempt_id} of {p.participant}"))
        except BadInput as exc:
            scored[p.attempt_id] = (None, None, None, str(exc))
            continue
        reports.append(report)
        scored[p.attempt_id] = (report.total, report.max_total, report.passed, "")
    ids = [aid for aid, (score, *_rest) in scored.items() if score is not None]
    totals = np.array([scored[aid][0] for aid in ids], dtype=float)
    stats = robust_stats(totals, method) if len(ids) else None
    zs = dict(zip(ids, z_scores(totals, stats), strict=True)) if stats is not None and stats.n >= 2 else {}
    rows = []
    for p in progress:
        score, max_score, passed, problem = scored.get(p.attempt_id, (None, None, None, ""))
        z = float(zs[p.attempt_id]) if p.attempt_id in zs else None
        pct = 100.0 * max(score, 0.0) / max_score if score is not None and max_score else None
        rows.append(
            LiveRow(
                participant=p.participant,
                attempt_id=p.attempt_id,
                state=p.state,
                answered=p.answered,
                total=p.total,
                seconds=p.total_seconds,
                current_sample=p.current_sample,
                score=score,
                max_score=max_score,
                pct=pct,
                passed=passed,
                z=z,
                z_class=z_class(z),
                updated=p.updated,
                problem=problem,
            )
        )
    return ClassResults(exercise_id, tuple(rows), stats, tuple(reports), scorer is not None)
