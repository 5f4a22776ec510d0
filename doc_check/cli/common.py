"""What several commands share: where the built-in exercises are, finding an exercise by path or id, and opening
an exam pack for `train` and `score`."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def removed_on_signal(folder: Path) -> Iterator[None]:
    """Remove ``folder`` when SIGTERM or SIGHUP ends the process (then die of that signal as usual)."""

    def handler(signum: int, frame) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    try:
        previous = {s: signal.signal(s, handler) for s in wanted}
    except ValueError:  # not the main thread: signals cannot be caught here
        previous = {}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


@contextmanager
def exercise_from_pack(path: Path, signers: tuple[Path, ...] = ()) -> Iterator[tuple[Path, Path | None]]:
    """For `score`: a pack given as EXERCISE is verified (signature included) and unpacked into a temporary folder;
    yields (exercise.toml to load, the pack's own key file next to it or None). Anything else is passed through."""
    import zipfile

    if not (path.is_file() and zipfile.is_zipfile(path)):
        yield path, None
        return
    from doc_check.exercise.pack import pack_key_path

    with tempfile.TemporaryDirectory(prefix="doc-check-score-") as tmp:
        from doc_check.exercise.pack import open_pack

        opened = open_pack(path, Path(tmp) / "exam", signers=signers)
        key = pack_key_path(path)
        yield opened.exercise.path, key if key.is_file() else None


def train_from_pack(pack_file: Path, launch: Callable[[Exercise], None], signers: tuple[Path, ...] = ()) -> None:
    """`doc-check train --pack`: verify the signature and unpack the pack into a private temporary folder, run the
    trainee UI on its exercise, and remove the folder afterwards, also on SIGTERM or SIGHUP (answers live in the
    database and the submission file)."""
    with tempfile.TemporaryDirectory(prefix="doc-check-pack-") as tmp, removed_on_signal(Path(tmp)):
        from doc_check.exercise.pack import open_pack

        opened = open_pack(pack_file, Path(tmp) / "exam", signers=signers)
        launch(opened.exercise)
