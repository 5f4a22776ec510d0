"""Suggested verdict from findings, and the findings/report data model."""

from __future__ import annotations

import json

import pytest

from doc_check.analysis.findings import AnalysisReport, Finding
from doc_check.analysis.verdict import suggest_verdict


def f(indicator: str, status: str = "fail") -> Finding:
    return Finding(indicator, status, f"{indicator} {status}", (1, 2, 3, 4))


def test_all_pass_is_genuine() -> None:
    verdict, reasons = suggest_verdict([f("mrz.format", "pass"), f("uv.fibres", "pass")])
    assert verdict == "genuine"
    assert "2 checks" in reasons[0]


def test_expired_alone_stays_genuine_with_a_note() -> None:
    verdict, reasons = suggest_verdict([f("mrz.format", "pass"), f("doc.expired", "warn")])
    assert verdict == "genuine"
    assert any("doc.expired" in r for r in reasons)


def test_unknown_issuer_is_pseudo_even_with_missing_features() -> None:
    verdict, reasons = suggest_verdict([f("uv.emblem"), f("doc.issuer_unknown"), f("mrz.format", "pass")])
    assert verdict == "pseudo"
    assert reasons[0].startswith("doc.issuer_unknown")


def test_missing_security_feature_is_counterfeit() -> None:
    verdict, reasons = suggest_verdict([f("viz.mrz_mismatch.surname"), f("uv.fibres")])
    assert verdict == "counterfeit"
    assert reasons[0].startswith("uv.fibres")
    assert any(r.startswith("viz.mrz_mismatch.surname") for r in reasons)


@pytest.mark.parametrize(
    "indicator", ["photo.ghost_mismatch", "viz.mrz_mismatch.birth_date", "print.erasure", "mrz.check_digit.birth_date"]
)
def test_alteration_on_sound_substrate_is_forged(indicator: str) -> None:
    verdict, _ = suggest_verdict([f(indicator), f("uv.fibres", "pass"), f("ir.mark", "pass")])
    assert verdict == "forged"


def test_nothing_ran_is_unknown() -> None:
    assert suggest_verdict([f("uv.fibres", "skip")])[0] == "unknown"
    assert suggest_verdict([f("mrz.format", "pass")], analysed=False)[0] == "unknown"
    # a failing sign is still reported even when the document could not be fully examined
    assert suggest_verdict([f("mrz.check_digit.composite")], analysed=False)[0] == "forged"


def test_finding_validates_status_and_indicator() -> None:
    with pytest.raises(ValueError):
        Finding("mrz.format", "maybe", "x")
    with pytest.raises(ValueError):
        Finding("not.an.indicator", "pass", "x")


def test_report_json_shape() -> None:
    report = AnalysisReport(
        input="a/b",
        document_type="td3",
        mrz=None,
        findings=(f("uv.fibres"),),
        verdict="counterfeit",
        reasons=("x",),
        seconds=0.123456,
    )
    d = json.loads(json.dumps(report.to_dict()))
    assert set(d) >= {"input", "document_type", "mrz", "findings", "verdict", "seconds", "reasons", "error"}
    assert d["findings"][0] == {
        "indicator": "uv.fibres",
        "status": "fail",
        "message": "uv.fibres fail",
        "region": [1, 2, 3, 4],
        "side": "front",
        "channel": "visible",
    }
    assert report.flagged_indicators() == ("uv.fibres",)
    with pytest.raises(ValueError):
        AnalysisReport(input="x", verdict="stolen")
