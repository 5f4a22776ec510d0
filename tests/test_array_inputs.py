"""Public array functions refuse a wrong dtype or shape with a clear ValueError (not an OpenCV assertion)."""

from __future__ import annotations

import numpy as np
import pytest

from doc_check.analysis.register import find_quad, refine_quad, register
from doc_check.specimen.capture import capture_side
from doc_check.viewport import render_view

GREY = np.full((60, 80), 200, np.uint8)
BGR = np.full((60, 80, 3), 200, np.uint8)


def test_render_view_wants_uint8_grey_or_bgr() -> None:
    assert render_view(GREY, 1.0, None, 40, 30).shape == (30, 40, 3)
    with pytest.raises(ValueError, match="uint8, not float64"):
        render_view(GREY.astype(float), 1.0, None, 40, 30)
    with pytest.raises(ValueError, match=r"\(H, W\) or \(H, W, 3\)"):
        render_view(np.zeros((60, 80, 4), np.uint8), 1.0, None, 40, 30)


def test_register_functions_want_uint8_images() -> None:
    with pytest.raises(ValueError, match="find_quad: gray must be uint8"):
        find_quad(GREY.astype(np.float32))
    with pytest.raises(ValueError, match=r"find_quad: gray must be \(H, W\)"):
        find_quad(BGR)
    with pytest.raises(ValueError, match="4 \\(x, y\\) points"):
        refine_quad(GREY, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="register: image must be uint8"):
        register(BGR.astype(np.float32), GREY)
    with pytest.raises(ValueError, match="register: reference must be"):
        register(BGR, np.zeros((60, 80, 2), np.uint8))


def test_capture_side_wants_matching_uint8_channels() -> None:
    rng = np.random.default_rng(1)
    out = capture_side({"visible": BGR, "ir": GREY}, "scan", rng)
    assert out["visible"].dtype == np.uint8 and out["ir"].ndim == 2
    with pytest.raises(ValueError, match="visible must be uint8"):
        capture_side({"visible": BGR.astype(np.float32)}, "scan", rng)
    with pytest.raises(ValueError, match="differ in size"):
        capture_side({"visible": BGR, "ir": GREY[:50]}, "scan", rng)
    with pytest.raises(ValueError, match="no images"):
        capture_side({}, "photo", rng)
