"""Registration: find the document in a scan or photo and map it onto the reference specimen's geometry."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_WIDTH = 640
"""Width (px) at which the document is searched for; the homography is then scaled to full resolution."""
ECC_WIDTH = 360
"""Width (px) at which the ECC refinement runs (it costs time in proportion to the pixels)."""

MIN_SCORE = 0.25
"""Below this correlation with the reference a registration is not trusted."""


@dataclass(frozen=True)
class Registration:
    """A homography from an image's pixels to the reference's pixels, with how it was found and how well it fits."""

    homography: np.ndarray
    """3x3, maps image (x, y) to reference (x, y)."""
    size: tuple[int, int]
    """Reference (width, height) in pixels."""
    method: str
    """``shift`` | ``quad`` | ``features`` | ``none``, plus ``+edges`` (outline refined to subpixel) or ``+ecc``
    when refined."""
    score: float
    """Correlation of the warped image with the reference at working scale (-1..1)."""

    @property
    def ok(self) -> bool:
        """True when the warped image fits the reference well enough to run geometry-based checks."""
        return self.score >= MIN_SCORE

    def warp(self, image: np.ndarray, *, interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
        """The image resampled onto the reference geometry."""
        return cv2.warpPerspective(
            image, self.homography, self.size, flags=interpolation, borderMode=cv2.BORDER_REPLICATE
        )

    def to_image(self, region: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A reference-pixel box mapped back into the image's pixels (its bounding box)."""
        x, y, w, h = region
        pts = np.array([[[x, y]], [[x + w, y]], [[x + w, y + h]], [[x, y + h]]], dtype=np.float64)
        back = cv2.perspectiveTransform(pts, np.linalg.inv(self.homography)).reshape(-1, 2)
        x0, y0 = np.floor(back.min(axis=0)).astype(int)
        x1, y1 = np.ceil(back.max(axis=0)).astype(int)
        return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _check_image(name: str, image: np.ndarray, *, grey_only: bool = False) -> None:
    """ValueError unless ``image`` is a uint8 grey (H, W) image, or (unless ``grey_only``) a BGR (H, W, 3) one."""
    if image.dtype != np.uint8:
        raise ValueError(f"{name} must be uint8, not {image.dtype}")
    if not (image.ndim == 2 or (not grey_only and image.ndim == 3 and image.shape[2] == 3)):
        want = "(H, W)" if grey_only else "(H, W) or (H, W, 3)"
        raise ValueError(f"{name} must be {want}, not shape {image.shape}")


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _small(gray: np.ndarray, width: int) -> tuple[np.ndarray, float]:
    """Downscale to ``width`` (never up); returns the image and the factor small/full."""
    h, w = gray.shape[:2]
    if w <= width:
        return gray, 1.0
    f = width / w
    return cv2.resize(gray, (width, max(1, round(h * f))), interpolation=cv2.INTER_AREA), f


def _scale(f: float) -> np.ndarray:
    return np.diag([f, f, 1.0])


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Zero-mean normalised correlation of two equally sized grey images.

    Parameters
    ----------
    a, b : numpy.ndarray
        Arrays of the same number of elements, any numeric dtype (compared as float32, flattened).

    Returns
    -------
    float
        In [-1, 1]; 0 when either is constant.
    """
    a = a.astype(np.float32).ravel()
    b = b.astype(np.float32).ravel()
    a -= a.mean()
    b -= b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 0 else 0.0


def _score(img_s: np.ndarray, ref_s: np.ndarray, h_small: np.ndarray) -> float:
    rh, rw = ref_s.shape
    warped = cv2.warpPerspective(img_s, h_small, (rw, rh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    k = (5, 5)
    return correlation(cv2.GaussianBlur(warped, k, 0), cv2.GaussianBlur(ref_s, k, 0))


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points ordered top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise from the left in image coordinates (y down)
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


QUAD_BLUR = 5
"""Gaussian kernel (px, at the working width) smoothing paper texture and noise before the page's outline is sought."""
QUAD_CANNY = (30, 90)
"""Canny's low and high thresholds: the usual 1:3 ratio, low enough for a pale page on a pale table."""
QUAD_CLOSE = 7
"""Closing kernel (px) bridging small gaps in a mask's outline (glare, print touching the page's edge)."""
QUAD_CONTOURS = 3
"""The largest contours of each mask that are tried: the page is among the biggest shapes of a capture."""
QUAD_AREA = (0.15, 0.995)
"""Share of the frame a document's outline may cover: at least 15 % (a photo's page covers about 80 %,
docs/formats.md), less than all of it (the frame's own border is not a document)."""
QUAD_EPSILONS = (0.01, 0.02, 0.03, 0.05)
"""Polygon-fit tolerances (share of the perimeter), tightest first: the first fit with 4 corners is the closest;
when none has 4, the minimum-area rectangle stands in."""


def find_quad(gray: np.ndarray) -> np.ndarray | None:
    """Corners (TL, TR, BR, BL) of the largest document-like quadrilateral in a grey image, or None.

    Parameters
    ----------
    gray : numpy.ndarray
        ``(H, W)`` ``uint8`` grey image (a capture shrunk to the working width, ``WORK_WIDTH``).

    Returns
    -------
    numpy.ndarray or None
        ``(4, 2)`` ``float32`` corners in ``gray``'s pixels, top-left first and clockwise; None when no
        candidate covers ``QUAD_AREA`` of the frame.

    Raises
    ------
    ValueError
        When ``gray`` is not a ``uint8`` ``(H, W)`` array.
    """
    _check_image("find_quad: gray", gray, grey_only=True)
    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (QUAD_BLUR, QUAD_BLUR), 0)
    candidates: list[np.ndarray] = []
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    edges = cv2.dilate(cv2.Canny(blur, *QUAD_CANNY), np.ones((3, 3), np.uint8))
    close = np.ones((QUAD_CLOSE, QUAD_CLOSE), np.uint8)
    for mask in (otsu, 255 - otsu, edges):
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, close)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[:QUAD_CONTOURS]:
            area = cv2.contourArea(cnt)
            if area < QUAD_AREA[0] * h * w or area > QUAD_AREA[1] * h * w:
                continue
            hull = cv2.convexHull(cnt)
            peri = cv2.arcLength(hull, True)
            for eps in QUAD_EPSILONS:
                approx = cv2.approxPolyDP(hull, eps * peri, True)
                if len(approx) == 4:
                    candidates.append(_order_corners(approx))
                    break
            else:
                rect = cv2.minAreaRect(hull)
                candidates.append(_order_corners(cv2.boxPoints(rect)))
    if not candidates:
        return None
    return max(candidates, key=lambda q: cv2.contourArea(q.reshape(-1, 1, 2)))


EDGE_SAMPLES = 28
"""Points sampled along each side of the outline when it is refined."""
EDGE_WINDOW = 5
"""Half-width (px) of the step filter that finds the paper's edge across a side."""


def _edge_offsets(profiles: np.ndarray, offsets: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per profile (grey along a side's outward normal at ``offsets``): subpixel offset of the paper's edge, and
    its step strength. The edge is the outermost strong step (a printed frame just inside it can be stronger)."""
    rows = np.arange(len(profiles))
    cs = np.concatenate([np.zeros((len(profiles), 1)), np.cumsum(profiles, axis=1)], axis=1)
    j = np.arange(window, profiles.shape[1] - window + 1)  # a boundary between samples j-1 and j
    step = (cs[:, j] - cs[:, j - window]) - (cs[:, j + window] - cs[:, j])  # inside minus outside
    mag = np.abs(step)
    strong = mag >= 0.5 * mag.max(axis=1, keepdims=True)
    last = strong.shape[1] - 1 - strong[:, ::-1].argmax(axis=1)  # the outermost strong boundary
    sign = np.sign(step[rows, last])
    cols = np.arange(strong.shape[1])[None, :]
    # the run of strong boundaries of that sign ending at the outermost one: its strongest
    broken = ~(strong & (np.sign(step) == sign[:, None])) & (cols < last[:, None])
    start = np.max(np.where(broken, cols, -1), axis=1) + 1
    run = (cols >= start[:, None]) & (cols <= last[:, None])
    k = np.where(run, step * sign[:, None], -np.inf).argmax(axis=1)
    # subpixel: the peak of the fine gradient near that boundary (parabola through three samples)
    g = (profiles[:, 1:] - profiles[:, :-1]) * -sign[:, None]  # between samples i and i+1, > 0 across the edge
    lo = np.clip(j[k] - 3, 0, g.shape[1] - 6)
    i = np.clip(lo + np.stack([g[rows, lo + d] for d in range(6)], axis=1).argmax(axis=1), 1, g.shape[1] - 2)
    y0, y1, y2 = g[rows, i - 1], g[rows, i], g[rows, i + 1]
    den = y0 - 2 * y1 + y2
    safe = np.abs(den) > 1e-6
    frac = np.where(safe, 0.5 * (y0 - y2) / np.where(safe, den, 1.0), 0.0)
    return offsets[i] + 0.5 + np.clip(frac, -1.0, 1.0), mag[rows, k] / window


def refine_quad(gray: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    """A document outline (TL, TR, BR, BL in ``gray``'s pixels, a few pixels off) refined to subpixel corners.

    Each side's edge is found across the side at ``EDGE_SAMPLES`` points, a line is fitted robustly through them,
    and the corners are the lines' intersections.

    Parameters
    ----------
    gray : numpy.ndarray
        ``(H, W)`` ``uint8`` grey image at full resolution.
    quad : numpy.ndarray
        ``(4, 2)`` (or ``(4, 1, 2)``) corners TL, TR, BR, BL in ``gray``'s pixels, any float or int dtype.

    Returns
    -------
    numpy.ndarray or None
        ``(4, 2)`` ``float64`` corners; None when a side has too few clear edge points or the result strays from
        the given outline.

    Raises
    ------
    ValueError
        When ``gray`` is not a ``uint8`` ``(H, W)`` array or ``quad`` does not hold 4 points.
    """
    _check_image("refine_quad: gray", gray, grey_only=True)
    if np.asarray(quad).size != 8:
        raise ValueError(f"refine_quad: quad must hold 4 (x, y) points, not shape {np.asarray(quad).shape}")
    quad = np.asarray(quad, np.float64).reshape(4, 2)
    center = quad.mean(axis=0)
    diag = float(np.linalg.norm(quad[2] - quad[0]))
    reach = max(6, round(0.012 * diag))
    offsets = np.arange(-reach - EDGE_WINDOW, reach + EDGE_WINDOW + 1, dtype=np.float64)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        length = float(np.linalg.norm(b - a))
        if length < 10:
            return None
        d = (b - a) / length
        n = np.array([-d[1], d[0]])
        if np.dot((a + b) / 2 - center, n) < 0:
            n = -n  # outward
        pts = a + np.linspace(0.1, 0.9, EDGE_SAMPLES)[:, None] * (b - a)
        xy = (pts[:, None, :] + offsets[None, :, None] * n).astype(np.float32)
        profiles = cv2.remap(gray, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        pos, strength = _edge_offsets(profiles.astype(np.float64), offsets, EDGE_WINDOW)
        keep = strength > 0.5 * np.median(strength)
        if keep.sum() < EDGE_SAMPLES // 2:
            return None
        edge = pts[keep] + pos[keep, None] * n
        lines.append(cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel().astype(np.float64))
    corners = []
    for i in range(4):  # corner i joins side i-1 and side i
        (u1, v1, x1, y1), (u2, v2, x2, y2) = lines[i - 1], lines[i]
        m = np.array([[u1, -u2], [v1, -v2]])
        if abs(np.linalg.det(m)) < 1e-6:
            return None
        t1 = np.linalg.solve(m, [x2 - x1, y2 - y1])[0]
        corners.append([x1 + t1 * u1, y1 + t1 * v1])
    out = np.array(corners)
    if np.abs(out - quad).max() > 0.03 * diag:
        return None
    return out


_ORB = None
_REF_FEATURES: dict[int, tuple[np.ndarray, tuple, np.ndarray]] = {}


def _orb():
    global _ORB
    if _ORB is None:
        _ORB = cv2.ORB_create(nfeatures=2000, fastThreshold=10)
    return _ORB


def _ref_features(ref_s: np.ndarray) -> tuple[tuple, np.ndarray | None]:
    """ORB keypoints of a (cached) reference at working scale."""
    hit = _REF_FEATURES.get(id(ref_s))
    if hit is not None and hit[0] is ref_s:
        return hit[1], hit[2]
    k, d = _orb().detectAndCompute(ref_s, None)
    if len(_REF_FEATURES) > 16:
        _REF_FEATURES.clear()
    _REF_FEATURES[id(ref_s)] = (ref_s, k, d)
    return k, d


def _features_transform(img_s: np.ndarray, ref_s: np.ndarray, model: str) -> np.ndarray | None:
    """Image->reference transform from ORB matches: a homography, or a similarity for flat scans."""
    k1, d1 = _orb().detectAndCompute(img_s, None)
    k2, d2 = _ref_features(ref_s)
    if d1 is None or d2 is None or len(k1) < 8 or len(k2) < 8:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    good = []
    for pair in matcher.knnMatch(d1, d2, k=2):
        if len(pair) == 2 and pair[0].distance < 0.8 * pair[1].distance:
            good.append(pair[0])
    if len(good) < 12:
        return None
    src = np.array([k1[m.queryIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    dst = np.array([k2[m.trainIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    if model == "similarity":
        aff, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0)
        if aff is None or inliers is None or int(inliers.sum()) < 10:
            return None
        return np.vstack([aff, [0, 0, 1]]).astype(np.float64)
    hom, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 4.0)
    if hom is None or inliers is None or int(inliers.sum()) < 10:
        return None
    return hom


def _plausible(h_small: np.ndarray, img_shape: tuple[int, int], ref_shape: tuple[int, int]) -> bool:
    """The reference's outline, mapped into the image, is a convex quad of sensible size."""
    try:
        inv = np.linalg.inv(h_small)
    except np.linalg.LinAlgError:
        return False
    rh, rw = ref_shape
    pts = np.array([[[0, 0]], [[rw, 0]], [[rw, rh]], [[0, rh]]], dtype=np.float64)
    quad = cv2.perspectiveTransform(pts, inv).astype(np.float32)
    if not cv2.isContourConvex(quad):
        return False
    area = cv2.contourArea(quad)
    ih, iw = img_shape
    return 0.05 * ih * iw < area < 4.0 * ih * iw


def _phase_shift(img_s: np.ndarray, ref_s: np.ndarray) -> np.ndarray:
    """The translation (image -> reference) that best overlays a flat scan on the reference, by phase correlation."""
    ih, iw = img_s.shape
    rh, rw = ref_s.shape
    h, w = max(ih, rh), max(iw, rw)
    a = np.zeros((h, w), np.float32)
    b = np.zeros((h, w), np.float32)
    a[:ih, :iw] = _highpass(img_s)
    b[:rh, :rw] = _ref_highpass(ref_s)
    (dx, dy), _ = cv2.phaseCorrelate(b, a, cv2.createHanningWindow((w, h), cv2.CV_32F))
    # phaseCorrelate gives the shift of ``a`` relative to ``b``: image = reference + (dx, dy)
    return np.array([[1, 0, -dx], [0, 1, -dy], [0, 0, 1]], np.float64)


def _highpass(gray: np.ndarray) -> np.ndarray:
    """Detail without lighting: the image minus its blur, lightly smoothed (what ECC aligns)."""
    g = gray.astype(np.float32)
    return cv2.GaussianBlur(g, (0, 0), 1.0) - cv2.GaussianBlur(g, (0, 0), 6.0)


_HIGHPASS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _ref_highpass(ref: np.ndarray) -> np.ndarray:
    """``_highpass`` of a (cached, shrunk) reference image, computed once per reference array."""
    hit = _HIGHPASS.get(id(ref))
    if hit is not None and hit[0] is ref:
        return hit[1]
    if len(_HIGHPASS) > 16:
        _HIGHPASS.clear()
    hp = _highpass(ref)
    _HIGHPASS[id(ref)] = (ref, hp)
    return hp


def _refine_ecc(img_s: np.ndarray, ref_s: np.ndarray, h_small: np.ndarray, model: str) -> np.ndarray | None:
    """Refine an image->reference transform with ECC on high-passed images (OpenCV's warp maps reference -> image)."""
    warp = np.linalg.inv(h_small)
    warp /= warp[2, 2]
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 40, 1e-4)
    motion = cv2.MOTION_EUCLIDEAN if model == "similarity" else cv2.MOTION_HOMOGRAPHY
    w0 = warp[:2].astype(np.float32) if motion == cv2.MOTION_EUCLIDEAN else warp.astype(np.float32)
    try:
        _, w = cv2.findTransformECC(_ref_highpass(ref_s), _highpass(img_s), w0, motion, criteria, None, 3)
    except cv2.error:
        return None
    if motion == cv2.MOTION_EUCLIDEAN:
        w = np.vstack([w, [0, 0, 1]])
    try:
        return np.linalg.inv(w.astype(np.float64))
    except np.linalg.LinAlgError:
        return None


def register(
    image: np.ndarray, reference: np.ndarray, *, model: str = "homography", refine: bool = True
) -> Registration:
    """Map a document image onto a reference image: outline quad or ORB features (photos), phase correlation or
    features (scans); refined by the outline's edges at full resolution (photos) or else by ECC.

    Parameters
    ----------
    image : numpy.ndarray
        The document, ``uint8``: ``(H, W, 3)`` BGR or ``(H, W)`` grey.
    reference : numpy.ndarray
        The reference specimen's image, ``uint8`` grey or BGR.
    model : str
        ``homography`` (photos: perspective) or ``similarity`` (flat scans: rotation, shift, scale).
    refine : bool
        Refine the first estimate (outline edges or ECC).

    Returns
    -------
    Registration
        The homography from ``image`` to ``reference`` pixels (3x3 ``float64``), the reference's size, the method
        that won and its score (correlation of the warped image with the reference; -1 when nothing fitted).

    Raises
    ------
    ValueError
        For images that are not ``uint8`` grey or BGR arrays.
    """
    _check_image("register: image", image)
    _check_image("register: reference", reference)
    gray = _gray(image)
    rh, rw = reference.shape[:2]
    ref_s, fr = _ref_small(reference)
    # a scan is at the reference's resolution: shrink it alike; a photo is shrunk to the working width
    fi = fr if model == "similarity" else min(1.0, WORK_WIDTH / gray.shape[1])
    img_s = cv2.resize(gray, None, fx=fi, fy=fi, interpolation=cv2.INTER_AREA) if fi < 1.0 else gray

    def to_full(hs: np.ndarray) -> np.ndarray:
        return np.linalg.inv(_scale(fr)) @ hs @ _scale(fi)

    candidates: list[tuple[float, str, np.ndarray]] = []
    outlines: dict[int, np.ndarray] = {}  # candidate index -> its outline corners in img_s
    rs_h, rs_w = ref_s.shape
    if model == "homography":
        quad = find_quad(img_s)
        if quad is not None:
            dst = np.array([[0, 0], [rs_w - 1, 0], [rs_w - 1, rs_h - 1], [0, rs_h - 1]], np.float32)
            for corners_q in (quad, np.roll(quad, 2, axis=0)):  # upright, or turned by 180 degrees
                hs = cv2.getPerspectiveTransform(corners_q, dst).astype(np.float64)
                if _plausible(hs, img_s.shape, ref_s.shape):
                    outlines[len(candidates)] = corners_q
                    candidates.append((_score(img_s, ref_s, hs), "quad", hs))
    else:
        # a flat scan at the reference's scale: find the shift by phase correlation
        hs = _phase_shift(img_s, ref_s)
        candidates.append((_score(img_s, ref_s, hs), "shift", hs))

    def by_edges(i: int) -> Registration | None:
        """Candidate ``i`` with its outline refined to subpixel at full resolution (photos), if that fits as well."""
        fine = refine_quad(gray, outlines[i] / fi)
        if fine is None:
            return None
        # the reference's outline: the outer edges of its corner pixels
        edge = np.array([[-0.5, -0.5], [rw - 0.5, -0.5], [rw - 0.5, rh - 0.5], [-0.5, rh - 0.5]], np.float32)
        h_full = cv2.getPerspectiveTransform(fine.astype(np.float32), edge).astype(np.float64)
        he = _scale(fr) @ h_full @ np.linalg.inv(_scale(fi))
        if not _plausible(he, img_s.shape, ref_s.shape):
            return None
        s2 = _score(img_s, ref_s, he)
        if s2 < candidates[i][0] - 0.01:
            return None
        return Registration(h_full, (rw, rh), candidates[i][1] + "+edges", float(s2))

    # a photo's outline, refined to subpixel, fixes the perspective to a fraction of a pixel (homography ECC on
    # the page's content is slower and often drifts off by several pixels): when it fits, no feature matching
    refined: Registration | None = None
    first = -1
    if refine and outlines:
        first = max(outlines, key=lambda i: candidates[i][0])
        refined = by_edges(first)
        if refined is not None and refined.score >= 0.5:
            return refined
    if not candidates or max(c[0] for c in candidates) < 0.5:
        hs = _features_transform(img_s, ref_s, model)
        if hs is not None and _plausible(hs, img_s.shape, ref_s.shape):
            if model == "homography":  # the reference's outline seen through the match, to refine like a quad's
                corners = np.array([[[0, 0]], [[rs_w - 1, 0]], [[rs_w - 1, rs_h - 1]], [[0, rs_h - 1]]], np.float64)
                outlines[len(candidates)] = cv2.perspectiveTransform(corners, np.linalg.inv(hs)).reshape(4, 2)
            candidates.append((_score(img_s, ref_s, hs), "features", hs))
    if not candidates:
        return Registration(np.eye(3), (rw, rh), "none", -1.0)
    best = max(range(len(candidates)), key=lambda i: candidates[i][0])
    score, method, hs = candidates[best]
    if refine and best in outlines:
        done = refined if best == first else by_edges(best)
        if done is not None:
            return done
    if refine:
        q = min(1.0, ECC_WIDTH / ref_s.shape[1])
        ref_e = _ecc_small(ref_s, q)
        img_e = cv2.resize(img_s, None, fx=q, fy=q, interpolation=cv2.INTER_AREA) if q < 1 else img_s
        he = _refine_ecc(img_e, ref_e, _scale(q) @ hs @ np.linalg.inv(_scale(q)), model)
        if he is not None:
            he = np.linalg.inv(_scale(q)) @ he @ _scale(q)
            if _plausible(he, img_s.shape, ref_s.shape):
                s2 = _score(img_s, ref_s, he)
                if s2 >= score - 0.01:
                    score, method, hs = s2, method + "+ecc", he
    return Registration(to_full(hs), (rw, rh), method, float(score))


_SMALL: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}


def _ref_small(ref: np.ndarray) -> tuple[np.ndarray, float]:
    """The reference in grey at working width (cached per reference array)."""
    hit = _SMALL.get(id(ref))
    if hit is not None and hit[0] is ref:
        return hit[1], hit[2]
    small, f = _small(_gray(ref), WORK_WIDTH)
    if len(_SMALL) > 16:
        _SMALL.clear()
    _SMALL[id(ref)] = (ref, small, f)
    return small, f


def _ecc_small(ref_s: np.ndarray, q: float) -> np.ndarray:
    key = -id(ref_s)
    hit = _SMALL.get(key)
    if hit is not None and hit[0] is ref_s:
        return hit[1]
    small = cv2.resize(ref_s, None, fx=q, fy=q, interpolation=cv2.INTER_AREA) if q < 1 else ref_s
    _SMALL[key] = (ref_s, small, q)
    return small
