"""ICAO Doc 9303 MRZ engine: parse, check, compose, repair and explain machine readable zones.

Core layer: no printing, no UI imports.
"""

from doc_check.mrz.batch import BatchResult, check_batch, split_mrzs
from doc_check.mrz.checkdigit import ALPHABET, VALUES, char_value, check_digit, undetectable_substitutions
from doc_check.mrz.compose import MrzValueError, compose, name_field, transliterate
from doc_check.mrz.findings import indicator_ids, problem_indicator
from doc_check.mrz.explain import CheckExplanation, explain
from doc_check.mrz.formats import FORMATS, LAYOUTS, Layout, Span, detect, layout
from doc_check.mrz.parse import parse, split_lines
from doc_check.mrz.repair import Change, Repair, repair
from doc_check.mrz.result import CHECK_FIELDS, MrzResult, Problem

__all__ = [
    "BatchResult",
    "Change",
    "CheckExplanation",
    "Repair",
    "check_batch",
    "explain",
    "repair",
    "split_mrzs",
    "ALPHABET",
    "CHECK_FIELDS",
    "FORMATS",
    "LAYOUTS",
    "Layout",
    "MrzResult",
    "MrzValueError",
    "Problem",
    "Span",
    "VALUES",
    "char_value",
    "check_digit",
    "compose",
    "detect",
    "indicator_ids",
    "layout",
    "name_field",
    "parse",
    "problem_indicator",
    "split_lines",
    "transliterate",
    "undetectable_substitutions",
]
