"""Repair OCR output: swap look-alike characters where a field's class demands it, and let check digits
choose among candidates where a field allows both letters and digits."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from doc_check.mrz import countries
from doc_check.mrz.checkdigit import try_check_digit
from doc_check.mrz.explain import check_spans
from doc_check.mrz.formats import Layout, Span, char_classes, detect
from doc_check.mrz.parse import parse, split_lines
from doc_check.mrz.result import MrzResult

TO_DIGIT: dict[str, str] = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "Z": "2", "S": "5",
                            "B": "8", "G": "6", "T": "7"}  # fmt: skip
"""Letters OCR reads for digits, for positions that must be digits."""
TO_LETTER: dict[str, str] = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "4": "A", "7": "T"}
"""Digits OCR reads for letters, for positions that must be letters."""
LOOK_ALIKES: dict[str, tuple[str, ...]] = {
    "O": ("0",), "0": ("O",), "Q": ("0",), "D": ("0",), "I": ("1",), "1": ("I",), "S": ("5",), "5": ("S",),
    "B": ("8",), "8": ("B",), "Z": ("2",), "2": ("Z",), "G": ("6",), "6": ("G",),
}  # fmt: skip
"""Alternatives tried in letter-or-digit fields, where only a check digit can decide."""
MAX_CANDIDATES = 4096


@dataclass(frozen=True)
class Change:
    """One repaired character: 1-based line and column, the old and new text, and why."""

    line: int
    column: int
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class Repair:
    """The repaired lines, what changed, and the parse of the repaired lines."""

    lines: tuple[str, ...]
    changes: tuple[Change, ...]
    result: MrzResult


def _fix_filler_suffix(chars: list[str], span: Span) -> list[tuple[int, str]]:
    """In a field's trailing run of ``K`` and ``<``, ``K`` after the first ``<`` are fillers read as K;
    so are the leading ones when there are 3 or more (names rarely end in KKK) or they follow a digit."""
    row = chars
    end = span.end
    start = end
    while start > span.start and row[start - 1] in "K<":
        start -= 1
    first = next((i for i in range(start, end) if row[i] == "<"), end)
    if first - start >= 3 or (start > span.start and row[start - 1].isdigit()):
        first = start
    return [(i, "<") for i in range(first, end) if row[i] == "K"]


def repair(lines: Sequence[str] | str, *, today: date | None = None) -> Repair:
    """Repair OCR'd MRZ lines; a document invalid as printed stays invalid (only look-alikes are swapped)."""
    text = split_lines(lines)
    changes: list[Change] = []
    rows: list[list[str]] = []
    lay0 = detect(text)
    for i, line in enumerate(text):
        if lay0 is not None and " " in line and len(line.replace(" ", "")) == lay0.width:
            col = line.index(" ")
            changes.append(Change(i + 1, col + 1, " ", "", "space inside the line (removed)"))
            line = line.replace(" ", "")
        if line != line.upper():
            for col, c in enumerate(line):
                if c.islower():
                    changes.append(Change(i + 1, col + 1, c, c.upper(), "lower-case"))
            line = line.upper()
        rows.append(list(line))
    lay = detect(["".join(r) for r in rows])
    if lay is None or any(len(r) != lay.width for r in rows):
        out = tuple("".join(r) for r in rows)
        return Repair(out, tuple(changes), parse(out, today=today))

    def set_char(line: int, col: int, new: str, reason: str) -> None:
        old = rows[line][col]
        if old != new:
            changes.append(Change(line + 1, col + 1, old, new, reason))
            rows[line][col] = new

    # 1. positions whose class demands a digit or a letter
    classes = char_classes(lay)
    unknown_birth_ok = {(lay.birth_date.line, c) for c in range(lay.birth_date.start, lay.birth_date.end)}
    for li, row in enumerate(rows):
        for col, c in enumerate(row):
            cls = classes[li][col]
            if cls == "digit" and c not in "0123456789<" and c in TO_DIGIT:
                set_char(li, col, TO_DIGIT[c], f"{c} read for {TO_DIGIT[c]} (digit field)")
            elif cls == "digit" and c == "<" and (li, col) not in unknown_birth_ok:
                pass  # a filler in a check position may be legitimate (overflow, empty personal number)
            elif cls == "alpha" and c in TO_LETTER:
                set_char(li, col, TO_LETTER[c], f"{c} read for {TO_LETTER[c]} (letter field)")
            elif cls == "sex" and c in ("H", "N", "W"):
                pass
    # 2. fillers read as K at the end of names and optional data
    for span in (lay.names, lay.optional_data, lay.optional_data_2):
        if span is not None:
            for col, new in _fix_filler_suffix(rows[span.line], span):
                set_char(span.line, col, new, "filler '<' read as K")
    for span in (lay.optional_data, lay.optional_data_2):
        if span is not None:
            text = "".join(rows[span.line][span.start : span.end])
            if "K" in text and not text.replace("K", "<").strip("<"):  # only K and fillers: an empty field
                for col in range(span.start, span.end):
                    if rows[span.line][col] == "K":
                        set_char(span.line, col, "<", "filler '<' read as K (empty field)")
    code = lay.document_code
    if rows[code.line][code.start + 1] == "K":
        set_char(code.line, code.start + 1, "<", "filler '<' read as K (document code)")
    for span in (lay.issuing_state, lay.nationality):
        code = "".join(rows[span.line][span.start : span.end])
        alt = code.replace("K", "<")
        if not countries.is_known(code) and alt != code and countries.is_known(alt) and alt.rstrip("<") == alt[:1]:
            for k in range(span.width):
                set_char(span.line, span.start + k, alt[k], "filler '<' read as K")
    # 3. letter-or-digit fields: let the check digit pick among look-alike candidates
    _by_check(rows, lay, set_char)
    out = tuple("".join(r) for r in rows)
    return Repair(out, tuple(changes), parse(out, today=today))


def _candidates(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """Substitution sets for ``text`` (number of swaps, [(index, new)]), fewest swaps first."""
    spots = [(i, LOOK_ALIKES[c]) for i, c in enumerate(text) if c in LOOK_ALIKES]
    out: list[tuple[int, list[tuple[int, str]]]] = []
    for k in range(1, len(spots) + 1):
        for combo in itertools.combinations(spots, k):
            for picks in itertools.product(*(alts for _, alts in combo)):
                out.append((k, [(i, new) for (i, _), new in zip(combo, picks, strict=True)]))
                if len(out) >= MAX_CANDIDATES:
                    return out
    return out


def _by_check(rows: list[list[str]], lay: Layout, set_char) -> None:
    lines = ["".join(r) for r in rows]
    for field, text, digit, _dspan in check_spans(lines):
        if field in ("birth_date", "expiry_date", "composite") or digit not in "0123456789":
            continue
        if field == "optional_data" and not text.strip("<"):
            continue
        if try_check_digit(text) == int(digit):
            continue
        if field == "document_number":
            spans = [lay.document_number]
            if len(text) > lay.document_number.width:  # overflow continues in the optional data
                o = lay.optional_data
                spans.append(Span(o.line, o.start, o.start + len(text) - lay.document_number.width))
        else:
            spans = [lay.optional_data]
        positions = [(s.line, c) for s in spans for c in range(s.start, s.end)]
        winners: list[list[tuple[int, str]]] = []
        best = None
        for k, subs in _candidates(text):
            if best is not None and k > best:
                break
            trial = list(text)
            for i, new in subs:
                trial[i] = new
            if try_check_digit("".join(trial)) == int(digit):
                best = k
                winners.append(subs)
        if len(winners) == 1:
            for i, new in winners[0]:
                li, col = positions[i]
                set_char(li, col, new, f"look-alike chosen by the {field.replace('_', ' ')} check digit")
