"""Speed work that must not change results: --only decodes less but finds the same; fast helpers equal slow ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from doc_check.analysis import analyze_sample, pipeline
from doc_check.analysis.checks_ir import _median
from doc_check.analysis.load import load_image
from doc_check.analysis.pipeline import needed_channels
from doc_check.samples import sample_folders

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def td1_sample() -> Path:
    """A committed two-sided sample (ID card: data page in front, MRZ on the back)."""
    folders = [f for f in sample_folders(SAMPLES) if '"td1"' in (f / "sample.toml").read_text()]
    assert folders, "the committed samples/ set has TD1 samples"
    return folders[0]


def test_needed_channels_follow_the_selection() -> None:
    assert needed_channels(None) is None
    assert needed_channels(frozenset()) is None
    assert needed_channels(frozenset({"mrz"})) == {"visible"}
    assert needed_channels(frozenset({"ir.mark"})) == {"visible", "ir"}
    assert needed_channels(frozenset({"photo.edge"})) == {"visible", "uv"}
    assert needed_channels(frozenset({"print", "ir"})) == {"visible", "uv", "ir"}


@pytest.fixture(scope="module")
def full():
    """The full run on the TD1 sample (every channel, every check)."""
    return analyze_sample(td1_sample())


@pytest.mark.parametrize("only", [{"mrz"}, {"ir"}, {"print.erasure"}])
def test_only_decodes_less_and_finds_what_the_full_run_finds(monkeypatch, full, only) -> None:
    folder = td1_sample()
    loaded: list[str] = []
    real = pipeline._load

    def counting(path, max_pixels):
        loaded.append(Path(path).name)
        return real(path, max_pixels)

    monkeypatch.setattr(pipeline, "_load", counting)
    part = analyze_sample(folder, only=frozenset(only))
    kept = [f for f in full.findings if any(f.indicator == s or f.indicator.startswith(s + ".") for s in only)]
    assert part.findings == tuple(kept)
    if only & {"mrz", "viz"}:
        assert part.mrz == full.mrz
    channels = {name.rsplit(".", 1)[0].split("_", 1)[1] for name in loaded}
    assert channels <= needed_channels(frozenset(only))
    if only == {"mrz"}:
        assert [n.split("_")[0] for n in loaded] == ["back"]  # the front is not even decoded


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 255), min_size=1, max_size=300), st.integers(0, 2**32 - 1))
def test_histogram_median_equals_numpy(values, seed) -> None:
    a = np.array(values, np.uint8)
    where = np.random.default_rng(seed).random(len(a)) < 0.7
    where[0] = True
    assert _median(a, where) == float(np.median(a[where]))


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "I;16"])
def test_fast_conversion_gives_bgr_of_every_mode(tmp_path, mode) -> None:
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (23, 31, 3), dtype=np.uint8)
    im = Image.fromarray(rgb, "RGB")
    if mode == "I;16":
        im = Image.fromarray(rgb[:, :, 0].astype(np.uint16) * 200)
    elif mode != "RGB":
        im = im.convert(mode)
    path = tmp_path / "x.png"
    im.save(path)
    got = load_image(path)
    assert got.shape == (23, 31, 3) and got.dtype == np.uint8 and got.flags.c_contiguous
    if mode == "L":
        grey = np.asarray(Image.open(path))
        assert np.array_equal(got, np.repeat(grey[:, :, None], 3, axis=2))
    elif mode in ("RGB", "RGBA"):
        assert np.array_equal(got, rgb[:, :, ::-1])  # RGBA from RGB is opaque: the same colours
