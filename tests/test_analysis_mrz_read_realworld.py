"""The MRZ reader on 35 real specimen documents of many states (skipped when the folder is absent).

The images live outside the project (`<repo>/../shared/realworld/`, with `truth.json` holding the printed lines);
they are a measurement set, not training data: the classifier is trained on rendered OCR-B glyphs only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doc_check.analysis.load import load_image
from doc_check.analysis.mrz_read import read_mrz

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"

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


def test_every_line_exact_on_at_least_30_of_35(readings):
    exact = [name for name, (got, want, _) in readings.items() if got == tuple(want)]
    assert len(readings) == 35
    assert len(exact) >= 30, sorted(set(readings) - set(exact))


def test_at_least_99_percent_of_characters(readings):
    right = total = 0
    for got, want, _ in readings.values():
        total += sum(len(line) for line in want)
        if got is not None:
            right += sum(a == b for g, w in zip(got, want, strict=False) for a, b in zip(g, w, strict=False))
    assert right / total >= 0.99


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
