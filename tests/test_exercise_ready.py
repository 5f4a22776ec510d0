"""The ready exercises in exercises/: each validates, its key agrees with samples/key.toml, and it is the round
it claims to be (tools, lights, genuine documents included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doc_check.exercise import Answer, Submission
from doc_check.exercise.catalogue import find_exercises
from doc_check.exercise.score import score_submission
from doc_check.exercise.validate import validate_exercise
from doc_check.indicators import FRAUD_VERDICTS
from doc_check.samples import load_key

ROOT = Path(__file__).resolve().parents[1]
READY = ("first-line", "light-sources", "mrz-drill", "second-line")


def test_all_ready_exercises_are_there() -> None:
    found = {p.name for p in find_exercises(ROOT / "exercises")}
    assert set(READY) <= found


@pytest.mark.parametrize("name", READY)
def test_exercise_validates_and_agrees_with_the_sample_set(name: str) -> None:
    v = validate_exercise(ROOT / "exercises" / name)
    ex, key = v.exercise, v.key
    assert ex.id == name and key is not None
    truth = load_key(ROOT / "samples" / "key.toml")
    for sid in ex.sample_ids:
        assert key[sid].verdict == truth[sid].verdict, sid
        assert sorted(key[sid].indicators) == sorted(truth[sid].indicators), sid
        assert len(key[sid].explanation) > 20, sid
    assert "genuine" in v.verdicts and set(v.verdicts) & FRAUD_VERDICTS
    assert not v.warnings
    # a perfect answer sheet scores 100 % and passes
    sub = Submission(
        ex.id,
        ex.version,
        ex.sha256,
        "REF",
        "",
        "",
        tuple(Answer(s, key[s].verdict, key[s].indicators, 100, 1) for s in ex.sample_ids),
    )
    report = score_submission(ex, key, sub)
    assert report.pct == 100 and report.passed


def test_each_round_is_what_it_says() -> None:
    first = validate_exercise(ROOT / "exercises" / "first-line")
    assert first.exercise.channels == ("visible",) and first.exercise.tools == {"magnifier"}
    assert first.exercise.time_limit_sample and first.exercise.time_limit_sample <= 120
    assert first.exercise.policy.critical_error
    light = validate_exercise(ROOT / "exercises" / "light-sources")
    assert {"uv", "ir"} <= set(light.exercise.channels)
    key = light.key
    assert key is not None
    assert all(
        any(i.startswith(("uv.", "ir.")) for i in key[s].indicators)
        for s in light.exercise.sample_ids
        if key[s].verdict != "genuine"
    )
    drill = validate_exercise(ROOT / "exercises" / "mrz-drill")
    assert "mrz_tool" in drill.exercise.tools
    key = drill.key
    assert key is not None
    assert all(
        any(i.startswith(("mrz.", "viz.")) for i in key[s].indicators)
        for s in drill.exercise.sample_ids
        if key[s].verdict != "genuine"
    )
    second = validate_exercise(ROOT / "exercises" / "second-line")
    assert second.exercise.tools == {"magnifier", "reference", "mrz_tool", "reader"}
    assert set(second.verdicts) >= FRAUD_VERDICTS
    key = second.key
    assert key is not None
    assert sum(key[s].extra.get("difficulty") == "hard" for s in second.exercise.sample_ids) >= 2
