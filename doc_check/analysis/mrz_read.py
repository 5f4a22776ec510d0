"""Read the MRZ from a document image: locate, deskew, segment, classify glyphs, decode under the MRZ grammar, parse."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import cv2
import numpy as np

from doc_check.analysis.glyphs import ALPHABET
from doc_check.analysis.locate import LineGrid, MrzZone, iter_mrz_zones, regrid
from doc_check.analysis.mrz_decode import decode
from doc_check.analysis.ocr import GlyphClassifier, cell_patches, default_classifier
from doc_check.mrz import Change, MrzResult, Repair, detect, parse
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
    checks_decided: tuple[str, ...] = ()  # fields whose reading the check digits chose among the glyphs' candidates
    check_margin: float = float("inf")  # nats to the next check-passing reading (small: the choice was close)


@dataclass(frozen=True)
class _Candidate:
    """One way of reading a zone (orientation and line length) with its score."""

    raw: tuple[str, ...]
    conf: tuple[tuple[float, ...], ...]
    fixed: Repair
    rotation: int
    region: tuple[int, int, int, int]
    score: float
    checks_decided: tuple[str, ...] = ()
    check_margin: float = float("inf")


@dataclass(frozen=True)
class ZoneCandidate:
    """One zone the reader looked at: where, how it read, and why it was or was not taken."""

    region: tuple[int, int, int, int]
    lines: tuple[str, ...]
    mean_confidence: float
    checks_passed: int
    checks_total: int
    outcome: str  # "read" or why it was rejected


@dataclass(frozen=True)
class MrzSearch:
    """How the reader searched an image: what the zone finder saw and each zone candidate read."""

    notes: tuple[str, ...]
    candidates: tuple[ZoneCandidate, ...]

    def to_dict(self) -> dict:
        """A JSON-ready form (the ``diagnostics`` of a report's ``mrz`` object when no MRZ was found)."""
        return {
            "notes": list(self.notes),
            "candidates": [
                {
                    "region": list(c.region),
                    "lines": list(c.lines),
                    "mean_confidence": round(c.mean_confidence, 3),
                    "check_digits_passed": f"{c.checks_passed}/{c.checks_total}",
                    "outcome": c.outcome,
                }
                for c in self.candidates
            ],
        }


def read_mrz(image: np.ndarray, *, today: date | None = None) -> MrzReading | None:
    """Find and read the MRZ of a document image (BGR or grayscale, any quarter turn, a few degrees of skew).

    Returns None when no MRZ is found (`read_mrz_explained` also says why).
    """
    return read_mrz_explained(image, today=today)[0]


def read_mrz_explained(image: np.ndarray, *, today: date | None = None) -> tuple[MrzReading | None, MrzSearch]:
    """Like `read_mrz`, plus how the search went: what the zone finder saw and why each candidate was rejected."""
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
    notes: list[str] = []
    seen: list[_Candidate] = []
    for zone in iter_mrz_zones(gray, notes=notes):
        cands = _read_zone(zone, clf, today)
        if not cands:
            notes.append(f"zone at {zone.region}: its lines fit no MRZ layout (2 x 36, 2 x 44 or 3 x 30)")
        seen.extend(cands)
        for cand in cands:
            if best is None or cand.score > best.score:
                best = cand
        if best is not None and (best.fixed.result.valid or best.score > 2.0 * 0.85):
            break  # a clean, valid reading: no need to look at weaker candidate zones
    taken = best if best is not None and _plausible(best) else None
    search = MrzSearch(tuple(notes), tuple(_describe(c, c is taken, best) for c in seen))
    if taken is None:
        return None, search
    fixed = taken.fixed
    reading = MrzReading(
        lines=fixed.lines,
        raw_lines=taken.raw,
        confidences=taken.conf,
        result=fixed.result,
        changes=fixed.changes,
        region=taken.region,
        rotation=taken.rotation,
        seconds=time.perf_counter() - start,
        checks_decided=taken.checks_decided,
        check_margin=taken.check_margin,
    )
    return reading, search


def _describe(cand: _Candidate, taken: bool, best: _Candidate | None) -> ZoneCandidate:
    """A candidate's entry in the search diagnostics."""
    checks = [v for v in cand.fixed.result.checks.values() if v is not None]
    mean_conf = float(np.mean([c for line in cand.conf for c in line])) if cand.conf else 0.0
    if taken:
        outcome = "read"
    elif cand is best:
        outcome = (
            f"rejected: mean glyph confidence {mean_conf:.2f} < {PLAUSIBLE_CONFIDENCE} and no check digit passes "
            "(other text, not an MRZ)"
        )
    else:
        outcome = "rejected: another candidate read better"
    return ZoneCandidate(cand.region, cand.fixed.lines, mean_conf, sum(checks), len(checks), outcome)


#: Mean glyph confidence below which a zone where no check digit passes is taken for other text.
PLAUSIBLE_CONFIDENCE = 0.6


def _plausible(cand: _Candidate) -> bool:
    """A zone read with low confidence and not one passing check digit is other text (a page without an MRZ)."""
    checks = [v for v in cand.fixed.result.checks.values() if v is not None]
    mean_conf = float(np.mean([c for line in cand.conf for c in line])) if cand.conf else 0.0
    return mean_conf >= PLAUSIBLE_CONFIDENCE or any(checks)


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
    """Turn classified cells into lines under the MRZ grammar (letter-or-digit look-alikes first settled by this
    document's own glyphs), parse and score."""
    chars = [ALPHABET[i] for i in best]
    sizes = [len(g.centers) for g in grids]
    raw_list = []
    pos = 0
    for n in sizes:
        raw_list.append("".join(chars[pos : pos + n]))
        pos += n
    layout = detect(raw_list)
    if layout is None or any(n != layout.width for n in sizes):
        return None
    settled = _settle_lookalikes(raw_list, exemplars, probs, layout)
    decoded = decode(_prefer(probs, raw_list, settled), layout)
    fixed = Repair(decoded.lines, decoded.changes, parse(decoded.lines, today=today))
    conf = np.array([c for line in decoded.confidences for c in line])
    checks = [v for v in fixed.result.checks.values() if v is not None]
    passed = sum(1 for v in checks if v) / len(checks) if checks else 0.0
    score = 2.0 * float(conf.mean()) + 0.5 * passed + (0.5 if fixed.result.valid else 0.0)
    return _Candidate(
        tuple(raw_list), decoded.confidences, fixed, rotation, region, score, decoded.checks_decided,
        decoded.check_margin,
    )  # fmt: skip


def _prefer(probs: np.ndarray, raw: list[str], settled: list[str]) -> np.ndarray:
    """Class probabilities where the per-document look-alike decision swapped a glyph's two readings' mass, so the
    settled reading ranks first (the decoder still sees both)."""
    out = probs.copy()
    flat_raw, flat_new = "".join(raw), "".join(settled)
    for i, (a, b) in enumerate(zip(flat_raw, flat_new, strict=True)):
        if a != b:
            ia, ib = _INDEX[a], _INDEX[b]
            if out[i, ib] < out[i, ia]:
                out[i, ia], out[i, ib] = out[i, ib], out[i, ia]
    return out


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
