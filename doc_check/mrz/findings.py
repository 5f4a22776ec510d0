"""Map MRZ problems to the indicator registry (``doc_check.indicators``), the one mapping everyone uses."""

from __future__ import annotations

from doc_check.mrz.result import MrzResult, Problem

FORMAT_CODES: frozenset[str] = frozenset({"line_count", "length", "charset"})
"""Errors of structure -> ``mrz.format``."""

FIELD_CODES: frozenset[str] = frozenset(
    {"date_invalid", "sex_invalid", "field_charset", "document_code_invalid", "name_format"}
)
"""Errors of an impossible value -> ``mrz.field``."""


def problem_indicator(problem: Problem) -> str | None:
    """The indicator id one problem stands for, or None (warnings that are no sign, such as ``sex_x``)."""
    code = problem.code
    if code in FORMAT_CODES:
        return "mrz.format"
    if code == "check_digit":
        return f"mrz.check_digit.{problem.field}"
    if code in FIELD_CODES:
        return "mrz.field"
    if code == "expired":
        return "doc.expired"
    if code == "country_unknown":
        return "doc.issuer_unknown" if problem.field == "issuing_state" else "mrz.field"
    return None


def indicator_ids(result: MrzResult) -> tuple[str, ...]:
    """The registry ids a result's errors and warnings map to, each once, in order of first appearance.

    check_digit -> ``mrz.check_digit.<field>``; line_count/length/charset -> ``mrz.format``; date_invalid,
    sex_invalid, field_charset, document_code_invalid, name_format, unknown nationality -> ``mrz.field``; unknown
    issuing state -> ``doc.issuer_unknown``; expired -> ``doc.expired``. Other warnings (sex_x, name_truncated,
    birth_date_partial, check_digit_deviation, ...) are no indicator.
    """
    out: dict[str, None] = {}
    for problem in result.errors + result.warnings:
        ind = problem_indicator(problem)
        if ind is not None:
            out[ind] = None
    return tuple(out)
