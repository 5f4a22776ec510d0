"""`doc-check pack`: seal an exercise into an exam pack without its key, or verify a pack."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from doc_check.cli.progress import progress_bars
from doc_check.exercise.model import Exercise
from doc_check.exercise.pack import build_pack, open_pack, verify_pack


def resolve_exercise(value: str) -> Path:
    """The exercise.toml of an exercise given as a folder, a file, or an id among the project's exercises."""
    from doc_check.cli.common import builtin_exercises_dir
    from doc_check.cli.common import resolve_exercise as resolve

    return resolve(value, builtin_exercises_dir()).path


@click.command("pack")
@click.argument("exercise", required=False)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="The pack file to write (.zip).")
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The exercise's key (default: key.toml next to exercise.toml); only read to check for leaks.",
)
@click.option(
    "--verify",
    "verify",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check a pack's manifest and every file's SHA-256 instead of building one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def pack(exercise: str | None, out: Path | None, key: Path | None, verify: Path | None, as_json: bool) -> None:
    """Seal EXERCISE (folder, exercise.toml or id) into an exam pack: exercise.toml, the samples' public files,
    the reference specimens and a SHA-256 manifest, never the key.

    \b
    Exit codes: 0 done, 2 bad input (unknown exercise, a file that would reveal the truth, tampered pack).
    """
    if verify is not None:
        if exercise or out:
            raise click.UsageError("--verify takes only the pack file")
        with progress_bars(not as_json) as phase:
            cb = phase("verifying")
            manifest = verify_pack(verify, progress=cb)
        info = {
            "pack": str(verify),
            "ok": True,
            "exercise_id": manifest.exercise_id,
            "exercise_version": manifest.exercise_version,
            "exercise_sha256": manifest.exercise_sha256,
            "files": len(manifest.files),
            "bytes": manifest.total_bytes,
        }
        if as_json:
            click.echo(json.dumps(info, indent=2))
        else:
            click.echo(
                f"{verify}: OK, exercise {manifest.exercise_id} version {manifest.exercise_version} "
                f"(exercise.toml sha256 {manifest.exercise_sha256[:16]}...), {len(manifest.files)} files verified"
            )
        return
    if not exercise or out is None:
        raise click.UsageError("give EXERCISE and --out FILE (or --verify PACK)")
    with progress_bars(not as_json) as phase:
        cb = phase("packing")
        opened = build_pack(resolve_exercise(exercise), out, key_path=key, progress=cb)
    m = opened.manifest
    info = {
        "pack": str(out),
        "sha256": opened.sha256,
        "exercise_id": m.exercise_id,
        "exercise_version": m.exercise_version,
        "exercise_sha256": m.exercise_sha256,
        "samples": len(opened.exercise.samples),
        "files": len(m.files),
        "bytes": m.total_bytes,
    }
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        click.echo(
            f"wrote {out}: exercise {m.exercise_id} version {m.exercise_version}, "
            f"{len(opened.exercise.samples)} samples, {len(m.files)} files, no key"
        )
        click.echo(f"pack sha256 {opened.sha256}")


def train_from_pack(pack_file: Path, launch: Callable[[Exercise], None]) -> None:
    """`doc-check train --pack`: verify and unpack the pack into a private temporary folder, run the trainee UI
    on its exercise, and remove the folder afterwards (answers live in the database and the submission file)."""
    with tempfile.TemporaryDirectory(prefix="doc-check-pack-") as tmp:
        opened = open_pack(pack_file, Path(tmp) / "exam")
        launch(opened.exercise)
