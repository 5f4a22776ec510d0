"""Robust z-scores against independently computed worked examples, and the summary of a small round by hand."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest
from exercise_helpers import make_project

from doc_check.errors import BadInput
from doc_check.exercise import Answer, Submission, load_exercise, load_exercise_key
from doc_check.exercise.score import score_submissions
from doc_check.exercise.summary import summarize
from doc_check.exercise.zscore import robust_stats, z_class, z_scores

DATA = [10.0, 12.0, 13.0, 14.0, 15.0, 16.0, 40.0]


def test_median_mad_worked_example() -> None:
    # median 14; |x - 14| = 4 2 1 0 1 2 26 -> MAD 2 -> s* = 1.483 * 2 = 2.966
    st = robust_stats(DATA, "mad")
    assert st.assigned == 14.0 and st.sigma == pytest.approx(2.966) and st.sigma_source == "mad"
    z = z_scores(DATA, st)
    assert z[-1] == pytest.approx(26 / 2.966) and z[0] == pytest.approx(-4 / 2.966)
    assert [z_class(v) for v in z] == ["satisfactory"] * 6 + ["unsatisfactory"]


def _algorithm_a_reference(x: list[float]) -> tuple[float, float]:
    """ISO 13528 Algorithm A written out independently with the statistics module."""
    xs = statistics.median(x)
    ss = 1.483 * statistics.median([abs(v - xs) for v in x])
    for _ in range(500):
        d = 1.5 * ss
        w = [min(max(v, xs - d), xs + d) for v in x]
        new_x, new_s = statistics.fmean(w), 1.134 * statistics.stdev(w)
        if math.isclose(new_x, xs, rel_tol=0, abs_tol=1e-12) and math.isclose(new_s, ss, rel_tol=0, abs_tol=1e-12):
            break
        xs, ss = new_x, new_s
    return xs, ss


def test_algorithm_a_worked_example() -> None:
    xs, ss = _algorithm_a_reference(DATA)
    # First step by hand: delta = 1.5 * 2.966 = 4.449, 40 -> 18.449, mean 98.449 / 7 = 14.064
    w = [10, 12, 13, 14, 15, 16, 14 + 4.449]
    assert statistics.fmean(w) == pytest.approx(14.0641, abs=1e-4)
    st = robust_stats(DATA, "algorithm_a")
    assert st.assigned == pytest.approx(xs, abs=1e-6) and st.sigma == pytest.approx(ss, abs=1e-6)
    assert st.iterations > 1
    assert 13.5 < st.assigned < 14.5 and 1.5 < st.sigma < 4.5  # the outlier 40 barely moves them
    z = z_scores(DATA, st)
    assert z[-1] == pytest.approx((40 - xs) / ss) and z_class(z[-1]) == "unsatisfactory"


def test_mad_zero_falls_back() -> None:
    # more than half equal: MAD 0 and IQR 0 -> sample SD sqrt(3.2)
    st = robust_stats([5, 5, 5, 5, 9], "mad")
    assert st.sigma_source == "sd" and st.sigma == pytest.approx(math.sqrt(3.2))
    assert z_scores([9], st)[0] == pytest.approx(4 / math.sqrt(3.2))
    assert z_class(4 / math.sqrt(3.2)) == "questionable"
    # IQR fallback: MAD 0 but quartiles differ
    st = robust_stats([1, 5, 5, 5, 5, 5, 9, 9, 9], "mad")
    assert st.sigma_source in {"niqr", "mad"}
    # everybody equal: every z is 0
    st = robust_stats([7, 7, 7], "algorithm_a")
    assert st.sigma == 0 and list(z_scores([7, 7, 7], st)) == [0, 0, 0]
    assert robust_stats([], "mad").n == 0


def test_z_classes_at_the_borders() -> None:
    assert z_class(2.0) == "satisfactory" and z_class(-2.0) == "satisfactory"
    assert z_class(2.01) == "questionable" and z_class(-2.99) == "questionable"
    assert z_class(3.0) == "unsatisfactory" and z_class(-3.5) == "unsatisfactory"
    with pytest.raises(ValueError):
        robust_stats([1, 2], "mean")


def _round(tmp_path: Path):
    folder = make_project(tmp_path)
    ex = load_exercise(folder)
    key = load_exercise_key(folder, ex)

    def sub(p: str, *answers: Answer) -> Submission:
        return Submission(ex.id, ex.version, ex.sha256, p, "", "", tuple(answers))

    subs = [
        sub("P1", *(Answer(s, key[s].verdict, key[s].indicators, 90, 10) for s in ex.sample_ids)),
        sub(
            "P2",
            Answer("S1", "genuine"),
            Answer("S2", "counterfeit", ("print.erasure",)),
            Answer("S3", "genuine"),
            Answer("S4", "forged", ("mrz.check_digit",)),
        ),
        sub(
            "P3",
            Answer("S1", "forged", ("print",)),
            Answer("S2", "forged", ("viz.mrz_mismatch.birth_date", "print.erasure")),
            Answer("S3", "pseudo", ("uv.paper_bright",)),
        ),
    ]
    return ex, key, score_submissions(ex, key, subs)


def test_summary_of_a_small_round(tmp_path: Path) -> None:
    ex, key, reports = _round(tmp_path)
    s = summarize(ex, key, reports, "mad")
    assert s.n_participants == 3
    by_id = {x.sample_id: x for x in s.samples}
    assert by_id["S1"].share_correct == pytest.approx(2 / 3) and by_id["S1"].consensus == "genuine"
    assert by_id["S1"].share_detected == pytest.approx(2 / 3)  # genuine: share accepting it
    assert by_id["S2"].consensus == "forged" and by_id["S2"].consensus_share == pytest.approx(2 / 3)
    assert by_id["S3"].share_correct == pytest.approx(1 / 3) and by_id["S3"].difficulty == "hard"
    assert by_id["S3"].share_detected == pytest.approx(2 / 3)  # P1 and P3 saw a fraud
    assert by_id["S4"].answered == 2 and by_id["S4"].share_correct == pytest.approx(2 / 3)
    cols = s.confusion_columns
    conf = {
        label: dict(zip(cols, row, strict=True)) for label, row in zip(s.confusion_labels, s.confusion, strict=True)
    }
    assert conf["genuine"] == {
        "genuine": 2,
        "counterfeit": 0,
        "forged": 1,
        "stolen_blank": 0,
        "pseudo": 0,
        "unanswered": 0,
    }
    assert conf["forged"] == {
        "genuine": 0,
        "counterfeit": 1,
        "forged": 4,
        "stolen_blank": 0,
        "pseudo": 0,
        "unanswered": 1,
    }
    assert conf["counterfeit"] == {
        "genuine": 1,
        "counterfeit": 1,
        "forged": 0,
        "stolen_blank": 0,
        "pseudo": 1,
        "unanswered": 0,
    }
    assert sum(map(sum, s.confusion)) == 12
    ind = {i.indicator: i for i in s.indicators}
    assert (ind["viz.mrz_mismatch.birth_date"].expected, ind["viz.mrz_mismatch.birth_date"].detected) == (3, 2)
    assert ind["print.erasure"].detected == 3 and ind["print.erasure"].rate == 1.0
    assert (ind["mrz.check_digit.birth_date"].detected, ind["mrz.check_digit.birth_date"].partial) == (1, 1)
    assert ind["uv.paper_bright"].detected == 2 and ind["ir.mrz"].detected == 1
    assert ind["print"].expected == 0 and ind["print"].false_alarms == 1
    # z-scores: median/MAD of the three totals, computed here independently
    totals = [r.total for r in reports]
    med = statistics.median(totals)
    sigma = 1.483 * statistics.median([abs(t - med) for t in totals])
    for p, t in zip(s.participants, totals, strict=True):
        assert p.z == pytest.approx((t - med) / sigma)
    assert s.participants[0].participant == "P1" and s.participants[0].pct == 100
    assert s.pass_rate == pytest.approx(1 / 3)


def test_summary_refuses_duplicate_participants(tmp_path: Path) -> None:
    ex, key, reports = _round(tmp_path)
    with pytest.raises(BadInput, match="participant 'P1' has more than one submission"):
        summarize(ex, key, [*reports, reports[0]])


def test_empty_round(tmp_path: Path) -> None:
    ex, key, _ = _round(tmp_path)
    s = summarize(ex, key, [])
    assert s.n_participants == 0 and s.samples[0].consensus is None and s.participants == ()


def test_z_scores_are_affine_invariant() -> None:
    """Seeded random rounds: shifting and scaling every result leaves the z-scores unchanged."""
    import random

    rng = random.Random(7)
    for _ in range(100):
        values = [rng.choice([rng.uniform(-100, 100), float(rng.randint(0, 5))]) for _ in range(rng.randint(3, 30))]
        shift, scale = rng.uniform(-50, 50), rng.uniform(0.1, 10)
        method = rng.choice(["mad", "algorithm_a"])
        a = robust_stats(values, method)
        moved = [v * scale + shift for v in values]
        b = robust_stats(moved, method)
        if a.sigma < 1e-6:
            assert b.sigma < 1e-5
            continue
        # Algorithm A stops at a relative tolerance, so compare at that precision
        assert z_scores(values, a) == pytest.approx(z_scores(moved, b), abs=1e-5)
        assert b.assigned == pytest.approx(a.assigned * scale + shift, abs=1e-5 * scale * a.sigma)
