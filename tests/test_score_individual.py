"""Scoring one submission: hand-computed points for small cases (default policy: 10 points a sample, 60 % for
the verdict, 40 % for the indicators' F1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from exercise_helpers import make_project

from doc_check.errors import BadInput
from doc_check.exercise import Answer, Submission, load_exercise, load_exercise_key
from doc_check.exercise.score import indicator_credit, score_indicators, score_submission, verdict_outcome


def _setup(tmp_path: Path, policy: str = ""):
    folder = make_project(tmp_path, policy=policy)
    ex = load_exercise(folder)
    return ex, load_exercise_key(folder, ex)


def _submit(ex, *answers: Answer, participant: str = "P1") -> Submission:
    return Submission(
        ex.id,
        ex.version,
        ex.sha256,
        participant,
        "2026-11-28T10:00:00+00:00",
        "2026-11-28T10:10:00+00:00",
        tuple(answers),
    )


def test_indicator_credit_hierarchy() -> None:
    assert indicator_credit("mrz.check_digit.birth_date", "mrz.check_digit.birth_date", 0.5) == 1.0
    assert indicator_credit("mrz.check_digit", "mrz.check_digit.birth_date", 0.5) == 0.5
    assert indicator_credit("mrz", "mrz.check_digit.birth_date", 0.5) == 0.25
    assert indicator_credit("mrz.check_digit.birth_date", "mrz.check_digit", 0.5) == 1.0  # more specific
    assert indicator_credit("mrz.check_digit.expiry_date", "mrz.check_digit.birth_date", 0.5) == 0.0
    assert indicator_credit("mrz.check", "mrz.check_digit", 0.5) == 0.0  # a prefix of the text, not of the id


def test_indicator_precision_recall() -> None:
    s = score_indicators(
        ["viz.mrz_mismatch.birth_date", "uv.fibres"], ["viz.mrz_mismatch.birth_date", "print.erasure"], 0.5
    )
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    assert s.matched == ("viz.mrz_mismatch.birth_date",) and s.missed == ("print.erasure",)
    assert s.extra == ("uv.fibres",) and s.partial == ()
    s = score_indicators(["mrz.check_digit", "ir.mrz"], ["mrz.check_digit.birth_date", "ir.mrz", "uv.emblem"], 0.5)
    # recall (0.5 + 1 + 0) / 3 = 0.5; precision (0.5 + 1) / 2 = 0.75; F1 = 2*.75*.5/1.25 = 0.6
    assert s.recall == pytest.approx(0.5) and s.precision == pytest.approx(0.75) and s.f1 == pytest.approx(0.6)
    assert s.partial == ("mrz.check_digit.birth_date",)
    assert score_indicators([], [], 0.5).f1 == 1.0  # genuine, nothing named: perfect
    assert score_indicators(["print"], [], 0.5).f1 == 0.0  # genuine, a sign named: none
    assert score_indicators([], ["print.erasure"], 0.5).f1 == 0.0


def test_verdict_outcomes() -> None:
    assert verdict_outcome("forged", "forged") == "correct"
    assert verdict_outcome("forged", "counterfeit") == "wrong_class"
    assert verdict_outcome("forged", "genuine") == "accepted_fraud"
    assert verdict_outcome("genuine", "pseudo") == "false_alarm"
    assert verdict_outcome("genuine", None) == "unanswered"


def test_hand_computed_mixed_submission(tmp_path: Path) -> None:
    ex, key = _setup(tmp_path)
    sub = _submit(
        ex,
        # S1 genuine, correct, nothing named: 10 * (0.6 + 0.4) = 10
        Answer("S1", "genuine", (), 90, 30),
        # S2 forged: verdict right, indicators P = R = 0.5: 10 * (0.6 + 0.4 * 0.5) = 8
        Answer("S2", "forged", ("viz.mrz_mismatch.birth_date", "uv.fibres"), 70, 50),
        # S3 counterfeit called forged: 10 * (0.6 * 0.5 + 0.4 * 1) = 7; 70 s > 60 s: -2.5; confident (85) and
        # wrong: -1 -> 3.5
        Answer("S3", "forged", ("uv.paper_bright", "ir.mrz"), 85, 70),
        # S4 forged accepted as genuine, parent indicator (F1 0.5): 10 * (0.6 * -1 + 0.4 * 0.5) = -4
        Answer("S4", "genuine", ("mrz.check_digit",), 60, 20),
    )
    r = score_submission(ex, key, sub)
    assert [x.points for x in r.results] == pytest.approx([10.0, 8.0, 3.5, -4.0])
    assert [x.outcome for x in r.results] == ["correct", "correct", "wrong_class", "accepted_fraud"]
    assert r.total == pytest.approx(17.5) and r.max_total == 40
    assert r.pct == pytest.approx(43.75)
    assert not r.passed and r.critical_error and not r.critical_rule
    assert r.correct == 2 and r.unanswered == 0
    assert r.over_time_samples == ("S3",) and not r.time_over_total and r.seconds_total == 170
    assert r.results[2].confident_wrong and not r.results[3].confident_wrong
    c = r.calibration
    # p = .9 .7 .85 .6 against correct 1 1 0 0
    assert c.n == 4
    assert c.brier == pytest.approx((0.01 + 0.09 + 0.7225 + 0.36) / 4)
    assert c.mean_confidence == pytest.approx(76.25) and c.accuracy == 0.5
    assert c.overconfidence == pytest.approx(0.2625) and c.confident_wrong == 1
    assert r.results[1].explanation == "Explanation of S2."


def test_missing_answers_are_unanswered_and_false_alarm_costs(tmp_path: Path) -> None:
    ex, key = _setup(tmp_path)
    # S1 genuine rejected with a sign named: 10 * (0.6 * -0.5 + 0.4 * 0) = -3; S2-S4 not answered: 0 each;
    # an answer without a verdict counts as unanswered even if it names indicators.
    r = score_submission(
        ex,
        key,
        _submit(
            ex, Answer("S1", "forged", ("print.erasure",), None, 5), Answer("S2", None, ("print.erasure",), None, 5)
        ),
    )
    assert [x.points for x in r.results] == pytest.approx([-3.0, 0, 0, 0])
    assert [x.outcome for x in r.results] == ["false_alarm", "unanswered", "unanswered", "unanswered"]
    assert r.unanswered == 3 and r.total == pytest.approx(-3.0) and r.pct == 0.0
    assert not r.critical_error
    assert r.calibration.n == 0 and r.calibration.brier is None


def test_perfect_pass_and_total_time_limit(tmp_path: Path) -> None:
    ex, key = _setup(tmp_path)
    answers = [Answer(s, key[s].verdict, key[s].indicators, 100, 59) for s in ex.sample_ids]
    r = score_submission(ex, key, _submit(ex, *answers))
    assert r.total == 40 and r.pct == 100 and r.passed and r.calibration.brier == 0.0
    # whole exercise over its 600 s: 2.5 points off once (each sample still within its 60 s)
    ex2 = type(ex)(**{**ex.__dict__, "time_limit_total": 200})
    r = score_submission(ex2, key, _submit(ex2, *answers))
    assert r.time_over_total and r.total == pytest.approx(37.5) and r.over_time_samples == ()


def test_critical_error_rule_fails_despite_the_mark(tmp_path: Path) -> None:
    ex, key = _setup(tmp_path, policy="critical_error = true")  # pass mark 60
    answers = [Answer(s, key[s].verdict, key[s].indicators, None, 10) for s in ex.sample_ids[:3]]
    answers.append(Answer("S4", "genuine", (), None, 10))  # accepted fraud: -6
    r = score_submission(ex, key, _submit(ex, *answers))
    assert r.total == pytest.approx(24.0) and r.pct == pytest.approx(60.0)
    assert r.critical_error and r.critical_rule and not r.passed


def test_custom_policy_weights(tmp_path: Path) -> None:
    ex, key = _setup(
        tmp_path,
        policy="points_per_sample = 4\nverdict_weight = 1.0\naccepted_fraud = -2\n"
        "overtime_penalty = 0\nconfident_wrong_penalty = 0",
    )
    r = score_submission(ex, key, _submit(ex, Answer("S4", "genuine", (), 100, 999)))
    assert r.results[3].points == pytest.approx(-8.0) and r.max_total == 16


def test_refuses_a_submission_for_another_exercise_file(tmp_path: Path) -> None:
    ex, key = _setup(tmp_path)
    sub = _submit(ex, Answer("S1", "genuine"))
    (ex.path).write_text(ex.path.read_text().replace('title = "Test round"', 'title = "Edited"'))
    edited = load_exercise(ex.folder)
    with pytest.raises(BadInput, match="different exercise file"):
        score_submission(edited, key, sub)
    with pytest.raises(BadInput, match="unknown sample id 'S7'"):
        score_submission(ex, key, _submit(ex, Answer("S7", "genuine")))


def test_property_bounds_and_order_independence(tmp_path: Path) -> None:
    """300 random answer sheets (seeded): points within bounds, critical error iff an accepted fraud, and the
    order of the answers does not matter."""
    import random

    from doc_check.indicators import VERDICTS, ids

    ex, key = _setup(tmp_path)
    pol = ex.policy
    rng = random.Random(13)
    indicator_ids = [*ids(), "mrz", "mrz.check_digit", "viz.mrz_mismatch", "print"]
    worst = pol.points_per_sample * (
        pol.verdict_weight * pol.accepted_fraud - pol.overtime_penalty - pol.confident_wrong_penalty
    )
    for _ in range(300):
        answers = [
            Answer(
                sid,
                rng.choice([None, *VERDICTS]),
                tuple(rng.sample(indicator_ids, rng.randint(0, 4))),
                rng.choice([None, rng.randint(0, 100)]),
                rng.uniform(0, 200),
            )
            for sid in rng.sample(ex.sample_ids, rng.randint(0, 4))
        ]
        r = score_submission(ex, key, _submit(ex, *answers))
        for res in r.results:
            assert worst - 1e-9 <= res.points <= res.max_points + 1e-9
            assert 0 <= res.indicators.f1 <= 1
        assert r.total <= r.max_total + 1e-9 and 0 <= r.pct <= 100
        assert r.critical_error == any(x.outcome == "accepted_fraud" for x in r.results)
        assert r.unanswered == sum(x.verdict is None for x in r.results)
        rng.shuffle(answers)
        assert score_submission(ex, key, _submit(ex, *answers)).total == pytest.approx(r.total)
