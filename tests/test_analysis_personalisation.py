"""print.personalisation (ink colour of the data against laser-black) and the stolen_blank verdict rule."""

from __future__ import annotations

import cv2
import pytest

from doc_check.analysis import analyze_sample
from doc_check.analysis.checks_personalisation import MIN_NEUTRALITY, check_personalisation, ink_tint
from doc_check.analysis.findings import Finding
from doc_check.analysis.pipeline import register_side
from doc_check.analysis.verdict import suggest_verdict
from doc_check.samples import load_sample, reference_folder
from doc_check.specimen.sampleset import SampleSpec, generate_sample, write_references, write_sample

DPI = 200
SEED = 5151
SPECS: dict[str, SampleSpec] = {
    "genuine_td3": SampleSpec("td3", None, capture="scan", dpi=DPI),
    "genuine_td1": SampleSpec("td1", None, capture="scan", dpi=DPI),
    "inkjet_td3": SampleSpec("td3", "stolen_blank", "inkjet", capture="scan", dpi=DPI),
    "toner_td1": SampleSpec("td1", "stolen_blank", "toner", capture="scan", dpi=DPI),
    "colour_copy": SampleSpec("td3", "counterfeit", "colour_copy", capture="scan", dpi=DPI),
    "inkjet_photo": SampleSpec("td3", "stolen_blank", "inkjet", capture="photo", dpi=300),
    "genuine_photo": SampleSpec("td3", None, capture="photo", dpi=300),
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    root = tmp_path_factory.mktemp("personalisation-set")
    write_references(root, DPI, ["td3", "td1"])
    write_references(root / "photos", 300, ["td3"])
    return {
        name: write_sample(root if spec.dpi == DPI else root / "photos", generate_sample(spec, SEED, i))
        for i, (name, spec) in enumerate(SPECS.items())
    }


def data_page(folder):
    sample = load_sample(folder)
    ref = load_sample(reference_folder(folder.parent, sample.document_type))
    return register_side(sample, ref, "front", None)[1]


def f(indicator: str, status: str = "fail") -> Finding:
    return Finding(indicator, status, f"{indicator} {status}", (1, 2, 3, 4))


# ---------------------------------------------------------------- the check on real pixels


@pytest.mark.parametrize("name", ["genuine_td3", "genuine_td1"])
def test_genuine_laser_data_passes(samples, name) -> None:
    page = data_page(samples[name])
    finding = check_personalisation(page)
    assert finding.status == "pass", finding.message
    assert ink_tint(page) - ink_tint(page, reference=True) > MIN_NEUTRALITY["scan"]
    x, y, w, h = finding.region
    assert w > 0 and h > 0 and x + w <= page.size[0] and y + h <= page.size[1]


@pytest.mark.parametrize("name", ["inkjet_td3", "toner_td1"])
def test_inkjet_and_toner_data_fail(samples, name) -> None:
    finding = check_personalisation(data_page(samples[name]))
    assert finding.status == "fail", finding.message
    assert "tinted ink" in finding.message


def test_counterfeit_with_laser_data_passes(samples) -> None:
    # a reproduction of the blank, but personalised like the genuine: the technique is not what is wrong
    assert check_personalisation(data_page(samples["colour_copy"])).status == "pass"


def test_photo_judged_too(samples) -> None:
    # the absorption slope does not depend on the light's level or on blur, so a photo's tinted data shows
    assert check_personalisation(data_page(samples["inkjet_photo"])).status in {"fail", "warn"}
    assert check_personalisation(data_page(samples["genuine_photo"])).status == "pass"


def test_blur_does_not_make_laser_data_look_tinted(samples) -> None:
    # blurring the whole capture blends strokes with the print under them: the slope stays put
    page = data_page(samples["genuine_td3"])
    before = ink_tint(page)
    page.originals["visible"] = cv2.GaussianBlur(page.originals["visible"], (0, 0), 1.2)
    assert abs(ink_tint(page) - before) < 0.01
    assert check_personalisation(page).status == "pass"


# ---------------------------------------------------------------- the verdict, whole pipeline


@pytest.mark.parametrize("name", ["inkjet_td3", "toner_td1", "inkjet_photo"])
def test_stolen_blank_suggested_end_to_end(samples, name) -> None:
    report = analyze_sample(samples[name])
    assert report.verdict == "stolen_blank", report.reasons
    failed = {x.indicator for x in report.findings if x.status == "fail"}
    assert failed & {"ir.data", "ir.mrz", "print.personalisation"}
    assert report.reasons[0].split(":")[0] in {"ir.data", "ir.mrz", "print.personalisation"}


def test_genuine_scan_end_to_end_has_no_personalisation_alarm(samples) -> None:
    report = analyze_sample(samples["genuine_td3"])
    assert report.verdict == "genuine", report.reasons
    assert {x.status for x in report.findings if x.indicator == "print.personalisation"} == {"pass"}


def test_colour_copy_stays_counterfeit_end_to_end(samples) -> None:
    assert analyze_sample(samples["colour_copy"]).verdict == "counterfeit"


# ---------------------------------------------------------------- the verdict rule


def test_sound_print_with_data_vanishing_in_ir_is_a_stolen_blank() -> None:
    security = [
        f(i, "pass")
        for i in ("print.microprint", "print.background", "uv.emblem", "uv.fibres", "ir.background", "ir.mark")
    ]
    verdict, reasons = suggest_verdict([*security, f("ir.data"), f("ir.mrz"), f("print.font")])
    assert verdict == "stolen_blank"
    assert reasons[0].startswith(("ir.data", "ir.mrz")) and any(r.startswith("print.font") for r in reasons)
    assert suggest_verdict([*security, f("print.personalisation")])[0] == "stolen_blank"


def test_failing_security_print_outranks_personalisation() -> None:
    assert suggest_verdict([f("ir.data"), f("print.microprint")])[0] == "counterfeit"
    assert suggest_verdict([f("ir.data"), f("doc.issuer_unknown")])[0] == "pseudo"


def test_font_or_position_alone_is_forged_not_stolen_blank() -> None:
    assert suggest_verdict([f("print.font"), f("ir.data", "pass"), f("ir.mrz", "pass")])[0] == "forged"
    assert suggest_verdict([f("print.alignment"), f("print.personalisation", "pass")])[0] == "forged"


def test_personalisation_warning_alone_keeps_genuine() -> None:
    verdict, reasons = suggest_verdict([f("ir.data", "pass"), f("print.personalisation", "warn")])
    assert verdict == "genuine" and any(r.startswith("warning: print.personalisation") for r in reasons)


def test_unknown_issuer_on_a_sound_blank_with_wrong_personalisation_is_a_stolen_blank() -> None:
    security = [f(i, "pass") for i in ("print.microprint", "uv.emblem", "ir.background", "ir.mark")]
    assert suggest_verdict([*security, f("doc.issuer_unknown"), f("ir.data")])[0] == "stolen_blank"
    # without a checked blank (no reference, or too few checks) an unknown issuer stays a pseudo document
    assert suggest_verdict([f("ir.mark", "pass"), f("doc.issuer_unknown"), f("ir.data")])[0] == "pseudo"
    assert suggest_verdict([*security, f("doc.issuer_unknown")])[0] == "pseudo"


def test_visible_print_spoilt_next_to_wrong_data_stays_a_stolen_blank() -> None:
    substrate = [f(i, "pass") for i in ("uv.paper_bright", "uv.emblem", "uv.fibres", "ir.background", "ir.mark")]
    verdict, reasons = suggest_verdict([*substrate, f("ir.data"), f("ir.mrz"), f("print.microprint")])
    assert verdict == "stolen_blank" and any(r.startswith("print.microprint") for r in reasons)
    # a UV or IR security feature failing means a reproduction, whatever the data shows
    substrate[1] = f("uv.emblem")
    assert suggest_verdict([*substrate, f("ir.data"), f("print.microprint")])[0] == "counterfeit"
