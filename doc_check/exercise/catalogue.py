"""Finding exercises on disk: the one scan for exercise folders, used by the CLI, the validator and the UI."""

from __future__ import annotations

from pathlib import Path

from doc_check.errors import BadInput
from doc_check.exercise.load import EXERCISE_FILE, load_exercise
from doc_check.exercise.model import Exercise


def exercise_folders(root: Path) -> list[Path]:
    """The sub-folders of ``root`` that hold an exercise.toml, sorted; empty when ``root`` is not a folder."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / EXERCISE_FILE).is_file())


def find_exercises(path: str | Path) -> list[Path]:
    """The exercise folders at ``path``: the folder itself if it holds exercise.toml, else its sub-folders that do.

    A bare id that is not a path names a built-in exercise. Raises BadInput when nothing is found.
    """
    path = Path(path)
    if not path.exists() and len(path.parts) == 1:
        from doc_check.builtin import builtin_exercises

        if (builtin_exercises() / path / EXERCISE_FILE).is_file():
            return [builtin_exercises() / path]
    if path.is_file():
        return [path.parent]
    if (path / EXERCISE_FILE).is_file():
        return [path]
    if not path.is_dir():
        raise BadInput(f"{path}: no such exercise file or folder")
    found = exercise_folders(path)
    if not found:
        raise BadInput(f"{path}: no {EXERCISE_FILE} here or in its sub-folders")
    return found


def load_exercises(root: Path) -> tuple[list[Exercise], list[tuple[str, str]]]:
    """Every exercise folder below ``root`` that loads, and (path, problem) for those that do not."""
    found: list[Exercise] = []
    errors: list[tuple[str, str]] = []
    for folder in exercise_folders(root):
        try:
            found.append(load_exercise(folder))
        except BadInput as exc:
            errors.append((str(folder), str(exc)))
    return found, errors
