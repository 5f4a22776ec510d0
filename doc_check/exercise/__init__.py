"""Exercises (rounds), keys, submissions, ICE-style scoring, summaries and reports."""

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

__all__ = [
    "EXERCISE_FILE",
    "FORMATS",
    "IndividualReport",
    "SampleResult",
    "Scorer",
    "SummaryReport",
    "load_submissions",
    "score_submission",
    "score_submissions",
    "summarize",
    "write_reports",
    "TOOLS",
    "Answer",
    "Exercise",
    "ExerciseKey",
    "ExerciseSample",
    "ScoringPolicy",
    "Submission",
    "check_key",
    "check_submission",
    "load_exercise",
    "load_exercise_key",
    "load_submission",
    "new_submission",
    "parse_submission",
    "submission_to_json",
    "write_submission",
]
