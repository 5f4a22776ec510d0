"""Read the MRZ from a document image: locate, deskew, segment, classify glyphs, repair look-alikes, parse."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import date

import cv2
import numpy as np

from doc_check.analysis.glyphs import ALPHABET
from doc_check.analysis.locate import LineGrid, MrzZone, iter_mrz_zones, regrid
from doc_check.analysis.ocr import GlyphClassifier, cell_patches, default_classifier
from doc_check.mrz import Change, MrzResult, Repair, detect, parse, repair
from doc_check.mrz.formats import char_classes

#: Look-alike pairs (digit, letter) whose reading in letter-or-digit fields is settled per document, by comparing
#: the glyph with the same document's glyphs at positions whose class is known (dates are digits, names letters).
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_PAIRS = (("0", "O"), ("1", "I"), ("5", "S"), ("8", "B"), ("2", "Z"), ("6", "G"))


@dataclass(frozen=True)
class MrzReading:
    """The MRZ read from an image: lines as printed (after look-alike repair) and what was read before it."""

    lines: tuple[str, ...]
    raw_lines: tuple[str, ...]
    confidences: tuple[tuple[float, ...], ...]  # per character, 0..1
    result: MrzResult
    changes: tuple[Change, ...]
    region: tuple[int, int, int, int]  # (x, y, w, h) of the zone in the input image's pixels
    rotation: int  # 0/90/180/270: counter-clockwise turn that makes the input upright
    seconds: float


@dataclass(frozen=True)
class _Candidate:
    """One way of reading a zone (orientation and line length) with its score."""

    raw: tuple[str, ...]
    conf: tuple[tuple[float, ...], ...]
    fixed: Repair
    rotation: int
    region: tuple[int, int, int, int]
    score: float


def read_mrz(image: np.ndarray, *, today: date | None = None) -> MrzReading | None:
    """Find and read the MRZ of a document image (BGR or grayscale, any quarter turn, a few degrees of skew).

    Returns None when no MRZ is found.
    """
    start = time.perf_counter()
    if image.ndim == 3:
        gray = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    elif image.ndim == 2:
        gray = image
    else:
        raise ValueError("read_mrz expects a 2-D grayscale or 3-D colour image")
    if gray.dtype != np.uint8:
        gray = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    clf = default_classifier()
    best: _Candidate | None = None
    for zone in iter_mrz_zones(gray):
        for cand in _read_zone(zone, clf, today):
            if best is None or cand.score > best.score:
                best = cand
        if best is not None and (best.fixed.result.valid or best.score > 2.0 * 0.85):
            break  # a clean, valid reading: no need to look at weaker candidate zones
    if best is None or not _plausible(best):
        return None
    fixed = best.fixed
    return MrzReading(
        lines=fixed.lines,
        raw_lines=best.raw,
        confidences=best.conf,
        result=fixed.result,
        changes=fixed.changes,
        region=best.region,
        rotation=best.rotation,
        seconds=time.perf_counter() - start,
    )


def _plausible(cand: _Candidate) -> bool:
    """A zone read with low confidence and not one passing check digit is other text (a page without an MRZ)."""
    checks = [v for v in cand.fixed.result.checks.values() if v is not None]
    mean_conf = float(np.mean([c for line in cand.conf for c in line])) if cand.conf else 0.0
    return mean_conf >= 0.6 or any(checks)


def _read_zone(zone: MrzZone, clf: GlyphClassifier, today: date | None) -> list[_Candidate]:
    """Read a zone the way up its glyphs look most confident; for two lines also try the other line length
    (36/44) when the located one does not give a valid MRZ."""
    h, w = zone.crop.shape
    flipped = cv2.rotate(zone.crop, cv2.ROTATE_180)
    turned_lines = tuple(_turn(g, w, h) for g in reversed(zone.lines))
    readings = []
    for turned in (False, True):
        crop = flipped if turned else zone.crop
        grids = turned_lines if turned else zone.lines
        patches = np.concatenate([cell_patches(crop, g) for g in grids])
        probs, best = clf.classify(patches)
        readings.append((float(probs[np.arange(len(best)), best].mean()), turned, crop, grids, patches, probs, best))
    readings.sort(key=lambda r: -r[0])
    _, turned, crop, grids, patches, probs, best = readings[0]
    rotation = (zone.rotation + (180 if turned else 0)) % 360
    out = []
    cand = _finish(grids, patches, probs, best, today, rotation, zone.region, _exemplar_patches(crop, grids, patches))
    if cand is not None:
        out.append(cand)
    if len(grids) == 2 and (cand is None or not cand.fixed.result.valid):
        n = len(grids[0].centers)
        other = tuple(_resize_grid(g, 36 if n == 44 else 44) for g in grids)
        patches = np.concatenate([cell_patches(crop, g) for g in other])
        probs, best = clf.classify(patches)
        alt = _finish(
            other, patches, probs, best, today, rotation, zone.region, _exemplar_patches(crop, other, patches)
        )
        if alt is not None and alt.fixed.result.valid:
            out.append(alt)
    return out


def _exemplar_patches(crop: np.ndarray, grids: tuple[LineGrid, ...], patches: np.ndarray) -> np.ndarray:
    """Cell patches cut with one band height for every line of the zone (each on its own baseline), for comparing
    glyphs across lines: each line's band is fitted to its own glyphs, so a line of digits printed taller than the
    capitals (as OCR-B draws them) gets a taller band, and patches cut to it would make a 0 there look like an O of
    a line of capitals. With one height, a glyph's height relative to the other lines' glyphs is kept."""
    if len(grids) < 2:
        return patches
    height = float(np.mean([g.bottom - g.top for g in grids]))
    if all(abs((g.bottom - g.top) - height) < 0.02 * height for g in grids):
        return patches
    same = tuple(LineGrid(g.centers, g.bottom - height, g.bottom, g.pitch, g.tilt) for g in grids)
    return np.concatenate([cell_patches(crop, g) for g in same])


def _resize_grid(g: LineGrid, n: int) -> LineGrid:
    """The same grid (left-anchored) with another number of characters."""
    return regrid(g, 0, n)


def _turn(g: LineGrid, w: int, h: int) -> LineGrid:
    """A line's grid in the crop turned by 180 degrees (the line now reads from the other end)."""
    centers = tuple((w - 1) - c for c in reversed(g.centers))
    run = g.centers[-1] - g.centers[0]
    top = (h - 1) - (g.bottom + g.tilt * run)
    bottom = (h - 1) - (g.top + g.tilt * run)
    return LineGrid(centers, top, bottom, g.pitch, g.tilt)


def _finish(
    grids: tuple[LineGrid, ...],
    patches: np.ndarray,
    probs: np.ndarray,
    best: np.ndarray,
    today: date | None,
    rotation: int,
    region: tuple[int, int, int, int],
    exemplars: np.ndarray,
) -> _Candidate | None:
    """Turn classified cells into lines, settle letter-or-digit look-alikes per document, repair, score."""
    chars = [ALPHABET[i] for i in best]
    conf = probs[np.arange(len(best)), best]
    sizes = [len(g.centers) for g in grids]
    raw_list = []
    pos = 0
    for n in sizes:
        raw_list.append("".join(chars[pos : pos + n]))
        pos += n
    layout = detect(raw_list)
    if layout is None:
        return None
    raw_list = _settle_lookalikes(raw_list, exemplars, probs, layout)
    raw = tuple(raw_list)
    fixed = _by_all_checks(_repair_unless_certain(raw, probs, today), layout, probs, today)
    confs = []
    pos = 0
    for n in sizes:
        confs.append(tuple(round(float(c), 3) for c in conf[pos : pos + n]))
        pos += n
    checks = [v for v in fixed.result.checks.values() if v is not None]
    passed = sum(1 for v in checks if v) / len(checks) if checks else 0.0
    score = 2.0 * float(conf.mean()) + 0.5 * passed + (0.5 if fixed.result.valid else 0.0)
    return _Candidate(raw, tuple(confs), fixed, rotation, region, score)


def _repair_unless_certain(raw: tuple[str, ...], probs: np.ndarray, today: date | None) -> Repair:
    """Repair look-alikes with the MRZ engine, but keep what is printed where the glyph is unambiguous.

    A glyph the classifier is certain of (a clear '1' in a letter field, as US cards print 'C1') is a deviation
    of the document, not a misreading: swapping it would hide it. Such changes are undone and the lines re-parsed.
    """
    fixed = repair(raw, today=today)
    offsets = np.cumsum([0] + [len(line) for line in raw])
    keep, undo = [], []
    for ch in fixed.changes:
        if len(ch.old) == 1 and len(ch.new) == 1 and ch.old in _INDEX and ch.new in _INDEX and ch.line <= len(raw):
            i = int(offsets[ch.line - 1]) + ch.column - 1
            if i < len(probs) and probs[i, _INDEX[ch.old]] >= 0.98 and probs[i, _INDEX[ch.new]] <= 0.002:
                undo.append(ch)
                continue
        keep.append(ch)
    if not undo:
        return fixed
    rows = [list(line) for line in fixed.lines]
    for ch in undo:
        rows[ch.line - 1][ch.column - 1] = ch.old
    lines = tuple("".join(r) for r in rows)
    return Repair(lines, tuple(keep), parse(lines, today=today))


def _by_all_checks(fixed: Repair, layout, probs: np.ndarray, today: date | None) -> Repair:
    """Where a document-number or optional-data check digit still fails, try the look-alike readings the
    classifier itself hesitated over (second choice at least a quarter as likely) in letter-or-digit fields, and
    take a swap only when exactly one smallest set of swaps makes every check digit pass, composite included.
    A printed error stays: no single hesitant glyph can then satisfy all the checks at once."""
    result = fixed.result
    if not any(result.checks.get(f) is False for f in ("document_number", "optional_data")):
        return fixed
    classes = char_classes(layout)
    lines = [list(line) for line in fixed.lines]
    if len(classes) != len(lines) or any(len(c) != len(ln) for c, ln in zip(classes, lines, strict=True)):
        return fixed
    alt_of = {a: b for pair in _PAIRS for a, b in (pair, pair[::-1])}
    offsets = np.cumsum([0] + [len(line) for line in lines])
    spots = []
    for li, row in enumerate(lines):
        for col, ch in enumerate(row):
            alt = alt_of.get(ch)
            i = int(offsets[li]) + col
            if alt is None or classes[li][col] != "alnum" or i >= len(probs):
                continue
            p_ch, p_alt = float(probs[i, _INDEX[ch]]), float(probs[i, _INDEX[alt]])
            if p_alt >= 0.25 * max(p_ch, 1e-6):
                spots.append((p_alt / max(p_ch, 1e-6), li, col, alt))
    spots = sorted(spots, reverse=True)[:8]
    for size in (1, 2, 3):
        winners = []
        for combo in itertools.combinations(spots, size):
            trial = [row[:] for row in lines]
            for _, li, col, alt in combo:
                trial[li][col] = alt
            parsed = parse(tuple("".join(r) for r in trial), today=today)
            if all(v is not False for v in parsed.checks.values()):
                winners.append((combo, trial, parsed))
        if len(winners) == 1:
            combo, trial, parsed = winners[0]
            changes = list(fixed.changes) + [
                Change(li + 1, col + 1, lines[li][col], alt, "look-alike chosen by all check digits (unsure glyph)")
                for _, li, col, alt in combo
            ]
            return Repair(tuple("".join(r) for r in trial), tuple(changes), parsed)
        if winners:
            return fixed  # ambiguous: keep what was read
    return fixed


def _settle_lookalikes(lines: list[str], patches: np.ndarray, probs: np.ndarray, layout) -> list[str]:
    """In letter-or-digit fields, decide 0/O, 1/I, 5/S, 8/B, 2/Z, 6/G by this document's own glyphs.

    Positions whose field class makes the reading certain (dates and check digits are digits; codes and names
    are letters) give exemplars of how this printer draws each glyph. An ambiguous glyph takes the reading of
    the nearer exemplar set; with exemplars of one reading only, it takes that reading when it is as close to
    them as this document's glyphs of one kind are to each other (else the classifier's reading stands).
    """
    classes = char_classes(layout)
    if len(classes) != len(lines) or any(len(c) != len(ln) for c, ln in zip(classes, lines, strict=True)):
        return lines
    flat_cls = [c for row in classes for c in row]
    flat_chr = [c for line in lines for c in line]
    out = list(flat_chr)
    index = {ch: i for i, ch in enumerate(ALPHABET)}
    scale = _same_glyph_scale(flat_chr, flat_cls, patches)

    def unsure(i: int, digit: str, letter: str) -> bool:
        # exemplars do not overturn a glyph the classifier is sure of (a clear 1 among a document's I's stays a 1)
        return min(probs[i, index[digit]], probs[i, index[letter]]) >= 0.01

    for digit, letter in _PAIRS:
        pair = {digit, letter}
        digit_ix = [i for i, (c, k) in enumerate(zip(flat_chr, flat_cls, strict=True)) if k == "digit" and c in pair]
        letter_ix = [i for i, (c, k) in enumerate(zip(flat_chr, flat_cls, strict=True)) if k == "alpha" and c in pair]
        if not digit_ix and not letter_ix:
            continue
        # the pair's combined probability must dominate: only a real look-alike is re-decided
        todo = [
            i
            for i, (c, k) in enumerate(zip(flat_chr, flat_cls, strict=True))
            if k == "alnum"
            and c in pair
            and probs[i, index[digit]] + probs[i, index[letter]] > 0.6
            and unsure(i, digit, letter)
        ]
        for i in todo:
            dd = _nearest(patches, i, digit_ix)
            dl = _nearest(patches, i, letter_ix)
            if digit_ix and letter_ix:
                out[i] = digit if dd < dl else letter
            elif scale is not None and min(dd, dl) <= 1.6 * scale:
                out[i] = digit if digit_ix else letter
    result, pos = [], 0
    for line in lines:
        result.append("".join(out[pos : pos + len(line)]))
        pos += len(line)
    return result


def _nearest(patches: np.ndarray, i: int, among: list[int]) -> float:
    """Distance from patch i to the nearest of the patches `among` (inf when there are none)."""
    if not among:
        return float("inf")
    return float(np.linalg.norm(patches[among] - patches[i], axis=1).min())


def _same_glyph_scale(chars: list[str], classes: list[str], patches: np.ndarray) -> float | None:
    """Median distance between a digit-field glyph and its nearest other glyph read the same: how alike this
    document prints one character (None when there are too few to tell)."""
    dists = []
    digit_ix = [i for i, k in enumerate(classes) if k == "digit" and chars[i] in "0123456789"]
    for i in digit_ix:
        same = [j for j in digit_ix if j != i and chars[j] == chars[i]]
        if same:
            dists.append(_nearest(patches, i, same))
    return float(np.median(dists)) if len(dists) >= 4 else None
