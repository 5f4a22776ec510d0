"""Registration of photos: the outline refined at its edges lands within a pixel of the true perspective."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from doc_check.analysis.register import refine_quad, register
from doc_check.specimen.sampleset import render_reference


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    """The TD3 data page as the reference specimen renders it (150 dpi, BGR)."""
    return render_reference("td3", 150)["front"]["visible"]


def photograph(page: np.ndarray, corners: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The page warped onto a striped, noisy table so its corners land at ``corners``; returns (photo, true H)
    where H maps photo pixels to page pixels (page edges at -0.5 and size - 0.5, the pixel-centre convention)."""
    rng = np.random.default_rng(seed)
    h, w = page.shape[:2]
    out_w, out_h = int(w * 1.3), int(h * 1.35)
    yy, xx = np.mgrid[0:out_h, 0:out_w]
    table = 110 + 18 * np.sin(yy / 9.0 + xx / 60.0) + rng.normal(0, 4, (out_h, out_w))
    photo = np.repeat(np.clip(table, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
    edges = np.float32([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    m = cv2.getPerspectiveTransform(edges, corners.astype(np.float32))
    cv2.warpPerspective(page, m, (out_w, out_h), dst=photo, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
    photo = cv2.GaussianBlur(photo, (0, 0), 0.9)
    photo = np.clip(photo + rng.normal(0, 3, photo.shape), 0, 255).astype(np.uint8)
    return photo, np.linalg.inv(m)


def corner_error(h: np.ndarray, truth: np.ndarray, size: tuple[int, int]) -> float:
    """Largest distance (reference pixels) between where ``h`` and ``truth`` put the page's corners."""
    w, hh = size
    page = np.float64([[[0, 0]], [[w, 0]], [[w, hh]], [[0, hh]]])
    in_photo = cv2.perspectiveTransform(page, np.linalg.inv(truth))
    return float(np.abs(cv2.perspectiveTransform(in_photo, h) - page).max())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_photo_outline_registers_within_a_pixel(reference: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    h, w = reference.shape[:2]
    base = np.float64([[0.12 * w, 0.14 * h], [1.15 * w, 0.1 * h], [1.2 * w, 1.2 * h], [0.1 * w, 1.16 * h]])
    corners = base + rng.uniform(-0.03, 0.03, (4, 2)) * [w, h]
    photo, truth = photograph(reference, corners, seed)
    reg = register(photo, reference, model="homography")
    assert reg.ok and reg.method == "quad+edges", (reg.method, reg.score)
    assert corner_error(reg.homography, truth, (w, h)) < 1.0
    coarse = register(photo, reference, model="homography", refine=False)
    assert corner_error(coarse.homography, truth, (w, h)) > corner_error(reg.homography, truth, (w, h))


def test_refine_quad_finds_the_paper_edge_not_a_frame_inside_it() -> None:
    # a light page with a dark printed frame 8 px inside its edge, on a mid-grey table
    img = np.full((300, 400), 120, np.uint8)
    cv2.rectangle(img, (50, 40), (349, 259), 215, -1)
    cv2.rectangle(img, (58, 48), (341, 251), 40, 2)
    img = cv2.GaussianBlur(img, (0, 0), 1.0)
    rough = np.float64([[53, 37], [352, 42], [346, 262], [47, 256]])  # a few pixels off
    fine = refine_quad(img, rough)
    assert fine is not None
    edge = np.float64([[49.5, 39.5], [349.5, 39.5], [349.5, 259.5], [49.5, 259.5]])
    assert np.abs(fine - edge).max() < 0.5
