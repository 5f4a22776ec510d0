"""Vectorised validity of many MRZs at once: character values by table lookup, every check digit of every
MRZ as one matrix product. Rows the fast path cannot settle (overflowed document numbers, partial birth
dates, odd lengths) go through :func:`parse`, so the verdicts equal ``parse(...).valid``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from doc_check.mrz.checkdigit import VALUES
from doc_check.mrz.formats import LAYOUTS, Layout, Span
from doc_check.mrz.parse import parse, split_lines
from doc_check.mrz.result import CHECK_FIELDS

_VALUE = np.full(256, -1, dtype=np.float32)  # float32 is exact here (sums < 2**24) and takes the BLAS path
for _c, _v in VALUES.items():
    _VALUE[ord(_c)] = _v
_IS_LETTER_OR_FILLER = np.zeros(256, dtype=bool)
_IS_LETTER_OR_FILLER[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ<"]] = True
_IS_DIGIT = np.zeros(256, dtype=bool)
_IS_DIGIT[48:58] = True
_DIM = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class BatchResult:
    """Per MRZ: its format (None when undetermined), validity, and each check (-1 none, 0 fail, 1 pass)."""

    formats: tuple[str | None, ...]
    valid: np.ndarray
    checks: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.valid)

    @property
    def invalid_indices(self) -> np.ndarray:
        return np.flatnonzero(~self.valid)


@dataclass(frozen=True)
class _Plan:
    layout: Layout
    weights: np.ndarray  # (total, n_checks) weights of every check over the joined MRZ
    digit_cols: np.ndarray  # (n_checks,) where the printed check digits are
    check_names: tuple[str, ...]
    letter_cols: np.ndarray
    digit_only_cols: np.ndarray


def _flat(lay: Layout, span: Span) -> range:
    return range(span.line * lay.width + span.start, span.line * lay.width + span.end)


def _plan(lay: Layout) -> _Plan:
    total = lay.line_count * lay.width
    checks: list[tuple[str, list[int], int]] = [
        ("document_number", list(_flat(lay, lay.document_number)), _flat(lay, lay.document_number_check)[0]),
        ("birth_date", list(_flat(lay, lay.birth_date)), _flat(lay, lay.birth_date_check)[0]),
        ("expiry_date", list(_flat(lay, lay.expiry_date)), _flat(lay, lay.expiry_date_check)[0]),
    ]
    if lay.optional_data_check is not None:
        checks.append(("optional_data", list(_flat(lay, lay.optional_data)), _flat(lay, lay.optional_data_check)[0]))
    if lay.composite is not None:
        cols = [c for s in lay.composite_parts for c in _flat(lay, s)]
        checks.append(("composite", cols, _flat(lay, lay.composite)[0]))
    weights = np.zeros((total, len(checks)), dtype=np.float32)
    for j, (_, cols, _) in enumerate(checks):
        for i, col in enumerate(cols):
            weights[col, j] = (7, 3, 1)[i % 3]
    letters = [c for s in (lay.document_code, lay.issuing_state, lay.nationality, lay.names) for c in _flat(lay, s)]
    digits = [c for s in (lay.expiry_date,) for c in _flat(lay, s)]
    return _Plan(lay, weights, np.array([d for _, _, d in checks]), tuple(n for n, _, _ in checks),
                 np.array(letters), np.array(digits))  # fmt: skip


_PLANS = {name: _plan(lay) for name, lay in LAYOUTS.items()}


def _codes_for(strings: list[str], lay: Layout) -> np.ndarray | None:
    """The (n, total) uint8 array of n MRZs with all lines exactly the width, or None."""
    total = lay.line_count * lay.width
    try:
        blob = "".join(strings).encode("ascii")
    except UnicodeEncodeError:
        return None
    if len(blob) != total * len(strings):
        return None
    return np.frombuffer(blob, dtype=np.uint8).reshape(len(strings), total)


def check_codes(codes: np.ndarray, format: str, *, today: date | None = None) -> BatchResult:
    """Validity of MRZs given as an (n, lines*width) uint8 array of character codes, all in ``format``."""
    lay = LAYOUTS[format]
    plan = _PLANS[format]
    today = today or date.today()
    n = codes.shape[0]
    vals = _VALUE[codes]
    ok = (vals >= 0).all(axis=1)
    if not ok.all():
        vals = np.where(vals >= 0, vals, 0)
    computed = (vals @ plan.weights).astype(np.int64) % 10
    printed = codes[:, plan.digit_cols].astype(np.int64) - 48
    checks_ok = computed == printed
    checks: dict[str, np.ndarray] = {name: np.full(n, -1, dtype=np.int8) for name in CHECK_FIELDS}
    needs_slow = np.zeros(n, dtype=bool)
    for j, name in enumerate(plan.check_names):
        col_ok = checks_ok[:, j]
        if name == "optional_data":
            span = _flat(lay, lay.optional_data)
            empty = (codes[:, span.start : span.stop] == ord("<")).all(axis=1)
            digit = codes[:, plan.digit_cols[j]]
            col_ok = col_ok | (empty & ((digit == ord("<")) | (digit == ord("0"))))
        checks[name] = col_ok.astype(np.int8)
        ok &= col_ok
    # an overflowed document number ('<' at its check position) and other rare shapes: the slow path
    doc_digit = codes[:, plan.digit_cols[0]]
    if lay.name in ("TD1", "TD2"):
        needs_slow |= doc_digit == ord("<")
    # letters only in codes and names; the document code starts with a letter
    ok &= _IS_LETTER_OR_FILLER[codes[:, plan.letter_cols]].all(axis=1)
    ok &= codes[:, 0] != ord("<")
    # names: a run of 3+ fillers may only end the field
    nspan = _flat(lay, lay.names)
    filler = codes[:, nspan.start : nspan.stop] == ord("<")
    triple = filler[:, :-2] & filler[:, 1:-1] & filler[:, 2:]
    letter_after = np.logical_or.accumulate(~filler[:, ::-1], axis=1)[:, ::-1]  # a letter at or after i
    ok &= ~(triple[:, :-1] & letter_after[:, 3:]).any(axis=1)
    # at most one '<<' separator before the trailing fillers
    zero = np.zeros((n, 1), dtype=bool)
    pair_start = filler[:, :-1] & filler[:, 1:] & ~np.concatenate([zero, filler[:, :-2]], axis=1)
    pair_start &= np.concatenate([letter_after[:, 2:], zero], axis=1)
    ok &= pair_start.sum(axis=1) <= 1
    first = codes[:, 0]
    allowed = {"TD1": "ACI", "TD2": "ACI", "TD3": "P", "MRVA": "V", "MRVB": "V"}[lay.name]
    ok &= np.isin(first, np.frombuffer(allowed.encode(), dtype=np.uint8))
    # dates
    b0 = _flat(lay, lay.birth_date).start
    e0 = _flat(lay, lay.expiry_date).start
    for start, is_birth in ((b0, True), (e0, False)):
        block = codes[:, start : start + 6]
        digits = _IS_DIGIT[block].all(axis=1)
        if is_birth:
            needs_slow |= (~digits) & (block == ord("<")).any(axis=1)
        d = block.astype(np.int64) - 48
        yy, mm, dd = d[:, 0] * 10 + d[:, 1], d[:, 2] * 10 + d[:, 3], d[:, 4] * 10 + d[:, 5]
        mm_c = np.clip(mm, 0, 12)
        leap_ok = (mm != 2) | (dd != 29) | (yy % 4 == 0)
        needs_slow |= (mm == 2) & (dd == 29) & (yy == 0)  # 2000 or 1900: the century decides
        ok &= digits & (mm >= 1) & (mm <= 12) & (dd >= 1) & (dd <= _DIM[mm_c]) & leap_ok
    sex = codes[:, _flat(lay, lay.sex).start]
    ok &= (sex == ord("M")) | (sex == ord("F")) | (sex == ord("<")) | (sex == ord("X"))
    valid = ok
    slow = np.flatnonzero(needs_slow)
    if slow.size:
        valid = valid.copy()
        width = lay.width
        for i in slow:
            row = codes[i].tobytes().decode("ascii", "replace")
            res = parse([row[k * width : (k + 1) * width] for k in range(lay.line_count)], today=today)
            valid[i] = res.valid
            for name in CHECK_FIELDS:
                v = res.checks[name]
                checks[name][i] = -1 if v is None else int(v)
    return BatchResult((lay.name,) * n, valid, checks)


def check_batch(mrzs: np.ndarray | Sequence[Sequence[str] | str], *, today: date | None = None) -> BatchResult:
    """Validity of many MRZs at once; ``valid[i] == parse(mrzs[i]).valid`` for every i.

    ``mrzs``: a sequence of MRZs (each a sequence of lines, or one string with newline-separated lines),
    a numpy array of such strings (1-D of joined MRZs or 2-D of lines), or a 2-D uint8 array of character
    codes with the lines concatenated (90 columns TD1, 72 TD2/MRV-B, 88 TD3/MRV-A; visas by their ``V``).
    """
    today = today or date.today()
    if isinstance(mrzs, np.ndarray) and mrzs.dtype == np.uint8 and mrzs.ndim == 2:
        return _check_code_array(mrzs, today)
    if isinstance(mrzs, np.ndarray) and mrzs.ndim == 2:
        items: list[str | Sequence[str]] = ["\n".join(str(x) for x in row) for row in mrzs]
    else:
        items = [str(x) if isinstance(x, np.str_ | np.bytes_) else x for x in mrzs]
    n = len(items)
    formats: list[str | None] = [None] * n
    valid = np.zeros(n, dtype=bool)
    checks = {name: np.full(n, -1, dtype=np.int8) for name in CHECK_FIELDS}
    groups: dict[str, tuple[list[int], list[str]]] = {}
    slow: list[int] = []
    for i, item in enumerate(items):
        lines = item.split("\n") if isinstance(item, str) else item
        k = len(lines)
        if k == 3:
            name = "TD1"
        elif k == 2:
            w = len(lines[0])
            visa = lines[0][:1] == "V"
            name = ("MRVA" if visa else "TD3") if w == 44 else ("MRVB" if visa else "TD2") if w == 36 else ""
        else:
            name = ""
        if name:
            g = groups.setdefault(name, ([], []))
            g[0].append(i)
            g[1].append("".join(lines))
        else:
            slow.append(i)
    for name, (idx, strings) in groups.items():
        codes = _codes_for(strings, LAYOUTS[name])
        if codes is None:
            slow.extend(idx)
            continue
        res = check_codes(codes, name, today=today)
        ia = np.asarray(idx)
        valid[ia] = res.valid
        for f in CHECK_FIELDS:
            checks[f][ia] = res.checks[f]
        for i in idx:
            formats[i] = name
    for i in slow:
        item = items[i]
        one = parse(item if isinstance(item, str) else list(item), today=today)
        formats[i] = one.format
        valid[i] = one.valid
        for f in CHECK_FIELDS:
            v = one.checks[f]
            checks[f][i] = -1 if v is None else int(v)
    return BatchResult(tuple(formats), valid, checks)


def _check_code_array(codes: np.ndarray, today: date) -> BatchResult:
    width = codes.shape[1]
    n = codes.shape[0]
    if width == 90:
        return check_codes(codes, "TD1", today=today)
    if width not in (72, 88):
        raise ValueError(f"a code array needs 90, 72 or 88 columns, not {width}")
    visa = codes[:, 0] == ord("V")
    names = ("MRVA", "TD3") if width == 88 else ("MRVB", "TD2")
    formats: list[str | None] = [None] * n
    valid = np.zeros(n, dtype=bool)
    checks = {name: np.full(n, -1, dtype=np.int8) for name in CHECK_FIELDS}
    for name, mask in ((names[0], visa), (names[1], ~visa)):
        idx = np.flatnonzero(mask)
        if idx.size:
            res = check_codes(codes[idx], name, today=today)
            valid[idx] = res.valid
            for f in CHECK_FIELDS:
                checks[f][idx] = res.checks[f]
            for i in idx:
                formats[i] = name
    return BatchResult(tuple(formats), valid, checks)


def split_mrzs(text: str) -> list[list[str]]:
    """Several MRZs separated by blank lines -> a list of line lists."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


__all__ = ["BatchResult", "check_batch", "check_codes", "split_lines", "split_mrzs"]
