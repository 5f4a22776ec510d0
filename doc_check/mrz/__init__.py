"""ICAO Doc 9303 MRZ engine: parse, check, compose, repair and explain machine readable zones.

Core layer: no printing, no UI imports.
"""

from doc_check.mrz.batch import BatchResult, check_batch, split_mrzs
from doc_check.mrz.checkdigit import ALPHABET, VALUES, char_value, check_digit, undetectable_substitutions
from doc_check.mrz.compose import MrzValueError, compose, name_field, transliterate
from doc_check.mrz.explain import CheckExplanation, explain
from doc_check.mrz.findings import indicator_ids, problem_indicator
from doc_check.mrz.formats import FORMATS, LAYOUTS, Layout, Span, detect, layout
from doc_check.mrz.parse import parse, split_lines
from doc_check.mrz.repair import Change, Repair, repair
from doc_check.mrz.result import CHECK_FIELDS, MrzResult, Problem

__all__ = [
    "ALPHABET",
    "CHECK_FIELDS",
    "FORMATS",
    "LAYOUTS",
    "VALUES",
    "BatchResult",
    "Change",
    "CheckExplanation",
    "Layout",
    "MrzResult",
    "MrzValueError",
    "Problem",
    "Repair",
    "Span",
    "char_value",
    "check_batch",
    "check_digit",
    "compose",
    "detect",
    "explain",
    "indicator_ids",
    "layout",
    "name_field",
    "parse",
    "problem_indicator",
    "repair",
    "split_lines",
    "split_mrzs",
    "transliterate",
    "undetectable_substitutions",
]
