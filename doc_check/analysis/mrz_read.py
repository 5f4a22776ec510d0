"""Read the MRZ from a document image: locate, deskew, segment, classify glyphs, repair look-alikes, parse."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import cv2
import numpy as np

from doc_check.analysis.glyphs import ALPHABET
from doc_check.analysis.locate import LineGrid, MrzZone, find_mrz_zones
from doc_check.analysis.ocr import GlyphClassifier, cell_patches, default_classifier
from doc_check.mrz import Change, MrzResult, detect, repair
from doc_check.mrz.formats import char_classes

#: Look-alike pairs (digit, letter) whose reading in letter-or-digit fields is settled per document, by comparing
#: the glyph with the same document's glyphs at positions whose class is known (dates are digits, names letters).
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
    fixed: object  # mrz.Repair
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
    for zone in find_mrz_zones(gray):
        for cand in _read_zone(zone, clf, today):
            if best is None or cand.score > best.score:
                best = cand
        if best is not None and best.fixed.result.valid and best.score > 1.5:
            break  # a clean, valid reading: no need to look at weaker candidate zones
    if best is None:
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


def _read_zone(zone: MrzZone, clf: GlyphClassifier, today: date | None) -> list[_Candidate]:
    """Read a zone upright and turned by 180 degrees (and, for two lines, at 36 and 44 characters)."""
    out = []
    h, w = zone.crop.shape
    flipped = cv2.rotate(zone.crop, cv2.ROTATE_180)
    for turned in (False, True):
        crop = flipped if turned else zone.crop
        lines = zone.lines
        if turned:
            lines = tuple(
                LineGrid(tuple((w - 1) - c for c in reversed(g.centers)), (h - 1) - g.bottom, (h - 1) - g.top, g.pitch)
                for g in reversed(zone.lines)
            )
        variants = [lines]
        if len(lines) == 2:
            n = len(lines[0].centers)
            other = 36 if n == 44 else 44
            variants.append(tuple(_resize_grid(g, other) for g in lines))
        rotation = (zone.rotation + (180 if turned else 0)) % 360
        for grids in variants:
            cand = _read_lines(crop, grids, clf, today, rotation, zone.region)
            if cand is not None:
                out.append(cand)
    return out


def _resize_grid(g: LineGrid, n: int) -> LineGrid:
    """The same grid (left-anchored) with another number of characters."""
    return LineGrid(tuple(g.centers[0] + i * g.pitch for i in range(n)), g.top, g.bottom, g.pitch)


def _read_lines(
    crop: np.ndarray,
    grids: tuple[LineGrid, ...],
    clf: GlyphClassifier,
    today: date | None,
    rotation: int,
    region: tuple[int, int, int, int],
) -> _Candidate | None:
    """Classify every cell, settle letter-or-digit look-alikes per document, repair and score the reading."""
    patches = [cell_patches(crop, g) for g in grids]
    flat = np.concatenate(patches)
    probs, best = clf.classify(flat)
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
    raw_list = _settle_lookalikes(raw_list, flat, probs, layout)
    raw = tuple(raw_list)
    fixed = repair(raw, today=today)
    confs = []
    pos = 0
    for n in sizes:
        confs.append(tuple(round(float(c), 3) for c in conf[pos : pos + n]))
        pos += n
    checks = [v for v in fixed.result.checks.values() if v is not None]
    passed = sum(1 for v in checks if v) / len(checks) if checks else 0.0
    score = float(conf.mean()) + passed + (0.5 if fixed.result.valid else 0.0)
    return _Candidate(raw, tuple(confs), fixed, rotation, region, score)


def _settle_lookalikes(lines: list[str], patches: np.ndarray, probs: np.ndarray, layout) -> list[str]:
    """In letter-or-digit fields, decide 0/O, 1/I, 5/S, 8/B, 2/Z, 6/G by the nearer of this document's own
    prototypes of the two glyphs (mean patch at positions where the field's class makes the reading certain)."""
    classes = char_classes(layout)
    if len(classes) != len(lines) or any(len(c) != len(l) for c, l in zip(classes, lines)):
        return lines
    flat_cls = [c for row in classes for c in row]
    flat_chr = [c for line in lines for c in line]
    out = list(flat_chr)
    index = {ch: i for i, ch in enumerate(ALPHABET)}
    for digit, letter in _PAIRS:
        pair = {digit, letter}
        digit_ix = [i for i, (c, k) in enumerate(zip(flat_chr, flat_cls)) if k == "digit" and c in pair]
        letter_ix = [i for i, (c, k) in enumerate(zip(flat_chr, flat_cls)) if k == "alpha" and c in pair]
        if not digit_ix or not letter_ix:
            continue
        # the pair's combined probability must dominate: only a real look-alike is re-decided
        todo = [
            i
            for i, (c, k) in enumerate(zip(flat_chr, flat_cls))
            if k == "alnum" and c in pair and probs[i, index[digit]] + probs[i, index[letter]] > 0.6
        ]
        if not todo:
            continue
        proto_d = patches[digit_ix].mean(axis=0)
        proto_l = patches[letter_ix].mean(axis=0)
        for i in todo:
            dd = float(np.linalg.norm(patches[i] - proto_d))
            dl = float(np.linalg.norm(patches[i] - proto_l))
            out[i] = digit if dd < dl else letter
    result, pos = [], 0
    for line in lines:
        result.append("".join(out[pos : pos + len(line)]))
        pos += len(line)
    return result
