"""The MRZ parser on the ICAO Doc 9303 specimens, on our own valid and invalid vectors, and on real specimens."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from doc_check import indicators
from doc_check.mrz import check_digit, indicator_ids, parse, undetectable_substitutions

TODAY = date(2026, 11, 28)
REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"

# The specimens printed in ICAO Doc 9303 (Parts 4-7), holder ANNA MARIA ERIKSSON of Utopia.
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
MRVA = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<")
MRVB = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")
# Doc 9303 Part 5/6 examples of a document number longer than 9 characters (D23145890734).
TD1_LONG = ("I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<")
TD2_LONG = ("I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<", "D23145890<UTO3407127M95071227349<<<8")


def td3_line2(birth: str, expiry: str) -> str:
    """A TD3 second line with every check digit right for these raw dates."""
    body = f"L898902C36UTO{birth}{check_digit(birth)}F{expiry}{check_digit(expiry)}ZE184226B<<<<<1"
    return body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))


def codes(result) -> list[str]:
    return [p.code for p in result.errors]


def test_check_digit_basics() -> None:
    assert check_digit("L898902C3") == 6
    assert check_digit("740812") == 2
    assert check_digit("<<<<") == 0
    assert check_digit("") == 0
    with pytest.raises(ValueError):
        check_digit("ab")


def test_undetectable_substitutions() -> None:
    assert "<" in undetectable_substitutions("K") and "0" in undetectable_substitutions("K")
    assert "S" in undetectable_substitutions("8")
    assert "8" not in undetectable_substitutions("8")


@pytest.mark.parametrize(
    ("lines", "fmt", "number", "optional"),
    [(TD1, "TD1", "D23145890", ""), (TD2, "TD2", "D23145890", ""), (TD3, "TD3", "L898902C3", "ZE184226B"),
     (MRVA, "MRVA", "L8988901C", "6ZE184226B"), (MRVB, "MRVB", "L8988901C", "")],
)  # fmt: skip
def test_icao_specimens(lines, fmt, number, optional) -> None:
    r = parse(lines, today=TODAY)
    assert r.format == fmt and r.valid, r.errors
    assert r.document_number == number
    assert r.surname == "ERIKSSON" and r.given_names == "ANNA MARIA"
    assert r.sex == "F"
    assert r.optional_data == optional
    assert r.issuing_state == "UTO"
    assert [p.code for p in r.warnings] == ["expired"]
    if fmt.startswith("MRV"):
        assert r.birth_date == date(1940, 9, 7) and r.expiry_date == date(1996, 12, 10)
        assert r.nationality == "XXX"
        assert r.checks["composite"] is None and r.checks["optional_data"] is None
    else:
        assert r.birth_date == date(1974, 8, 12) and r.birth_date_raw == "740812"
        assert r.expiry_date == date(2012, 4, 15) and r.expiry_date_raw == "120415"
        assert r.checks["composite"] is True
    assert r.checks["optional_data"] is (True if fmt == "TD3" else None)


def test_string_input_and_blank_lines() -> None:
    assert parse("\n" + "\n".join(TD3) + "\n\n", today=TODAY).valid


@pytest.mark.parametrize("lines", [TD1_LONG, TD2_LONG])
def test_overflowed_document_number(lines) -> None:
    r = parse(lines, today=TODAY)
    assert r.valid, r.errors
    assert r.document_number == "D23145890734"
    assert r.checks["document_number"] is True


def test_overflow_with_wrong_digit_points_into_optional_data() -> None:
    bad = ("I<UTOD23145890<7348<<<<<<<<<<<", *TD1_LONG[1:])
    r = parse(bad, today=TODAY)
    assert not r.valid
    cd = next(p for p in r.errors if p.field == "document_number")
    assert (cd.line, cd.column) == (1, 19)


def test_belgian_deviation_is_accepted_and_flagged() -> None:
    number, extra = "B12345678", "12"
    digit = check_digit(number + "<" + extra)
    assert digit != check_digit(number + extra)
    line1 = f"IDBEL{number}<{extra}{digit}".ljust(30, "<")
    line2 = f"800101{check_digit('800101')}F300101{check_digit('300101')}BEL<<<<<<<<<<<"
    line2 += str(check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]))
    r = parse((line1, line2, "DUPONT<<MARIE".ljust(30, "<")), today=TODAY)
    assert r.valid and r.document_number == number + extra
    assert "check_digit_deviation" in [p.code for p in r.warnings]


def test_germany_d_and_unknown_codes() -> None:
    r = parse(["ARD<<Y701001V51<<<<<<<<<<<<<<<", "7611027M1609189IND<<<<<<<<<<<2", "SINGH<<JASIN<ALI<<<<<<<<<<<<<<"],
              today=TODAY)  # fmt: skip
    assert r.valid and r.issuing_state == "D" and not [p for p in r.warnings if p.code == "country_unknown"]
    lines = (TD3[0].replace("UTO", "QQQ", 1), TD3[1])
    r = parse(lines, today=TODAY)
    assert r.valid  # an unknown code is a warning: real specimens carry codes such as BOS or COU
    assert any(p.code == "country_unknown" and p.field == "issuing_state" for p in r.warnings)
    assert "doc.issuer_unknown" in indicator_ids(r)


def test_td3_empty_personal_number_with_filler_or_zero() -> None:
    base = "L898902C36UTO7408122F1204159"
    for digit in "<0":
        body = base + "<" * 14 + digit
        line2 = body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))
        r = parse((TD3[0], line2), today=TODAY)
        assert r.valid and r.checks["optional_data"] is True, r.errors
    body = base + "<" * 14 + "5"
    r = parse((TD3[0], body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))), today=TODAY)
    assert not r.valid and r.checks["optional_data"] is False


def test_sex_x_is_a_warning_other_letters_an_error() -> None:
    r = parse((TD3[0], TD3[1][:20] + "X" + TD3[1][21:]), today=TODAY)
    assert r.valid and "sex_x" in [p.code for p in r.warnings]
    r = parse((TD3[0], TD3[1][:20] + "Q" + TD3[1][21:]), today=TODAY)
    assert "sex_invalid" in codes(r) and "mrz.field" in indicator_ids(r)


def test_partial_birth_date() -> None:
    # Doc 9303: unknown day and month of birth are fillers
    line2 = "L898902C36UTO74<<<<" + str(check_digit("74<<<<")) + "F1204159ZE184226B<<<<<1"
    line2 += str(check_digit(line2[0:10] + line2[13:20] + line2[21:43]))
    r = parse((TD3[0], line2), today=TODAY)
    assert r.valid, r.errors
    assert r.birth_date is None and r.birth_date_raw == "74<<<<"
    assert "birth_date_partial" in [p.code for p in r.warnings]


def test_dates_century_windows_and_invalid_dates() -> None:
    r = parse(TD3, today=TODAY)
    assert r.birth_date.year == 1974
    # expiry 2030 is read in this century, birth 30 in the last
    line2 = td3_line2("300101", "300101")
    r = parse((TD3[0], line2), today=TODAY)
    assert r.birth_date == date(1930, 1, 1) and r.expiry_date == date(2030, 1, 1) and r.valid
    assert not [p for p in r.warnings if p.code == "expired"]
    line2 = td3_line2("741332", "120415")
    r = parse((TD3[0], line2), today=TODAY)
    assert codes(r) == ["date_invalid"]
    assert r.errors[0].field == "birth_date" and (r.errors[0].line, r.errors[0].column, r.errors[0].length) == (
        2,
        14,
        6,
    )


def test_expired_relative_to_today() -> None:
    assert "expired" in [p.code for p in parse(TD3, today=date(2012, 4, 16)).warnings]
    assert "expired" not in [p.code for p in parse(TD3, today=date(2012, 4, 15)).warnings]


def test_name_split_and_truncation() -> None:
    r = parse(["IRFRAK682T8YLO0<1105040043<<<<", "7906123F1401073SEN<<<<<<<<<<<6", "MARTIN<<CHRISTELLE<HELENE<LAUR"],
              today=TODAY)  # fmt: skip
    assert r.surname == "MARTIN" and r.given_names == "CHRISTELLE HELENE LAUR"
    assert "name_truncated" in [p.code for p in r.warnings]
    r = parse((TD3[0].replace("ERIKSSON<<ANNA<MARIA", "ERIKSSON<<<<<<<<<<<<"), TD3[1]), today=TODAY)
    assert r.surname == "ERIKSSON" and r.given_names == ""
    r = parse((TD3[0].replace("P<UTOERIKSSON<<ANNA", "P<UTO<<ERIKSSON<ANNA"), TD3[1]), today=TODAY)
    assert r.surname == "" and r.given_names == "ERIKSSON ANNA MARIA"


@pytest.mark.parametrize(
    ("lines", "code", "where"),
    [
        ((TD3[0], TD3[1][:-1]), "length", (2, 44)),
        ((TD3[0] + "<", TD3[1]), "length", (1, 45)),
        ((TD3[0].lower(), TD3[1]), "charset", (1, 1)),
        ((TD3[0], TD3[1][:5] + "#" + TD3[1][6:]), "charset", (2, 6)),
        ((TD3[0], TD3[1][:9] + "7" + TD3[1][10:]), "check_digit", (2, 10)),
        ((TD3[0][:7] + "3" + TD3[0][8:], TD3[1]), "field_charset", (1, 8)),
        ((TD3[0],), "line_count", (1, 1)),
    ],
)
def test_invalid_vectors(lines, code, where) -> None:
    r = parse(lines, today=TODAY)
    assert not r.valid
    p = next(p for p in r.errors if p.code == code)
    assert (p.line, p.column) == where
    assert "mrz.format" in indicator_ids(r) or code in ("check_digit", "field_charset")


def test_indicator_ids_are_registered() -> None:
    bad = ("P<QQQERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C35UTO7408123Q1204158ZE184226B<<<<<99")
    ids = indicator_ids(parse(bad, today=TODAY))
    assert set(ids) >= {"mrz.check_digit.document_number", "mrz.check_digit.birth_date", "mrz.field",
                        "doc.issuer_unknown", "doc.expired"}  # fmt: skip
    for i in ids:
        indicators.get(i)


def test_to_dict_keys() -> None:
    d = parse(TD3, today=TODAY).to_dict()
    for key in ("format", "valid", "document_code", "issuing_state", "document_number", "birth_date", "expiry_date",
                "sex", "nationality", "surname", "given_names", "optional_data", "birth_date_raw",
                "expiry_date_raw", "checks", "errors", "warnings"):  # fmt: skip
        assert key in d
    assert d["birth_date"] == "1974-08-12"
    assert set(d["checks"]) == {"document_number", "birth_date", "expiry_date", "optional_data", "composite"}
    json.dumps(d)


def test_garbage_does_not_crash() -> None:
    for junk in ["", "\x00\x01", "é" * 88, "<" * 44 + "\n" + "<" * 44, "A\nB\nC", "P" * 44 + "\n" + "9" * 44]:
        r = parse(junk, today=TODAY)
        assert not r.valid


@pytest.mark.skipif(not (REALWORLD / "truth.json").exists(), reason="shared/realworld not present")
def test_realworld_transcriptions() -> None:
    truth = json.loads((REALWORLD / "truth.json").read_text())
    for name, entry in truth.items():
        r = parse(entry["lines"], today=TODAY)
        assert r.format == entry["format"], name
        assert r.valid == entry["checks_pass"], (name, r.errors)
    # the five invalid ones fail where their notes say
    malta = parse(truth["id_cards__Malta_BAD.png"]["lines"], today=TODAY)
    assert malta.checks == {"document_number": False, "birth_date": False, "expiry_date": True,
                            "optional_data": None, "composite": False}  # fmt: skip
    asu = parse(truth["passports__ICAO_Example2.png"]["lines"], today=TODAY)
    assert [k for k, v in asu.checks.items() if v is False] == ["birth_date", "expiry_date", "optional_data",
                                                                 "composite"]  # fmt: skip
    usa = parse(truth["resident_cards__USA.png"]["lines"], today=TODAY)
    assert [k for k, v in usa.checks.items() if v is False] == ["document_number", "birth_date", "expiry_date",
                                                                 "composite"]  # fmt: skip
    bcc = parse(truth["other__USA_Border_Crosser.png"]["lines"], today=TODAY)
    assert not bcc.checks["document_number"] and not bcc.checks["composite"] and bcc.checks["birth_date"]
    pr = parse(truth["resident_cards__USA_Permanent.png"]["lines"], today=TODAY)
    assert not pr.checks["document_number"] and not pr.checks["composite"] and pr.checks["expiry_date"]


def test_stray_letter_after_fillers_in_name() -> None:
    r = parse(("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<X<<<<<", TD3[1]), today=TODAY)
    assert "name_format" in codes(r) and "mrz.field" in indicator_ids(r)


def test_second_separator_and_wrong_document_letter() -> None:
    r = parse(("P<UTOERIKSSON<<ANNA<<MARIA<<<<<<<<<<<<<<<<<<", TD3[1]), today=TODAY)
    assert "name_format" in codes(r)
    p = r.errors[0]
    assert (p.line, p.column, p.length) == (1, 20, 2)
    r = parse(("Z" + TD3[0][1:], TD3[1]), today=TODAY)
    assert codes(r) == ["document_code_invalid"]
    r = parse(("P" + TD1[0][1:], *TD1[1:]), today=TODAY)
    assert codes(r) == ["document_code_invalid"]


def test_results_are_frozen_and_hashable() -> None:
    import dataclasses

    r = parse(TD3, today=TODAY)
    assert hash(r) == hash(parse(TD3, today=TODAY))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.valid = False  # type: ignore[misc]
