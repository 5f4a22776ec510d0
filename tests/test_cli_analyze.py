"""`doc-check analyze` through click's CliRunner: JSON shape, --only, a bad file in a batch, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from doc_check.cli import cli
from doc_check.samples import sample_folders

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def two_samples() -> list[Path]:
    folders = [f for f in sample_folders(SAMPLES) if (f / "sample.toml").read_text().count('"td3"')]
    assert len(folders) >= 2, "the committed samples/ set has TD3 samples"
    return folders[:2]


def run(*args: str):
    return CliRunner().invoke(cli, ["analyze", *args], catch_exceptions=False)


def test_json_one_object_per_document() -> None:
    a, b = two_samples()
    result = run("--json", "--workers", "1", str(a), str(b))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["input"] for d in lines] == [str(a), str(b)]
    for d in lines:
        assert set(d) >= {"input", "document_type", "mrz", "findings", "verdict", "seconds"}
        assert d["document_type"] == "td3"
        assert d["verdict"] in ("genuine", "counterfeit", "forged", "pseudo", "unknown")
        assert d["mrz"] is not None and len(d["mrz"]["lines"]) == 2 and "valid" in d["mrz"] and "checks" in d["mrz"]
        assert d["findings"]
        for f in d["findings"]:
            assert set(f) >= {"indicator", "status", "message", "region"}
            assert f["status"] in ("pass", "fail", "warn", "skip")
            assert f["region"] is None or (len(f["region"]) == 4 and all(isinstance(v, int) for v in f["region"]))


def test_bad_file_in_a_batch_exits_2_and_the_batch_goes_on(tmp_path: Path) -> None:
    a, _ = two_samples()
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    result = run("--json", "--workers", "2", str(bad), str(a), "--only", "uv")
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["error"] and "broken.jpg" in lines[0]["error"] and lines[0]["verdict"] == "unknown"
    assert lines[1]["error"] is None and lines[1]["findings"]
    assert "broken.jpg" in result.stderr and "Traceback" not in result.stderr


def test_only_keeps_the_selected_checks() -> None:
    a, _ = two_samples()
    result = run("--json", "--workers", "1", "--only", "ir", "--only", "print.microprint", str(a))
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    inds = {f["indicator"] for f in d["findings"]}
    assert inds and all(i.startswith("ir.") or i == "print.microprint" for i in inds), inds
    assert "print.microprint" in inds and "ir.mark" in inds


def test_unknown_only_is_a_usage_error() -> None:
    a, _ = two_samples()
    result = run("--only", "nonsense", str(a))
    assert result.exit_code == 2
    assert "unknown check 'nonsense'" in result.stderr


def test_human_output_has_a_table_and_the_verdict() -> None:
    a, _ = two_samples()
    result = run("--workers", "1", str(a))
    assert result.exit_code == 0, result.output
    assert "suggested verdict:" in result.stdout
    assert "uv.emblem" in result.stdout and "mrz.format" in result.stdout


def test_missing_path_is_reported(tmp_path: Path) -> None:
    result = run("--json", str(tmp_path / "nothing-here.png"))
    assert result.exit_code == 2
    assert "nothing-here.png" in json.loads(result.stdout)["error"]


def test_a_plain_image_gets_mrz_checks_only(tmp_path: Path) -> None:
    a, _ = two_samples()
    image = a / "front_visible.jpg"
    result = run("--json", str(image))
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["mrz"] is not None and d["mrz"]["format"] == "TD3"
    assert {f["indicator"].split(".")[0] for f in d["findings"]} <= {"mrz", "doc"}


def test_too_many_pixels_is_refused(tmp_path: Path) -> None:
    a, _ = two_samples()
    result = run("--json", "--max-pixels", "1000", str(a / "front_visible.jpg"))
    assert result.exit_code == 2
    assert "too large" in json.loads(result.stdout)["error"]


def test_workers_get_one_blas_thread_unless_the_user_chose(monkeypatch) -> None:
    """Spawned workers inherit OPENBLAS_NUM_THREADS=1; a user's own setting is kept and nothing is left behind."""
    import os

    from doc_check.analysis.analyze import BLAS_THREAD_VARS, _one_blas_thread

    for var in BLAS_THREAD_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    with _one_blas_thread():
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
        assert os.environ["MKL_NUM_THREADS"] == "1"
        assert os.environ["OMP_NUM_THREADS"] == "3"
    assert "OPENBLAS_NUM_THREADS" not in os.environ and "MKL_NUM_THREADS" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "3"


def test_a_crash_on_one_input_is_its_error_and_the_batch_goes_on(tmp_path: Path, monkeypatch) -> None:
    import cv2
    import numpy as np

    from doc_check.analysis import checks_mrz

    real = checks_mrz.read_page_mrz

    def crashing(image, **kw):
        if image.shape[0] == 146:  # the crashing strip's height (an MRZ-only strip of 1100x146 px)
            raise IndexError("boolean index did not match indexed array")
        return real(image, **kw)

    monkeypatch.setattr(checks_mrz, "read_page_mrz", crashing)
    strip = tmp_path / "strip.png"
    cv2.imwrite(str(strip), np.full((146, 1100), 230, np.uint8))
    a, _ = two_samples()
    result = CliRunner().invoke(cli, ["analyze", "--json", "--workers", "1", str(strip), str(a)])
    assert result.exit_code == 2, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["input"] for d in lines] == [str(strip), str(a)]
    assert "IndexError" in lines[0]["error"] and lines[1]["error"] is None and lines[1]["findings"]
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("doc-check: error: ") and str(strip) in errors[0]
