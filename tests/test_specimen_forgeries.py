"""Every forgery really changes what it claims, and its indicators are registered and as planted."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from doc_check import indicators
from doc_check.mrz import parse
from doc_check.specimen import layout as L
from doc_check.specimen.document import REFERENCE_DATE, format_date, random_document
from doc_check.specimen.faces import face_distance
from doc_check.specimen.forgeries import FORGERY_KINDS, Planted, apply_forgery, mrz_indicators
from doc_check.specimen.render import render_document

DPI = 100


def plant(
    kind: str | None, variant: str | None = None, field: str | None = None, doc_type: str = "td3", seed: int = 4
) -> Planted:
    rng = np.random.default_rng(seed)
    doc = random_document(doc_type, rng, expired=kind == "expired")
    return apply_forgery(doc, kind, variant, field, rng, seed=seed)


def pages(p: Planted, side: str = "front") -> dict[str, np.ndarray]:
    return render_document(p.document, DPI, p.plan)[side]


def crop(img: np.ndarray, box: L.Box, dpi: int = DPI) -> np.ndarray:
    x0, y0, x1, y1 = box.px(dpi)
    return img[y0:y1, x0:x1]


def grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img


def sharpness(img: np.ndarray) -> float:
    return float(np.abs(cv2.Laplacian(grey(img).astype(np.float32), cv2.CV_32F)).mean())


@pytest.mark.parametrize("kind", list(FORGERY_KINDS))
def test_every_variant_plants_registered_indicators(kind: str) -> None:
    for variant in FORGERY_KINDS[kind].variants:
        p = plant(kind, variant)
        assert p.verdict in indicators.VERDICTS
        assert p.verdict == FORGERY_KINDS[kind].verdict
        for ind in p.indicators:
            indicators.get(ind)  # raises for an unregistered id
        if p.verdict != "genuine":
            assert any(indicators.get(i).fraud_sign for i in p.indicators), (kind, variant)
        assert p.difficulty in ("easy", "medium", "hard")
        assert p.explanation


def test_genuine_has_no_indicator_and_valid_mrz() -> None:
    p = plant(None)
    assert p.verdict == "genuine" and p.indicators == ()
    assert parse(list(p.document.mrz()), today=REFERENCE_DATE).valid


def test_photo_substitution_portrait_differs_from_ghost() -> None:
    lay = L.layout("td3")
    genuine = pages(plant(None))
    forged_p = plant("photo_substitution", "laminate_edge")
    forged = pages(forged_p)

    def portrait_vs_ghost(img: np.ndarray) -> float:
        return face_distance(crop(img, lay.boxes["portrait"].grown(-2.5)), crop(img, lay.boxes["ghost"].grown(-1.5)))

    assert portrait_vs_ghost(forged["visible"]) > portrait_vs_ghost(genuine["visible"]) + 0.1
    # the UV pattern over the portrait is cut inside the new photo
    inner = lay.boxes["portrait"].grown(-3)
    assert crop(forged["uv"], inner).mean() < crop(genuine["uv"], inner).mean() - 3
    assert {"photo.substitution", "photo.ghost_mismatch", "photo.edge"} <= set(forged_p.indicators)


@pytest.mark.parametrize("field", ["surname", "birth_date", "expiry_date", "nationality"])
def test_data_alteration_mrz_unchanged_viz_differs_from_mrz(field: str) -> None:
    p = plant("data_alteration", "mrz_unchanged", field)
    printed = dict(p.plan.viz_values)[field]
    mrz = parse(list(p.document.mrz()), today=REFERENCE_DATE)
    assert mrz.valid
    in_mrz = {
        "surname": mrz.surname,
        "birth_date": mrz.birth_date and format_date(mrz.birth_date),
        "expiry_date": mrz.expiry_date and format_date(mrz.expiry_date),
        "nationality": p.document.viz()["nationality"],
    }[field]
    assert printed != in_mrz
    assert p.indicators == (f"viz.mrz_mismatch.{field}",)
    # the pixels of that field really changed
    lay = L.layout("td3")
    box = lay.boxes[f"viz.{field}"]
    a = crop(pages(plant(None))["visible"], box)
    b = crop(pages(p)["visible"], box)
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 2


@pytest.mark.parametrize("field", ["birth_date", "expiry_date"])
def test_stale_check_digit_fails_as_planted(field: str) -> None:
    p = plant("data_alteration", "check_digit_stale", field)
    result = parse(list(p.plan.mrz_lines), today=REFERENCE_DATE)
    assert not result.valid
    assert result.checks[field] is False
    assert f"mrz.check_digit.{field}" in p.indicators
    assert set(p.indicators) == set(mrz_indicators(p.plan.mrz_lines))


def test_font_mismatch_and_erasure_keep_mrz_consistent() -> None:
    p = plant("data_alteration", "font_mismatch", "surname")
    assert parse(list(p.plan.mrz_lines), today=REFERENCE_DATE).surname == dict(p.plan.viz_values)["surname"]
    assert p.indicators[0] in ("print.font", "print.alignment")
    e = plant("data_alteration", "erasure", "surname")
    assert e.indicators == ("print.erasure",)
    lay = L.layout("td3")
    # erasure: against the same new value printed without erasing, the background around it is abraded
    from dataclasses import replace

    b = lay.boxes["viz.surname"]
    area = L.Box(b.x, b.y - 0.3, 14.0, b.h + 0.6)
    clean = replace(e.plan, erased=())
    erased = grey(crop(render_document(e.document, 200, e.plan)["front"]["visible"], area, dpi=200)).astype(float)
    reprinted = grey(crop(render_document(e.document, 200, clean)["front"]["visible"], area, dpi=200)).astype(float)
    text = cv2.dilate((reprinted < 110).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert erased[~text].std() < reprinted[~text].std()
    assert erased[~text].mean() > reprinted[~text].mean() + 3


@pytest.mark.parametrize("variant", ["check_digit", "field"])
def test_mrz_tampering_invalid_as_planted(variant: str) -> None:
    for doc_type in ("td3", "td1", "mrva"):
        p = plant("mrz_tampering", variant, doc_type=doc_type)
        result = parse(list(p.plan.mrz_lines), today=REFERENCE_DATE)
        assert not result.valid
        assert set(mrz_indicators(p.plan.mrz_lines)) <= set(p.indicators)
        assert any(i.startswith("mrz.check_digit.") for i in p.indicators)
        if variant == "field":
            assert result.birth_date != p.document.birth_date
            assert "viz.mrz_mismatch.birth_date" in p.indicators


def test_counterfeit_signs_are_in_the_pixels() -> None:
    lay = L.layout("td3")
    genuine = pages(plant(None))
    fake_p = plant("counterfeit", "colour_copy")
    fake = pages(fake_p)
    micro = lay.boxes["microprint"].grown(0.2)
    g300 = render_document(plant(None).document, 200)["front"]["visible"]
    f300 = render_document(fake_p.document, 200, fake_p.plan)["front"]["visible"]
    x0, y0, x1, y1 = micro.px(200)
    assert sharpness(f300[y0:y1, x0:x1]) < 0.7 * sharpness(g300[y0:y1, x0:x1])
    assert fake["uv"].mean() > genuine["uv"].mean() + 60  # paper glows
    assert (
        crop(fake["uv"], lay.boxes["uv_emblem"]).max() < crop(genuine["uv"], lay.boxes["uv_emblem"]).max() - 10
        or crop(fake["uv"], lay.boxes["uv_emblem"]).std() < crop(genuine["uv"], lay.boxes["uv_emblem"]).std()
    )
    empty = L.Box(90.0, 47.0, 10.0, 8.0)
    assert crop(fake["ir"], empty).std() > crop(genuine["ir"], empty).std() + 3  # background stays in IR
    assert crop(fake["ir"], lay.boxes["ir_mark"]).min() > 120  # IR mark missing


def test_stolen_blank_data_vanishes_in_ir() -> None:
    lay = L.layout("td3")
    for variant in ("inkjet", "toner"):
        p = plant("stolen_blank", variant)
        genuine, blank = pages(plant(None)), pages(p)
        for box in ("viz.surname", "mrz"):
            assert crop(blank["ir"], lay.boxes[box]).min() > crop(genuine["ir"], lay.boxes[box]).min() + 60
        assert {"ir.data", "ir.mrz", "print.personalisation"} <= set(p.indicators)


def test_pseudo_has_unknown_issuer_and_own_layout() -> None:
    p = plant("pseudo")
    result = parse(list(p.document.mrz()), today=REFERENCE_DATE)
    assert result.issuing_state == "ARC"
    assert "doc.issuer_unknown" in p.indicators
    lay = L.layout("td3")
    pseudo = pages(p)["visible"]
    # the portrait is not where Utopia puts it but mirrored to the other side
    from doc_check.specimen.faces import draw_face

    face = draw_face(p.document.face, 99, 126, noise_seed=p.document.face_seed)
    own = lay.boxes["portrait"].mirrored(lay.width_mm).grown(-2.5)
    assert (
        face_distance(crop(pseudo, own), face)
        < face_distance(crop(pseudo, lay.boxes["portrait"].grown(-2.5)), face) - 0.2
    )


def test_traps_are_genuine() -> None:
    e = plant("expired")
    assert e.verdict == "genuine" and "doc.expired" in e.indicators
    assert e.document.expiry_date < REFERENCE_DATE
    assert not indicators.get("doc.expired").fraud_sign
    for variant in ("crease", "stain"):
        w = plant("worn", variant)
        assert w.verdict == "genuine" and w.indicators == ()
        assert np.abs(pages(w)["visible"].astype(int) - pages(plant(None))["visible"].astype(int)).mean() > 0.5


@pytest.mark.parametrize("doc_type", ["td1", "mrva"])
def test_every_kind_renders_on_every_type(doc_type: str) -> None:
    genuine = render_document(plant(None, doc_type=doc_type).document, 72)
    for kind, spec in FORGERY_KINDS.items():
        p = plant(kind, spec.variants[-1], doc_type=doc_type)
        forged = render_document(p.document, 72, p.plan)
        assert set(forged) == set(genuine)
        changed = any(
            not np.array_equal(forged[side][ch], genuine[side][ch])
            for side in genuine
            for ch in ("visible", "uv", "ir")
        )
        assert changed, kind
