"""Deep validation (`exercise validate --deep`): the reader's findings against the key and what the exercise lets
the trainee see."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.analysis import AnalysisReport, Finding
from doc_check.cli import cli
from doc_check.exercise import load_exercise, load_exercise_key
from doc_check.exercise.audit import audit_exercise, related

# The decision logic is checked on hand-written reader reports (real AnalysisReport objects) so that each rule is
# pinned exactly; test_deep_validate_with_the_real_reader runs the real reader end to end.
REPORTS = {
    # genuine: the reader fails an MRZ check digit -> a false alarm the trainee would copy
    "S1": [
        Finding("mrz.check_digit.document_number", "fail", "digit 3, should be 7"),
        Finding("uv.paper_bright", "pass", "paper is UV-dull", channel="uv"),
    ],
    # forged: its birth-date mismatch is visible under white light
    "S2": [
        Finding("viz.mrz_mismatch.birth_date", "fail", "printed 1990, MRZ 1991"),
        Finding("print.erasure", "pass", "no traces"),
    ],
    # counterfeit: the reader sees its signs only under UV and IR
    "S3": [
        Finding("uv.paper_bright", "fail", "paper fluoresces", channel="uv"),
        Finding("ir.mrz", "warn", "MRZ faint in IR", channel="ir"),
    ],
    # forged: a parent id (mrz.check_digit) is enough to count as shown
    "S4": [Finding("mrz.check_digit", "fail", "a check digit fails")],
}


def fake_reader(folder: Path, references: Path | None = None) -> AnalysisReport:
    return AnalysisReport(str(folder), "td3", None, tuple(REPORTS[folder.name]), "unknown")


def _audit(ex_dir: Path, channels: str, tools: str = '["magnifier", "mrz_tool"]'):
    text = (ex_dir / "exercise.toml").read_text()
    text = re.sub(r"(?m)^channels = .*$", f"channels = {channels}", text)
    text = re.sub(r"(?m)^tools = .*$", f"tools = {tools}", text)
    (ex_dir / "exercise.toml").write_text(text)
    ex = load_exercise(ex_dir)
    return audit_exercise(ex, load_exercise_key(ex_dir, ex), analyze=fake_reader)


def test_related_ids() -> None:
    assert related("mrz.check_digit", "mrz.check_digit.birth_date")
    assert related("mrz.check_digit.birth_date", "mrz.check_digit")
    assert not related("mrz.check_digit.birth_date", "mrz.check_digit.expiry_date")
    assert not related("ir.mrz", "mrz")


def test_all_lights_only_the_genuine_false_alarm(tmp_path: Path) -> None:
    report = _audit(make_project(tmp_path / "p"), '["visible", "uv", "ir"]')
    kinds = {(w.sample_id, w.kind) for w in report.warnings}
    assert kinds == {("S1", "genuine_fails")}
    assert "mrz.check_digit.document_number" in report.warnings[0].message
    s3 = next(a for a in report.samples if a.sample_id == "S3")
    assert s3.shown == ("uv.paper_bright", "ir.mrz")


def test_white_light_only_hides_the_counterfeit(tmp_path: Path) -> None:
    report = _audit(make_project(tmp_path / "p"), '["visible"]')
    by_sample = {w.sample_id: w for w in report.warnings}
    assert set(by_sample) == {"S1", "S3"}
    assert by_sample["S3"].kind == "hidden_fraud"
    assert "uv.paper_bright, ir.mrz only under channels or tools the exercise does not allow" in by_sample["S3"].message
    s4 = next(a for a in report.samples if a.sample_id == "S4")
    assert s4.shown == ("mrz.check_digit.birth_date",)


def test_tools_matter(tmp_path: Path) -> None:
    global REPORTS
    saved = dict(REPORTS)
    REPORTS["S2"] = [Finding("print.microprint", "fail", "blurred microprint")]
    try:
        ex_dir = make_project(
            tmp_path / "p",
            {
                "S1": ("genuine", []),
                "S2": ("counterfeit", ["print.microprint"]),
                "S3": ("counterfeit", ["uv.paper_bright"]),
                "S4": ("forged", ["mrz.check_digit.birth_date"]),
            },
        )
        without = _audit(ex_dir, '["visible", "uv"]', "[]")
        assert ("S2", "hidden_fraud") in {(w.sample_id, w.kind) for w in without.warnings}
        with_magnifier = _audit(ex_dir, '["visible", "uv"]', '["magnifier"]')
        assert "S2" not in {w.sample_id for w in with_magnifier.warnings}
    finally:
        REPORTS.clear()
        REPORTS.update(saved)


READY = Path(__file__).resolve().parents[1] / "exercises" / "light-sources"


@pytest.mark.slow
def test_deep_validate_with_the_real_reader(tmp_path: Path) -> None:
    """`exercise validate --deep` runs the real reader over a ready exercise; the audit is consistent with it."""
    ex = load_exercise(READY)
    key = load_exercise_key(READY, ex)
    report = audit_exercise(ex, key)
    assert [a.sample_id for a in report.samples] == list(ex.sample_ids)
    for a in report.samples:
        assert set(a.shown) | set(a.hidden) <= set(a.key_indicators)
        assert not set(a.shown) & set(a.hidden)
    for w in report.warnings:
        audit = next(a for a in report.samples if a.sample_id == w.sample_id)
        if w.kind == "hidden_fraud":
            assert not audit.shown and key[w.sample_id].verdict != "genuine"
        elif w.kind == "genuine_fails":
            assert key[w.sample_id].verdict == "genuine" and audit.failing
    res = CliRunner().invoke(cli, ["exercise", "validate", "--deep", "--json", str(READY)])
    assert res.exit_code == 0, res.output
    assert '"ok": true' in res.output


SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FORGED_MRZ = "3KOZHJ"  # forged: birth date altered in the MRZ only; its signs are all in white light


def test_deep_validate_real_reader_one_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real reader on one committed sample: under UV only its signs are hidden (warning); under white light
    they show (no warning). The reader runs once; the second audit reuses its report."""
    import doc_check.analysis as analysis
    from doc_check.exercise.draft import ExerciseDraft, save_exercise
    from doc_check.samples import load_key

    real = analysis.analyze_sample
    calls: list[Path] = []
    cache: dict[Path, AnalysisReport] = {}

    def once(folder, **kwargs):
        if folder not in cache:
            calls.append(folder)
            cache[folder] = real(folder, **kwargs)
        return cache[folder]

    monkeypatch.setattr(analysis, "analyze_sample", once)
    monkeypatch.setenv("DOC_CHECK_SAMPLE_ROOTS", str(SAMPLES))
    set_key = load_key(SAMPLES / "key.toml")
    draft = ExerciseDraft("uv-only", "UV only", channels=("uv",)).with_samples((FORGED_MRZ,), set_key)
    ex, _key = save_exercise(draft, tmp_path / "exercises" / "uv-only", SAMPLES)
    res = CliRunner().invoke(cli, ["exercise", "validate", "--deep", str(ex.folder)])
    assert res.exit_code == 0, res.output
    assert f"warning: sample {FORGED_MRZ} (forged): the reader finds none of its indicators" in res.output
    assert "only under channels or tools the exercise does not allow" in res.output

    white, white_key = save_exercise(
        replace(draft, id="white", channels=("visible",)), tmp_path / "exercises" / "white", SAMPLES
    )
    report = audit_exercise(white, white_key)
    assert report.ok, report.warnings
    assert set(report.samples[0].shown) >= {"mrz.check_digit.birth_date"}
    assert len(calls) == 1
