"""The grammar-constrained MRZ decoder on crafted classifier scores: confusions it must settle and deviations it
must leave as printed."""

from __future__ import annotations

import numpy as np
import pytest

from doc_check.analysis.glyphs import ALPHABET
from doc_check.analysis.mrz_decode import decode
from doc_check.mrz import detect, parse

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
#: what a classifier gives a class none of a glyph's nearest training glyphs belongs to
TAIL = 1e-3


def scores(lines: tuple[str, ...], **cells: dict[str, float]) -> np.ndarray:
    """Classifier scores: each printed glyph clear (0.97), except cells named 'L<line>C<col>' (1-based) that get
    the probabilities given."""
    flat = "".join(lines)
    probs = np.full((len(flat), len(ALPHABET)), TAIL, np.float64)
    probs[np.arange(len(flat)), [ALPHABET.index(c) for c in flat]] = 0.97
    width = len(lines[0])
    for key, dist in cells.items():
        line, col = (int(x) for x in key[1:].split("C"))
        i = (line - 1) * width + col - 1
        probs[i] = TAIL
        for ch, p in dist.items():
            probs[i, ALPHABET.index(ch)] = p
    return (probs / probs.sum(axis=1, keepdims=True)).astype(np.float32)


def test_the_crafted_document_is_valid_as_printed() -> None:
    assert parse(TD3).valid and parse(TD1).valid
    out = decode(scores(TD3), detect(TD3))
    assert out.lines == TD3 and not out.changes and out.checks_decided == ()


def test_sex_read_as_h_becomes_the_best_allowed_letter() -> None:
    # the sex glyph looks most like H; of M, F and '<' the classifier prefers F
    probs = scores(TD3, L2C21={"H": 0.6, "F": 0.25, "M": 0.1})
    out = decode(probs, detect(TD3))
    assert out.lines[1][20] == "F"
    assert any(c.old == "H" and c.new == "F" and "alphabet" in c.reason for c in out.changes)


def test_sex_7_becomes_m_when_m_is_the_closer_allowed_reading() -> None:
    probs = scores(TD3, L2C21={"7": 0.55, "M": 0.3, "F": 0.05})
    assert decode(probs, detect(TD3)).lines[1][20] == "M"


def test_a_code_one_letter_from_a_real_one_becomes_that_code() -> None:
    # nationality read 'UTD': D wins its cell, but 'UTO' is the best-scoring code that exists
    probs = scores(TD3, L2C13={"D": 0.6, "O": 0.3})
    out = decode(probs, detect(TD3))
    assert out.lines[1][10:13] == "UTO"
    assert any("valid state code UTO" in c.reason for c in out.changes)


def test_a_clearly_printed_unknown_code_stays_visible() -> None:
    # a fraud's made-up issuer 'UTX': the X is certain, no real code is close: read as printed
    lines = (TD3[0][:2] + "UTX" + TD3[0][5:], TD3[1])
    out = decode(scores(lines), detect(lines))
    assert out.lines[0][2:5] == "UTX"


def test_letters_in_a_date_become_digits() -> None:
    # TD1 birth date '740812' read 'GI08I2' style: G for 7 and I for 1, the second choices being the digits
    probs = scores(TD1, L2C1={"G": 0.6, "7": 0.3}, L2C5={"I": 0.55, "1": 0.4}, L2C13={"I": 0.7, "1": 0.25})
    out = decode(probs, detect(TD1))
    assert out.lines[1][:7] == TD1[1][:7] and out.lines[1][8:15] == TD1[1][8:15]
    assert parse(out.lines).valid


def test_zeros_read_as_o_in_a_document_number_are_decided_by_its_check_digit() -> None:
    lines = (TD3[0], "L800902C36" + TD3[1][10:])  # document number L800902C3: its check digit is 6 with zeros
    lines = (lines[0], lines[1][:9] + str(_check("L800902C3")) + lines[1][10:])
    lines = (lines[0], lines[1][:43] + str(_check(lines[1][0:10] + lines[1][13:20] + lines[1][21:43])))
    assert parse(lines).valid
    # both zeros look a little more like O's (printers draw them alike): only the check digits can tell
    probs = scores(lines, L2C3={"O": 0.52, "0": 0.45}, L2C4={"O": 0.5, "0": 0.47})
    out = decode(probs, detect(lines))
    assert out.lines == lines
    assert "document_number" in out.checks_decided
    assert any(c.reason == "chosen by the check digits" for c in out.changes)


def test_a_check_digit_error_printed_clearly_stays_an_error() -> None:
    # every glyph certain, the document-number check digit wrong as printed: no search may hide it
    lines = (TD3[0], TD3[1][:9] + "7" + TD3[1][10:])
    out = decode(scores(lines), detect(lines))
    assert out.lines == lines and out.checks_decided == ()
    assert parse(out.lines).checks["document_number"] is False


def test_a_certain_digit_in_a_letter_field_is_a_printed_deviation_and_stays() -> None:
    # US cards print 'C1' as the document code: a certain '1' in a letter field is read as printed
    lines = ("C1" + TD1[0][2:], TD1[1], TD1[2])
    flat = "".join(lines)
    probs = scores(lines)
    probs[1] = 1e-5
    probs[1, ALPHABET.index("1")] = 1.0
    assert flat[1] == "1"
    assert decode(probs / probs.sum(axis=1, keepdims=True), detect(lines)).lines[0][:2] == "C1"


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        decode(np.zeros((10, len(ALPHABET)), np.float32), detect(TD3))


def _check(text: str) -> int:
    from doc_check.mrz.checkdigit import check_digit

    return check_digit(text)
