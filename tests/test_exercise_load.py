"""exercise.toml and key.toml: a valid round loads; every kind of bad input names file, line and field."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from exercise_helpers import TRUTH, key_toml, make_project

from doc_check.errors import BadInput
from doc_check.exercise import load_exercise, load_exercise_key
from doc_check.exercise.load import check_key


@pytest.fixture()
def ex_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _bad(path: Path, pattern: str) -> str:
    with pytest.raises(BadInput) as err:
        load_exercise(path)
    msg = str(err.value)
    assert "\n" not in msg
    assert re.search(pattern, msg), msg
    return msg


def test_valid_exercise_loads(ex_dir: Path) -> None:
    ex = load_exercise(ex_dir)
    assert ex.id == "ex1" and ex.version == "1" and ex.title == "Test round"
    assert ex.sample_ids == tuple(TRUTH)
    assert ex.samples[1].folder == (ex_dir.parent.parent / "samples" / "S2").resolve()
    assert ex.channels == ("visible", "uv", "ir")
    assert ex.tools == frozenset({"magnifier", "mrz_tool"})
    assert ex.time_limit_sample == 60 and ex.time_limit_total == 600
    assert ex.policy.pass_mark == 60 and ex.policy.verdict_weight == 0.6
    assert ex.sha256 == hashlib.sha256((ex_dir / "exercise.toml").read_bytes()).hexdigest()
    assert ex.reference_root == ex.sample_root / "references"
    # the exercise.toml path itself works too
    assert load_exercise(ex_dir / "exercise.toml") == ex


def test_key_loads_and_covers_the_exercise(ex_dir: Path) -> None:
    ex = load_exercise(ex_dir)
    key = load_exercise_key(ex_dir, ex)
    assert key["S2"].verdict == "forged"
    assert key["S2"].indicators == ("viz.mrz_mismatch.birth_date", "print.erasure")
    assert key["S2"].explanation == "Explanation of S2."
    assert len(key) == 4 and "S4" in key


def test_toml_syntax_error_names_line(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", 'title = "Test round"', 'title = "Test round')
    _bad(ex_dir, r"exercise\.toml: invalid TOML: .*line 2")


def test_missing_required_field(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", 'title = "Test round"\n', "")
    _bad(ex_dir, r"exercise\.toml: title: missing required field")


def test_unknown_field_names_line(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", "time_limit_total = 600", "time_limit_total = 600\ntime_limt = 5")
    _bad(ex_dir, r"exercise\.toml:11: time_limt: unknown field")


def test_wrong_type_names_line(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", "time_limit_sample = 60", 'time_limit_sample = "60"')
    _bad(ex_dir, r"exercise\.toml:9: time_limit_sample: must be a positive whole number")


@pytest.mark.parametrize("root", ['"../../../"', '"../../.."', '"../../samples/../../"', '"/etc"'])
def test_sample_root_escaping_is_refused(ex_dir: Path, root: str) -> None:
    _edit(ex_dir / "exercise.toml", 'sample_root = "../../samples"', f"sample_root = {root}")
    _bad(ex_dir, r"exercise\.toml:5: sample_root: ")


def test_sample_root_inside_the_exercise_folder_is_allowed(ex_dir: Path) -> None:
    # An exam pack carries its samples inside the exercise folder.
    (ex_dir / "samples").symlink_to(ex_dir.parent.parent / "samples")
    _edit(ex_dir / "exercise.toml", 'sample_root = "../../samples"', 'sample_root = "samples"')
    # the symlink resolves outside the folder, but into the project's samples/ - allowed
    assert load_exercise(ex_dir).sample_ids == tuple(TRUTH)


def test_symlink_escape_is_refused(ex_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (ex_dir / "samples").symlink_to(outside)
    _edit(ex_dir / "exercise.toml", 'sample_root = "../../samples"', 'sample_root = "samples"')
    _bad(ex_dir, r"sample_root: .*outside the allowed sample roots")


def test_unknown_sample_id_names_line(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", 'samples = ["S1", "S2", "S3", "S4"]', 'samples = [\n  "S1",\n  "S9",\n]')
    _bad(ex_dir, r"exercise\.toml:8: samples\[1\]: unknown sample id .S9.")


def test_duplicated_sample_id(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", '"S3", "S4"]', '"S3", "S3"]')
    _bad(ex_dir, r"samples\[3\]: sample 'S3' listed twice")


def test_path_like_sample_id_is_refused(ex_dir: Path) -> None:
    _edit(ex_dir / "exercise.toml", '"S1", "S2"', '"../S1", "S2"')
    _bad(ex_dir, r"samples\[0\]: '\.\./S1' is not a valid sample id")


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            'channels = ["visible", "uv", "ir"]',
            'channels = ["visible", "xray"]',
            r":7: channels: unknown channel 'xray'",
        ),
        ('tools = ["magnifier", "mrz_tool"]', 'tools = ["microscope"]', r":8: tools: unknown tool 'microscope'"),
        ("pass_mark = 60", "pass_mark = 160", r":13: policy\.pass_mark: must be a percentage"),
        ("pass_mark = 60", "pass_marks = 60", r":13: policy\.pass_marks: unknown policy field"),
        ("pass_mark = 60", 'pass_mark = "sixty"', r":13: policy\.pass_mark: must be a number"),
        ("pass_mark = 60", "pass_mark = 60\ncritical_error = 1", r":14: policy\.critical_error: must be true or false"),
        ("pass_mark = 60", "pass_mark = 60\naccepted_fraud = 2", r"policy\.accepted_fraud: must not exceed"),
        ('id = "ex1"', 'id = "../ex1"', r":1: id: '\.\./ex1' is not a valid id"),
        ('version = "1"', "version = true", r":3: version: must be a string"),
        ('version = "1"', 'version = "1"\nsamples_x = 1', r":4: samples_x: unknown field"),
        ("[policy]\npass_mark = 60", "policy = 3", r":12: policy: must be a table"),
        ('samples = ["S1", "S2", "S3", "S4"]', 'samples = "S1"', r":6: samples: must be a list of strings"),
        ('samples = ["S1", "S2", "S3", "S4"]', "samples = []", r":6: samples: must list at least one"),
        ('channels = ["visible", "uv", "ir"]', "channels = []", r":7: channels: must allow at least one"),
        ('channels = ["visible", "uv", "ir"]', 'channels = ["uv", "uv"]', r":7: channels: lists a channel twice"),
        ("time_limit_total = 600", "time_limit_total = -5", r":10: time_limit_total: must be a positive"),
    ],
)
def test_bad_fields(ex_dir: Path, old: str, new: str, pattern: str) -> None:
    _edit(ex_dir / "exercise.toml", old, new)
    _bad(ex_dir, pattern)


def test_missing_file_not_utf8_and_too_large(tmp_path: Path, ex_dir: Path) -> None:
    _bad(tmp_path / "nowhere", r"nowhere: file not found")
    (ex_dir / "exercise.toml").write_bytes(b'id = "\xff\xfe"\n')
    _bad(ex_dir, r"not UTF-8")
    (ex_dir / "exercise.toml").write_bytes(b"# " + b"x" * 6_000_000)
    _bad(ex_dir, r"file too large")


# ------------------------------------------------------------------ key.toml


def _bad_key(ex_dir: Path, pattern: str) -> None:
    ex = load_exercise(ex_dir)
    with pytest.raises(BadInput) as err:
        load_exercise_key(ex_dir, ex)
    assert re.search(pattern, str(err.value)), str(err.value)


def test_key_unknown_verdict_names_line(ex_dir: Path) -> None:
    _edit(ex_dir / "key.toml", 'verdict = "counterfeit"', 'verdict = "fake"')
    _bad_key(ex_dir, r"key\.toml:12: samples\.S3\.verdict: unknown verdict 'fake'")


def test_key_unknown_indicator_names_line(ex_dir: Path) -> None:
    _edit(ex_dir / "key.toml", '"print.erasure"', '"print.erased"')
    _bad_key(ex_dir, r"key\.toml:8: samples\.S2\.indicators: unknown indicator id 'print\.erased'")


def test_key_parent_indicator_is_allowed(ex_dir: Path) -> None:
    _edit(ex_dir / "key.toml", '"print.erasure"', '"print"')
    ex = load_exercise(ex_dir)
    assert load_exercise_key(ex_dir, ex)["S2"].indicators[-1] == "print"


def test_key_missing_and_extra_samples(ex_dir: Path) -> None:
    truth = dict(TRUTH)
    del truth["S4"]
    (ex_dir / "key.toml").write_text(key_toml(truth))
    _bad_key(ex_dir, r"key\.toml: samples: no key entry for sample\(s\) S4")
    truth = dict(TRUTH)
    truth["S9"] = ("genuine", [])
    (ex_dir / "key.toml").write_text(key_toml(truth))
    _bad_key(ex_dir, r"key\.toml:21: samples\.S9: key entries for sample\(s\) S9 not in")


def test_key_without_verdict_and_bad_types(ex_dir: Path) -> None:
    _edit(ex_dir / "key.toml", 'verdict = "genuine"\n', "")
    _bad_key(ex_dir, r"key\.toml:1: samples\.S1: missing field 'verdict'")
    make = ex_dir / "key.toml"
    make.write_text(key_toml(TRUTH).replace('explanation = "Explanation of S2."', "explanation = 3"))
    _bad_key(ex_dir, r"samples\.S2\.explanation: must be a string")
    make.write_text("samples = 3\n")
    _bad_key(ex_dir, r"samples: missing table")


def test_check_key_direct(ex_dir: Path) -> None:
    ex = load_exercise(ex_dir)
    key = load_exercise_key(ex_dir)
    check_key(ex, key)


def test_extra_sample_root_from_environment(ex_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "shared_sets"
    (tmp_path / "samples").rename(elsewhere)
    _edit(ex_dir / "exercise.toml", 'sample_root = "../../samples"', 'sample_root = "../../shared_sets"')
    _bad(ex_dir, r"sample_root: .*outside the allowed sample roots")
    monkeypatch.setenv("DOC_CHECK_SAMPLE_ROOTS", str(elsewhere))
    assert load_exercise(ex_dir).sample_root == elsewhere.resolve()
    # an explicit list of roots replaces the defaults
    assert load_exercise(ex_dir, sample_roots=[tmp_path]).sample_root == elsewhere.resolve()
    _bad_roots = pytest.raises(BadInput, match="outside the allowed sample roots")
    with _bad_roots:
        load_exercise(ex_dir, sample_roots=[ex_dir])
