"""repair (OCR look-alikes), explain (step-by-step check digits) and the vectorised batch check."""

from __future__ import annotations

import json
import random
from datetime import date

import numpy as np
import pytest
from test_mrz_parse import MRVA, MRVB, REALWORLD, TD1, TD1_LONG, TD2, TD2_LONG, TD3

from doc_check.mrz import check_batch, explain, parse, repair
from doc_check.mrz.batch import check_codes, split_mrzs

TODAY = date(2026, 11, 28)
SPECIMENS = [TD1, TD2, TD3, MRVA, MRVB, TD1_LONG, TD2_LONG]


def test_repair_fixes_class_look_alikes() -> None:
    ocr = ("P<UT0ERIKSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<", "L8989O2C36UTO74O8122F12O4159ZE184226B<<<<<1O")
    rep = repair(ocr, today=TODAY)
    assert rep.lines == TD3 and rep.result.valid
    assert {(c.line, c.column, c.old, c.new) for c in rep.changes} >= {(1, 5, "0", "O"), (2, 16, "O", "0"),
                                                                        (2, 6, "O", "0")}  # fmt: skip
    assert any("check digit" in c.reason for c in rep.changes)


def test_repair_fillers_read_as_k_and_lower_case() -> None:
    ocr = ("p<utoERIKSSON<<ANNA<MARIA<<<KKKKKKKKKKKKKKKK", TD3[1])
    rep = repair(ocr, today=TODAY)
    assert rep.lines == TD3


def test_repair_keeps_valid_and_leaves_invalid_invalid() -> None:
    for lines in SPECIMENS:
        rep = repair(lines, today=TODAY)
        assert rep.lines == tuple(lines) and not rep.changes
    malta = ["IDMLT9999999<<3<9999999M<999<<", "7309258F0810245MLT0310240<<<<5", "SPITERI<MANDY<<<<<<<<<<<<<<<<<"]
    assert not repair(malta, today=TODAY).result.valid


def test_repair_ambiguous_candidates_change_nothing() -> None:
    # both O and 0 in a letter-or-digit field with a failing digit and no unique fix: left alone
    rep = repair((TD3[0], "OOOOOOOOO5UTO7408122F1204159ZE184226B<<<<<10"), today=TODAY)
    assert not any(c.line == 2 and c.column <= 9 for c in rep.changes) or rep.result.checks["document_number"]


@pytest.mark.skipif(not (REALWORLD / "truth.json").exists(), reason="shared/realworld not present")
def test_repair_on_realworld_keeps_verdicts() -> None:
    truth = json.loads((REALWORLD / "truth.json").read_text())
    for name, entry in truth.items():
        assert repair(entry["lines"], today=TODAY).result.valid == entry["checks_pass"], name


def test_explain_td3_specimen() -> None:
    steps = explain(TD3)
    assert [e.field for e in steps] == ["document_number", "birth_date", "expiry_date", "optional_data", "composite"]
    doc = steps[0]
    assert doc.chars == tuple("L898902C3")
    assert doc.values == (21, 8, 9, 8, 9, 0, 2, 12, 3)
    assert doc.weights == (7, 3, 1) * 3
    assert doc.products == (147, 24, 9, 56, 27, 0, 14, 36, 3)
    assert doc.sum == 316 and doc.mod10 == 6 and doc.printed == "6" and doc.ok
    assert (doc.line, doc.column) == (2, 10)
    subs = dict(doc.undetectable)
    assert "S" in subs["8"] and "<" not in subs["8"]
    assert all(e.ok for e in steps)
    assert len(explain(MRVB)) == 3
    assert explain(parse(TD1_LONG))[0].text == "D23145890734"


def test_explain_failing_digit() -> None:
    bad = (TD3[0], TD3[1][:19] + "9" + TD3[1][20:])
    e = explain(bad)[1]
    assert not e.ok and e.printed == "9" and e.expected == "2"


def _mutations(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<Xa#"
    for _ in range(n):
        lines = [list(line) for line in rng.choice(SPECIMENS)]
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            li = rng.randrange(len(lines))
            lines[li][rng.randrange(len(lines[li]))] = rng.choice(alphabet)
        if rng.random() < 0.03:
            lines[0].pop()
        out.append(["".join(line) for line in lines])
    return out


def test_batch_agrees_with_parse() -> None:
    mrzs = _mutations(3000)
    batch = check_batch(mrzs, today=TODAY)
    for i, lines in enumerate(mrzs):
        r = parse(lines, today=TODAY)
        assert bool(batch.valid[i]) == r.valid, (lines, r.errors)
        assert batch.formats[i] == r.format
    assert 0 < batch.valid.sum() < len(mrzs)


def test_batch_inputs() -> None:
    joined = np.array(["\n".join(x) for x in (TD3, MRVA)])
    assert check_batch(joined, today=TODAY).valid.all()
    codes = np.frombuffer("".join(TD3 + MRVA).encode(), dtype=np.uint8).reshape(2, 88)
    res = check_batch(codes, today=TODAY)
    assert res.formats == ("TD3", "MRVA") and res.valid.all()
    assert check_codes(codes[:1], "TD3", today=TODAY).checks["composite"][0] == 1
    assert split_mrzs("\n".join(TD3) + "\n\n\n" + "\n".join(TD1)) == [list(TD3), list(TD1)]


def test_fast_path_equals_full_path() -> None:
    from doc_check.mrz.formats import detect
    from doc_check.mrz.parse import _parse_full, split_lines

    mrzs = _mutations(3000, seed=11) + [list(s) for s in SPECIMENS]
    fast_used = 0
    for lines in mrzs:
        text = split_lines(lines)
        full = _parse_full(text, detect(text), TODAY)
        fast = parse(lines, today=TODAY)
        assert fast == full, lines
        fast_used += fast.valid
    assert fast_used > 100


def test_repair_k_for_fillers_in_code_and_optional_data() -> None:
    ocr = ("VKUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109K<<<<<<<")
    rep = repair(ocr, today=TODAY)
    assert rep.lines == MRVB and rep.result.valid
    ocr = (TD1[0][:15] + "1234K<<<<<<<<<<", *TD1[1:])
    assert repair(ocr, today=TODAY).lines[0] == TD1[0][:15] + "1234<<<<<<<<<<<"
    # a name ending in K before its fillers keeps it
    novak = ("P<UTONOVAK<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<<<<", TD3[1])
    assert repair(novak, today=TODAY).lines[0] == novak[0]
