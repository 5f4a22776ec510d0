"""Property tests: `parse` and `repair` take any text without an exception other than the documented TypeError,
and repair never turns an MRZ that is invalid as printed into a valid one."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from doc_check.mrz import compose, parse, repair
from doc_check.mrz.explain import check_spans
from doc_check.mrz.repair import LOOK_ALIKES, TO_DIGIT, TO_LETTER
from doc_check.mrz.result import MrzResult

TODAY = date(2026, 11, 1)
MRZ_CHARS = string.ascii_uppercase + string.digits + "<"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# any text at all, and text shaped like an MRZ (2-3 lines of about the right lengths, MRZ-ish characters)
_any_text = st.text(max_size=200)
_mrz_line = st.text(alphabet=MRZ_CHARS + "Ookl ", min_size=28, max_size=46)
_mrz_like = st.lists(_mrz_line, min_size=1, max_size=4)


@SETTINGS
@given(st.one_of(_any_text, st.lists(st.text(max_size=60), max_size=5), _mrz_like))
def test_parse_takes_any_text(text) -> None:
    r = parse(text, today=TODAY)
    assert isinstance(r, MrzResult)
    assert r.valid == (r.format is not None and not r.errors)


@SETTINGS
@given(st.one_of(_any_text, st.lists(st.text(max_size=60), max_size=5), _mrz_like))
def test_repair_takes_any_text_and_reports_the_parse_of_its_lines(text) -> None:
    fixed = repair(text, today=TODAY)
    assert fixed.result == parse(fixed.lines, today=TODAY)


@given(st.lists(st.one_of(st.integers(), st.none(), st.binary()), min_size=1, max_size=3))
def test_lines_that_are_not_text_are_the_documented_type_error(lines) -> None:
    with pytest.raises(TypeError, match="MRZ lines must be str"):
        parse(lines)
    with pytest.raises(TypeError, match="MRZ lines must be str"):
        repair(lines)


_EXPLAINED = {(old, new) for old, new in TO_DIGIT.items()} | {(old, new) for old, new in TO_LETTER.items()}
_EXPLAINED |= {(old, new) for old, news in LOOK_ALIKES.items() for new in news} | {("K", "<")}


@SETTINGS
@given(_mrz_like)
def test_every_repair_is_a_look_alike_a_case_or_a_space(lines) -> None:
    for change in repair(lines, today=TODAY).changes:
        assert (
            (change.old, change.new) in _EXPLAINED
            or change.new == change.old.upper() != change.old
            or (change.old, change.new) == (" ", "")
        ), change


_name = st.text(alphabet=string.ascii_uppercase + " ", min_size=1, max_size=18).filter(str.strip)
# Document numbers without look-alikes: in a letter-or-digit field repair may swap a look-alike (0/O, 1/I, ...)
# when exactly one swap satisfies the check digit; that is reading the print right, not changing it. With none
# in the field, nothing OCR could have confused is left, and what is invalid as printed must stay invalid.
_UNSWAPPABLE = "".join(c for c in string.ascii_uppercase + string.digits if c not in LOOK_ALIKES)
_number = st.text(alphabet=_UNSWAPPABLE, min_size=1, max_size=9)


@st.composite
def _valid_mrz(draw) -> list[str]:
    fmt = draw(st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]))
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)))
    expiry = draw(st.dates(min_value=date(2027, 1, 1), max_value=date(2070, 12, 31)))
    code = {"TD3": "P", "MRVA": "V", "MRVB": "V"}.get(fmt, "I")
    return list(
        compose(
            fmt,
            document_code=code,
            issuing_state="UTO",
            nationality="UTO",
            surname=draw(_name),
            given_names=draw(_name),
            document_number=draw(_number),
            birth_date=birth,
            expiry_date=expiry,
            sex=draw(st.sampled_from("MF")),
        )
    )


@SETTINGS
@given(_valid_mrz(), st.data())
def test_repair_never_makes_a_wrong_check_digit_valid(lines, data) -> None:
    """A check digit printed wrong (another digit, over fields with no look-alike) stays a failing check."""
    assert parse(lines, today=TODAY).valid
    spans = [(field, span) for field, _text, digit, span in check_spans(lines) if digit in string.digits]
    field, span = data.draw(st.sampled_from(spans))
    old = span.of(lines)
    new = data.draw(st.sampled_from([d for d in string.digits if d != old]))
    row = lines[span.line]
    printed = [*lines]
    printed[span.line] = row[: span.start] + new + row[span.end :]
    as_printed = parse(printed, today=TODAY)
    assume(not as_printed.valid)  # (a changed optional-data check over blank data may still be fine)
    assert not repair(printed, today=TODAY).result.valid, (field, printed)
