"""`doc-check pack`: seal an exercise into an exam pack without its key, or verify a pack."""

from __future__ import annotations

import json
from pathlib import Path

import click

from doc_check.cli.progress import progress_bars
from doc_check.exercise.pack import build_pack, verify_pack
from doc_check.exercise.signing import fingerprint, public_pem, public_raw, signing_key

SIGNER_OPTION = click.option(
    "--signer",
    "signers",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The instructor's public key file to trust (repeatable) [the user's own pack signing key].",
)


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
    help="The exercise's key (default: key.toml next to exercise.toml): checked for leaks and written, under the "
    "pack's ids, to the pack's own key.",
)
@click.option(
    "--verify",
    "verify",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check a pack's manifest and every file's SHA-256 instead of building one.",
)
@click.option(
    "--key-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the pack's own key (its sample ids) for `doc-check score` [OUT with .key.toml].",
)
@click.option(
    "--sign-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The instructor's Ed25519 private key (PEM) that signs the pack [$DOC_CHECK_PACK_KEY or "
    "$XDG_DATA_HOME/doc-check/pack-signing-key.pem; created on first use].",
)
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the public half of the signing key to this file (give it to trainees' machines: --signer) and stop.",
)
@SIGNER_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def pack(
    exercise: str | None,
    out: Path | None,
    key: Path | None,
    verify: Path | None,
    key_out: Path | None,
    sign_key: Path | None,
    public_key: Path | None,
    signers: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Seal EXERCISE (folder, exercise.toml or id) into a signed exam pack: the exercise, its samples under fresh
    ids with only the allowed lights (metadata stripped, sizes evened out), the reference specimens and a signed
    SHA-256 manifest, never the key. The pack's own key (for scoring) is written next to it.

    \b
    Exit codes: 0 done, 2 bad input (unknown exercise, a file that would reveal the truth, tampered pack).
    """
    if public_key is not None:
        if exercise or out or verify:
            raise click.UsageError("--public-key takes no other argument")
        from doc_check.atomic import atomic_write_bytes

        signer = signing_key(sign_key)
        atomic_write_bytes(public_key, public_pem(signer))
        click.echo(f"wrote {public_key}: public key {fingerprint(public_raw(signer))}")
        return
    if verify is not None:
        if exercise or out:
            raise click.UsageError("--verify takes only the pack file")
        with progress_bars(not as_json) as phase:
            cb = phase("verifying")
            manifest = verify_pack(verify, progress=cb, signers=signers)
        info = {
            "pack": str(verify),
            "ok": True,
            "exercise_id": manifest.exercise_id,
            "exercise_version": manifest.exercise_version,
            "exercise_sha256": manifest.exercise_sha256,
            "files": len(manifest.files),
            "bytes": manifest.total_bytes,
            "lights": list(manifest.lights),
        }
        if as_json:
            click.echo(json.dumps(info, indent=2))
        else:
            click.echo(
                f"{verify}: OK, signed by a trusted key, exercise {manifest.exercise_id} version "
                f"{manifest.exercise_version} (exercise.toml sha256 {manifest.exercise_sha256[:16]}...), "
                f"{len(manifest.files)} files verified"
            )
        return
    if not exercise or out is None:
        raise click.UsageError("give EXERCISE and --out FILE (or --verify PACK)")
    with progress_bars(not as_json) as phase:
        cb = phase("packing")
        opened = build_pack(
            resolve_exercise(exercise), out, key_path=key, progress=cb, signing_key_path=sign_key, key_out=key_out
        )
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
        "lights": list(m.lights),
        "pack_key": str(opened.key_path) if opened.key_path else None,
    }
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        click.echo(
            f"wrote {out}: exercise {m.exercise_id} version {m.exercise_version}, "
            f"{len(opened.exercise.samples)} samples under {', '.join(m.lights)}, {len(m.files)} files, no key"
        )
        click.echo(f"pack sha256 {opened.sha256}")
        if opened.key_path:
            click.echo(f"its key (keep it, score with it): {opened.key_path}")
