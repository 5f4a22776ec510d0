"""Layout geometry, rendering under three lights, portraits, determinism and channel alignment."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from doc_check.mrz import parse
from doc_check.specimen import layout as L
from doc_check.specimen.document import REFERENCE_DATE, random_document, specimen_document
from doc_check.specimen.faces import draw_face, face_distance, random_traits
from doc_check.specimen.render import render_document
from doc_check.specimen.sampleset import SampleSpec, generate_sample, render_reference

DPI = 100


def crop(img: np.ndarray, box: L.Box, dpi: int = DPI) -> np.ndarray:
    x0, y0, x1, y1 = box.px(dpi)
    return img[y0:y1, x0:x1]


@pytest.mark.parametrize("doc_type", ["td3", "td1", "mrva"])
def test_layout_boxes_inside_page_and_pixels_scale(doc_type: str) -> None:
    for side in L.sides(doc_type):
        lay = L.layout(doc_type, side)
        for name, b in lay.boxes.items():
            assert b.x >= 0 and b.y >= 0 and b.x + b.w <= lay.width_mm and b.y + b.h <= lay.height_mm, name
        w300, h300 = lay.size_px(300)
        assert (w300, h300) == (round(lay.width_mm * 300 / 25.4), round(lay.height_mm * 300 / 25.4))
    mrz = L.layout(doc_type, L.mrz_side(doc_type))
    cells = mrz.mrz_char_boxes_mm()
    assert len(cells) == mrz.mrz_line_count and all(len(line) == mrz.mrz_line_length for line in cells)
    assert "portrait" in L.layout(doc_type, "front").boxes and "ghost" in L.layout(doc_type, "front").boxes


def test_unknown_layout_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        L.layout("td2", "front")


def test_portraits_deterministic_and_distinguishable() -> None:
    a = draw_face(random_traits(np.random.default_rng(1), "F", 30), 99, 126, noise_seed=1)
    a2 = draw_face(random_traits(np.random.default_rng(1), "F", 30), 99, 126, noise_seed=1)
    assert np.array_equal(a, a2)
    others = [draw_face(random_traits(np.random.default_rng(s), "M", 50), 99, 126, noise_seed=s) for s in range(2, 8)]
    distances = [face_distance(a, o) for o in others]
    assert min(distances) > 0.1 > face_distance(a, cv2.resize(cv2.resize(a, (50, 64)), (99, 126)))
    assert face_distance(a, a2) < 1e-6


@pytest.mark.parametrize("doc_type", ["td3", "td1", "mrva"])
def test_genuine_mrz_is_valid(doc_type: str) -> None:
    for seed in range(5):
        doc = random_document(doc_type, np.random.default_rng(seed))
        result = parse(list(doc.mrz()), today=REFERENCE_DATE)
        assert result.valid, (doc.mrz(), result.errors)
        assert result.surname == doc.surname


def test_three_lights_show_what_they_should() -> None:
    doc = random_document("td3", np.random.default_rng(3))
    pages = render_document(doc, DPI)["front"]
    vis, uv, ir = pages["visible"], pages["uv"], pages["ir"]
    assert vis.shape[:2] == uv.shape[:2] == ir.shape[:2] == L.layout("td3").size_px(DPI)[::-1]
    lay = L.layout("td3")
    # UV: dull paper, a bright emblem
    assert uv.mean() < 90
    assert crop(uv, lay.boxes["uv_emblem"]).max() > 200
    # IR: the colour background vanishes (flat) while it is busy in white light; the MRZ stays dark
    empty = L.Box(90.0, 47.0, 10.0, 8.0)  # background only
    assert crop(ir, empty).std() < 4 < cv2.cvtColor(crop(vis, empty), cv2.COLOR_BGR2GRAY).std()
    assert crop(ir, lay.boxes["mrz"]).min() < 80
    assert crop(ir, lay.boxes["ir_mark"]).min() < 100
    # the IR mark is invisible in white light: where IR shows its bars, white light shows no difference
    mb = lay.boxes["ir_mark"]
    bar_box = L.Box(mb.x, mb.y + 0.3, mb.w, mb.h * 0.4)  # the bar code part of the mark
    mark_ir = crop(ir, bar_box)
    mark_vis = cv2.cvtColor(crop(vis, bar_box), cv2.COLOR_BGR2GRAY).astype(float)
    bars, gaps = mark_ir < 100, mark_ir > 180
    assert bars.sum() > 20 and gaps.sum() > 20
    assert abs(mark_vis[bars].mean() - mark_vis[gaps].mean()) < 15


def test_reference_shows_specimen_holder() -> None:
    ref = render_reference("td1", DPI)
    assert set(ref) == {"front", "back"}
    assert specimen_document("td1").surname == "SPECIMEN"
    assert parse(list(specimen_document("td1").mrz())).valid


def test_same_seed_same_pixels_other_seed_differs() -> None:
    spec = SampleSpec("td1", capture="photo", dpi=DPI)
    a = generate_sample(spec, 5, 2)
    b = generate_sample(spec, 5, 2)
    c = generate_sample(spec, 5, 3)
    for side in a.images:
        for ch in a.images[side]:
            assert np.array_equal(a.images[side][ch], b.images[side][ch])
    assert a.id == b.id != c.id
    assert not np.array_equal(
        a.images["front"]["visible"], c.images["front"]["visible"][: a.images["front"]["visible"].shape[0]]
    )


def test_channels_pixel_aligned() -> None:
    gen = generate_sample(SampleSpec("td3", capture="scan", dpi=DPI), 11, 0)
    imgs = gen.images["front"]
    shapes = {im.shape[:2] for im in imgs.values()}
    assert len(shapes) == 1
    # the MRZ is dark in white light and in IR: the two agree on where the dark text is
    vis = cv2.cvtColor(imgs["visible"], cv2.COLOR_BGR2GRAY).astype(np.float32)
    ir = imgs["ir"].astype(np.float32)
    dark_v = (vis < 90).astype(np.float32)
    dark_i = (ir < 90).astype(np.float32)
    shift, _response = cv2.phaseCorrelate(cv2.GaussianBlur(dark_v, (0, 0), 1.5), cv2.GaussianBlur(dark_i, (0, 0), 1.5))
    assert abs(shift[0]) < 1.0 and abs(shift[1]) < 1.0


@pytest.mark.parametrize("capture", ["scan", "photo"])
def test_capture_moves_every_channel_the_same_way(capture: str) -> None:
    from doc_check.specimen.capture import capture_side

    marks = np.zeros((300, 420), np.uint8)
    for x, y in ((60, 50), (350, 80), (200, 240)):
        cv2.circle(marks, (x, y), 6, 255, -1)
    images = {
        "visible": cv2.cvtColor(marks, cv2.COLOR_GRAY2BGR),
        "uv": cv2.cvtColor(marks, cv2.COLOR_GRAY2BGR),
        "ir": marks,
    }
    out = capture_side(images, capture, np.random.default_rng(9))

    def centroids(img: np.ndarray) -> np.ndarray:
        g = img if img.ndim == 2 else img.max(axis=2)
        _, _labels, stats, cents = cv2.connectedComponentsWithStats((g > 200).astype(np.uint8))
        big = [c for c, s in zip(cents[1:], stats[1:], strict=True) if 30 < s[cv2.CC_STAT_AREA] < 400]
        return np.array(sorted(map(tuple, big)))

    ref = centroids(out["visible"])
    assert len(ref) == 3
    for ch in ("uv", "ir"):
        assert np.abs(centroids(out[ch]) - ref).max() < 0.5
