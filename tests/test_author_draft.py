"""Exercise drafts: what the authoring app writes is what a hand-written exercise holds, and loads back the same."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from exercise_helpers import make_project

from doc_check.errors import BadInput
from doc_check.exercise import load_exercise, load_exercise_key
from doc_check.exercise.draft import ExerciseDraft, draft_from_exercise, free_sample_index, library, save_exercise
from doc_check.exercise.model import ScoringPolicy
from doc_check.samples import load_key


def test_round_trip_of_a_hand_written_exercise(tmp_path: Path) -> None:
    ex_dir = make_project(tmp_path / "p", policy="critical_error = true\nverdict_weight = 0.5")
    ex = load_exercise(ex_dir)
    draft = draft_from_exercise(ex, load_exercise_key(ex_dir, ex))
    copy = replace(draft, id="copy")
    saved, key = save_exercise(copy, ex_dir.parent / "copy", ex.sample_root)
    for name in (
        "title",
        "version",
        "briefing",
        "channels",
        "tools",
        "time_limit_sample",
        "time_limit_total",
        "policy",
        "sample_ids",
        "sample_root",
    ):
        assert getattr(saved, name) == getattr(ex, name), name
    assert saved.policy.critical_error and saved.policy.verdict_weight == 0.5
    original = load_exercise_key(ex_dir, ex)
    assert {s: (key[s].verdict, key[s].indicators, key[s].explanation) for s in key} == {
        s: (original[s].verdict, original[s].indicators, original[s].explanation) for s in original
    }
    text = (ex_dir.parent / "copy" / "exercise.toml").read_text()
    assert 'sample_root = "../../samples"' in text and "[policy]" in text and "pass_mark = 60" in text


def test_multiline_briefing_and_quotes_survive(tmp_path: Path) -> None:
    ex_dir = make_project(tmp_path / "p")
    set_key = load_key(ex_dir.parent.parent / "samples" / "key.toml")
    briefing = 'Line one.\nA "quoted" word, a back\\slash and """ three quotes.\n'
    draft = ExerciseDraft(
        "q", "Quotes", briefing=briefing, channels=("uv",), tools=("reader",), policy=ScoringPolicy(pass_mark=50)
    ).with_samples(("S4", "S1"), set_key)
    draft = draft.with_explanation("S4", "Check digit 7, should be 3.")
    ex, key = save_exercise(draft, ex_dir.parent / "q", ex_dir.parent.parent / "samples")
    assert ex.briefing == briefing and ex.sample_ids == ("S4", "S1") and ex.channels == ("uv",)
    assert key["S4"].explanation == "Check digit 7, should be 3."


def test_refused_drafts_write_nothing(tmp_path: Path) -> None:
    ex_dir = make_project(tmp_path / "p")
    samples = ex_dir.parent.parent / "samples"
    set_key = load_key(samples / "key.toml")
    good = ExerciseDraft("ok", "OK").with_samples(("S1",), set_key)
    with pytest.raises(BadInput, match="pick at least one sample"):
        save_exercise(ExerciseDraft("none", "None"), ex_dir.parent / "none", samples)
    with pytest.raises(BadInput, match=r"not a valid|letters, digits"):
        save_exercise(replace(good, id="a b"), ex_dir.parent / "a b", samples)
    with pytest.raises(BadInput, match="must be a percentage"):
        save_exercise(replace(good, policy=ScoringPolicy(pass_mark=120)), ex_dir.parent / "ok", samples)
    with pytest.raises(BadInput, match="outside the allowed sample roots"):
        save_exercise(good, ex_dir.parent / "ok", tmp_path)
    with pytest.raises(BadInput, match="its truth is unknown"):
        ExerciseDraft("x", "X").with_samples(("S9",), set_key)
    assert sorted(p.name for p in ex_dir.parent.iterdir()) == ["ex1"]


def test_library_and_free_index(tmp_path: Path) -> None:
    ex_dir = make_project(tmp_path / "p")
    samples = ex_dir.parent.parent / "samples"
    entries = library(samples)
    assert [e.id for e in entries] == ["S1", "S2", "S3", "S4"]
    assert entries[1].truth.verdict == "forged"
    from doc_check.specimen.sampleset import sample_id

    (samples / sample_id(5, 0)).mkdir()
    assert free_sample_index(samples, 5) == 1
    # an id the key already names is taken too, even without its folder
    with (samples / "key.toml").open("a") as key:
        key.write(f'\n[samples.{sample_id(5, 1)}]\nverdict = "genuine"\nindicators = []\nexplanation = "x"\n')
    assert free_sample_index(samples, 5) == 2
    with pytest.raises(BadInput, match="not found"):
        library(tmp_path / "nothing")
