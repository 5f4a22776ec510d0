"""Submission JSON: write/read round trip, and each bad-input case with file, line and field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from exercise_helpers import make_project

from doc_check.errors import BadInput
from doc_check.exercise import (
    Answer,
    check_submission,
    load_exercise,
    load_submission,
    new_submission,
    parse_submission,
    submission_to_json,
    write_submission,
)


@pytest.fixture()
def ex(tmp_path: Path):
    return load_exercise(make_project(tmp_path))


def _sub(ex):
    s = new_submission(ex, "P01", started="2026-11-28T10:00:00+00:00")
    s = s.with_answer(Answer("S1", "genuine", (), 90, 30.0, "looks fine"))
    s = s.with_answer(Answer("S2", "forged", ("viz.mrz_mismatch.birth_date",), 70, 50.5, ""))
    return s


def test_round_trip(tmp_path: Path, ex) -> None:
    s = _sub(ex)
    s = s.with_answer(Answer("S1", "forged", ("print",), None, 31.0, "changed my mind"))  # replaces S1
    assert [a.sample_id for a in s.answers] == ["S1", "S2"]
    path = write_submission(tmp_path / "out" / "P01.json", s)
    back = load_submission(path)
    assert back == s
    assert back.source == path
    assert json.loads(path.read_text())["format"] == "doc-check-submission/1"
    assert not list((tmp_path / "out").glob(".*tmp"))
    check_submission(ex, back)


def test_bad_participant_code(ex) -> None:
    with pytest.raises(BadInput, match="participant code"):
        new_submission(ex, "../P1")


def _bad(text: str, pattern: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_submission(text, "sub.json")
    msg = str(err.value)
    assert "\n" not in msg
    assert re.search(pattern, msg), msg


def _json(ex, **answer_changes) -> str:
    d = json.loads(submission_to_json(_sub(ex)))
    d["answers"][1].update(answer_changes)
    return json.dumps(d, indent=2)


def test_invalid_json_names_line(ex) -> None:
    text = submission_to_json(_sub(ex)).replace('"participant": "P01",', '"participant": "P01"')
    _bad(text, r"^sub\.json:7: invalid JSON")


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"verdict": "fake"}, r"sub\.json:\d+: answers\[1\]\.verdict: unknown verdict 'fake'"),
        ({"indicators": ["uv.glow"]}, r"answers\[1\]\.indicators: unknown indicator id 'uv\.glow'"),
        ({"indicators": "uv.fibres"}, r"answers\[1\]\.indicators: must be a list"),
        ({"confidence": 101}, r"answers\[1\]\.confidence: must be a whole number 0-100"),
        ({"confidence": True}, r"answers\[1\]\.confidence"),
        ({"confidence": 50.5}, r"answers\[1\]\.confidence"),
        ({"seconds": -1}, r"answers\[1\]\.seconds: must be a number of seconds >= 0"),
        ({"note": 5}, r"answers\[1\]\.note: must be a string"),
        ({"colour": "red"}, r"answers\[1\]\.colour: unknown field"),
        ({"sample_id": 7}, r"answers\[1\]\.sample_id: missing or not a string"),
    ],
)
def test_bad_answer_fields(ex, change: dict, pattern: str) -> None:
    _bad(_json(ex, **change), pattern)


def test_bad_answer_line_points_at_the_answer(ex) -> None:
    text = _json(ex, verdict="fake")
    line = int(re.search(r"sub\.json:(\d+):", _msg(text)).group(1))
    assert '"S2"' in text.splitlines()[line - 1]


def _msg(text: str) -> str:
    with pytest.raises(BadInput) as err:
        parse_submission(text, "sub.json")
    return str(err.value)


def test_duplicated_answer_names_second_line(ex) -> None:
    d = json.loads(submission_to_json(_sub(ex)))
    d["answers"].append(dict(d["answers"][0]))
    text = json.dumps(d, indent=2)
    msg = _msg(text)
    assert re.search(r"answers\[2\]\.sample_id: duplicated answer for sample 'S1' \(also answers\[0\]\)", msg), msg
    line = int(re.search(r"sub\.json:(\d+):", msg).group(1))
    first_line = text[: text.index('"S1"')].count("\n") + 1
    assert line > first_line and '"S1"' in text.splitlines()[line - 1]


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"participant": "a/b"}, r"participant: 'a/b' is not a valid participant code"),
        ({"started": "yesterday"}, r"started: 'yesterday' is not an ISO 8601 time"),
        ({"format": "other/2"}, r"format: unsupported format"),
        ({"answers": {}}, r"answers: must be a list"),
        ({"exercise_sha256": 5}, r"exercise_sha256: must be a string"),
        ({"extra": 1}, r"extra: unknown field"),
    ],
)
def test_bad_top_fields(ex, change: dict, pattern: str) -> None:
    d = json.loads(submission_to_json(_sub(ex)))
    d.update(change)
    _bad(json.dumps(d, indent=2), pattern)


def test_missing_field_and_not_an_object(ex) -> None:
    d = json.loads(submission_to_json(_sub(ex)))
    del d["participant"]
    _bad(json.dumps(d), r"sub\.json: participant: missing required field")
    _bad("[1, 2]", r"sub\.json: a submission must be a JSON object")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="file not found"):
        load_submission(tmp_path / "none.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    with pytest.raises(BadInput, match="not UTF-8"):
        load_submission(tmp_path / "bin.json")
    (tmp_path / "big.json").write_bytes(b" " * 2_100_000)
    with pytest.raises(BadInput, match="too large"):
        load_submission(tmp_path / "big.json")
    with pytest.raises(BadInput, match="not a file"):
        load_submission(tmp_path)


def test_other_exercise_version_hash_and_sample(ex) -> None:
    from dataclasses import replace

    s = _sub(ex)
    with pytest.raises(BadInput, match=r"exercise_version: submission is for version '0'"):
        check_submission(ex, replace(s, exercise_version="0"))
    with pytest.raises(BadInput, match=r"exercise_sha256: submission was made on a different exercise file"):
        check_submission(ex, replace(s, exercise_sha256="ab" * 32))
    with pytest.raises(BadInput, match=r"exercise_id: submission is for exercise 'other'"):
        check_submission(ex, replace(s, exercise_id="other"))
    with pytest.raises(BadInput, match=r"answers\[2\]\.sample_id: unknown sample id 'S9'"):
        check_submission(ex, s.with_answer(Answer("S9", "genuine")))
