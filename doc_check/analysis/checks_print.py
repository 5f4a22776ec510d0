"""Print checks against the reference: microprint sharpness, background print, font and position of each data field,
erasure, personalisation technique."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from doc_check.analysis.checks_personalisation import check_personalisation
from doc_check.analysis.checks_uv import paper_level
from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page, masked_correlation
from doc_check.specimen.layout import LABEL_GAP_MM

MICROPRINT_MIN_SCORE = 0.3
"""Microprint sharpness score (letter match minus half the modulation ratio, see microprint_score) below which it
counts as blurred."""
BACKGROUND_MIN_CORRELATION = {"scan": 0.4, "photo": 0.35}
"""Agreement of the background print with the reference below which it counts as different."""
BACKGROUND_MAX_COLOUR = {"scan": 5.0, "photo": 18.0}
"""Mean colour distance (Lab) of the background from the reference above which it counts as different
(a photo's lighting and white balance shift colours, so the bar is higher)."""
ALIGN_MAX_MM = 0.25
"""How far (mm) a field's text may sit from its place (relative to its printed label, against the reference) before
it counts as misplaced."""
ALIGN_MAX_MM_PHOTO = 0.5
"""The same for every field at once on a photo (its registration is less exact than a scan's)."""
ALIGN_REL_MM_PHOTO = 0.28
"""The same for one field against the others on a photo."""
ALIGN_USUAL_BLUR_MM = {"scan": 0.1, "photo": 0.14}
"""Capture blur (sigma, mm, as measured) the alignment bars were set on; a softer capture widens them by the excess."""
HEIGHT_MAX_RATIO = 0.1
"""Cap height above the reference's (relative) beyond which, with heavier strokes, the face counts as wrong."""
STROKE_MAX_RATIO = 0.25
"""Relative difference of stroke width to the reference's above which the face counts as wrong."""
ERASURE_MIN_GLOW = 14.0
"""Grey levels by which the paper around a field may glow more under UV than on the reference (erasure reaction)."""
ERASURE_MAX_REF_SPREAD = 80.0
"""Interquartile range of the reference's UV brightness around a field above which the median measure is not used:
the surroundings are split between fluorescent print (an emblem) and dark paper, so their median flips with a
pixel of registration (a visa's sex field over the emblem measured -19 to +22 on genuine 200 dpi samples)."""
ERASURE_MIN_PATCH = 24.0
"""Grey levels by which the brightest tenth of a field's surroundings may glow more under UV than on the reference,
relative to the paper farther out (an abraded patch that hugs a short value in a long box, which moves the box's
median too little). On fresh 300 dpi sets (seeds 9005 and 9201) genuine fields reached 10 on scans and 17 on
photos, erased ones 29-36."""


def detail(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Fine detail energy: variance of the Laplacian (over ``mask`` when given)."""
    lap = cv2.Laplacian(gray.astype(np.float32), cv2.CV_32F, ksize=3)
    return float(lap[mask > 0].var()) if mask is not None and mask.any() else float(lap.var())


MICRO_PX_PER_MM = 14.0
"""Resolution at which the microprint line is examined (its letters are about 0.6 mm high)."""


def letter_modulation(band: np.ndarray) -> float:
    """How much a text line varies along itself (letters) relative to across it (its edges): |d/dx| over |d/dy|."""
    g = cv2.GaussianBlur(band.astype(np.float32), (0, 0), 0.6)
    dx = np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)).mean()
    dy = np.abs(cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)).mean()
    return float(dx / dy) if dy > 0 else 0.0


def microprint_match(page: Page) -> float:
    """Best normalised correlation of the reference's microprint with the sample's, over small shifts (0..1)."""
    box = page.box("microprint", grow_mm=0.6)
    s = page.fine("visible", box, MICRO_PX_PER_MM)
    r = page.fine("visible", box, MICRO_PX_PER_MM, reference=True)
    if s is None or r is None:
        return 1.0
    m = round(0.45 * MICRO_PX_PER_MM)
    scores = []
    # a few pieces along the line, so that a slight rotation or stretch costs nothing
    n = 6
    width = s.shape[1] // n
    for i in range(n):
        x0 = i * width
        tpl = r[m:-m, x0 + m : x0 + width - m]
        win = s[:, x0 : x0 + width]
        if tpl.size == 0 or tpl.std() < 1:
            continue
        res = cv2.matchTemplate(win.astype(np.float32), tpl.astype(np.float32), cv2.TM_CCOEFF_NORMED)
        scores.append(float(res.max()))
    return float(np.median(scores)) if scores else 1.0


def microprint_ratio(page: Page) -> float:
    """The microprint's letter modulation relative to the reference's (about 1 when as sharp)."""
    box = page.box("microprint", grow_mm=0.25)
    s = page.fine("visible", box, MICRO_PX_PER_MM)
    r = page.fine("visible", box, MICRO_PX_PER_MM, reference=True)
    if s is None or r is None:
        s, r = page.crop("visible", box), page.crop("visible", box, reference=True)
    ms, mr = letter_modulation(s), letter_modulation(r)
    return ms / mr if mr > 0 else 1.0


def microprint_score(page: Page) -> tuple[float, float, float]:
    """(score, match with the reference, letter modulation ratio): score = match - modulation / 2.

    Sharp microprint matches the reference's letters (match near 1) and keeps their modulation (ratio below 1);
    blurred microprint matches poorly and smears into strokes across the line (ratio above 1).
    """
    match = microprint_match(page)
    ratio = microprint_ratio(page)
    return match - 0.5 * ratio, match, ratio


def check_microprint(page: Page) -> Finding:
    """print.microprint: the microprint line is as sharp and legible as on the reference."""
    region = page.box("microprint")
    score, match, ratio = microprint_score(page)
    detail = f"letter match {match:.2f}, modulation {ratio:.0%} of the reference's"
    if score < MICROPRINT_MIN_SCORE and page.poor_capture:
        why = ", ".join(page.quality.problems() if page.quality else ())
        return Finding(
            "print.microprint",
            "warn",
            f"microprint unclear ({detail}), but the capture is too poor to decide: {why}",
            region,
            page.side,
            "visible",
        )
    if score < MICROPRINT_MIN_SCORE:
        return Finding(
            "print.microprint", "fail", f"microprint blurred or illegible ({detail})", region, page.side, "visible"
        )
    return Finding("print.microprint", "pass", f"microprint sharp ({detail})", region, page.side, "visible")


CLIPPED_MAX_SHARE = 0.3
"""Share of the background that must keep its colour (not clipped at white by the capture) for colours to be
compared."""


def background_measures(page: Page) -> tuple[float, float | None]:
    """(pattern correlation with the reference, mean Lab colour distance, None when the capture clipped too much of
    the background at white to tell) over the plain background."""
    mask = page.background_mask()
    sigma = max(1.0, page.px_per_mm * 0.12)
    s = page.detail("visible", sigma, sigma * 6)
    r = page.detail("visible", sigma, sigma * 6, reference=True)
    corr = masked_correlation(s, r, mask)

    def mean_lab(reference: bool) -> np.ndarray:
        img = (page.references if reference else page.images)["visible"]
        return np.array(cv2.mean(cv2.cvtColor(img, cv2.COLOR_BGR2LAB), mask=mask)[:3])

    if page.clipped is not None and cv2.countNonZero(cv2.bitwise_and(mask, page.clipped)):
        # where the capture clipped at white its colour is lost: compare the rest, or not at all when too little is
        kept = cv2.bitwise_and(mask, cv2.bitwise_not(page.clipped))
        if cv2.countNonZero(kept) < CLIPPED_MAX_SHARE * cv2.countNonZero(mask):
            return corr, None
        mask = kept
        return corr, float(np.linalg.norm(mean_lab(False) - mean_lab(True)))
    lab_r = page.memo(("mean_lab",), lambda: mean_lab(True), reference=True)
    colour = float(np.linalg.norm(mean_lab(False) - lab_r))
    return corr, colour


BACKGROUND_MIN_FIDELITY = 0.95
"""Fine-pattern agreement with the reference blurred as much as the capture measures (median over tiles), below
which a scan of at least ``FIDELITY_MIN_PX_PER_MM`` shows a coarser reproduction (thickened or broken lines).
Genuine scans measured 0.98-0.993 (150-300 dpi, a pasted portrait included), a 150 dpi colour copy 0.965."""
BACKGROUND_MIN_FIDELITY_COLOURED = 0.975
"""The same bar at any resolution when the capture's raw colours also differ from the reference's by more than
``BACKGROUND_MAX_COLOUR`` (before normalisation): a darker, coarser print rather than a softer capture."""
FIDELITY_TILES = (4, 3)
"""Tiles (across, down) over which the fine pattern is compared; their median is the fidelity."""
FIDELITY_MIN_PX_PER_MM = 8.8
"""Capture resolution (about 225 dpi) from which the fine pattern is judged on its own."""


def pattern_fidelity(page: Page) -> float:
    """Correlation of the fine background detail with the reference's blurred by the capture's measured blur."""
    mask = page.background_mask()
    fine = max(1.0, page.px_per_mm * 0.12)
    ref = page.matched_detail("visible", fine, fine * 6)
    det = page.detail("visible", fine, fine * 6)
    # the median over tiles: a reproduction is coarse all over, while a pasted portrait, a stain or a crease spoils
    # only the tiles it covers
    h, w = mask.shape
    scores = []
    for ty in range(FIDELITY_TILES[1]):
        for tx in range(FIDELITY_TILES[0]):
            ys = slice(ty * h // FIDELITY_TILES[1], (ty + 1) * h // FIDELITY_TILES[1])
            xs = slice(tx * w // FIDELITY_TILES[0], (tx + 1) * w // FIDELITY_TILES[0])
            if cv2.countNonZero(mask[ys, xs]) >= 0.2 * mask[ys, xs].size:
                scores.append(masked_correlation(det[ys, xs], ref[ys, xs], mask[ys, xs]))
    return float(np.median(scores)) if scores else masked_correlation(det, ref, mask)


def raw_colour_distance(page: Page) -> float:
    """Mean Lab distance of the background from the reference's with the capture's levels as they came."""
    raw = page.raw_images.get("visible")
    if raw is None or raw.ndim != 3:
        return 0.0
    mask = page.background_mask()
    a = np.array(cv2.mean(cv2.cvtColor(raw, cv2.COLOR_BGR2LAB), mask=mask)[:3])
    b = np.array(cv2.mean(cv2.cvtColor(page.references["visible"], cv2.COLOR_BGR2LAB), mask=mask)[:3])
    return float(np.linalg.norm(a - b))


def check_background(page: Page) -> Finding:
    """print.background: guilloche and rainbow print match the reference in pattern and colour."""
    corr, colour = background_measures(page)
    region = (0, 0, *page.size)
    if page.capture == "scan" and page.quality is not None and corr >= BACKGROUND_MIN_CORRELATION["scan"]:
        fidelity = pattern_fidelity(page)
        raw = raw_colour_distance(page)
        fine_enough = page.quality.px_per_mm >= FIDELITY_MIN_PX_PER_MM
        if (fine_enough and fidelity < BACKGROUND_MIN_FIDELITY) or (
            fidelity < BACKGROUND_MIN_FIDELITY_COLOURED and raw > BACKGROUND_MAX_COLOUR["scan"]
        ):
            return Finding(
                "print.background",
                "fail",
                f"background print coarser than the reference's (fine pattern {fidelity:.3f} against the reference "
                f"blurred like this capture; colour distance {raw:.0f} as captured)",
                region,
                page.side,
                "visible",
            )
    limit = BACKGROUND_MIN_CORRELATION.get(page.capture, 0.3)
    if corr < limit:
        return Finding(
            "print.background",
            "fail",
            f"background print differs from the reference (pattern match {corr:.2f})",
            region,
            page.side,
            "visible",
        )
    if colour is None:
        return Finding(
            "print.background",
            "pass",
            f"background pattern matches the reference ({corr:.2f}); colours not compared: the capture clipped most "
            "of the paper at white",
            region,
            page.side,
            "visible",
        )
    if colour > BACKGROUND_MAX_COLOUR.get(page.capture, 18.0):
        return Finding(
            "print.background",
            "fail",
            f"background colours differ from the reference (distance {colour:.0f}{page.tone_note('visible')})",
            region,
            page.side,
            "visible",
        )
    return Finding(
        "print.background",
        "pass",
        f"background print matches the reference (pattern {corr:.2f}, colour distance {colour:.0f}"
        f"{page.tone_note('visible')})",
        region,
        page.side,
        "visible",
    )


MULTILINE_FIELDS = frozenset({"viz.address"})
FIELD_PX_PER_MM = 12.0
"""Resolution at which each data field and its label are measured."""


@dataclass(frozen=True)
class TextLine:
    """Geometry of one printed text line in millimetres: left edge, baseline, cap height, stroke width."""

    left: float
    baseline: float
    cap: float
    stroke: float
    count: int = 0
    """Glyphs measured."""


def grey_levels(gray: np.ndarray) -> tuple[float, float]:
    """(1st percentile, median) of a uint8 image, from its histogram (ink and paper levels of a text crop)."""
    hist = np.bincount(gray.ravel(), minlength=256).cumsum()
    n = hist[-1]
    return float(np.searchsorted(hist, 0.01 * n)), float(np.searchsorted(hist, 0.5 * n))


def text_line(gray: np.ndarray, px_per_mm: float, *, min_cap_mm: float = 0.5) -> TextLine | None:
    """Measure the dark text in a crop (coordinates in mm from the crop's top-left), or None when there is none."""
    if gray.size == 0:
        return None
    dark, paper = grey_levels(gray)
    if paper - dark < 40:
        return None
    # ink is well below the paper: the light guilloche under the text never passes this bar
    ink = (gray < dark + 0.45 * (paper - dark)).astype(np.uint8) * 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= min_cap_mm * px_per_mm]
    if not tall:
        return None
    heights = np.array([stats[i, cv2.CC_STAT_HEIGHT] for i in tall], float)
    cap = float(np.median(heights))
    glyphs = [i for i, hgt in zip(tall, heights, strict=True) if abs(hgt - cap) <= 0.2 * cap] or tall
    # the mean over the line's glyphs: finer than one glyph's whole pixels (a 12% larger face is 2-3 pixels)
    cap = float(np.mean([stats[i, cv2.CC_STAT_HEIGHT] for i in glyphs]))
    bottoms = [stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in glyphs]
    left = min(stats[i, cv2.CC_STAT_LEFT] for i in glyphs)
    keep = np.zeros(n, np.uint8)
    keep[glyphs] = 1
    sel = keep[labels]
    area = float(sel.sum())
    boundary = area - float(cv2.erode(sel, np.ones((3, 3), np.uint8)).sum())
    stroke = 2.0 * area / boundary if boundary > 0 else 0.0  # a stroke of width w and length L: area wL, edges 2L
    return TextLine(left / px_per_mm, float(np.median(bottoms)) / px_per_mm, cap / px_per_mm, stroke, len(glyphs))


_REFERENCE_FIELDS: dict[tuple, tuple[TextLine | None, TextLine | None]] = {}


def field_measures(page: Page, name: str, *, reference: bool = False) -> tuple[TextLine | None, TextLine | None]:
    """(data line, label line) of a VIZ field, in mm relative to the field's box (the reference's are cached)."""
    if reference:
        src = page.full_references.get("visible")
        key = (id(src), page.document_type, page.side, name, page.size)
        hit = _REFERENCE_FIELDS.get(key)
        if hit is None:
            if len(_REFERENCE_FIELDS) > 512:
                _REFERENCE_FIELDS.clear()
            hit = _REFERENCE_FIELDS[key] = _field_measures(page, name, reference=True)
        return hit
    return _field_measures(page, name, reference=False)


def _field_measures(page: Page, name: str, *, reference: bool) -> tuple[TextLine | None, TextLine | None]:
    b = page.layout.boxes[name]
    s = page.px_per_mm
    pad = 0.8
    top = b.y - LABEL_GAP_MM - 0.2
    box = (int((b.x - pad) * s), int(top * s), int((b.w + 2 * pad) * s), int((b.y + b.h + pad - top) * s))
    crop = page.fine("visible", box, FIELD_PX_PER_MM, reference=reference)
    if crop is None:
        return None, None
    split = round((b.y - top - 0.1) * FIELD_PX_PER_MM)
    data = text_line(crop[split:], FIELD_PX_PER_MM, min_cap_mm=0.6 * min(b.h * 0.6, 1.85) * 0.7)
    label = text_line(crop[:split], FIELD_PX_PER_MM, min_cap_mm=0.4)
    if data is not None:
        data = TextLine(data.left, data.baseline + split / FIELD_PX_PER_MM, data.cap, data.stroke, data.count)
    return data, label


def _planar_estimate(measured: list[tuple[str, float, tuple[int, int, int, int]]], skip: int) -> float:
    """The baseline offset expected at field ``skip`` from a plane fitted to the other fields' offsets (a photo's
    residual perspective error varies smoothly across the page; a reprinted field stands out from it)."""
    rows = [(r[0] + r[2] / 2, r[1] + r[3] / 2, dy) for j, (_, dy, r) in enumerate(measured) if j != skip]
    if len(rows) < 4:
        return float(np.median([r[2] for r in rows])) if rows else 0.0
    a = np.array([[1.0, x, y] for x, y, _ in rows])
    coef, *_ = np.linalg.lstsq(a, np.array([r[2] for r in rows]), rcond=None)
    x, y, w, h = measured[skip][2]
    return float(coef @ np.array([1.0, x + w / 2, y + h / 2]))


def field_geometry_findings(page: Page) -> list[Finding]:
    """print.alignment and print.font: each data field's baseline, cap height and stroke width against the same
    field on the reference (fields of fewer than 3 glyphs, and multi-line fields, are not measured).

    A field is misplaced when its baseline is off by more than ``ALIGN_MAX_MM`` from where the other fields put it
    (one field reprinted), or every field is off alike (another printer): by ``ALIGN_MAX_MM`` on a scan, by
    ``ALIGN_MAX_MM_PHOTO`` on a photo, whose registration is less exact.
    """
    bad_font: list[Finding] = []
    measured: list[tuple[str, float, tuple[int, int, int, int]]] = []
    side = page.side
    for name in [n for n in page.layout.boxes if n.startswith("viz.") and n not in MULTILINE_FIELDS]:
        ds, _ = field_measures(page, name)
        dr, _ = field_measures(page, name, reference=True)
        if ds is None or dr is None or ds.count < 3 or dr.count < 3 or not dr.cap or not dr.stroke:
            continue
        cap = ds.cap / dr.cap - 1
        stroke = ds.stroke / dr.stroke - 1
        if abs(cap) > 0.3:
            continue  # not the same line of text (glare, stain, another layout): no measure
        field = name.split(".", 1)[1]
        region = page.box(name)
        measured.append((field, ds.baseline - dr.baseline, region))
        if cap > HEIGHT_MAX_RATIO and STROKE_MAX_RATIO < stroke < 1.5:
            bad_font.append(
                Finding(
                    "print.font",
                    "fail",
                    f"{field} in a larger, heavier face: letters {cap:+.0%} high, strokes {stroke:+.0%} wide",
                    region,
                    side,
                    "visible",
                )
            )
    if not measured:
        return [
            Finding("print.alignment", "skip", "no data field could be measured", None, side, "visible"),
            Finding("print.font", "skip", "no data field could be measured", None, side, "visible"),
        ]
    bad_align: list[Finding] = []
    common = float(np.median([dy for _, dy, _ in measured]))
    scan = page.capture == "scan"
    # a softer capture than usual blurs the baselines it measures: the bars widen by the excess blur
    slack = 0.0
    if page.quality is not None:
        slack = max(0.0, page.quality.blur_mm - (ALIGN_USUAL_BLUR_MM["scan" if scan else "photo"]))
    if len(measured) >= 3 and abs(common) > (ALIGN_MAX_MM if scan else ALIGN_MAX_MM_PHOTO) + slack:
        bad_align.append(
            Finding(
                "print.alignment",
                "fail",
                f"every data field printed {common:+.2f} mm off its baseline",
                None,
                side,
                "visible",
            )
        )
    for i, (field, dy, region) in enumerate(measured):
        expected = common if scan else _planar_estimate(measured, i)
        if len(measured) >= 3 and (ALIGN_MAX_MM if scan else ALIGN_REL_MM_PHOTO) + slack < abs(dy - expected) < 1.0:
            bad_align.append(
                Finding(
                    "print.alignment",
                    "fail",
                    f"{field} printed {dy - expected:+.2f} mm off the other fields' baseline",
                    region,
                    side,
                    "visible",
                )
            )
    checked = len(measured)
    out = bad_align or [
        Finding(
            "print.alignment", "pass", f"all {checked} measured data fields on their baselines", None, side, "visible"
        )
    ]
    out += bad_font or [
        Finding(
            "print.font",
            "pass",
            f"all {checked} measured data fields in the reference's face and size",
            None,
            side,
            "visible",
        )
    ]
    return out


def _uv_level(page: Page, name: str, *, reference: bool) -> float:
    """Median UV brightness just around a field minus that of a ring farther out (a local, glare-proof contrast)."""
    v = page.brightness("uv", reference=reference)
    x, y, w, h = page.box(name, grow_mm=0.9)
    X, Y, W, H = page.box(name, grow_mm=2.2)
    outer = v[Y : Y + H, X : X + W]
    mask = np.ones(outer.shape, bool)
    mask[y - Y : y - Y + h, x - X : x - X + w] = False
    if not mask.any() or w == 0 or h == 0:
        return 0.0
    return float(np.median(v[y : y + h, x : x + w])) - float(np.median(outer[mask]))


def _uv_spread(page: Page, name: str) -> float:
    """Interquartile range of the reference's UV brightness just around a field (0 for an empty box)."""
    x, y, w, h = page.box(name, grow_mm=0.9)
    if w == 0 or h == 0:
        return 0.0
    q25, q75 = np.percentile(page.brightness("uv", reference=True)[y : y + h, x : x + w], [25, 75])
    return float(q75 - q25)


def _uv_patch_glow(page: Page, name: str) -> float:
    """How much more than the reference the brightest tenth of a field's surroundings glows under UV, relative to
    a ring farther out (or the whole page's paper): the sample-minus-reference difference, median-filtered over
    about 0.6 mm so that thin fibres (random on every document) and print edges do not count."""
    v = page.brightness("uv")
    r = page.brightness("uv", reference=True)
    x, y, w, h = page.box(name, grow_mm=0.9)
    X, Y, W, H = page.box(name, grow_mm=2.2)
    if w == 0 or h == 0 or W == 0 or H == 0:
        return 0.0
    diff = cv2.subtract(v[Y : Y + H, X : X + W], r[Y : Y + H, X : X + W], dtype=cv2.CV_16S)
    diff = np.clip(diff + 128, 0, 255).astype(np.uint8)
    diff = cv2.medianBlur(diff, max(3, round(0.6 * page.px_per_mm) | 1))
    inner = np.zeros(diff.shape, bool)
    inner[y - Y : y - Y + h, x - X : x - X + w] = True
    if inner.all():
        return 0.0
    # against the paper around it, or the page's paper as a whole where the ring is darker than that (a ring over
    # an emblem that fluoresces less than the reference's would make any surroundings look bright)
    whole = page.memo(("uv_paper_offset",), lambda: 128.0 + paper_level(page) - paper_level(page, reference=True))
    return float(np.percentile(diff[inner], 90)) - max(float(np.median(diff[~inner])), whole)


def erasure_findings(page: Page) -> list[Finding]:
    """print.erasure: no field's surroundings react under UV as abraded or chemically washed paper does."""
    if "uv" not in page.images or "uv" not in page.references:
        return [Finding("print.erasure", "skip", "no UV image to look for erasure traces", None, page.side, "uv")]
    bad = []
    names = [n for n in page.layout.boxes if n.startswith("viz.")]
    for name in names:
        glow = (
            _uv_level(page, name, reference=False) - _uv_level(page, name, reference=True)
            if _uv_spread(page, name) <= ERASURE_MAX_REF_SPREAD
            else 0.0
        )
        patch = _uv_patch_glow(page, name) if glow <= ERASURE_MIN_GLOW else 0.0
        if glow > ERASURE_MIN_GLOW or patch > ERASURE_MIN_PATCH:
            field = name.split(".", 1)[1]
            how = f"+{glow:.0f} grey levels" if glow > ERASURE_MIN_GLOW else f"a patch +{patch:.0f} grey levels"
            bad.append(
                Finding(
                    "print.erasure",
                    "fail",
                    f"paper around {field} glows under UV ({how}): erased and reprinted",
                    page.box(name, grow_mm=0.9),
                    page.side,
                    "uv",
                )
            )
    return bad or [
        Finding(
            "print.erasure",
            "pass",
            f"no erasure traces around {len(names)} data fields under UV",
            None,
            page.side,
            "uv",
        )
    ]


def print_findings(page: Page) -> list[Finding]:
    """Every print check of one side (visible light)."""
    if "visible" not in page.images or "visible" not in page.references:
        return []
    out = []
    if page.has("microprint"):
        out.append(check_microprint(page))
    out.append(check_background(page))
    out += field_geometry_findings(page)
    out += erasure_findings(page)
    out.append(check_personalisation(page))
    return out
