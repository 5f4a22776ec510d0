"""Find the machine readable zone in a document image: 2-3 long parallel lines of monospaced glyphs, any rotation."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

#: Longest side (pixels) of the working copy used to find the zone; bigger images are shrunk for this step.
WORK_SIDE = 1200
#: Height in pixels that a zone's capital letters get in the normalised (upright, deskewed) crop.
NORM_HEIGHT = 24.0
#: Characters per line of each MRZ layout: TD1 has 3 lines, TD2/MRV-B 2x36, TD3/MRV-A 2x44.
LINE_LENGTHS = (30, 36, 44)


@dataclass(frozen=True)
class LineGrid:
    """One MRZ line in the normalised crop: character centres along x, and the band [top, bottom] of capitals."""

    centers: tuple[float, ...]
    top: float
    bottom: float
    pitch: float
    tilt: float = 0.0  # dy/dx of the band: top/bottom hold at centers[0] and move by tilt * (x - centers[0])


@dataclass(frozen=True)
class MrzZone:
    """A candidate MRZ: an upright, deskewed crop of it, the per-line character grid, and where it came from."""

    crop: np.ndarray  # grayscale uint8, upright, capitals NORM_HEIGHT pixels tall
    lines: tuple[LineGrid, ...]
    rotation: int  # quarter turns (degrees, counter-clockwise) applied to the input to make the crop upright
    angle: float  # residual skew in degrees that was removed
    region: tuple[int, int, int, int]  # (x, y, w, h) of the zone in the input image's pixels
    score: float


@dataclass(frozen=True)
class _Chain:
    """A run of glyph-sized blobs along a straight line, in the frame of one orientation of the work image."""

    idx: np.ndarray  # component indices, left to right
    slope: float
    intercept: float
    height: float
    left: float
    right: float


def find_mrz_zones(gray: np.ndarray, *, max_zones: int = 3) -> list[MrzZone]:
    """Return MRZ candidates, best first, each as an upright normalised crop in the orientation 0 or 90 degrees.

    The crop of a candidate may still be upside down: the reader also tries it turned by 180 degrees.
    """
    return list(iter_mrz_zones(gray, max_zones=max_zones))


def iter_mrz_zones(gray: np.ndarray, *, max_zones: int = 3) -> Iterator[MrzZone]:
    """Like find_mrz_zones, but warps each candidate only when the caller asks for it (best first)."""
    if gray.ndim != 2:
        raise ValueError("find_mrz_zones expects a grayscale image")
    h0, w0 = gray.shape
    scale = min(1.0, WORK_SIDE / max(h0, w0))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1.0 else gray
    stats, centers, dark = _components(small)
    if len(stats) < 20:
        return
    zones: list[tuple[float, int, list[_Chain], np.ndarray, np.ndarray]] = []
    sh, sw = small.shape
    for quarter in (0, 1):
        boxes, cxy = _frame(stats, centers, quarter, sw, sh)
        chains = _chains(boxes, cxy)
        for group, score in _groups(chains):
            zones.append((score, quarter, group, boxes, cxy))
    zones.sort(key=lambda z: -z[0])
    for score, quarter, group, boxes, cxy in zones[:max_zones]:
        zone = _normalise(gray, scale, quarter, group, boxes, cxy, dark, score, (sw, sh))
        if zone is not None:
            yield zone


def _components(small: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Binarise dark ink locally and return connected components (x, y, w, h, area) of glyph size, and centroids."""
    block = max(15, (min(small.shape) // 24) | 1)
    binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    n, labels, stats, cent = cv2.connectedComponentsWithStats(binary, connectivity=8)
    # contrast of each blob: how much darker it is than its neighbourhood (local mean)
    local = cv2.blur(small, (block, block)).astype(np.float64) - small
    contrast = np.bincount(labels.ravel(), weights=local.ravel(), minlength=n)[1:] / np.maximum(stats[1:, 4], 1)
    stats, cent = stats[1:], cent[1:]
    longest = max(small.shape)
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    big = np.maximum(w, h)
    keep = (big >= 5) & (big <= longest / 12) & (area >= 8) & (area <= 0.9 * w * h + 1)
    return stats[keep].astype(np.float64), cent[keep].astype(np.float64), contrast[keep]


def _frame(stats: np.ndarray, cent: np.ndarray, quarter: int, sw: int, sh: int) -> tuple[np.ndarray, np.ndarray]:
    """Express boxes (x, y, w, h) and centres in the frame of the work image turned by `quarter` x 90 deg CCW."""
    if quarter == 0:
        return stats[:, :4].copy(), cent.copy()
    x, y, w, h = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    # np.rot90 (counter-clockwise): new_x = y, new_y = (W - 1) - x
    boxes = np.stack([y, (sw - 1) - (x + w - 1), h, w], axis=1)
    cxy = np.stack([cent[:, 1], (sw - 1) - cent[:, 0]], axis=1)
    return boxes, cxy


def _chains(boxes: np.ndarray, cxy: np.ndarray) -> list[_Chain]:
    """Link each blob to its nearest right-hand neighbour of similar height on the same text line."""
    n = len(boxes)
    order = np.argsort(boxes[:, 0], kind="stable")
    xs = boxes[order, 0]
    x, w, h = boxes[:, 0], boxes[:, 2], boxes[:, 3]
    right = x + w
    lo = np.searchsorted(xs, x + 0.3 * w)
    hi = np.searchsorted(xs, right + 5.8 * h + 1)
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    succ = np.full(n, -1)
    if total:
        ii = np.repeat(np.arange(n), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        jj = order[np.repeat(lo, counts) + offsets]
        hi_, hj = h[ii], h[jj]
        ref = np.maximum(hi_, hj)
        dy = np.abs(cxy[jj, 1] - cxy[ii, 1])
        gap = x[jj] - right[ii]
        ok = (dy < 0.45 * ref) & (hj < 2.6 * hi_) & (hi_ < 2.6 * hj) & (gap < 2.2 * ref) & (jj != ii)
        ii, jj = ii[ok], jj[ok]
        cost = gap[ok] / ref[ok] + 2.0 * dy[ok] / ref[ok]
        # best successor per blob
        srt = np.lexsort((cost, ii))
        ii, jj, cost = ii[srt], jj[srt], cost[srt]
        first = np.r_[True, ii[1:] != ii[:-1]]
        ii, jj, cost = ii[first], jj[first], cost[first]
        # each blob keeps at most one predecessor: the cheapest claim wins
        srt = np.argsort(cost, kind="stable")
        ii, jj = ii[srt], jj[srt]
        _, keep = np.unique(jj, return_index=True)
        succ[ii[keep]] = jj[keep]
    has_pred = np.zeros(n, bool)
    has_pred[succ[succ >= 0]] = True
    chains: list[_Chain] = []
    for start in np.flatnonzero(~has_pred & (succ >= 0)):
        idx = [int(start)]
        while succ[idx[-1]] >= 0 and len(idx) < 200:
            idx.append(int(succ[idx[-1]]))
        if len(idx) < 12:
            continue
        chain = _fit_chain(np.array(idx), boxes, cxy)
        if chain is not None:
            chains.append(chain)
    return chains


def _fit_chain(idx: np.ndarray, boxes: np.ndarray, cxy: np.ndarray) -> _Chain | None:
    """Fit a straight line through a chain's tall blobs; reject chains that are not a long thin line of glyphs."""
    h = boxes[idx, 3]
    height = float(np.percentile(h, 75))
    tall = idx[h >= 0.7 * height]
    if len(tall) < 6:
        return None
    x, y = cxy[tall, 0], cxy[tall, 1]
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    good = np.abs(resid) < max(1.5, 0.2 * height)
    if good.sum() >= 6:
        slope, intercept = np.polyfit(x[good], y[good], 1)
    if abs(slope) > 0.15:  # more than ~8.5 degrees of skew: not what we handle
        return None
    left = float(boxes[idx, 0].min())
    right = float((boxes[idx, 0] + boxes[idx, 2]).max())
    if right - left < 12 * height:
        return None
    return _Chain(idx, float(slope), float(intercept), height, left, right)


def _groups(chains: list[_Chain]) -> list[tuple[list[_Chain], float]]:
    """Group 2-3 parallel, overlapping chains stacked at MRZ line spacing; score each group."""
    chains = sorted(chains, key=lambda c: c.intercept + c.slope * (c.left + c.right) / 2)
    out: list[tuple[list[_Chain], float]] = []

    def companion(a: _Chain, b: _Chain) -> bool:
        h = max(a.height, b.height)
        mid = (max(a.left, b.left) + min(a.right, b.right)) / 2
        dy = (b.intercept + b.slope * mid) - (a.intercept + a.slope * mid)
        overlap = min(a.right, b.right) - max(a.left, b.left)
        shorter = min(a.right - a.left, b.right - b.left)
        return (
            1.1 * h < dy < 3.6 * h
            and abs(a.slope - b.slope) < 0.035
            and overlap > 0.5 * shorter
            and 0.7 < a.height / b.height < 1.4
        )

    n = len(chains)
    for i in range(n):
        for j in range(i + 1, n):
            if not companion(chains[i], chains[j]):
                continue
            pair = [chains[i], chains[j]]
            third = next((chains[k] for k in range(j + 1, n) if companion(chains[j], chains[k])), None)
            if third is not None:
                out.append(([*pair, third], _score([*pair, third])))
            out.append((pair, _score(pair) * (0.7 if third is not None else 1.0)))
    return out


def _score(group: list[_Chain]) -> float:
    """Prefer zones whose lines are long (in glyphs), many and mutually consistent."""
    glyphs = sum(len(c.idx) for c in group)
    lengths = [c.right - c.left for c in group]
    return glyphs * (min(lengths) / max(lengths)) ** 0.5


def _normalise(
    gray: np.ndarray,
    scale: float,
    quarter: int,
    group: list[_Chain],
    boxes: np.ndarray,
    cxy: np.ndarray,
    dark: np.ndarray,
    score: float,
    small_size: tuple[int, int],
) -> MrzZone | None:
    """Warp the zone from the full-resolution input into an upright, deskewed crop and grid its characters."""
    sw, _sh = small_size
    height = float(np.median([c.height for c in group]))
    slope = float(np.median([c.slope for c in group]))
    angle = math.degrees(math.atan(slope))
    k = NORM_HEIGHT / height  # work-frame pixels -> crop pixels
    left = min(c.left for c in group)
    right = max(c.right for c in group)
    ys = [c.intercept + c.slope * (left + right) / 2 for c in group]
    cx, cy = (left + right) / 2, (ys[0] + ys[-1]) / 2
    # wide side margins: a line's chain may have missed faint glyphs at either end
    margin_x = 1.5 * height + max(0.1 * (right - left), 44 * height - (right - left))
    margin_y = 1.4 * height
    half_w = (right - left) / 2 / math.cos(math.atan(slope)) + margin_x
    half_h = (ys[-1] - ys[0]) / 2 + 0.5 * height + margin_y
    out_w, out_h = round(2 * half_w * k), round(2 * half_h * k)
    if out_w * out_h > 4_000_000 or out_w < 50:
        return None
    ca, sa = math.cos(-math.atan(slope)), math.sin(-math.atan(slope))
    # a maps a frame point p to the crop: k * R(-angle) (p - c) + (out_w/2, out_h/2)
    a = np.array([[k * ca, -k * sa, 0.0], [k * sa, k * ca, 0.0]])
    a[:, 2] = np.array([out_w / 2, out_h / 2]) - a[:, :2] @ np.array([cx, cy])
    # input (full resolution) -> work image (scale) -> frame (quarter turn)
    if quarter == 0:
        f = np.array([[scale, 0.0, 0.0], [0.0, scale, 0.0]])
    else:
        f = np.array([[0.0, scale, 0.0], [-scale, 0.0, sw - 1.0]])
    direct = _compose(a, f)
    grids = _grids(group, boxes, cxy, dark, a, k)
    if grids is None:
        return None
    zoom = k * scale
    src, total = gray, direct
    if zoom < 0.7:  # shrink with area averaging first, then warp the rest of the way
        pre = zoom / 0.9
        src = cv2.resize(gray, None, fx=pre, fy=pre, interpolation=cv2.INTER_AREA)
        total = _compose(direct, np.array([[1 / pre, 0.0, 0.0], [0.0, 1 / pre, 0.0]]))
    interp = cv2.INTER_CUBIC if zoom > 1.2 else cv2.INTER_LINEAR
    crop = cv2.warpAffine(src, total, (out_w, out_h), flags=interp, borderMode=cv2.BORDER_REPLICATE)
    grids = tuple(_refine(crop, g) for g in _extend(crop, grids))
    x0 = max(0.0, grids[0].centers[0] - 0.8 * grids[0].pitch)
    x1 = min(float(out_w), grids[0].centers[-1] + 0.8 * grids[0].pitch)
    y0 = max(0.0, grids[0].top - 0.6 * NORM_HEIGHT)
    y1 = min(float(out_h), grids[-1].bottom + 0.6 * NORM_HEIGHT)
    region = _region(cv2.invertAffineTransform(direct), (x0, y0, x1, y1), gray.shape)
    return MrzZone(crop, grids, quarter * 90, angle, region, score)


def _extend(crop: np.ndarray, grids: tuple[LineGrid, ...]) -> tuple[LineGrid, ...]:
    """Re-anchor the grid on the run of inked cells: the blob chains can miss glyphs at either end of a line
    (stains, stamps, glyphs touching). The run's length also settles 36 against 44 characters for two lines."""
    pitch = grids[0].pitch
    inks = []
    for g in grids:
        # a glyph darkens its band but not the clear space just above it; shading and card edges do both
        hgt = g.bottom - g.top
        band = crop[max(0, int(g.top)) : int(np.ceil(g.bottom)) + 1].astype(np.float32)
        gap = crop[max(0, int(g.top - 0.45 * hgt)) : max(1, int(g.top - 0.1 * hgt))].astype(np.float32)
        if band.size == 0 or gap.size == 0:
            return grids
        col = np.clip(gap.mean(axis=0) - band.mean(axis=0) - 8.0, 0, None) * band.shape[0]
        inks.append(np.concatenate([[0.0], np.cumsum(col)]))
    width = len(inks[0]) - 1

    def mass(c: float) -> float:
        """Ink in the cell centred at c, in the line that has least of it: MRZ lines are left-aligned and
        equally long, so a character column holds a glyph in every line."""
        a, b = round(c - 0.4 * pitch), round(c + 0.4 * pitch)
        if a < 0 or b > width:
            return 0.0
        return min(float(ink[b] - ink[a]) for ink in inks)

    cols = [np.diff(ink) for ink in inks]

    def glyph_like(c: float) -> bool:
        """A glyph leaves blank space before it in every line (unlike streaks, edges and shading)."""
        a, b = round(c - 0.75 * pitch), round(c + 0.25 * pitch)
        if a < 0 or b > width:
            return False
        for col in cols:
            seg = col[a:b]
            lead = seg[: max(1, int(0.45 * pitch))]
            if seg.max() <= 0 or lead.min() > 0.6 * seg.max():
                return False
        return True

    n = len(grids[0].centers)
    start = grids[0].centers[0]
    typical = float(np.median([mass(c) for c in grids[0].centers[: n // 2]]))
    if typical <= 0:
        return grids
    inked = lambda k: mass(start + k * pitch) > 0.2 * typical  # noqa: E731
    first = 0
    while (
        first > -20 and mass(start + (first - 1) * pitch) > 0.35 * typical and glyph_like(start + (first - 1) * pitch)
    ):
        first -= 1
    last = n - 1
    if inked(last):
        while last < n + 20 and inked(last + 1):
            last += 1
    else:
        while last > first and not inked(last):
            last -= 1
    run = last - first + 1
    if len(grids) == 2 and n == 36 and run >= 40:
        n = 44
    elif len(grids) == 2 and n == 44 and run <= 37:
        n = 36
    if first == 0 and n == len(grids[0].centers):
        return grids
    return tuple(_regrid(g, first, n) for g in grids)


def _refine(crop: np.ndarray, g: LineGrid) -> LineGrid:
    """Snap the grid to the blank columns between glyphs: where the blob chain missed part of a line, the
    extrapolated grid can drift by a fraction of a cell; the gaps between monospaced glyphs pin it back."""
    n, p = len(g.centers), g.pitch
    y0, y1 = max(0, int(g.top)), int(np.ceil(g.bottom)) + 1
    if n < 10 or y1 - y0 < 4:
        return g
    xs_all = np.asarray(g.centers)
    lo = int(max(0, np.floor(xs_all[0] - p)))
    hi = int(min(crop.shape[1], np.ceil(xs_all[-1] + p)))
    if g.tilt:  # level the band first: sample it along its tilt
        xx = np.arange(lo, hi, dtype=np.float32)
        yy = np.arange(y0, y1, dtype=np.float32)
        map_x = np.tile(xx, (len(yy), 1))
        map_y = (yy[:, None] + g.tilt * (xx[None, :] - xs_all[0])).astype(np.float32)
        band = cv2.remap(crop, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    else:
        band = crop[y0:y1, lo:hi].astype(np.float32)
    bg = float(np.percentile(band, 90))
    col = np.clip(bg - band - 10.0, 0, None).sum(axis=0)
    col = np.convolve(col, np.ones(3) / 3, mode="same")
    peak = float(np.percentile(col, 90))
    if peak <= 0:
        return g
    ks, xs = [], []
    bounds = np.concatenate([[xs_all[0] - p / 2], (xs_all[:-1] + xs_all[1:]) / 2, [xs_all[-1] + p / 2]])
    for k, b in enumerate(bounds):
        a_, b_ = round(b - 0.3 * p) - lo, round(b + 0.3 * p) - lo + 1
        if a_ < 0 or b_ > len(col):
            continue
        seg = col[a_:b_]
        j = int(np.argmin(seg))
        if seg[j] < 0.2 * peak:
            # centre of the blank run around the minimum
            blank = np.flatnonzero(seg <= seg[j] + 0.05 * peak)
            run = blank[np.abs(blank - j) <= 0.25 * p]
            ks.append(k - 0.5)
            xs.append(lo + a_ + float(run.mean()))
    if len(ks) < 0.6 * (n + 1):
        return g
    ks_a, xs_a = np.array(ks), np.array(xs)
    keep = np.ones(len(ks_a), bool)
    for _ in range(2):
        coef = np.polyfit(ks_a[keep], xs_a[keep], 2)
        resid = np.abs(xs_a - np.polyval(coef, ks_a))
        keep = resid < 0.2 * p
        if keep.sum() < 0.6 * (n + 1):
            return g
    coef = np.polyfit(ks_a[keep], xs_a[keep], 2)
    new = np.polyval(coef, np.arange(n))
    if np.abs(new - xs_all).max() > 0.6 * p or not 0.85 * p < float(np.median(np.diff(new))) < 1.15 * p:
        return g  # a different grid altogether: trust the blobs
    # locally, a cell lies between its own two gaps where both were seen close to where the curve puts them
    gap_at = {round(k + 0.5): x for k, x, ok in zip(ks_a, xs_a, keep, strict=True) if ok}
    for i in range(n):
        left, right = gap_at.get(i), gap_at.get(i + 1)
        if left is not None and right is not None and 0.75 * p < right - left < 1.25 * p:
            mid = (left + right) / 2
            if abs(mid - new[i]) < 0.3 * p:
                new[i] = mid
    return LineGrid(tuple(float(v) for v in new), g.top, g.bottom, g.pitch, g.tilt)


def regrid(g: LineGrid, start: int, n: int) -> LineGrid:
    """The line's grid re-indexed to begin `start` cells from its current first cell (negative: to the left) and to
    hold n cells, following its pitch and perspective drift; the band moves along with the tilt."""
    return _regrid(g, start, n)


def _regrid(g: LineGrid, start: int, n: int) -> LineGrid:
    idx = np.arange(len(g.centers))
    coef = np.polyfit(idx, np.asarray(g.centers), 2) if len(idx) >= 3 else np.array([0.0, g.pitch, g.centers[0]])
    centers = tuple(float(v) for v in np.polyval(coef, np.arange(start, start + n)))
    shift = g.tilt * (centers[0] - g.centers[0])
    return LineGrid(centers, g.top + shift, g.bottom + shift, g.pitch, g.tilt)


def _grids(
    group: list[_Chain], boxes: np.ndarray, cxy: np.ndarray, dark: np.ndarray, a: np.ndarray, k: float
) -> tuple[LineGrid, ...] | None:
    """Fit one monospaced grid shared by all lines (same pitch, left-aligned) from the blobs in crop coordinates."""
    nh = NORM_HEIGHT
    per_line = []
    for chain in group:
        idx = chain.idx
        pts = cxy[idx] @ a[:, :2].T + a[:, 2]
        w, h = boxes[idx, 2] * k, boxes[idx, 3] * k
        d = dark[idx]
        tall = h >= 0.7 * nh
        ref = np.median(d[tall]) if tall.any() else np.median(d)
        keep = d >= 0.4 * ref  # blobs much fainter than the line's glyphs are background print
        order = np.argsort(pts[keep, 0])
        per_line.append((pts[keep][order], w[keep][order], h[keep][order]))
    diffs = []
    for pts, w, h in per_line:
        single = (w < 1.15 * nh) & (h > 0.25 * nh)
        xs = pts[single, 0]
        if len(xs) > 1:
            diffs.append(np.diff(xs))
    if not diffs:
        return None
    d = np.concatenate(diffs)
    med = float(np.median(d))
    sel = d[(d > 0.6 * med) & (d < 1.4 * med)]
    pitch = float(np.median(sel)) if len(sel) else med
    if not 0.5 * nh < pitch < 2.0 * nh:
        return None
    pitch = _periodicity(per_line, pitch)
    fits = []
    for pts, w, h in per_line:
        single = (w < 1.15 * nh) & (h > 0.25 * nh)
        xs = pts[single, 0]
        if len(xs) < 4:
            fits.append(None)
            continue
        # keep the longest run without a gap of several characters (drops background blobs at the ends)
        cuts = np.flatnonzero(np.diff(xs) > 2.6 * pitch) + 1
        runs = np.split(xs, cuts)
        xs = max(runs, key=len)
        # a glyph broken in two (a thin stroke lost to blur) gives two blobs under half a pitch apart: one cell
        same = np.concatenate([[False], np.diff(xs) < 0.5 * pitch])
        if same.any():
            cell = np.cumsum(~same) - 1
            xs = np.bincount(cell, xs) / np.bincount(cell)
        p, first = pitch, float(xs[0])
        # cell indices step by step from neighbour to neighbour: robust to the pitch drifting along the line
        steps = np.maximum(1, np.round(np.diff(xs) / pitch))
        kk = np.concatenate([[0.0], np.cumsum(steps)])
        if len(np.unique(kk)) >= 4:
            p_new, first_new = np.polyfit(kk, xs, 1)
            if 0.9 * pitch < p_new < 1.1 * pitch:
                p, first = float(p_new), float(first_new)
        # perspective (photos) makes the pitch drift along a line: a gentle quadratic in the cell index
        curve = 0.0
        if len(np.unique(kk)) >= 20 and float(kk.max() - kk.min()) >= 25:
            # only when the straight grid visibly drifts and the curve removes most of that drift
            lin = np.abs(xs - (first + p * kk)).max()
            c2, c1, c0 = np.polyfit(kk, xs, 2)
            quad = np.abs(xs - np.polyval([c2, c1, c0], kk)).max()
            span_k = float(kk.max())
            bounded = abs(c2) * span_k * span_k < 0.15 * span_k * p and 0.85 * p < c1 < 1.15 * p
            if bounded and lin > 0.12 * p and quad < 0.6 * lin:
                curve, p, first = float(c2), float(c1), float(c0)
        tall = h >= 0.7 * nh
        tops = pts[tall, 1] - h[tall] / 2
        bottoms = pts[tall, 1] + h[tall] / 2
        tilt = 0.0
        if tall.sum() >= 6:
            tx = pts[tall, 0]
            tilt = float(np.polyfit(tx - first, (tops + bottoms) / 2, 1)[0])
            tilt = float(np.clip(tilt, -0.03, 0.03))  # what deskewing left: under 2 degrees
            if abs(tilt) * float(tx.max() - tx.min()) < 0.1 * nh:
                tilt = 0.0  # level within a tenth of the glyph height: noise, not perspective
            top = float(np.median(tops - tilt * (tx - first)))
            bottom = float(np.median(bottoms - tilt * (tx - first)))
        elif tall.any():
            top, bottom = float(np.median(tops)), float(np.median(bottoms))
        else:
            mid = float(np.median(pts[:, 1]))
            top, bottom = mid - nh / 2, mid + nh / 2
        fits.append((p, float(first), float(xs[-1]), top, bottom, curve, tilt))
    valid = [f for f in fits if f is not None]
    if len(valid) < 2:
        return None
    pitch = float(np.median([f[0] for f in valid]))
    start = min(f[1] for f in valid)
    span = max((f[2] - start) / pitch + 1 for f in valid)
    n_lines = len(group)
    n = 30 if n_lines == 3 else 44 if span > 39.5 else 36
    lines = []
    for f in fits:
        if f is None:
            ref = valid[0]
            top, bottom, first, p, curve, tilt = ref[3], ref[4], start, pitch, 0.0, ref[6]
            offset = 0
        else:
            p, first, _, top, bottom, curve, tilt = f
            offset = round((start - first) / p)
        centers = tuple(first + p * (i + offset) + curve * (i + offset) ** 2 for i in range(n))
        # the band was measured at the line's first glyph; move it to the grid's first cell
        shift = tilt * (centers[0] - first)
        lines.append(LineGrid(centers, top + shift, bottom + shift, pitch, tilt))
    return tuple(lines)


def _periodicity(per_line: list[tuple[np.ndarray, np.ndarray, np.ndarray]], guess: float) -> float:
    """Refine the pitch as the period that best aligns every line's glyph centres (phase coherence).

    Neighbour spacings are noisy; over a 44-character line a 1% error puts the far end half a cell off.
    """
    periods = guess * np.linspace(0.88, 1.12, 241)
    coherence = np.zeros(len(periods))
    for pts, w, h in per_line:
        single = (w < 1.15 * NORM_HEIGHT) & (h > 0.25 * NORM_HEIGHT)
        xs = pts[single, 0]
        if len(xs) < 4:
            continue
        phase = np.exp(2j * np.pi * xs[None, :] / periods[:, None])
        coherence += np.abs(phase.sum(axis=1))
    if not coherence.any():
        return guess
    return float(periods[int(np.argmax(coherence))])


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Affine a after b (2x3 matrices)."""
    a3 = np.vstack([a, [0, 0, 1]])
    b3 = np.vstack([b, [0, 0, 1]])
    return (a3 @ b3)[:2]


def _region(
    total_inverse: np.ndarray, box: tuple[float, float, float, float], shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    """Axis-aligned box, in input pixels, of a crop box (x0, y0, x1, y1) mapped back; clipped to the image."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], dtype=np.float64)
    pts = corners @ total_inverse[:, :2].T + total_inverse[:, 2]
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(shape[1], x1), min(shape[0], y1)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)
