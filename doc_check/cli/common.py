"""What several commands share: where the built-in exercises are, and finding an exercise by path or id."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from doc_check.errors import BadInput

if TYPE_CHECKING:
    from doc_check.exercise.model import Exercise

EXERCISES_ENV = "DOC_CHECK_EXERCISES"


def builtin_exercises_dir() -> Path:
    """`$DOC_CHECK_EXERCISES`, else the built-in exercises (inside the installed package, or the checkout's)."""
    from doc_check.builtin import builtin_exercises

    env = os.environ.get(EXERCISES_ENV)
    if env:
        return Path(env).expanduser()
    return builtin_exercises()


def resolve_exercise(spec: str, root: Path) -> Exercise:
    """An exercise by path (folder or exercise.toml) or by id among the exercises in ``root``."""
    from doc_check.exercise.catalogue import load_exercises
    from doc_check.exercise.load import EXERCISE_FILE, load_exercise

    path = Path(spec).expanduser()
    if path.exists():
        return load_exercise(path)
    if root.is_dir():
        if (root / spec / EXERCISE_FILE).is_file():
            return load_exercise(root / spec)
        for ex in load_exercises(root)[0]:
            if ex.id == spec:
                return ex
    raise BadInput(f"{spec}: no such exercise (not a path, and no exercise with that id in {root})")
