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
from doc_check.exercise.submission import (
    check_submission,
    load_submission,
    new_submission,
    parse_submission,
    submission_to_json,
    write_submission,
)

__all__ = [
    "EXERCISE_FILE",
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
