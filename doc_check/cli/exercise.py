"""`doc-check exercise validate`: check exercises, their keys and every sample they use."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import click

from doc_check.errors import BadInput
from doc_check.exercise.catalogue import find_exercises
from doc_check.exercise.validate import validate_exercise


@click.group()
def exercise() -> None:
    """Validate exercises and their keys."""


@exercise.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-key", is_flag=True, help="Do not require key.toml (exam packs carry no key).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--deep",
    is_flag=True,
    help="Also run the document reader on every sample: warn when a fraudulent "
    "sample shows none of its indicators under the allowed channels/tools, or a genuine one fails checks.",
)
def validate(paths: tuple[Path, ...], no_key: bool, as_json: bool, deep: bool = False) -> None:
    """Check exercise folders (or exercise.toml files, or a folder of exercises): fields, key, samples.

    Exit code 0 when all are valid, 2 when any is not (one error line each)."""
    folders = [f for p in paths for f in find_exercises(p)]
    results = []
    failed = 0
    for folder in folders:
        try:
            v = validate_exercise(folder, require_key=not no_key)
        except BadInput as exc:
            failed += 1
            results.append({"path": str(folder), "ok": False, "error": str(exc)})
            if not as_json:
                click.echo(f"doc-check: error: {exc}", err=True)
            continue
        ex = v.exercise
        if deep and v.key is not None:  # the reader decides what each sample shows (doc_check.exercise.audit)
            from doc_check.exercise.audit import audit_exercise, audit_messages

            v = replace(v, warnings=(*v.warnings, *audit_messages(audit_exercise(ex, v.key))))
        verdicts = Counter(v.verdicts)
        results.append(
            {
                "path": str(folder),
                "ok": True,
                "id": ex.id,
                "title": ex.title,
                "version": ex.version,
                "sha256": ex.sha256,
                "samples": len(ex.samples),
                "channels": list(ex.channels),
                "tools": sorted(ex.tools),
                "time_limit_sample": ex.time_limit_sample,
                "time_limit_total": ex.time_limit_total,
                "verdicts": dict(verdicts),
                "warnings": list(v.warnings),
            }
        )
        if not as_json:
            mix = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in verdicts.items()) or "no key"
            click.echo(
                f'ok  {folder}: {ex.id!r} v{ex.version} "{ex.title}": {len(ex.samples)} samples ({mix}); '
                f"channels {'/'.join(ex.channels)}; tools {', '.join(sorted(ex.tools)) or 'none'}"
            )
            for w in v.warnings:
                click.echo(f"    warning: {w}")
    if as_json:
        click.echo(json.dumps(results, indent=2))
    if failed:
        raise click.exceptions.Exit(2)
