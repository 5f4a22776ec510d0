"""Step-by-step check-digit explanations, for the MRZ drill: values, weights, products, sum, mod 10."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from doc_check.mrz.checkdigit import VALUES, WEIGHTS, try_check_digit, undetectable_substitutions
from doc_check.mrz.formats import Span, detect
from doc_check.mrz.parse import split_lines
from doc_check.mrz.result import MrzResult


@dataclass(frozen=True)
class CheckExplanation:
    """How one check digit is computed, and what it cannot catch.

    ``chars``/``values``/``weights``/``products`` run over the covered characters (``<`` and characters
    outside the MRZ set count 0). ``line``/``column`` (1-based) locate the printed digit.
    ``undetectable`` lists, per distinct character of the field, the characters that could replace it
    without the check digit noticing (equal value mod 10).
    """

    field: str
    text: str
    chars: tuple[str, ...]
    values: tuple[int, ...]
    weights: tuple[int, ...]
    products: tuple[int, ...]
    sum: int
    mod10: int
    expected: str
    printed: str
    ok: bool
    line: int
    column: int
    undetectable: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def expected_digit(self) -> int:
        return self.mod10


def explain_text(field: str, text: str, printed: str, line: int = 0, column: int = 0) -> CheckExplanation:
    """The explanation of one check digit over ``text`` against the printed digit."""
    chars = tuple(text)
    values = tuple(VALUES.get(c, 0) for c in chars)
    weights = tuple(WEIGHTS[i % 3] for i in range(len(chars)))
    products = tuple(v * w for v, w in zip(values, weights, strict=True))
    total = sum(products)
    mod = total % 10
    ok = printed == str(mod)
    seen: dict[str, tuple[str, ...]] = {}
    for c in chars:
        if c in VALUES and c not in seen:
            seen[c] = undetectable_substitutions(c)
    return CheckExplanation(field, text, chars, values, weights, products, total, mod, str(mod), printed, ok,
                            line, column, tuple(seen.items()))  # fmt: skip


def check_spans(lines: list[str]) -> list[tuple[str, str, str, Span]]:
    """For lines already padded to their layout: (field, covered text, printed digit, digit span) per check.

    A TD1/TD2 long document number (``<`` at the check position) is followed into the optional data.
    """
    lay = detect(lines)
    if lay is None:
        return []
    out: list[tuple[str, str, str, Span]] = []
    number, cspan = lay.document_number.of(lines), lay.document_number_check
    digit = cspan.of(lines)
    optional = lay.optional_data.of(lines)
    if digit == "<" and lay.name in ("TD1", "TD2") and not number.endswith("<") and optional[:1] != "<":
        cut = optional.find("<")
        ext = optional if cut < 0 else optional[:cut]
        o = lay.optional_data
        text = number + ext[:-1]
        variant = number + "<" + ext[:-1]  # older Belgian/Portuguese practice: the '<' counted too
        if ext[-1].isdigit() and try_check_digit(text) != int(ext[-1]) and try_check_digit(variant) == int(ext[-1]):
            text = variant
        out.append(("document_number", text, ext[-1], Span(o.line, o.start + len(ext) - 1, o.start + len(ext))))
    else:
        out.append(("document_number", number, digit, cspan))
    out.append(("birth_date", lay.birth_date.of(lines), lay.birth_date_check.of(lines), lay.birth_date_check))
    out.append(("expiry_date", lay.expiry_date.of(lines), lay.expiry_date_check.of(lines), lay.expiry_date_check))
    if lay.optional_data_check is not None:
        s = lay.optional_data_check
        out.append(("optional_data", optional, s.of(lines), s))
    if lay.composite is not None:
        text = "".join(s.of(lines) for s in lay.composite_parts)
        out.append(("composite", text, lay.composite.of(lines), lay.composite))
    return out


def explain(lines_or_result: MrzResult | Sequence[str] | str) -> tuple[CheckExplanation, ...]:
    """Explain every check digit of an MRZ (lines, a string, or a parsed result); visas have 3, TD3 has 5."""
    raw = lines_or_result.lines if isinstance(lines_or_result, MrzResult) else lines_or_result
    lines = split_lines(raw)
    lay = detect(lines)
    if lay is None:
        return ()
    fixed = [line.upper()[: lay.width].ljust(lay.width, "<") for line in lines]
    return tuple(
        explain_text(field, text, digit, span.line + 1, span.start + 1)
        for field, text, digit, span in check_spans(fixed)
    )
