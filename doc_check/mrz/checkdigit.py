"""ICAO Doc 9303 Part 3 check digits: character values, weights 7-3-1, sum mod 10."""

from __future__ import annotations

import functools
import string

ALPHABET: str = string.digits + string.ascii_uppercase + "<"
"""Every character an MRZ may hold, in value order (``<`` last, value 0)."""

VALUES: dict[str, int] = {c: i for i, c in enumerate(string.digits + string.ascii_uppercase)}
VALUES["<"] = 0
"""Doc 9303 character values: 0-9 -> 0-9, A-Z -> 10-35, ``<`` -> 0."""

WEIGHTS: tuple[int, int, int] = (7, 3, 1)

# bytes.translate table: an MRZ character -> its value mod 10 (all a weight of 7, 3 or 1 needs); others -> 200
_MOD10 = bytes((VALUES[chr(i)] % 10) if chr(i) in VALUES else 200 for i in range(256))


def char_value(char: str) -> int:
    """The Doc 9303 value of one MRZ character; ValueError for anything outside A-Z 0-9 ``<``."""
    try:
        return VALUES[char]
    except KeyError:
        raise ValueError(f"{char!r} is not an MRZ character (A-Z 0-9 <)") from None


def check_digit(text: str) -> int:
    """The 7-3-1 check digit of ``text`` (A-Z 0-9 ``<`` only; ValueError otherwise)."""
    digit = try_check_digit(text)
    if digit is None:
        bad = next(c for c in text if c not in VALUES)
        raise ValueError(f"{bad!r} is not an MRZ character (A-Z 0-9 <)")
    return digit


def try_check_digit(text: str) -> int | None:
    """Like :func:`check_digit` but None when ``text`` holds a character outside the MRZ set."""
    try:
        b = text.encode("ascii").translate(_MOD10)
    except UnicodeEncodeError:
        return None
    if 200 in b:
        return None
    return (7 * sum(b[0::3]) + 3 * sum(b[1::3]) + sum(b[2::3])) % 10


@functools.cache
def undetectable_substitutions(char: str) -> tuple[str, ...]:
    """Characters that can replace ``char`` anywhere without changing any check digit.

    Every weight (7, 3, 1) is coprime to 10, so a substitution goes unnoticed exactly when both
    characters have the same value mod 10: ``K`` (20) and ``<`` (0) and ``0``, ``8`` and ``S`` (28).
    """
    value = char_value(char.upper()) % 10
    return tuple(c for c in ALPHABET if c != char.upper() and VALUES[c] % 10 == value)
