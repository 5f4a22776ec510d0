"""The magnifier's pure geometry and rendering (doc_check.viewport)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doc_check.viewport import MAX_ZOOM, render_view, view_geometry, zoom_about


def page(w: int = 400, h: int = 280) -> np.ndarray:
    img = np.zeros((h, w, 3), np.uint8)
    img[:, :, 0] = (np.arange(w) * 255 // (w - 1))[None, :]  # blue encodes x
    img[:, :, 1] = (np.arange(h) * 255 // (h - 1))[:, None]  # green encodes y
    return img


def test_fit_keeps_aspect_and_letterboxes() -> None:
    out = render_view(page(), 1.0, None, 200, 200)
    assert out.shape == (200, 200, 3)
    assert tuple(out[2, 100]) == (40, 40, 40)  # background above the page
    assert out[100, 5, 0] < 20 and out[100, 195, 0] > 235  # the whole width is shown


def test_zoom_shows_the_centre_region() -> None:
    img = page()
    out = render_view(img, 4.0, (300, 70), 100, 70)
    g = view_geometry(400, 280, 4.0, (300, 70), 100, 70)
    x, y = g.to_image(50, 35)
    assert (x, y) == pytest.approx((300, 70))
    assert abs(int(out[35, 50, 0]) - int(img[70, 300, 0])) <= 3
    assert abs(int(out[35, 50, 1]) - int(img[70, 300, 1])) <= 3


def test_centre_is_clamped_to_the_page() -> None:
    g = view_geometry(400, 280, 2.0, (-1000, 5000), 100, 70)
    x0, y0, _w, h = g.visible
    assert x0 == pytest.approx(0) and y0 + h == pytest.approx(280)


def test_boxes_are_drawn_where_the_region_is() -> None:
    out = render_view(np.full((100, 100, 3), 255, np.uint8), 1.0, None, 100, 100, boxes=[(10, 20, 30, 40)])
    assert tuple(out[20, 20]) == (0, 0, 255)
    assert tuple(out[40, 25]) == (255, 255, 255)


def test_zoom_about_keeps_the_point_under_the_pointer() -> None:
    g = view_geometry(400, 280, 1.0, None, 200, 140)
    zoom, center = zoom_about(g, 3.0, 30, 100, 400, 280)
    before = g.to_image(30, 100)
    after = view_geometry(400, 280, zoom, center, 200, 140).to_image(30, 100)
    assert after == pytest.approx(before, abs=0.5)


@settings(max_examples=60, deadline=None)
@given(
    w=st.integers(1, 600),
    h=st.integers(1, 600),
    zoom=st.floats(0.1, 100),
    cx=st.floats(-1e4, 1e4),
    cy=st.floats(-1e4, 1e4),
    ow=st.integers(1, 300),
    oh=st.integers(1, 300),
)
def test_any_view_has_the_requested_size(w, h, zoom, cx, cy, ow, oh) -> None:
    out = render_view(np.zeros((h, w, 3), np.uint8), zoom, (cx, cy), ow, oh)
    assert out.shape == (oh, ow, 3)
    g = view_geometry(w, h, zoom, (cx, cy), ow, oh)
    assert 1.0 <= g.scale / min(ow / w, oh / h) <= MAX_ZOOM + 1e-9
