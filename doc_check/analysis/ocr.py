"""Glyph classifier for OCR-B MRZ characters: cell patches, pixel + gradient features, PCA, nearest neighbours."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

from doc_check.analysis.glyphs import ALPHABET, random_text, render_line
from doc_check.analysis.locate import LineGrid

#: Patch size (width, height) each character cell is resampled to before classification.
PATCH_W, PATCH_H = 14, 20
#: Training set: this many synthetic lines of 44 characters, and the PCA dimension kept.
TRAIN_LINES = 90
PCA_DIM = 80
NEIGHBOURS = 8
#: Weight of classes outside the neighbours (e^-4, tuned on the tuned half: such a class is a distant second).
TAIL_WEIGHT = 0.0183
#: Softmax temperature over per-class nearest distances, as a fraction of the typical nearest distance.
SOFTMAX_TEMPERATURE = 0.35


def cell_patches(image: np.ndarray, line: LineGrid) -> np.ndarray:
    """Cut each character cell of `line` out of a normalised zone image: float32 (n, PATCH_H*PATCH_W), unit norm.

    Ink is normalised to the line's contrast; each cell is re-centred on its ink so small grid errors do not matter.
    """
    n = len(line.centers)
    pitch = line.pitch
    band = line.bottom - line.top
    y0 = line.top - 0.18 * band
    y1 = line.bottom + 0.18 * band
    h, w = image.shape
    drift = line.tilt * (line.centers[-1] - line.centers[0])
    yi0, yi1 = max(0, int(np.floor(y0 + min(0.0, drift)))), min(h, int(np.ceil(y1 + max(0.0, drift))) + 1)
    xi0 = max(0, int(np.floor(line.centers[0] - pitch)))
    xi1 = min(w, int(np.ceil(line.centers[-1] + pitch)) + 1)
    strip = image[yi0:yi1, xi0:xi1]
    if strip.size == 0 or yi1 - yi0 < 2:
        return np.zeros((n, PATCH_H * PATCH_W), np.float32)
    bg, fg = np.percentile(strip, (92, 4))
    ink = np.clip((float(bg) - image.astype(np.float32)) / max(float(bg - fg), 12.0), 0.0, 1.0)
    # re-centre each cell on the centroid of its column ink profile (clamped to a fraction of the pitch)
    col = ink[yi0:yi1].sum(axis=0, dtype=np.float64)
    cs = np.concatenate([[0.0], np.cumsum(col)])
    cm = np.concatenate([[0.0], np.cumsum(col * np.arange(w))])
    centers = np.asarray(line.centers)
    a = np.clip(np.round(centers - 0.5 * pitch).astype(int), 0, w)
    b = np.clip(np.round(centers + 0.5 * pitch).astype(int) + 1, 0, w)
    mass = cs[b] - cs[a]
    centroid = np.where(mass > 1e-3, (cm[b] - cm[a]) / np.maximum(mass, 1e-9), centers)
    centers = centers + np.clip(centroid - centers, -0.22 * pitch, 0.22 * pitch)
    # resample all cells in one remap, after a blur that stands in for area averaging
    patch_w, patch_h = 1.15 * pitch, y1 - y0
    sx, sy = patch_w / PATCH_W, patch_h / PATCH_H
    sigma_x, sigma_y = max(0.0, 0.45 * (sx - 1.0)), max(0.0, 0.45 * (sy - 1.0))
    if sigma_x > 0.05 or sigma_y > 0.05:
        ink = cv2.GaussianBlur(ink, (0, 0), sigmaX=max(sigma_x, 0.05), sigmaY=max(sigma_y, 0.05))
    u = (np.arange(PATCH_W) - (PATCH_W - 1) / 2) * sx
    v = (np.arange(PATCH_H) - (PATCH_H - 1) / 2) * sy + (y0 + y1) / 2
    xs = centers[:, None] + u[None, :]  # (n, PATCH_W)
    map_x = np.tile(xs.ravel().astype(np.float32), (PATCH_H, 1))
    dy = (line.tilt * (xs - line.centers[0])).ravel()  # follow a band that is not quite level
    map_y = (v[:, None] + dy[None, :]).astype(np.float32)
    cells = cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    out = cells.reshape(PATCH_H, n, PATCH_W).transpose(1, 0, 2).reshape(n, PATCH_H * PATCH_W)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out / np.maximum(norms, 1e-3), dtype=np.float32)


_ORIENTATIONS = 8
_CELLS_Y, _CELLS_X = 5, 4
#: The histogram cell (row-major in a 5x4 grid) each patch pixel votes into.
_CELL_INDEX = (np.arange(PATCH_H)[:, None] * _CELLS_Y // PATCH_H) * _CELLS_X + (
    np.arange(PATCH_W)[None, :] * _CELLS_X // PATCH_W
)
_HOG_WEIGHT = 0.7


def glyph_features(patches: np.ndarray) -> np.ndarray:
    """Feature vectors of cell patches: the normalised pixels plus a gradient-orientation histogram per cell of a
    5x4 grid (soft-binned, square-rooted, unit norm), which is robust to stroke weight and blur."""
    p = patches.reshape(-1, PATCH_H, PATCH_W)
    gx = np.zeros_like(p)
    gy = np.zeros_like(p)
    gx[:, :, 1:-1] = p[:, :, 2:] - p[:, :, :-2]
    gy[:, 1:-1, :] = p[:, 2:, :] - p[:, :-2, :]
    mag = np.sqrt(gx * gx + gy * gy)
    ang = (np.arctan2(gy, gx) % np.pi) * (_ORIENTATIONS / np.pi)
    lower = np.floor(ang)
    frac = ang - lower
    b0 = lower.astype(np.int64) % _ORIENTATIONS
    b1 = (b0 + 1) % _ORIENTATIONS
    n = len(p)
    cells = _CELL_INDEX[None, :, :] + (np.arange(n) * (_CELLS_Y * _CELLS_X))[:, None, None]
    size = n * _CELLS_Y * _CELLS_X * _ORIENTATIONS
    hist = np.bincount((cells * _ORIENTATIONS + b0).ravel(), (mag * (1 - frac)).ravel(), size)
    hist += np.bincount((cells * _ORIENTATIONS + b1).ravel(), (mag * frac).ravel(), size)
    hist = hist.reshape(n, -1)
    hist = hist / (np.linalg.norm(hist, axis=1, keepdims=True) + 1e-6)
    return np.hstack([patches, _HOG_WEIGHT * np.sqrt(hist)]).astype(np.float32)


@dataclass(frozen=True)
class GlyphClassifier:
    """PCA projection of the rendered training glyphs' features plus their labels, for nearest-neighbour search."""

    mean: np.ndarray
    basis: np.ndarray  # (feature length, PCA_DIM)
    train: np.ndarray  # (n, PCA_DIM), projected training patches
    labels: np.ndarray  # (n,) indices into ALPHABET, sorted
    train_sq: np.ndarray  # squared norms of `train`

    def classify(self, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return, per patch, class probabilities (n, 37) and the best class index (n,).

        Each class scores by its nearest training glyph (``labels`` are sorted, so one pass over the distance
        matrix gives every class's nearest); a softmax over those distances, scaled by the typical nearest
        distance, gives every class a probability, so a decoder restricted to some classes still ranks them.
        """
        if len(patches) == 0:
            return np.zeros((0, len(ALPHABET)), np.float32), np.zeros(0, int)
        q = (glyph_features(patches) - self.mean) @ self.basis
        d2 = self.train_sq[None, :] - 2.0 * q @ self.train.T + (q * q).sum(axis=1, keepdims=True)
        d2 = np.maximum(d2, 0.0)
        starts = np.flatnonzero(np.r_[True, self.labels[1:] != self.labels[:-1]])
        class_d2 = np.full((len(q), len(ALPHABET)), np.inf)
        class_d2[:, self.labels[starts]] = np.minimum.reduceat(d2, starts, axis=1)
        per_class = np.sqrt(class_d2)
        nearest = per_class.min(axis=1, keepdims=True)
        scale = max(float(np.median(nearest)), 0.05)
        soft = np.exp(-(per_class - nearest) / (SOFTMAX_TEMPERATURE * scale))
        # a class none of the NEIGHBOURS nearest training glyphs belongs to keeps only a tail of TAIL_WEIGHT:
        # eight neighbours of one class make a glyph certain; the tail still ranks the other classes
        kth = np.partition(d2, NEIGHBOURS - 1, axis=1)[:, NEIGHBOURS - 1 : NEIGHBOURS]
        near = class_d2 <= kth
        probs = np.where(near, soft, TAIL_WEIGHT * soft)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs.astype(np.float32), probs.argmax(axis=1)


def train_classifier(seed: int = 9303, lines: int = TRAIN_LINES) -> GlyphClassifier:
    """Render `lines` random degraded OCR-B lines, cut them like real zones, and fit the PCA + neighbour model."""
    rng = np.random.default_rng(seed)
    feats: list[np.ndarray] = []
    labels: list[int] = []
    index = {ch: i for i, ch in enumerate(ALPHABET)}
    for _ in range(lines):
        text = random_text(rng, 44)
        image, grid = render_line(text, rng)
        # grid errors as the locator makes them: a little pitch, offset and band jitter
        jit = rng.normal(0, 0.06 * grid.pitch)
        pj = grid.pitch * rng.normal(1.0, 0.005)
        c0 = grid.centers[0] + jit
        band = grid.bottom - grid.top
        noisy = LineGrid(
            tuple(c0 + i * pj for i in range(len(text))),
            grid.top + rng.normal(0, 0.05 * band),
            grid.bottom + rng.normal(0, 0.05 * band),
            pj,
        )
        feats.append(cell_patches(image, noisy))
        labels.extend(index[ch] for ch in text)
    x = glyph_features(np.concatenate(feats)).astype(np.float64)
    y = np.array(labels)
    mean = x.mean(axis=0)
    centred = x - mean
    _, vecs = np.linalg.eigh(centred.T @ centred)  # principal axes, ascending variance
    basis = vecs[:, ::-1][:, :PCA_DIM]
    order = np.argsort(y, kind="stable")  # grouped by class: classify() takes each class's nearest in one pass
    train = (centred @ basis)[order]
    return GlyphClassifier(
        mean.astype(np.float32),
        basis.astype(np.float32),
        train.astype(np.float32),
        y[order],
        (train * train).sum(axis=1).astype(np.float32),
    )


@functools.cache
def default_classifier() -> GlyphClassifier:
    """The classifier trained once per process (deterministic seed), cached in memory."""
    return train_classifier()
