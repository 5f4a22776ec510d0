"""When no MRZ is read: the reader says what it saw and why it rejected each candidate (`read_mrz_explained`,
`doc-check analyze --json`); and the zone finder survives strips where no blobs link (the `_chains` crash)."""

from __future__ import annotations

import json

import cv2
import numpy as np
from click.testing import CliRunner

from doc_check.analysis.glyphs import ocrb_face
from doc_check.analysis.locate import _chains, _components, _frame, find_mrz_zones
from doc_check.analysis.mrz_read import read_mrz, read_mrz_explained
from doc_check.cli import cli

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


def sparse_strip() -> np.ndarray:
    """An MRZ-sized strip (1100 x 146) of 25 small rings, each too far from the next to link into a text line: the
    blobs have neighbours in the search window, but none passes the linking tests."""
    img = np.full((146, 1100), 235, np.uint8)
    for k in range(25):
        cv2.circle(img, (20 + 43 * k, 66), 4, 20, 2)
    return img


def ordinary_text() -> np.ndarray:
    """A page of two lines of proportional text, no MRZ."""
    img = np.full((400, 600), 230, np.uint8)
    cv2.putText(img, "Hello world this is a page", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 1, 20, 2)
    cv2.putText(img, "of ordinary text, no MRZ here at all", (20, 150), cv2.FONT_HERSHEY_SIMPLEX, 1, 20, 2)
    return img


def test_chains_of_unlinkable_blobs_do_not_crash() -> None:
    """Regression (issue 20): candidate pairs existed but none passed, and the empty selection was indexed with a
    mask of length one (IndexError: boolean index did not match indexed array)."""
    img = sparse_strip()
    stats, centers, _ = _components(img)
    assert len(stats) == 25
    boxes, cxy = _frame(stats, centers, 0, img.shape[1], img.shape[0])
    assert _chains(boxes, cxy) == []
    assert find_mrz_zones(img) == []
    reading, search = read_mrz_explained(img)
    assert reading is None and search.candidates == ()


def test_an_mrz_only_strip_is_read() -> None:
    img = np.full((146, 1100), 235, np.uint8)
    for i, text in enumerate(TD3):
        cv2.putText(img, text, (20, 58 + 50 * i), 0, ocrb_face(), 30, 400)
    reading = read_mrz(img)
    assert reading is not None and reading.lines == TD3 and reading.result.valid


def test_a_blank_page_says_there_is_no_text() -> None:
    reading, search = read_mrz_explained(np.full((300, 400), 240, np.uint8))
    assert reading is None
    assert search.candidates == ()
    assert any("glyph-sized blobs" in note and "no line of text" in note for note in search.notes)


def test_ordinary_text_is_seen_and_rejected_with_a_reason() -> None:
    reading, search = read_mrz_explained(ordinary_text())
    assert reading is None
    assert search.candidates, search.notes
    rejected = search.candidates[0]
    assert rejected.outcome.startswith("rejected: mean glyph confidence")
    assert rejected.checks_passed == 0 and rejected.checks_total > 0
    d = search.to_dict()
    assert d["candidates"][0]["check_digits_passed"].startswith("0/")
    json.dumps(d)  # JSON-ready


def test_analyze_json_reports_the_diagnostics_when_no_mrz_is_found(tmp_path) -> None:
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), ordinary_text())
    result = CliRunner().invoke(cli, ["analyze", "--json", str(path)], catch_exceptions=False)
    d = json.loads(result.stdout.splitlines()[0])
    assert d["mrz"]["found"] is False
    diag = d["mrz"]["diagnostics"]
    assert diag["notes"] and diag["candidates"]
    assert "rejected" in diag["candidates"][0]["outcome"]
    assert any(f["indicator"] == "mrz.format" and f["status"] == "warn" for f in d["findings"])


def test_a_reading_says_when_the_check_digits_decided() -> None:
    img = np.full((146, 1100), 235, np.uint8)
    for i, text in enumerate(TD3):
        cv2.putText(img, text, (20, 58 + 50 * i), 0, ocrb_face(), 30, 400)
    reading, search = read_mrz_explained(img)
    assert reading is not None and reading.checks_decided == ()
    assert [c.outcome for c in search.candidates].count("read") == 1
