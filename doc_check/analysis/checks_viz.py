"""VIZ against MRZ: read each printed field character by character against what the MRZ says it should be."""

from __future__ import annotations

import string
from functools import lru_cache

import cv2
import numpy as np

from doc_check.analysis.checks_print import FIELD_PX_PER_MM, grey_levels, text_line
from doc_check.analysis.findings import Finding
from doc_check.analysis.page import Page
from doc_check.indicators import VIZ_FIELDS
from doc_check.mrz import MrzResult
from doc_check.specimen import guilloche as glyphs
from doc_check.specimen.document import format_date
from doc_check.specimen.names import nationality_name
from doc_check.specimen.render import field_lines

FACE = "sans"
"""The typeface of Utopia's printed data (OpenCV's built-in sans)."""
WEIGHT = 430
"""Its stroke weight on genuine documents."""
MARGIN = 0.25
"""How much better another character must match than the expected one before the field counts as different."""
CLEAR = 0.75
"""How well that other character must match (a clear reading, not a smudge)."""
CLEAR_ALONE = 0.88
MARGIN_ALONE = 0.35
"""The same when a character cell is judged on its own, without its neighbours (stricter: narrow cells mislead)."""
CLEAR_READABLE = 0.75
MARGIN_READABLE = 0.15
"""The same in a field that otherwise reads well (most cells match their expected glyph at ``READABLE`` or more):
its cells sit where the print is, so a clearly better other glyph is a changed character. On fresh 300 dpi sets
(seeds 9005 and 9201, scans and photos) an altered date digit scored 0.25-0.6 better as the new digit than as the
MRZ's, while no genuine cell's best other glyph beat its own by more than 0.03."""
READABLE = 0.8
MAX_STRETCH = 0.06
"""Relative width by which a printed line may differ from the expected value drawn at the layout's size and still
be read as that value printed a little larger or smaller (a printer rounds its font size: a few per cent, which
over a date shifts the last cells by a third of a glyph)."""
"""Median match of a field's cells with their expected glyphs above which the field counts as well read."""
COUNT_SLACK = 2
"""How many more glyphs than the MRZ's value has a printed name may show before it counts as different (a glyph
may break in two; fewer is no sign: neighbouring capitals often touch)."""
DIGITS = string.digits
LETTERS = string.ascii_uppercase


def expected_values(result: MrzResult) -> dict[str, str]:
    """What the data page should print for each VIZ field, derived from the MRZ (fields it cannot tell left out)."""
    out: dict[str, str] = {}
    if result.surname:
        out["surname"] = result.surname
    truncated = any(p.code == "name_truncated" for p in result.warnings)
    if result.given_names and not truncated:
        out["given_names"] = result.given_names
    if result.birth_date:
        out["birth_date"] = format_date(result.birth_date)
    if result.expiry_date:
        out["expiry_date"] = format_date(result.expiry_date)
    if result.document_number:
        out["document_number"] = result.document_number
    if result.nationality:
        out["nationality"] = nationality_name(result.nationality)
    if result.sex in ("F", "M", "X"):
        out["sex"] = result.sex
    return out


CONFIDENT = 0.8
FOLLOW = 0.6
"""A match good enough to follow the print's position even when not yet taken as read."""
"""A character matching its expected glyph at least this well is taken as read without trying the others."""


@lru_cache(maxsize=512)
def _offsets(text: str, cap_px: float) -> tuple[float, ...]:
    """x offset (pixels) of each character of ``text`` (and of its end) drawn with capitals ``cap_px`` high.

    Measured at that size: the typeface's advances are whole pixels at the size drawn, so offsets measured large
    and scaled down drift from the drawn glyphs by several pixels over a line.
    """
    return (
        0.0,
        *(float(glyphs.text_width(text[: i + 1], cap_px, face=FACE, weight=WEIGHT)) for i in range(len(text))),
    )


@lru_cache(maxsize=8192)
def _cell(ch: str, cap: int, width: int, height: int, baseline: int, pad: int) -> np.ndarray:
    """A character drawn in a cell ``pad`` pixels wider than ``width`` on each side (coverage 0..1)."""
    canvas = np.zeros((height, width + 2 * pad), np.uint8)
    glyphs.text(canvas, ch, pad, baseline, cap, face=FACE, weight=WEIGHT)
    return canvas.astype(np.float32) / 255.0


@lru_cache(maxsize=8192)
def _cell_flat(ch: str, cap: int, width: int, height: int, baseline: int, pad: int) -> bool:
    """True when the drawn cell of ``_cell`` is one flat level (nothing to match against)."""
    return _flat(_cell(ch, cap, width, height, baseline, pad))


def _flat(a: np.ndarray) -> bool:
    """``a.std() == 0``, with the full deviation only computed when the array might be constant."""
    return bool(a.min() == a.max()) and a.std() == 0


def _score(
    cell: np.ndarray, ch: str, cap: int, baseline: int, pad: int, cell_flat: bool | None = None
) -> tuple[float, int]:
    """How well the printed cell matches ``ch`` drawn at its place, and at which shift (pixels, within ``pad``)."""
    h, w = cell.shape
    rendered = _cell(ch, cap, w, h, baseline, pad)
    if (_flat(cell) if cell_flat is None else cell_flat) or _cell_flat(ch, cap, w, h, baseline, pad):
        return -1.0, 0
    res = cv2.matchTemplate(rendered, cell, cv2.TM_CCOEFF_NORMED)
    _, best, _, loc = cv2.minMaxLoc(res)
    return float(best), pad - loc[0]


def _in_context(
    window: np.ndarray,
    text: str,
    i: int,
    c: str,
    left: float,
    baseline: int,
    cap_px: float,
    pad: int,
    window_flat: bool | None = None,
) -> float:
    """Match of the printed window with ``text`` drawn with character ``i`` replaced by ``c`` (best shift)."""
    h, w = window.shape
    if _flat(window) if window_flat is None else window_flat:
        return -1.0
    canvas = np.zeros((h, w + 2 * pad), np.uint8)
    line = text[:i] + c + text[i + 1 :]
    glyphs.text(canvas, line, left + pad, baseline, cap_px, face=FACE, weight=WEIGHT)
    rendered = canvas.astype(np.float32) / 255.0
    if canvas.min() == canvas.max() and rendered.std() == 0:
        return -1.0
    return float(cv2.matchTemplate(rendered, window, cv2.TM_CCOEFF_NORMED).max())


def _printed_cell(
    ink: np.ndarray, adv: list[float], left_px: float, drift: int, i: int, y0: int, y1: int
) -> tuple[int, int, np.ndarray]:
    """The i-th character cell of a printed line (shifted by ``drift`` pixels): its left and right x and its ink
    between rows ``y0`` and ``y1``."""
    xa = round(left_px + adv[i]) + drift
    xb = round(left_px + adv[i + 1]) + drift
    return xa, xb, ink[y0:y1, max(0, xa) : max(0, xb)]


def _own_scores(
    ink: np.ndarray, adv: list[float], left_px: float, y0: int, y1: int, base: int, cap: int, pad: int, expected: str
) -> list[float]:
    """Match of each letter or digit cell (x offsets ``adv``) with its expected glyph, cells following the print
    as in ``read_against``."""
    out = []
    drift = 0
    for i, ch in enumerate(expected):
        if ch not in DIGITS and ch not in LETTERS:
            continue
        _xa, _xb, cell = _printed_cell(ink, adv, left_px, drift, i, y0, y1)
        if cell.size == 0 or cell.shape[1] < 2:
            continue
        own, shift = _score(cell, ch, cap, base, pad)
        if own >= FOLLOW:
            drift += shift
        out.append(own)
    return out


def glyph_run(ink: np.ndarray, left_px: float, baseline_px: float, cap_px: float) -> tuple[int, float, float]:
    """(glyphs, left, right) of the text run printed from ``left_px``: ink blobs of a glyph's size standing on the
    baseline, the run ending at the first gap wider than a capital (background print beyond it is not counted)."""
    y0 = max(0, round(baseline_px - 1.15 * cap_px))
    y1 = min(ink.shape[0], round(baseline_px + 0.15 * cap_px))
    band = (ink[y0:y1] > 0.5).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
    base = baseline_px - y0
    blobs = sorted(
        (stats[i, cv2.CC_STAT_LEFT], stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH])
        for i in range(1, n)
        if 0.5 * cap_px <= stats[i, cv2.CC_STAT_HEIGHT] <= 1.2 * cap_px
        and stats[i, cv2.CC_STAT_WIDTH] <= 1.3 * cap_px
        and abs(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] - base) <= 0.25 * cap_px
    )
    count, start, end = 0, None, left_px
    for x0, x1 in blobs:
        if x1 <= end:
            continue
        if x0 - end > cap_px:
            break
        count, end = count + 1, max(end, x1)
        start = x0 if start is None else start
    return count, float(left_px if start is None else start), float(end)


def glyph_count(ink: np.ndarray, left_px: float, baseline_px: float, cap_px: float) -> int:
    """Glyphs of the text run printed from ``left_px`` (see ``glyph_run``)."""
    return glyph_run(ink, left_px, baseline_px, cap_px)[0]


@lru_cache(maxsize=512)
def _ink_span(text: str, cap_px: float) -> tuple[float, float]:
    """(first, last) inked x of ``text`` drawn from x = 0 with capitals ``cap_px`` high."""
    pad = int(cap_px) + 2
    canvas = np.zeros((int(2 * cap_px) + 4, pad + int(_offsets(text, cap_px)[-1]) + pad), np.uint8)
    glyphs.text(canvas, text, pad, int(1.5 * cap_px), cap_px, face=FACE, weight=WEIGHT)
    cols = np.flatnonzero(canvas.max(axis=0) > 127)
    if cols.size == 0:
        return 0.0, 0.0
    return float(cols[0] - pad), float(cols[-1] + 1 - pad)


def print_stretch(ink: np.ndarray, left_px: float, baseline_px: float, cap_px: float, expected: str) -> float:
    """How much wider the printed line is than ``expected`` drawn at ``cap_px`` (1 when it cannot tell, or when it
    differs by more than ``MAX_STRETCH``: another text, not the same text at a slightly other size)."""
    count, x0, x1 = glyph_run(ink, left_px, baseline_px, cap_px)
    first, last = _ink_span(expected, round(cap_px, 1))
    want = last - first
    if count < 3 or want <= 0:
        return 1.0
    stretch = (x1 - x0) / want
    return stretch if abs(stretch - 1.0) <= MAX_STRETCH else 1.0


def read_against(
    ink: np.ndarray,
    left_px: float,
    baseline_px: float,
    cap_px: float,
    expected: str,
    stretch: float = 1.0,
) -> list[tuple[int, str, str]]:
    """Characters of ``expected`` that the printed line does not show: (index, expected, best other candidate).

    ``ink`` is the field's darkness (0 paper .. 1 ink). Character cells follow the typeface's advance widths from
    ``left_px``, re-anchored on every confidently read character; each cell is matched against its expected
    character and, when that is not convincing, against every character of its class.
    """
    cap = max(6, round(cap_px))
    adv = [a * stretch for a in _offsets(expected, round(cap_px, 1))]
    pad = max(2, round(cap * 0.2))
    y0 = max(0, round(baseline_px - cap * 1.3))
    y1 = min(ink.shape[0], round(baseline_px + cap * 0.3))
    base = round(baseline_px) - y0
    wrong = []
    drift = 0
    owns = _own_scores(ink, adv, left_px, y0, y1, base, cap, pad, expected)
    readable = len(owns) >= 3 and float(np.median(owns)) >= READABLE
    clear_alone, margin_alone = (CLEAR_READABLE, MARGIN_READABLE) if readable else (CLEAR_ALONE, MARGIN_ALONE)
    for i, ch in enumerate(expected):
        pool = DIGITS if ch in DIGITS else LETTERS if ch in LETTERS else None
        if pool is None:
            continue
        xa, xb, cell = _printed_cell(ink, adv, left_px, drift, i, y0, y1)
        if cell.size == 0 or cell.shape[1] < 2:
            continue
        if ink[y0:y1, max(0, xa - 2 * pad) : max(0, xb + 2 * pad)].max(initial=0.0) < 0.3:
            wrong.append((i, ch, " "))
            continue
        cell_flat = _flat(cell)  # the same for every candidate: measure once
        own, shift = _score(cell, ch, cap, base, pad, cell_flat)
        if own >= CONFIDENT:
            drift += shift
            continue
        if own >= FOLLOW:
            drift += shift  # probably the expected glyph, a little off: follow it
        # a clearly different character on its own (several neighbours may be changed too) ...
        alone_c, alone = ch, own
        for c in pool:
            if c != ch:
                m, _ = _score(cell, c, cap, base, pad, cell_flat)
                if m > alone:
                    alone_c, alone = c, m
        if alone_c != ch and alone >= clear_alone and alone - own > margin_alone:
            wrong.append((i, ch, alone_c))
            continue
        # ... or, not convincing alone: judge the character in context, its neighbours drawn as expected around it
        lo = max(0, round(left_px + adv[i] - 0.5 * cap) + drift)
        hi = min(ink.shape[1], round(left_px + adv[i + 1] + 0.5 * cap) + drift)
        window = ink[y0:y1, lo:hi]
        if window.shape[1] < 4:
            continue
        window_flat = _flat(window)
        # the line drawn unstretched, placed so that character i lands where the stretched cells put it
        at = left_px + drift - lo + adv[i] - adv[i] / stretch
        own = _in_context(window, expected, i, ch, at, base, cap_px, pad, window_flat)
        best_c, best = ch, own
        for c in pool:
            if c != ch:
                m = _in_context(window, expected, i, c, at, base, cap_px, pad, window_flat)
                if m > best:
                    best_c, best = c, m
        if best_c != ch and best >= CLEAR and best - own > MARGIN:
            wrong.append((i, ch, best_c))
    return wrong


def viz_findings(page: Page, result: MrzResult) -> list[Finding]:
    """viz.mrz_mismatch.<field>: each printed field the MRZ describes, read against the MRZ's value."""
    out = []
    values = expected_values(result)
    for field in VIZ_FIELDS:
        name = f"viz.{field}"
        if not page.has(name):
            continue
        indicator = f"viz.mrz_mismatch.{field}"
        region = page.box(name)
        if field not in values:
            out.append(
                Finding(
                    indicator,
                    "skip",
                    f"the MRZ does not give the {field.replace('_', ' ')}",
                    region,
                    page.side,
                    "visible",
                )
            )
            continue
        b = page.layout.boxes[name]
        s = page.px_per_mm
        expected = values[field]
        # where and how big a genuine document prints this value (long values are condensed to fit the box)
        _, x_mm, base_mm, cap_mm = field_lines(page.layout, field, expected)[0]
        width_mm = max(
            b.w, glyphs.text_width(expected, int(cap_mm * FIELD_PX_PER_MM), face=FACE, weight=WEIGHT) / FIELD_PX_PER_MM
        )
        pad_x, pad_y = 0.8, 0.5
        box = (
            int((b.x - pad_x) * s),
            int((b.y - pad_y) * s),
            int((width_mm + 2 * pad_x) * s),
            int((b.h + 2 * pad_y) * s),
        )
        crop = page.fine("visible", box, FIELD_PX_PER_MM)
        line = text_line(crop, FIELD_PX_PER_MM, min_cap_mm=0.5) if crop is not None else None
        if line is None:
            out.append(
                Finding(indicator, "warn", f"no printed {field.replace('_', ' ')} found", region, page.side, "visible")
            )
            continue
        ox, oy = box[0] / s, box[1] / s
        left_mm, baseline_mm = x_mm - ox, base_mm - oy
        if abs(line.baseline - baseline_mm) <= 0.4:
            baseline_mm = line.baseline  # follow the print where it sits (registration is never perfect)
        if abs(line.left - left_mm) <= 0.4:
            left_mm = line.left
        dark, paper = grey_levels(crop)
        ink = np.clip((paper - crop.astype(np.float32)) / max(paper - dark, 1.0), 0, 1).astype(np.float32)
        left_px, base_px, cap_px = left_mm * FIELD_PX_PER_MM, baseline_mm * FIELD_PX_PER_MM, cap_mm * FIELD_PX_PER_MM
        stretch = print_stretch(ink, left_px - 2, base_px, cap_px, expected)
        wrong = read_against(ink, left_px, base_px, cap_px, expected, stretch)
        label = field.replace("_", " ")
        letters = sum(c in LETTERS for c in expected)
        # a longer printed name (an MRZ may abbreviate given names to initials: those are not compared)
        if not wrong and letters and set(expected) <= set(LETTERS + " ") and min(map(len, expected.split())) > 1:
            seen = glyph_count(ink, left_px - 2, base_px, cap_px)
            if seen - letters >= COUNT_SLACK:
                out.append(
                    Finding(
                        indicator,
                        "fail",
                        f"printed {label} differs from the MRZ's {expected!r} "
                        f"({seen} letters printed where the MRZ gives {letters})",
                        region,
                        page.side,
                        "visible",
                    )
                )
                continue
        if wrong:
            i, ch, other = wrong[0]
            seen = "nothing" if other == " " else repr(other)
            out.append(
                Finding(
                    indicator,
                    "fail",
                    f"printed {label} differs from the MRZ's {expected!r} "
                    f"(character {i + 1}: {seen} where the MRZ gives {ch!r})",
                    region,
                    page.side,
                    "visible",
                )
            )
        else:
            out.append(
                Finding(
                    indicator, "pass", f"printed {label} reads as the MRZ's {expected!r}", region, page.side, "visible"
                )
            )
    return out
