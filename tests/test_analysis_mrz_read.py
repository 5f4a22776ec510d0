"""Reading the MRZ from images: synthetic documents with random content (never seen by the classifier's training),
turned by quarter turns, skewed, blurred and JPEG-compressed; plus the classifier and locator on their own."""

from __future__ import annotations

import string
from datetime import date

import cv2
import numpy as np
import pytest

from doc_check.analysis.glyphs import ALPHABET, ocrb_face
from doc_check.analysis.locate import find_mrz_zones
from doc_check.analysis.mrz_read import MrzReading, read_mrz
from doc_check.analysis.ocr import cell_patches, default_classifier
from doc_check.mrz import compose

TODAY = date(2026, 6, 1)
FORMATS = {"TD3": ("P", 44), "TD1": ("I", 30), "TD2": ("I", 36), "MRVA": ("V", 44), "MRVB": ("V", 36)}


def random_mrz(rng: np.random.Generator, fmt: str) -> tuple[str, ...]:
    """Valid MRZ lines with random names, numbers and dates."""
    letters = string.ascii_uppercase

    def word(lo: int, hi: int) -> str:
        return "".join(rng.choice(list(letters), size=int(rng.integers(lo, hi + 1))))

    code = FORMATS[fmt][0]
    number = "".join(rng.choice(list(letters + string.digits), size=int(rng.integers(6, 10))))
    birth = date(int(rng.integers(1940, 2010)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    expiry = date(int(rng.integers(2027, 2036)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    states = ["UTO", "FRA", "DEU", "NLD", "CAN", "D<<", "GBR", "SWE"]
    state = states[int(rng.integers(len(states)))]
    return compose(
        fmt,
        document_code=code,
        issuing_state=state,
        surname=word(3, 12),
        given_names=f"{word(3, 8)} {word(2, 7)}" if rng.random() < 0.5 else word(3, 9),
        document_number=number,
        nationality=state,
        birth_date=birth,
        sex=str(rng.choice(["M", "F", "<"])),
        expiry_date=expiry,
        optional_data="".join(rng.choice(list(string.digits), size=int(rng.integers(0, 8)))),
    )


def render_document(
    lines: tuple[str, ...],
    rng: np.random.Generator,
    *,
    quarter_turns: int = 0,
    skew: float = 0.0,
    blur: float = 0.0,
    jpeg: int | None = None,
    cap_px: float = 22.0,
) -> np.ndarray:
    """A document-like BGR image: textured tinted paper, some printed data above, the MRZ in OCR-B below."""
    face = ocrb_face()
    size = round(cap_px / 0.78)
    pitch = size * 0.72
    width = int(len(lines[0]) * pitch + 8 * pitch)  # margins keep the MRZ inside the page when skewed
    height = int(width * 0.68)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    tint = rng.uniform(180, 245, 3)
    waves = 12 * np.sin(xx / rng.uniform(5, 15) + 3 * np.sin(yy / rng.uniform(20, 60)))
    paper = np.clip(tint[None, None, :] + waves[..., None] + rng.normal(0, 5, (height, width, 3)), 0, 255)
    img = paper.astype(np.uint8)
    sans = cv2.FontFace("sans")
    for k in range(5):  # visual zone: words in a proportional face
        words = " ".join("".join(rng.choice(list(string.ascii_uppercase), size=5)) for _ in range(3))
        cv2.putText(img, words, (int(width * 0.35), int(height * 0.12 + k * size * 1.6)), (40, 40, 60), sans, size)
    ink = tuple(int(v) for v in rng.integers(0, 60, 3))
    line_gap = cap_px * 2.0
    y = height - 2.5 * pitch - (len(lines) - 1) * line_gap
    for line in lines:
        for i, ch in enumerate(line):
            cv2.putText(img, ch, (int(4 * pitch + i * pitch), int(y)), ink, face, size)
        y += line_gap
    if skew:
        m = cv2.getRotationMatrix2D((width / 2, height / 2), skew, 1.0)
        img = cv2.warpAffine(img, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if blur:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    img = np.ascontiguousarray(np.rot90(img, quarter_turns))
    if jpeg is not None:
        _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return img


CASES = [
    # (format, quarter turns, skew degrees, blur sigma, jpeg quality, capital height px)
    ("TD3", 0, 0.0, 0.0, None, 22.0),
    ("TD3", 1, 3.5, 0.8, 70, 18.0),
    ("TD1", 2, -4.0, 0.0, 60, 20.0),
    ("TD1", 3, 2.0, 1.0, None, 26.0),
    ("TD2", 0, -2.5, 0.6, 50, 16.0),
    ("MRVA", 1, -1.0, 0.0, 80, 14.0),
    ("MRVB", 3, 4.0, 0.7, 75, 24.0),
    ("TD3", 2, 1.5, 1.2, 40, 30.0),
]


@pytest.mark.parametrize("fmt,turns,skew,blur,jpeg,cap", CASES)
def test_reads_synthetic_documents_exactly(fmt, turns, skew, blur, jpeg, cap):
    rng = np.random.default_rng(int(1000 * abs(skew)) + 10 * turns + int(cap))
    lines = random_mrz(rng, fmt)
    image = render_document(lines, rng, quarter_turns=turns, skew=skew, blur=blur, jpeg=jpeg, cap_px=cap)
    reading = read_mrz(image, today=TODAY)
    assert isinstance(reading, MrzReading)
    assert reading.lines == lines
    assert reading.result.valid and reading.result.format == fmt
    # np.rot90 turns counter-clockwise; the reader reports the counter-clockwise turn that makes it upright
    assert reading.rotation == (360 - 90 * turns) % 360
    assert [len(c) for c in reading.confidences] == [len(line) for line in lines]
    assert all(0.0 <= c <= 1.0 for row in reading.confidences for c in row)
    x, y, w, h = reading.region
    assert x >= 0 and y >= 0 and x + w <= image.shape[1] and y + h <= image.shape[0]
    assert w * h < 0.6 * image.shape[0] * image.shape[1]


def test_region_covers_the_mrz():
    rng = np.random.default_rng(7)
    lines = random_mrz(rng, "TD3")
    image = render_document(lines, rng)
    reading = read_mrz(image, today=TODAY)
    assert reading is not None
    _x, y, w, _h = reading.region
    # the MRZ is printed in the lower part of the page, across most of its width
    assert y > image.shape[0] * 0.5
    assert w > image.shape[1] * 0.8


def test_no_mrz_in_a_page_without_one():
    rng = np.random.default_rng(3)
    img = np.full((600, 800, 3), 230, np.uint8)
    cv2.putText(img, "NO MACHINE READABLE ZONE HERE", (40, 300), (0, 0, 0), cv2.FontFace("sans"), 40)
    img = cv2.add(img, rng.integers(0, 20, img.shape, dtype=np.uint8))
    assert read_mrz(img) is None
    assert read_mrz(np.zeros((50, 50), np.uint8)) is None


def test_invalid_as_printed_stays_invalid():
    rng = np.random.default_rng(11)
    lines = list(random_mrz(rng, "TD3"))
    # break the birth-date check digit on the document itself
    l2 = lines[1]
    wrong = str((int(l2[19]) + 3) % 10)
    lines[1] = l2[:19] + wrong + l2[20:]
    image = render_document(tuple(lines), rng)
    reading = read_mrz(image, today=TODAY)
    assert reading is not None
    assert reading.lines == tuple(lines)
    assert not reading.result.valid
    assert reading.result.checks["birth_date"] is False


def test_wrong_document_number_check_stays_wrong():
    """Check-digit-guided look-alike swaps must not make a printed error pass."""
    rng = np.random.default_rng(23)
    lines = list(random_mrz(rng, "TD3"))
    l2 = lines[1]
    lines[1] = l2[:9] + str((int(l2[9]) + 5) % 10) + l2[10:]
    image = render_document(tuple(lines), rng)
    reading = read_mrz(image, today=TODAY)
    assert reading is not None
    assert reading.lines == tuple(lines)
    assert reading.result.checks["document_number"] is False


def test_classifier_on_fresh_rendered_glyphs():
    """Held-out synthetic lines (another seed than the training set) are read at >= 97% per glyph."""
    from doc_check.analysis.glyphs import random_text, render_line

    clf = default_classifier()
    rng = np.random.default_rng(424242)
    right = total = 0
    for _ in range(12):
        text = random_text(rng, 44)
        image, grid = render_line(text, rng)
        _, best = clf.classify(cell_patches(image, grid))
        right += sum(ALPHABET[i] == ch for i, ch in zip(best, text, strict=True))
        total += len(text)
    assert right / total >= 0.97


def test_locator_finds_zone_in_both_orientations():
    rng = np.random.default_rng(5)
    lines = random_mrz(rng, "TD1")
    upright = cv2.cvtColor(render_document(lines, rng), cv2.COLOR_BGR2GRAY)
    for turns, expected in ((0, {0, 180}), (1, {90, 270}), (3, {90, 270})):
        zones = find_mrz_zones(np.ascontiguousarray(np.rot90(upright, turns)))
        assert zones, f"no zone at {turns} quarter turns"
        assert zones[0].rotation in expected
        assert len(zones[0].lines) == 3
        assert all(len(g.centers) == 30 for g in zones[0].lines)


def test_rejects_non_image_arrays():
    with pytest.raises(ValueError):
        read_mrz(np.zeros((4, 4, 4, 4), np.uint8))


def test_one_sided_exemplars_do_not_overturn_a_certain_glyph():
    """A visa's optional data read '1' for certain stays '1' though the document's only 1/I exemplars are I's."""
    from doc_check.analysis.mrz_read import _settle_lookalikes
    from doc_check.mrz import detect

    lines = ["V<UTOBRUMAT<<FIGUAN<<<<<<<<<<<<<<<<<<<<<<<<<", "V406069119ITA8909279M2708045777400781<<<<<<<"]
    layout = detect(lines)
    chars = "".join(lines)
    probs = np.zeros((len(chars), len(ALPHABET)), np.float32)
    probs[np.arange(len(chars)), [ALPHABET.index(c) for c in chars]] = 1.0
    patches = np.zeros((len(chars), 280), np.float32)
    patches[:, 0] = 1.0  # every glyph alike: the exemplar distances alone would turn each 1 into an I
    out = _settle_lookalikes(lines, patches, probs, layout)
    assert [out[1][c] for c in (7, 8, 36)] == ["1", "1", "1"]
    unsure = probs.copy()
    unsure[44 + 36] = 0.0
    unsure[44 + 36, ALPHABET.index("1")], unsure[44 + 36, ALPHABET.index("I")] = 0.6, 0.4
    out = _settle_lookalikes(lines, patches, unsure, layout)
    assert out[1][36] == "I"  # an unsure glyph does take the reading of the exemplars


def test_exemplar_patches_keep_a_glyph_height_across_lines():
    """Two identical glyphs on lines whose bands were fitted to glyphs of different heights: patches cut to each
    line's band differ, patches cut with one band height for the zone are alike (the height is kept)."""
    from doc_check.analysis.locate import LineGrid
    from doc_check.analysis.mrz_read import _exemplar_patches

    image = np.full((120, 200), 230, np.uint8)
    for base in (50, 100):  # one ring-shaped glyph 20 px tall on each line, baseline at `base`
        cv2.ellipse(image, (60, base - 10), (7, 10), 0, 0, 360, 20, 3)
    grids = (LineGrid((60.0, 84.0), 30.0, 50.0, 24.0), LineGrid((60.0, 84.0), 77.0, 100.0, 24.0))
    per_line = np.concatenate([cell_patches(image, g) for g in grids])
    common = _exemplar_patches(image, grids, per_line)
    assert np.linalg.norm(per_line[0] - per_line[2]) > 0.15
    assert np.linalg.norm(common[0] - common[2]) < 0.5 * np.linalg.norm(per_line[0] - per_line[2])
