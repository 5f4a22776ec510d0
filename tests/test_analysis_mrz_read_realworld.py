"""The MRZ reader on the real specimen documents of many states (skipped when the folders are absent).

The images live outside the project (`shared/realworld/` and `shared/realworld2/` beside the repository or one of
its parent folders; CI has `../shared`), with `truth.json` holding the printed lines; they are a measurement set,
not training data: the classifier is trained on rendered OCR-B glyphs only. The floors below are the reader's
measured results (docs/mrz-reading.md), so a change that loses a document fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doc_check.analysis.load import load_image
from doc_check.analysis.mrz_read import read_mrz


def _shared(name: str) -> Path:
    """`shared/<name>` beside the repository or beside one of its parents (where it is absent: a path that is)."""
    repo = Path(__file__).resolve().parents[1]
    for parent in repo.parents:
        if (parent / "shared" / name / "truth.json").is_file():
            return parent / "shared" / name
    return repo.parent / "shared" / name


FOLDER = _shared("realworld")
FOLDER2 = _shared("realworld2")

pytestmark = pytest.mark.skipif(not (FOLDER / "truth.json").is_file(), reason=f"{FOLDER} is absent")


@pytest.fixture(scope="module")
def readings() -> dict[str, tuple[tuple[str, ...] | None, list[str], bool]]:
    """Per image: the lines read (None when no MRZ was found), the printed lines, and whether the read is valid."""
    truth = json.loads((FOLDER / "truth.json").read_text())
    out = {}
    for name, entry in sorted(truth.items()):
        reading = read_mrz(load_image(FOLDER / name))
        out[name] = (reading.lines if reading else None, entry["lines"], bool(reading and reading.result.valid))
    return out


def test_every_line_exact_on_at_least_32_of_35(readings):
    exact = [name for name, (got, want, _) in readings.items() if got == tuple(want)]
    assert len(readings) == 35
    assert len(exact) >= 32, sorted(set(readings) - set(exact))


@pytest.mark.skipif(not (FOLDER2 / "truth.json").is_file(), reason=f"{FOLDER2} is absent")
def test_second_dev_set_every_line_exact_on_at_least_27_of_31():
    truth = json.loads((FOLDER2 / "truth.json").read_text())
    exact = []
    for name, entry in sorted(truth.items()):
        reading = read_mrz(load_image(FOLDER2 / name))
        if reading is not None and reading.lines == tuple(entry["lines"]):
            exact.append(name)
    assert len(truth) == 31
    assert len(exact) >= 27, sorted(set(truth) - set(exact))


def test_at_least_99_percent_of_characters(readings):
    right = total = 0
    for got, want, _ in readings.values():
        total += sum(len(line) for line in want)
        if got is not None:
            right += sum(a == b for g, w in zip(got, want, strict=False) for a, b in zip(g, w, strict=False))
    assert right / total >= 0.995


def test_a_zone_is_found_on_every_document_with_the_right_layout(readings):
    for name, (got, want, _) in readings.items():
        assert got is not None, name
        assert [len(line) for line in got] == [len(line) for line in want], name


def test_documents_invalid_as_printed_are_not_made_valid(readings):
    truth = json.loads((FOLDER / "truth.json").read_text())
    invalid = [name for name, entry in truth.items() if not entry["checks_pass"]]
    assert len(invalid) == 5
    for name in invalid:
        _got, _want, valid = readings[name]
        assert not valid, f"{name}: read as a valid MRZ"
