"""compose: the Doc 9303 specimens rebuilt from their fields, transliteration, truncation, overflow; and
property tests (compose -> parse round trip; one changed digit under a check digit is always caught)."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_mrz_parse import MRVA, MRVB, TD1, TD1_LONG, TD2, TD2_LONG, TD3

from doc_check.mrz import MrzValueError, compose, name_field, parse, transliterate
from doc_check.mrz.explain import check_spans

TODAY = date(2026, 11, 28)
ANNA = {"issuing_state": "UTO", "surname": "Eriksson", "given_names": "Anna María", "sex": "F"}


def test_specimens_rebuilt() -> None:
    person = dict(ANNA, nationality="UTO", birth_date="740812", expiry_date="120415")
    assert compose("TD1", document_code="I", document_number="D23145890", **person) == TD1
    assert compose("TD2", document_code="I", document_number="D23145890", **person) == TD2
    assert compose("TD3", document_code="P", document_number="L898902C3", optional_data="ZE184226B", **person) == TD3
    visa = dict(ANNA, nationality="XXX", birth_date=date(1940, 9, 7), expiry_date="1996-12-10")
    assert compose("MRVA", document_code="V", document_number="L8988901C", optional_data="6ZE184226B", **visa) == MRVA
    assert compose("MRV-B", document_code="V", document_number="L8988901C", **visa) == MRVB


def test_overflow_specimens_rebuilt() -> None:
    peter = {"issuing_state": "UTO", "surname": "Stevenson", "given_names": "Peter John", "sex": "M",
             "nationality": "UTO", "birth_date": "340712", "expiry_date": "950712",
             "document_number": "D23145890734", "document_code": "I"}  # fmt: skip
    assert compose("TD1", **peter) == TD1_LONG
    assert compose("TD2", **peter) == TD2_LONG
    with pytest.raises(MrzValueError):
        compose("TD3", **dict(peter, document_code="P"))


def test_transliteration() -> None:
    assert transliterate("Müller-Lüdenscheidt") == "MUELLER<LUEDENSCHEIDT"
    assert transliterate("O'Neill") == "ONEILL"
    assert transliterate("Ångström") == "AAGSTROEM" or transliterate("Ångström") == "AANGSTROEM"
    assert transliterate("José Ñúñez") == "JOSE<NUNEZ"
    assert transliterate("Łukasz Żółć") == "LUKASZ<ZOLC"
    assert transliterate("Straße") == "STRASSE"


def test_truncation_marks_the_last_position() -> None:
    field = name_field("Vandenberghe-Debruyne", "Alexandra Catherine Marie-Louise", 30)
    assert len(field) == 30 and field[-1] != "<"
    assert field.startswith("VANDENBERGHE<DEBRUYNE<<")
    r = parse(compose("TD1", document_code="I", issuing_state="BEL", surname="Vandenberghe-Debruyne",
                      given_names="Alexandra Catherine Marie-Louise", document_number="123456789",
                      nationality="BEL", birth_date="800101", sex="F", expiry_date="300101"), today=TODAY)  # fmt: skip
    assert r.valid and "name_truncated" in [p.code for p in r.warnings]
    assert name_field("A" * 50, "B", 39) == "A" * 39


@pytest.mark.parametrize(
    "bad",
    [{"document_number": "ABC#"}, {"birth_date": "2001-02-30"}, {"birth_date": "1/2/3"}, {"sex": "Q"},
     {"issuing_state": "U1O"}, {"optional_data": "X" * 15}],
)  # fmt: skip
def test_bad_fields_raise(bad) -> None:
    fields = dict(ANNA, document_code="P", nationality="UTO", birth_date="740812", expiry_date="120415",
                  document_number="L898902C3")  # fmt: skip
    compose("TD3", **fields)
    with pytest.raises(MrzValueError):
        compose("TD4", **fields)
    fields.update(bad)
    with pytest.raises(MrzValueError):
        compose("TD3", **fields)


# ---- property tests ------------------------------------------------------------------------------------
_name = st.text(alphabet=string.ascii_uppercase + "ÄÖÜÉÈÇ -", min_size=1, max_size=20).filter(
    lambda s: transliterate(s) != ""
)
_alnum = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=9)
_day = st.dates(min_value=date(1930, 1, 1), max_value=date(2026, 11, 28))
_expiry = st.dates(min_value=date(1980, 1, 1), max_value=date(2070, 12, 31))
_code = st.sampled_from(["UTO", "D", "FRA", "XXA", "GBD", "BEL"])


@st.composite
def mrz_fields(draw):
    fmt = draw(st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]))
    birth = draw(_day)
    expiry = draw(_expiry.filter(lambda d: d > birth))
    number = draw(_alnum)
    if fmt in ("TD1", "TD2") and draw(st.booleans()):
        number = number + draw(st.text(alphabet=string.digits, min_size=1, max_size=3))
        number = number.rjust(10, "0")
    overflow = len(number) > 9
    optional = "" if overflow else draw(st.text(alphabet=string.ascii_uppercase + string.digits, max_size=6))
    return fmt, {
        "document_code": {"TD3": "P", "MRVA": "V", "MRVB": "V"}.get(fmt, draw(st.sampled_from(["I", "ID", "AC"]))),
        "issuing_state": draw(_code), "nationality": draw(_code), "surname": draw(_name), "given_names": draw(_name),
        "document_number": number, "birth_date": birth, "expiry_date": expiry, "sex": draw(st.sampled_from("MF<")),
        "optional_data": optional,
        "optional_data_2": draw(st.text(alphabet=string.digits, max_size=5)) if fmt == "TD1" else "",
    }  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrz_fields())
def test_compose_parse_round_trip(case) -> None:
    fmt, fields = case
    lines = compose(fmt, **fields)
    r = parse(lines, today=TODAY)
    assert r.valid, (lines, r.errors)
    assert r.format == fmt
    assert r.document_number == fields["document_number"]
    assert r.birth_date == fields["birth_date"]
    assert r.expiry_date == fields["expiry_date"]
    assert r.sex == fields["sex"]
    assert r.issuing_state == fields["issuing_state"] and r.nationality == fields["nationality"]
    name = transliterate(fields["surname"]) + "<<" + transliterate(fields["given_names"])
    if len(name) <= len(lines[-1] if fmt == "TD1" else lines[0]) - (0 if fmt == "TD1" else 5):
        assert r.surname == transliterate(fields["surname"]).replace("<", " ")
        assert r.given_names == " ".join(transliterate(fields["given_names"]).replace("<", " ").split())
    assert r.optional_data == fields["optional_data"]


@settings(max_examples=150, deadline=None)
@given(mrz_fields(), st.data())
def test_one_changed_digit_is_caught(case, data) -> None:
    fmt, fields = case
    lines = list(compose(fmt, **fields))
    # every digit position covered by a check digit (fields and their check digits)
    covered = set()
    from doc_check.mrz.formats import layout

    lay = layout(fmt)
    spans = [lay.document_number, lay.document_number_check, lay.birth_date, lay.birth_date_check,
             lay.expiry_date, lay.expiry_date_check, lay.optional_data_check, lay.composite,
             *(lay.composite_parts)]  # fmt: skip
    if fmt == "TD3":
        spans.append(lay.optional_data)
    for s in spans:
        if s is not None:
            covered.update((s.line, c) for c in range(s.start, s.end) if lines[s.line][c].isdigit())
    assert check_spans(lines)  # sanity
    if not covered:
        return
    li, col = data.draw(st.sampled_from(sorted(covered)))
    old = lines[li][col]
    new = data.draw(st.sampled_from([d for d in string.digits if d != old]))
    lines[li] = lines[li][:col] + new + lines[li][col + 1 :]
    assert not parse(lines, today=TODAY).valid, (lines, li, col)
