"""`doc-check train`: take an exercise in the trainee terminal UI."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import click

from doc_check.cli.common import builtin_exercises_dir, resolve_exercise


def make_app(
    start=None,
    participant: str | None = None,
    db: str | None = None,
    image: str | None = None,
    class_mode: bool = False,
):
    """The trainee app and its store, as `launch` runs them (`bench/tui_bench.py` drives the same app headless)."""
    # NumPy's OpenBLAS starts one spinning thread per core at import; the UI does no linear algebra, and on a
    # busy machine those threads cost about 0.1 s of CPU before the first screen. The user's setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Importing Textual, NumPy and OpenCV makes some 300k long-lived objects, and the cyclic garbage collector
    # would walk them again and again (about 0.1 s before the first screen). Collect nothing while importing,
    # then move what the imports made out of the collector's sight.
    gc.disable()
    try:
        from doc_check.exercise.catalogue import load_exercises
        from doc_check.store import Store
        from doc_check.tui.app import TrainApp
    finally:
        gc.freeze()
        gc.enable()

    # class mode (`doc-check serve`): many trainees share one database, so no code is remembered
    store = Store(db, class_mode=class_mode)
    if participant is not None and not store.enrolled():  # with sign-in the code is checked on the sign-in screen
        participant = store.ensure_participant(participant)
    errors: list[tuple[str, str]]
    if class_mode and start is not None:  # a served class sees only the served exercise
        exercises, errors = [start], []
    else:
        exercises, errors = load_exercises(builtin_exercises_dir())
    app = TrainApp(store, exercises, start=start, participant=participant, image_mode=image, exercise_errors=errors)
    return app, store


def launch(
    start=None,
    participant: str | None = None,
    db: str | None = None,
    image: str | None = None,
    class_mode: bool = False,
) -> None:
    """Open the trainee UI (the picker; straight into ``start`` when given). Extended by `train --pack`."""
    app, store = make_app(start, participant, db, image, class_mode)
    try:
        app.run()
    finally:
        store.close()


@click.command()
@click.option("--exercise", "-e", "exercise", metavar="ID|PATH", help="Open this exercise (else a picker lists them).")
@click.option("--as", "participant", metavar="CODE", help="Participant code (asked once and remembered if omitted).")
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="SQLite file or postgresql:// URL [$DOC_CHECK_DB or $XDG_DATA_HOME/doc-check/doc-check.sqlite].",
)
@click.option(
    "--image",
    type=click.Choice(["auto", "halfcell", "sixel", "tgp"]),
    default=None,
    help="Image renderer [$DOC_CHECK_IMAGE or auto].",
)
@click.option(
    "--pack",
    "pack_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Take the exam sealed in this pack (`doc-check pack`); its hashes are verified first.",
)
@click.option(
    "--signer",
    "signers",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --pack: the instructor's public key file to trust [the user's own pack signing key].",
)
@click.option("--class-mode", is_flag=True, hidden=True, help="Ask every trainee's code (set by `doc-check serve`).")
def train(
    exercise: str | None,
    participant: str | None,
    db: str | None,
    image: str | None,
    pack_file: Path | None = None,
    signers: tuple[Path, ...] = (),
    class_mode: bool = False,
) -> None:
    """Take an exercise in the trainee terminal UI: examine each document, judge it, get feedback.

    Answers are saved as they change; quitting and running again resumes the attempt.
    """
    if pack_file is not None:
        from doc_check.cli.common import train_from_pack

        if exercise:
            raise click.UsageError("--pack and --exercise do not go together")
        return train_from_pack(
            pack_file, lambda start: launch(start, participant, db, image, class_mode), tuple(signers)
        )
    if signers:
        raise click.UsageError("--signer: only with --pack")
    start = resolve_exercise(exercise, builtin_exercises_dir()) if exercise else None
    launch(start, participant, db, image, class_mode)
