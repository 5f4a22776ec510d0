"""`doc-check author`: build samples and exercises in the instructor's terminal UI."""

from __future__ import annotations

from pathlib import Path

import click

from doc_check.errors import BadInput


@click.command("author")
@click.option(
    "--set",
    "set_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The sample set to browse and add to [the project's samples/].",
)
@click.option(
    "--exercises",
    "exercises_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where exercises are saved, one folder per id [the project's exercises/].",
)
@click.option("--exercise", "-e", "spec", metavar="ID|PATH", help="Open this exercise in the builder to edit it.")
@click.option(
    "--image",
    type=click.Choice(["auto", "halfcell", "sixel", "tgp"]),
    default=None,
    help="Image renderer [$DOC_CHECK_IMAGE or auto].",
)
def author(set_dir: Path | None, exercises_dir: Path | None, spec: str | None, image: str | None) -> None:
    """Browse a sample set (pictures under every light, truth, the reader's findings), make new genuine or
    forged samples from the catalogue, and build exercises (exercise.toml + key.toml, the same files as
    written by hand; `doc-check exercise validate --deep` checks them).

    \b
    Exit codes: 0 done, 2 bad input (unknown exercise or folder).
    """
    from doc_check.cli.common import builtin_exercises_dir, resolve_exercise

    exercises_dir = exercises_dir or builtin_exercises_dir()
    set_dir = set_dir or exercises_dir.resolve().parent / "samples"
    if not set_dir.is_dir():
        raise BadInput(f"{set_dir}: sample set folder not found (give --set DIR, e.g. made by doc-check generate)")
    draft = None
    if spec:
        from doc_check.exercise import load_exercise_key
        from doc_check.exercise.draft import draft_from_exercise
        from doc_check.samples import KEY_FILE

        ex = resolve_exercise(spec, exercises_dir)
        key_path = ex.folder / KEY_FILE
        draft = draft_from_exercise(ex, load_exercise_key(key_path, ex) if key_path.is_file() else None)
        exercises_dir = ex.folder.parent
    from doc_check.tui.author.app import AuthorApp

    AuthorApp(set_dir, exercises_dir, draft, image_mode=image).run()
