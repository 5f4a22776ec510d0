"""`doc-check mrz` through click's CliRunner: check (human, --json, stdin, exit codes), make, repair, explain."""

from __future__ import annotations

import json

from click.testing import CliRunner
from test_mrz_parse import MRVB, TD1, TD1_LONG, TD3

from doc_check.cli import cli

BAD_TD3 = ("P<ASUMXHMWD<EBDALRXHYM<<<<<<<<<<<<<<<<<<<<<<", "A2222222<0ASU7108211M04120401000146819<<<<33")


def run(args, input=None):
    return CliRunner().invoke(cli, ["mrz", *args], input=input)


def test_check_valid_human() -> None:
    r = run(["check", "--today", "2010-01-01", *TD3])
    assert r.exit_code == 0, r.output
    assert "VALID" in r.output and "ERIKSSON" in r.output and "1974-08-12" in r.output


def test_check_invalid_shows_carets() -> None:
    r = run(["check", *BAD_TD3])
    assert r.exit_code == 1
    lines = r.output.splitlines()
    i = next(k for k, line in enumerate(lines) if "birth date check digit is 1" in line)
    assert lines[i + 1].strip() == BAD_TD3[1]
    caret_col = lines[i + 2].index("^") - lines[i + 1].index(BAD_TD3[1][0])
    assert caret_col == 19  # column 20, the birth-date check digit


def test_check_json_stdin_several() -> None:
    text = "\n".join(TD3) + "\n\n" + "\n".join(BAD_TD3) + "\n\n" + "\n".join(TD1_LONG) + "\n"
    r = run(["check", "--json", "--today", "2026-11-28"], input=text)
    assert r.exit_code == 1
    objs = [json.loads(line) for line in r.output.splitlines()]
    assert [o["valid"] for o in objs] == [True, False, True]
    assert objs[2]["document_number"] == "D23145890734" and objs[0]["birth_date"] == "1974-08-12"
    err = objs[1]["errors"][0]
    assert set(err) >= {"code", "field", "message", "line", "column"}
    assert objs[0]["checks"]["composite"] is True and objs[0]["expiry_date_raw"] == "120415"


def test_check_large_stdin_uses_batch() -> None:
    text = ("\n".join(TD3) + "\n\n") * 1200 + "\n".join(BAD_TD3) + "\n"
    r = run(["check"], input=text)
    assert r.exit_code == 1
    assert "1201 MRZs: 1200 valid, 1 invalid" in r.output
    r = run(["check"], input=("\n".join(MRVB) + "\n\n") * 1000)
    assert r.exit_code == 0


def test_check_garbage_stdin() -> None:
    for junk in [b"", b"\n\n  \n", b"\x00\x01\x02binary", b"\xff\xfe\xfd", b"x" * 10_000_000,
                 b"lorem ipsum dolor sit amet\n" * 400_000]:  # fmt: skip
        r = CliRunner().invoke(cli, ["mrz", "check"], input=junk)
        assert r.exit_code == 2, (junk[:20], r.output)
        assert "Traceback" not in r.output
        assert len(r.output.strip().splitlines()) == 1 and "error" in r.output


def test_check_usage_errors() -> None:
    assert run(["check", TD3[0]]).exit_code == 2
    assert run(["check", "--today", "yesterday", *TD3]).exit_code == 2


def test_make() -> None:
    r = run(["make", "--format", "TD3", "--issuing-state", "UTO", "--surname", "Eriksson", "--given-names",
             "Anna María", "--document-number", "L898902C3", "--nationality", "UTO", "--birth-date", "740812",
             "--sex", "F", "--expiry-date", "120415", "--optional-data", "ZE184226B"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == list(TD3)


def test_make_json_file(tmp_path) -> None:
    f = tmp_path / "fields.json"
    f.write_text(json.dumps({"format": "TD1", "document_code": "I", "issuing_state": "UTO", "surname": "ERIKSSON",
                             "given_names": "ANNA MARIA", "document_number": "D23145890", "nationality": "UTO",
                             "birth_date": "1974-08-12", "sex": "F", "expiry_date": "2012-04-15"}))  # fmt: skip
    r = run(["make", "--json", str(f)])
    assert r.exit_code == 0 and r.output.splitlines() == list(TD1)
    f.write_text("{broken")
    r = run(["make", "--json", str(f)])
    assert r.exit_code == 2 and "fields.json" in r.output
    f.write_text(json.dumps({"format": "TD3", "surname": "X", "issuing_state": "UTO", "nationality": "UTO",
                             "document_number": "TOO-LONG-NUMBER", "birth_date": "800101",
                             "expiry_date": "300101"}))  # fmt: skip
    r = run(["make", "--json", str(f)])
    assert r.exit_code == 2 and "error" in r.output


def test_repair_cmd() -> None:
    r = run(["repair", "P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO74O8122F1204159ZE184226B<<<<<10"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:2] == list(TD3)
    assert "'0' -> 'O'" in r.output
    r = run(["repair", "--json", *BAD_TD3])
    assert r.exit_code == 1 and json.loads(r.output)["result"]["valid"] is False


def test_explain_cmd() -> None:
    r = run(["explain", *TD3])
    assert r.exit_code == 0
    assert "sum 316, 316 mod 10 = 6" in r.output
    assert "composite" in r.output and "not detected" in r.output
    r = run(["explain", "--json"], input="\n".join(MRVB))
    data = json.loads(r.output)
    assert [c["field"] for c in data["checks"]] == ["document_number", "birth_date", "expiry_date"]
