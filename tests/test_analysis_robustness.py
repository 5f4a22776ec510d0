"""The reader under capture variation: tone normalisation, capture quality, and no crash on odd images."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doc_check.analysis import analyze_image, analyze_sample
from doc_check.analysis.capture_quality import CaptureQuality, estimate_blur
from doc_check.analysis.mrz_read import read_mrz
from doc_check.analysis.tone import GAIN_BOUNDS, fit_tone
from doc_check.samples import load_key, load_sample, sample_folders
from doc_check.specimen import guilloche

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _page_like(rng: np.random.Generator) -> np.ndarray:
    """A paper-and-print test image: light paper, a smooth wash, thin dark lines (uint8 BGR, 200 x 300)."""
    img = np.full((200, 300, 3), 236, np.uint8)
    img[..., 0] = 225
    yy, xx = np.mgrid[0:200, 0:300]
    wave = (np.sin(xx / 7.0 + np.sin(yy / 23.0) * 3) > 0.8).astype(np.float32)
    for c, depth in enumerate((90, 140, 60)):
        img[..., c] = np.clip(img[..., c] - wave * depth - (xx / 300.0) * 40, 0, 255).astype(np.uint8)
    return cv2.add(img, rng.integers(0, 3, img.shape, dtype=np.uint8))


@pytest.mark.parametrize(("gain", "gamma"), [(1.0, 1.0), (0.8, 1.0), (1.2, 1.0), (1.0, 0.6), (1.0, 1.6)])
def test_tone_fit_takes_out_gain_and_curve(gain: float, gamma: float) -> None:
    ref = _page_like(np.random.default_rng(1))
    lut = np.clip(np.round(255.0 * ((np.arange(256) / 255.0) ** gamma) * gain), 0, 255).astype(np.uint8)
    sample = cv2.LUT(ref, lut)
    mask = np.full(ref.shape[:2], 255, np.uint8)
    fit = fit_tone(sample, ref, mask)
    back = fit.apply(sample).astype(np.float32)
    before = np.abs(sample.astype(np.float32) - ref).mean()
    after = np.abs(back - ref).mean()
    unclipped = sample < 250
    assert np.abs(back - ref)[unclipped].mean() < 4.0, fit
    assert after <= before + 0.5
    if gain == gamma == 1.0:
        assert fit.identity


def test_tone_fit_is_bounded_so_a_glowing_paper_stays_bright() -> None:
    ref = np.full((100, 100), 41, np.uint8)
    ref[40:60, 40:60] = 200
    sample = np.full((100, 100), 245, np.uint8)  # a colour copy's glowing paper
    fit = fit_tone(sample, ref, np.full((100, 100), 255, np.uint8))
    assert fit.gains[0] >= GAIN_BOUNDS[0]
    assert fit.apply(sample)[0, 0] > 41 + 35


def test_blur_estimate_grows_with_the_blur() -> None:
    ref = cv2.cvtColor(_page_like(np.random.default_rng(2)), cv2.COLOR_BGR2GRAY)
    mask = np.full(ref.shape, 255, np.uint8)
    found = [estimate_blur(cv2.GaussianBlur(ref, (0, 0), s) if s else ref, ref, mask) for s in (0, 1.0, 2.0)]
    assert found[0] < 0.4
    assert found[0] < found[1] < found[2]
    assert abs(found[1] - 1.0) < 0.4 and abs(found[2] - 2.0) < 0.6


def test_capture_quality_names_its_problems() -> None:
    good = CaptureQuality(px_per_mm=11.8, blur_mm=0.05, glare=0.0)
    assert not good.poor and not good.problems()
    poor = CaptureQuality(px_per_mm=3.0, blur_mm=0.5, glare=0.2)
    assert poor.poor and len(poor.problems()) == 3


def _copy_with(folder: Path, dest: Path, change, channels: tuple[str, ...]) -> Path:
    """A copy of a sample set holding one sample whose named channels' images went through ``change``."""
    shutil.copytree(SAMPLES / "references", dest / "references")
    out = dest / folder.name
    shutil.copytree(folder, out)
    sample = load_sample(out)
    for key, name in sample.images.items():
        if key.split(".", 1)[1] in channels:
            img = cv2.imread(str(out / name), cv2.IMREAD_UNCHANGED)
            cv2.imwrite(str(out / name), change(img), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return out


def _pick(verdict: str, variant: str | None = None, capture: str = "scan") -> Path:
    key = load_key(SAMPLES / "key.toml")
    for folder in sample_folders(SAMPLES):
        entry = key[folder.name]
        sample = load_sample(folder)
        if (
            entry.verdict == verdict
            and sample.capture == capture
            and (sample.document_type == "td3" or variant is not None)
            and (variant is None or entry.extra.get("variant") == variant)
            and "doc.expired" not in entry.indicators
        ):
            return folder
    raise AssertionError(f"samples/ has no {verdict} {variant or ''} {capture}")


def _gamma(g: float):
    lut = np.clip(np.round(255.0 * (np.arange(256) / 255.0) ** g), 0, 255).astype(np.uint8)
    return lambda img: cv2.LUT(img, lut)


def _balance(b: float, r: float):
    def change(img: np.ndarray) -> np.ndarray:
        out = img.astype(np.float32)
        out[..., 0] *= b
        out[..., 2] *= r
        return np.clip(out, 0, 255).astype(np.uint8)

    return change


def test_uv_gamma_leaves_a_genuine_paper_dull_and_a_copy_bright(tmp_path: Path) -> None:
    genuine = _copy_with(_pick("genuine"), tmp_path / "g", _gamma(0.6), ("uv",))
    copy = _copy_with(_pick("counterfeit", "colour_copy"), tmp_path / "c", _gamma(0.6), ("uv",))
    paper = {
        name: next(f for f in analyze_sample(folder, only=["uv.paper_bright"]).findings)
        for name, folder in (("genuine", genuine), ("copy", copy))
    }
    assert paper["genuine"].status == "pass", paper["genuine"].message
    assert "normalised" in paper["genuine"].message
    assert paper["copy"].status == "fail", paper["copy"].message


def test_white_balance_leaves_a_genuine_scans_background_matching(tmp_path: Path) -> None:
    folder = _copy_with(_pick("genuine"), tmp_path, _balance(0.85, 1.1), ("visible", "uv"))
    report = analyze_sample(folder, only=["print.background", "capture"])
    background = next(f for f in report.findings if f.indicator == "print.background")
    assert background.status == "pass", background.message
    assert "normalised" in background.message
    quality = next(f for f in report.findings if f.indicator == "capture.quality")
    assert quality.status in ("pass", "warn") and "dpi" in quality.message and "blur" in quality.message


def test_a_blurred_coarse_capture_warns_instead_of_failing(tmp_path: Path) -> None:
    def soften(img: np.ndarray) -> np.ndarray:
        small = cv2.resize(img, None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
        return cv2.GaussianBlur(small, (0, 0), 1.4)

    folder = _copy_with(_pick("genuine"), tmp_path, soften, ("visible", "uv", "ir"))
    report = analyze_sample(folder, only=["capture", "uv.fibres", "print.microprint"])
    quality = next(f for f in report.findings if f.indicator == "capture.quality")
    assert quality.status == "warn", quality.message
    assert not [f for f in report.findings if f.status == "fail" and f.indicator in ("uv.fibres", "print.microprint")]


# --- no crash, ever ---------------------------------------------------------------------------------------------


@st.composite
def odd_images(draw) -> np.ndarray:
    """Small images nobody should send, and some they will: blank pages, noise, strips, one line of text."""
    kind = draw(st.sampled_from(["blank", "noise", "strip", "text", "tiny", "mrz_line"]))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    if kind == "tiny":
        h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
        return rng.integers(0, 256, (h, w), dtype=np.uint8)
    h = draw(st.integers(16, 260))
    w = draw(st.integers(16, 900))
    if kind == "strip":
        h = draw(st.integers(8, 60))
        w = draw(st.integers(300, 1200))
    if kind == "blank":
        img = np.full((h, w), draw(st.integers(0, 255)), np.uint8)
    elif kind == "noise":
        img = rng.integers(0, 256, (h, w), dtype=np.uint8)
    else:
        img = np.full((h, w), 235, np.uint8)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<" if kind in ("mrz_line", "strip") else "ABC xyz 123<"
        text = "".join(rng.choice(list(alphabet), size=int(rng.integers(1, 45))))
        cap = float(rng.uniform(4, max(5, min(h * 0.6, 40))))
        ink = np.zeros_like(img)
        guilloche.text(
            ink,
            text,
            float(rng.uniform(0, w / 3)),
            float(rng.uniform(cap, h)),
            cap,
            face="ocrb" if kind != "text" else "sans",
        )
        img = np.where(ink > 127, 30, img).astype(np.uint8)
        if rng.random() < 0.5:
            img = cv2.add(img, rng.integers(0, 20, img.shape, dtype=np.uint8))
    if draw(st.booleans()):
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return img


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(odd_images())
def test_read_mrz_never_raises(image: np.ndarray) -> None:
    reading = read_mrz(image)
    assert reading is None or reading.result is not None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(odd_images())
def test_analyze_image_never_raises(tmp_path_factory, image: np.ndarray) -> None:
    path = tmp_path_factory.mktemp("odd") / "odd.png"
    cv2.imwrite(str(path), image)
    report = analyze_image(path)
    assert report.verdict in ("genuine", "unknown", "forged", "counterfeit", "pseudo", "stolen_blank")
