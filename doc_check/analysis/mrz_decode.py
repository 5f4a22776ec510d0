"""Grammar-constrained decoding of classified MRZ cells: per-position alphabets, valid state codes, and a bounded
joint search for the reading that satisfies every check digit."""

from __future__ import annotations

import functools
import heapq
import itertools
from dataclasses import dataclass

import numpy as np

from doc_check.analysis.glyphs import ALPHABET
from doc_check.mrz.checkdigit import try_check_digit
from doc_check.mrz.countries import KNOWN_CODES, pad_code
from doc_check.mrz.formats import Layout, Span, char_classes
from doc_check.mrz.repair import Change

#: Characters each position class allows (Doc 9303 Part 3 section 4): dates and check digits are digits (``<`` for
#: an unknown part or an empty optional field), codes and names letters and ``<``, sex M, F or ``<``.
ALPHABETS: dict[str, str] = {
    "digit": "0123456789<",
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
    "alnum": ALPHABET,
    "sex": "MF<",
}
#: Log-odds (nats) a glyph must win by to be read outside its position's alphabet: the grammar is a prior, not a
#: wall, so a clearly printed deviation (a fraud, a national habit such as a US card's 'C1' in a letter field) is read
#: as printed. Any value in 4.0-5.5 reads the tuned half the same (bench/mrz_read_bench.py); near the old rule's
#: ln(0.98 / 0.002) = 6.2 ("a 98 % sure glyph whose rival has 0.2 %"), which this one principle replaces.
OUTSIDE_PENALTY = 5.5
#: Log-odds (nats) by which a state code that does not exist must beat the best-scoring valid code to be read as
#: printed (an unknown issuer is a finding the trainee must see, so a clear one is kept).
CODE_PENALTY = 6.2
#: Smallest probability used for a log (classifier probabilities can underflow to 0).
PROB_FLOOR = 1e-7
#: A position joins the check-digit search when its second allowed choice is within this many nats of its first
#: (ln 20: the classifier gives the alternative at least 5 % of the chosen glyph's probability).
UNCERTAIN_NATS = 3.0
#: Most uncertain positions searched jointly, alternatives per position and changes per reading: at most
#: C(10,1)*2 + C(10,2)*4 + C(10,3)*8 = 1160 readings are tried.
SEARCH_POSITIONS = 10
SEARCH_ALTERNATIVES = 2
SEARCH_MAX_CHANGES = 3
#: Largest total cost (nats below the unconstrained reading) a check-digit-satisfying reading may have; beyond it
#: the reading as classified stands and a failing check digit is reported (a printed error stays an error).
SEARCH_BUDGET = 6.0
#: The cheapest check-passing reading is taken only when the next one costs this many nats more: with many
#: readings tried, some pass by chance (each check digit passes one random reading in ten).
SEARCH_MARGIN = 0.3


@dataclass(frozen=True)
class Decoded:
    """The decoded lines, per-character confidence, the changes from the plain best glyphs, and what decided."""

    lines: tuple[str, ...]
    confidences: tuple[tuple[float, ...], ...]
    changes: tuple[Change, ...]
    checks_decided: tuple[str, ...]  # fields whose reading the check digits chose (empty: the glyphs alone)
    check_margin: float  # nats between the chosen check-passing reading and the next one (inf: unique)


@functools.cache
def _code_table() -> tuple[tuple[str, ...], np.ndarray]:
    """Every valid state code padded to 3 characters and its (k, 3) class indices."""
    codes = tuple(sorted({pad_code(c) for c in KNOWN_CODES}))
    index = {ch: i for i, ch in enumerate(ALPHABET)}
    return codes, np.array([[index[c] for c in code] for code in codes])


def _allowed_mask(layout: Layout) -> np.ndarray:
    """(cells, 37) True where the position's grammar allows the character."""
    classes = [c for row in char_classes(layout) for c in row]
    mask = np.zeros((len(classes), len(ALPHABET)), bool)
    for i, cls in enumerate(classes):
        for ch in ALPHABETS[cls]:
            mask[i, ALPHABET.index(ch)] = True
    return mask


def _flat(span: Span, width: int) -> range:
    return range(span.line * width + span.start, span.line * width + span.end)


def _checked_fields(layout: Layout) -> list[tuple[str, list[int], int]]:
    """(field, flat positions of the text, flat position of its check digit) for every check digit of the layout."""
    w = layout.width
    out = [
        ("document_number", list(_flat(layout.document_number, w)), _flat(layout.document_number_check, w)[0]),
        ("birth_date", list(_flat(layout.birth_date, w)), _flat(layout.birth_date_check, w)[0]),
        ("expiry_date", list(_flat(layout.expiry_date, w)), _flat(layout.expiry_date_check, w)[0]),
    ]
    if layout.optional_data_check is not None:
        out.append(("optional_data", list(_flat(layout.optional_data, w)), _flat(layout.optional_data_check, w)[0]))
    if layout.composite is not None:
        parts = [i for span in layout.composite_parts for i in _flat(span, w)]
        out.append(("composite", parts, _flat(layout.composite, w)[0]))
    return out


def _check_state(chars: list[str], text: list[int], digit: int) -> bool | None:
    """True/False for a check digit that holds/fails; None when it cannot be judged (a '<' check digit: an empty
    optional field, or a TD1 document number continued in the optional data)."""
    d = chars[digit]
    field = "".join(chars[i] for i in text)
    if d == "<":
        return True if field.strip("<") == "" else None
    want = try_check_digit(field)
    return None if want is None or not d.isdigit() else want == int(d)


def decode(probs: np.ndarray, layout: Layout) -> Decoded:
    """Decode classified cells under the MRZ grammar of `layout`.

    Parameters
    ----------
    probs : (cells, 37) float array
        Class probabilities per cell in ALPHABET order, the layout's lines concatenated.
    layout : Layout
        The MRZ layout the cells are laid out in (``cells == layout.line_count * layout.width``).

    Returns
    -------
    Decoded
        Every position takes its best character within the position's alphabet (outside it only when the glyph
        wins by OUTSIDE_PENALTY), state codes the best-scoring valid code, and, where a check digit fails, the
        cheapest joint change of uncertain positions that satisfies every check digit within SEARCH_BUDGET.
    """
    n = layout.line_count * layout.width
    if probs.shape != (n, len(ALPHABET)):
        raise ValueError(f"decode expects ({n}, {len(ALPHABET)}) probabilities, got {probs.shape}")
    logp = np.log(np.maximum(probs.astype(np.float64), PROB_FLOOR))
    score = logp - OUTSIDE_PENALTY * ~_allowed_mask(layout)
    plain = logp.argmax(axis=1)
    choice = score.argmax(axis=1)
    reasons: dict[int, str] = {}
    for i in np.flatnonzero(choice != plain):
        reasons[int(i)] = "outside the position's alphabet"
    # state codes: the best-scoring valid code, unless a code that does not exist wins by OUTSIDE_PENALTY
    codes, table = _code_table()
    for span in (layout.issuing_state, layout.nationality):
        pos = np.array(_flat(span, layout.width))
        free = float(score[pos, choice[pos]].sum())
        code_scores = logp[pos[None, :], table].sum(axis=1)
        k = int(code_scores.argmax())
        if code_scores[k] >= free - CODE_PENALTY:
            for p, c in zip(pos, table[k], strict=True):
                if choice[p] != c:
                    choice[p] = c
                    reasons[int(p)] = f"best-scoring valid state code {codes[k]}"
    chars = [ALPHABET[i] for i in choice]
    decided, margin = _search_checks(chars, score, layout, reasons)
    conf = probs[np.arange(n), [ALPHABET.index(c) for c in chars]]
    w = layout.width
    lines = tuple("".join(chars[r * w : (r + 1) * w]) for r in range(layout.line_count))
    confs = tuple(tuple(round(float(c), 3) for c in conf[r * w : (r + 1) * w]) for r in range(layout.line_count))
    changes = tuple(
        Change(i // w + 1, i % w + 1, ALPHABET[plain[i]], chars[i], why)
        for i, why in sorted(reasons.items())
        if ALPHABET[plain[i]] != chars[i]
    )
    return Decoded(lines, confs, changes, decided, margin)


def _search_checks(
    chars: list[str], score: np.ndarray, layout: Layout, reasons: dict[int, str]
) -> tuple[tuple[str, ...], float]:
    """Where a check digit fails, change `chars` in place to the cheapest reading of uncertain positions that makes
    every judged check digit hold (bounded search); return the fields that decided and the margin to the next."""
    fields = _checked_fields(layout)
    states = [_check_state(chars, text, d) for _, text, d in fields]
    if all(s is not False for s in states):
        return (), float("inf")
    failing = [f for f, s in zip(fields, states, strict=True) if s is False]
    # a failing field check digit points at its own field; the composite failing alone points at all its parts
    own = [f for f in failing if f[0] != "composite"] or failing
    pos_set = sorted({i for _, text, d in own for i in (*text, d)})
    index = {ch: i for i, ch in enumerate(ALPHABET)}
    spots = []  # (gap to best alternative, position, [(cost, char), ...])
    for i in pos_set:
        cur = score[i, index[chars[i]]]
        order = np.argsort(-score[i])
        alts = [(float(cur - score[i, j]), ALPHABET[j]) for j in order if ALPHABET[j] != chars[i]]
        alts = [a for a in alts[:SEARCH_ALTERNATIVES] if a[0] <= UNCERTAIN_NATS]
        if alts:
            spots.append((alts[0][0], i, alts))
    spots = sorted(spots)[:SEARCH_POSITIONS]
    found: list[tuple[float, tuple[tuple[int, str], ...]]] = []
    for size in range(1, SEARCH_MAX_CHANGES + 1):
        for combo in itertools.combinations(spots, size):
            for picks in itertools.product(*(s[2] for s in combo)):
                cost = sum(p[0] for p in picks)
                if cost > SEARCH_BUDGET:
                    continue
                trial = list(chars)
                for s, (_, ch) in zip(combo, picks, strict=True):
                    trial[s[1]] = ch
                if all(_check_state(trial, text, d) is not False for _, text, d in fields):
                    found.append((cost, tuple((s[1], ch) for s, (_, ch) in zip(combo, picks, strict=True))))
    if not found:
        return (), float("inf")
    best, runner = heapq.nsmallest(2, found, key=lambda f: f[0]) if len(found) > 1 else (found[0], None)
    margin = float("inf") if runner is None else runner[0] - best[0]
    if margin < SEARCH_MARGIN:
        return (), margin  # two readings pass about as well: the check digits do not decide
    for i, ch in best[1]:
        chars[i] = ch
        reasons[i] = "chosen by the check digits"
    return tuple(f[0] for f in failing), margin
