"""Exercises (rounds), keys, submissions, ICE-style scoring, summaries and reports.

The names below are loaded from their submodules on first use (PEP 562), so that `load_exercise` does not pull
in the scorer, the summaries and the report writers with their charts (`doc-check train` starts sooner).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from doc_check.exercise.load import EXERCISE_FILE, check_key, load_exercise, load_exercise_key
    from doc_check.exercise.model import (
        TOOLS,
        Answer,
        Exercise,
        ExerciseKey,
        ExerciseSample,
        ScoringPolicy,
        Submission,
    )
    from doc_check.exercise.report import FORMATS, write_reports
    from doc_check.exercise.score import IndividualReport, SampleResult, Scorer, score_submission, score_submissions
    from doc_check.exercise.submission import (
        check_submission,
        load_submission,
        load_submissions,
        new_submission,
        parse_submission,
        submission_to_json,
        write_submission,
    )
    from doc_check.exercise.summary import SummaryReport, summarize

_SOURCES: dict[str, str] = {
    "EXERCISE_FILE": "load",
    "check_key": "load",
    "load_exercise": "load",
    "load_exercise_key": "load",
    "TOOLS": "model",
    "Answer": "model",
    "Exercise": "model",
    "ExerciseKey": "model",
    "ExerciseSample": "model",
    "ScoringPolicy": "model",
    "Submission": "model",
    "FORMATS": "report",
    "write_reports": "report",
    "IndividualReport": "score",
    "SampleResult": "score",
    "Scorer": "score",
    "score_submission": "score",
    "score_submissions": "score",
    "check_submission": "submission",
    "load_submission": "submission",
    "load_submissions": "submission",
    "new_submission": "submission",
    "parse_submission": "submission",
    "submission_to_json": "submission",
    "write_submission": "submission",
    "SummaryReport": "summary",
    "summarize": "summary",
}

__all__ = [
    "EXERCISE_FILE",
    "FORMATS",
    "TOOLS",
    "Answer",
    "Exercise",
    "ExerciseKey",
    "ExerciseSample",
    "IndividualReport",
    "SampleResult",
    "Scorer",
    "ScoringPolicy",
    "Submission",
    "SummaryReport",
    "check_key",
    "check_submission",
    "load_exercise",
    "load_exercise_key",
    "load_submission",
    "load_submissions",
    "new_submission",
    "parse_submission",
    "score_submission",
    "score_submissions",
    "submission_to_json",
    "summarize",
    "write_reports",
    "write_submission",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its submodule the first time it is asked for."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{source}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SOURCES))
