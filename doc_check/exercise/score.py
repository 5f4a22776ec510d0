"""Scoring one submission against the key: border-control verdict weights, indicator precision/recall with
the dotted-id hierarchy, time limits, confidence calibration, pass mark and the critical-error rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from doc_check.errors import BadInput
from doc_check.exercise.fastpath import fast_build, paused_gc
from doc_check.exercise.load import check_key
from doc_check.exercise.model import Exercise, ExerciseKey, ScoringPolicy, Submission
from doc_check.exercise.submission import check_submission
from doc_check.indicators import VERDICTS
from doc_check.samples import KeyEntry

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IndicatorScore:
    """How the named indicators of one answer compare with the key's."""

    precision: float
    recall: float
    f1: float
    matched: tuple[str, ...]
    """Key indicators named exactly (or more specifically)."""
    partial: tuple[str, ...]
    """Key indicators earned only in part, by naming a parent id."""
    missed: tuple[str, ...]
    """Key indicators not named at all."""
    extra: tuple[str, ...]
    """Named indicators that match nothing in the key."""


@dataclass(frozen=True)
class SampleResult:
    """One sample of an individual report: the answer against the key, and the points it earned."""

    sample_id: str
    position: int
    """1-based position in the exercise."""
    truth: str
    verdict: str | None
    outcome: str
    """One of `doc_check.exercise.model.VERDICT_OUTCOMES`."""
    verdict_credit: float
    key_indicators: tuple[str, ...]
    given_indicators: tuple[str, ...]
    indicators: IndicatorScore
    confidence: int | None
    seconds: float
    over_time: bool
    confident_wrong: bool
    points: float
    max_points: float
    explanation: str
    note: str

    @property
    def correct(self) -> bool:
        """True when the verdict is the key's."""
        return self.outcome == "correct"


@dataclass(frozen=True)
class Calibration:
    """How well confidence matched correctness over the answers that gave a confidence."""

    n: int
    """Answers with a verdict and a confidence."""
    brier: float | None
    """Mean of (confidence/100 - correct)^2: 0 is perfect, 0.25 is always saying 50 %, 1 is worst."""
    mean_confidence: float | None
    """Mean confidence, 0-100."""
    accuracy: float | None
    """Share of those answers with the key's verdict, 0-1."""
    overconfidence: float | None
    """mean_confidence/100 - accuracy: > 0 means more sure than right."""
    confident_wrong: int
    """Wrong verdicts given with confidence at or above the policy threshold."""


@dataclass(frozen=True)
class IndividualReport:
    """The confidential report of one submission."""

    exercise_id: str
    exercise_title: str
    exercise_version: str
    participant: str
    started: str
    submitted: str
    results: tuple[SampleResult, ...]
    total: float
    """Points earned (may be negative: accepted frauds and false alarms cost points)."""
    max_total: float
    pct: float
    """100 * max(total, 0) / max_total."""
    pass_mark: float
    passed: bool
    critical_error: bool
    """True when a fraudulent document was accepted as genuine."""
    critical_rule: bool
    """True when the exercise's policy fails any critical error."""
    calibration: Calibration
    seconds_total: float
    time_limit_total: int | None
    time_over_total: bool
    unanswered: int
    correct: int

    @property
    def over_time_samples(self) -> tuple[str, ...]:
        """Ids of samples whose time was over the per-sample limit."""
        return tuple(r.sample_id for r in self.results if r.over_time)


def indicator_credit(given: str, expected: str, parent_credit: float) -> float:
    """Credit of naming ``given`` for the key's ``expected``: 1 for the same or a more specific id,
    ``parent_credit`` per level for a parent id, 0 otherwise."""
    if given == expected or given.startswith(expected + "."):
        return 1.0
    if expected.startswith(given + "."):
        return parent_credit ** (expected.count(".") - given.count("."))
    return 0.0


def score_indicators(given: Iterable[str], expected: Iterable[str], parent_credit: float) -> IndicatorScore:
    """Precision, recall and F1 of named indicators against the key with partial credit for parents.

    Recall is the mean over key ids of the best credit any named id earns for it; precision the mean over
    named ids of the best credit it earns on any key id. Nothing named and nothing expected is perfect."""
    g = tuple(dict.fromkeys(given))
    e = tuple(dict.fromkeys(expected))
    if g and e:
        table = [[indicator_credit(a, k, parent_credit) for k in e] for a in g]
        best_for_given = [max(row) for row in table]
        best_for_key = [max(col) for col in zip(*table, strict=True)]
    else:
        best_for_given = [0.0] * len(g)
        best_for_key = [0.0] * len(e)
    recall = sum(best_for_key) / len(e) if e else 1.0
    precision = sum(best_for_given) / len(g) if g else 1.0
    if not e and g:
        recall = 1.0
    if e and not g:
        precision = 1.0
    if not e and not g:
        f1 = 1.0
    elif (not e) or (not g):
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return IndicatorScore(
        precision=round(precision, 9),
        recall=round(recall, 9),
        f1=round(f1, 9),
        matched=tuple(k for k, c in zip(e, best_for_key, strict=True) if c >= 1.0),
        partial=tuple(k for k, c in zip(e, best_for_key, strict=True) if 0.0 < c < 1.0),
        missed=tuple(k for k, c in zip(e, best_for_key, strict=True) if c == 0.0),
        extra=tuple(a for a, c in zip(g, best_for_given, strict=True) if c == 0.0),
    )


def verdict_outcome(truth: str, verdict: str | None) -> str:
    """Classify a verdict against the key: correct, wrong_class, false_alarm, accepted_fraud or unanswered."""
    if verdict is None:
        return "unanswered"
    if verdict == truth:
        return "correct"
    if truth == "genuine":
        return "false_alarm"
    if verdict == "genuine":
        return "accepted_fraud"
    return "wrong_class"


def verdict_credit(policy: ScoringPolicy, outcome: str) -> float:
    """The policy's credit for a verdict outcome."""
    return float(getattr(policy, outcome))


class Scorer:
    """Scores submissions of one exercise against one key; caches indicator scores across submissions."""

    def __init__(self, exercise: Exercise, key: ExerciseKey) -> None:
        check_key(exercise, key)
        self.exercise = exercise
        self.key = key
        self.policy = exercise.policy
        self._ind_cache: dict[tuple[str, tuple[str, ...]], IndicatorScore] = {}
        # Per sample, in order: position, id, key entry, and every possible verdict -> (outcome, credit).
        self._items: list[tuple[int, str, KeyEntry, dict[str | None, tuple[str, float]]]] = []
        for pos, sid in enumerate(exercise.sample_ids, 1):
            entry = key[sid]
            outcomes: dict[str | None, tuple[str, float]] = {}
            for v in (None, *VERDICTS):
                outcome = verdict_outcome(entry.verdict, v)
                outcomes[v] = (outcome, verdict_credit(self.policy, outcome))
            self._items.append((pos, sid, entry, outcomes))

    def _indicators(self, sample_id: str, given: tuple[str, ...]) -> IndicatorScore:
        ck = (sample_id, given)
        hit = self._ind_cache.get(ck)
        if hit is None:
            hit = score_indicators(given, self.key[sample_id].indicators, self.policy.parent_credit)
            if len(self._ind_cache) < 500_000:
                self._ind_cache[ck] = hit
        return hit

    def score(self, sub: Submission) -> IndividualReport:
        """The individual report of one submission (checked against the exercise first)."""
        ex, pol = self.exercise, self.policy
        check_submission(ex, sub)
        pps = pol.points_per_sample
        vw = pol.verdict_weight
        answers = {a.sample_id: a for a in sub.answers}
        if len(answers) != len(sub.answers):
            raise BadInput(f"{sub.source or '<submission>'}: answers: duplicated answer for a sample")
        results = []
        total = 0.0
        seconds_total = 0.0
        n_unanswered = n_correct = 0
        cal_sq = cal_conf = 0.0
        cal_n = cal_right = cal_cw = 0
        critical = False
        cache = self._ind_cache
        limit = ex.time_limit_sample
        for pos, sid, entry, outcomes in self._items:
            a = answers.get(sid)
            verdict = a.verdict if a else None
            given = a.indicators if a else ()
            seconds = a.seconds if a else 0.0
            confidence = a.confidence if a else None
            seconds_total += seconds
            outcome, vc = outcomes[verdict]
            ind = cache.get((sid, given))
            if ind is None:
                ind = self._indicators(sid, given)
            if outcome == "unanswered":
                points = pps * vw * vc
                n_unanswered += 1
            else:
                points = pps * (vw * vc + (1.0 - vw) * ind.f1)
            over = limit is not None and seconds > limit
            if over:
                points -= pps * pol.overtime_penalty
            right = outcome == "correct"
            n_correct += right
            critical = critical or outcome == "accepted_fraud"
            cw = (
                verdict is not None and not right and confidence is not None and (confidence >= pol.confident_threshold)
            )
            if cw:
                points -= pps * pol.confident_wrong_penalty
                cal_cw += 1
            if verdict is not None and confidence is not None:
                p = confidence / 100.0
                cal_n += 1
                cal_right += right
                cal_conf += confidence
                cal_sq += (p - right) ** 2
            points = round(points, 9)
            total += points
            results.append(
                fast_build(
                    SampleResult,
                    sample_id=sid,
                    position=pos,
                    truth=entry.verdict,
                    verdict=verdict,
                    outcome=outcome,
                    verdict_credit=vc,
                    key_indicators=entry.indicators,
                    given_indicators=given,
                    indicators=ind,
                    confidence=confidence,
                    seconds=seconds,
                    over_time=over,
                    confident_wrong=cw,
                    points=points,
                    max_points=pps,
                    explanation=entry.explanation,
                    note=a.note if a else "",
                )
            )
        time_over_total = ex.time_limit_total is not None and seconds_total > ex.time_limit_total
        if time_over_total:
            total -= pps * pol.overtime_penalty
        max_total = pps * len(ex.samples)
        total = round(total, 9)
        pct = round(100.0 * max(total, 0.0) / max_total, 9)
        if cal_n:
            calibration = Calibration(
                n=cal_n,
                brier=cal_sq / cal_n,
                mean_confidence=cal_conf / cal_n,
                accuracy=cal_right / cal_n,
                overconfidence=cal_conf / cal_n / 100.0 - cal_right / cal_n,
                confident_wrong=cal_cw,
            )
        else:
            calibration = Calibration(0, None, None, None, None, cal_cw)
        passed = pct >= pol.pass_mark - 1e-9 and not (pol.critical_error and critical)
        return IndividualReport(
            exercise_id=ex.id,
            exercise_title=ex.title,
            exercise_version=ex.version,
            participant=sub.participant,
            started=sub.started,
            submitted=sub.submitted,
            results=tuple(results),
            total=total,
            max_total=max_total,
            pct=pct,
            pass_mark=pol.pass_mark,
            passed=passed,
            critical_error=critical,
            critical_rule=pol.critical_error,
            calibration=calibration,
            seconds_total=seconds_total,
            time_limit_total=ex.time_limit_total,
            time_over_total=time_over_total,
            unanswered=n_unanswered,
            correct=n_correct,
        )

    def score_many(
        self, subs: Iterable[Submission], progress: Progress | None = None, total: int | None = None
    ) -> list[IndividualReport]:
        """Individual reports of many submissions, calling ``progress(done, total)`` as it goes."""
        out: list[IndividualReport] = []
        n = total if total is not None else (len(subs) if hasattr(subs, "__len__") else 0)  # type: ignore[arg-type]
        step = max(1, n // 100) if n else 100
        with paused_gc():
            for i, sub in enumerate(subs, 1):
                out.append(self.score(sub))
                if progress and (i % step == 0 or i == n):
                    progress(i, n)
        return out


def score_submission(exercise: Exercise, key: ExerciseKey, submission: Submission) -> IndividualReport:
    """Score one submission against the key (refusing a submission for another exercise file)."""
    return Scorer(exercise, key).score(submission)


def score_submissions(
    exercise: Exercise, key: ExerciseKey, submissions: Iterable[Submission], progress: Progress | None = None
) -> list[IndividualReport]:
    """Score many submissions of one exercise; ``progress(done, total)`` is called along the way."""
    return Scorer(exercise, key).score_many(submissions, progress)
