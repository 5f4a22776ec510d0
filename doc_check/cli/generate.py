"""`doc-check generate`: write a set of synthetic Utopia documents, their references and key."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from doc_check.samples import CAPTURES, DOCUMENT_TYPES
from doc_check.specimen.forgeries import FORGERY_KINDS
from doc_check.specimen.sampleset import DEFAULT_DPI, MAX_DPI, MIN_DPI, generate_set


@click.command("generate")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder of the sample set."
)
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed and options give byte-identical files.")
@click.option("--count", default=12, show_default=True, type=click.IntRange(1, 100000), help="Number of samples.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(DOCUMENT_TYPES),
    help="Document types (repeatable; default all).",
)
@click.option(
    "--forgery",
    "forgeries",
    multiple=True,
    type=click.Choice(list(FORGERY_KINDS)),
    help="Forgery kinds or traps to use (repeatable; default all).",
)
@click.option(
    "--capture", "captures", multiple=True, type=click.Choice(CAPTURES), help="Captures (repeatable; default both)."
)
@click.option(
    "--genuine-share",
    default=0.4,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Share of genuine documents (plain, expired, worn).",
)
@click.option(
    "--dpi", default=DEFAULT_DPI, show_default=True, type=click.IntRange(MIN_DPI, MAX_DPI), help="Render resolution."
)
@click.option(
    "--from",
    "source",
    metavar="SAMPLE_ID",
    help="Forge this genuine sample of the set OUT instead: the same document again with one --forgery, "
    "written as a new sample (key.toml updated).",
)
@click.option("--variant", help="With --from: the forgery's variant [drawn].")
@click.option("--field", "field_", help="With --from: the field a data alteration changes [drawn].")
@click.option(
    "--difficulty",
    type=click.Choice(["easy", "medium", "hard"]),
    help="With --from: draw a variant of this difficulty.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
@click.pass_context
def generate(
    ctx: click.Context,
    out: Path,
    seed: int,
    count: int,
    types: tuple[str, ...],
    forgeries: tuple[str, ...],
    captures: tuple[str, ...],
    genuine_share: float,
    dpi: int,
    source: str | None,
    variant: str | None,
    field_: str | None,
    difficulty: str | None,
    as_json: bool,
) -> None:
    """Generate synthetic Utopia documents, forgeries and their key into OUT.

    With --from SAMPLE_ID, forge an existing genuine sample of the set OUT instead: the document is rendered again
    from the generation record in OUT/key.toml (same holder, same capture) with the --forgery, and added as a new
    opaque sample.
    """
    if source is not None:
        _forge_existing(ctx, out, source, forgeries, variant, field_, difficulty, as_json)
        return
    given = [opt for opt, value in (("--variant", variant), ("--field", field_), ("--difficulty", difficulty)) if value]
    if given:
        raise click.UsageError(f"{', '.join(given)}: only with --from SAMPLE_ID")
    kwargs = {
        "seed": seed,
        "count": count,
        "types": types or DOCUMENT_TYPES,
        "forgeries": forgeries,
        "captures": captures or CAPTURES,
        "genuine_share": genuine_share,
        "dpi": dpi,
    }
    if sys.stderr.isatty() and not as_json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
        ) as bar:
            task = bar.add_task("generate", total=None)
            summary = generate_set(
                out, progress=lambda done, total: bar.update(task, completed=done, total=total), **kwargs
            )
    else:
        summary = generate_set(out, **kwargs)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        verdicts = ", ".join(f"{v} {n}" for v, n in sorted(summary["verdicts"].items()))
        click.echo(
            f"Wrote {summary['count']} samples ({verdicts}), {len(summary['references'])} references and "
            f"{summary['key']} to {summary['out']}"
        )


def _forge_existing(
    ctx: click.Context,
    out: Path,
    source: str,
    forgeries: tuple[str, ...],
    variant: str | None,
    field_: str | None,
    difficulty: str | None,
    as_json: bool,
) -> None:
    """`generate --out SET --from ID --forgery KIND`: one derived sample."""
    from doc_check.specimen.derive import ForgeryChoice, forge_existing

    set_only = [
        f"--{n.replace('_', '-')}"
        for n in ("seed", "count", "types", "captures", "genuine_share", "dpi")
        if ctx.get_parameter_source(n) is not click.core.ParameterSource.DEFAULT
    ]
    if set_only:
        raise click.UsageError(f"--from takes its document from the set: drop {', '.join(set_only)}")
    if len(forgeries) != 1:
        raise click.UsageError("--from needs exactly one --forgery KIND")
    gen = forge_existing(out, source, ForgeryChoice(forgeries[0], variant, field_, difficulty))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "out": str(out),
                    "from": source,
                    "id": gen.id,
                    "verdict": gen.truth.verdict,
                    "indicators": list(gen.truth.indicators),
                    **{
                        k: gen.truth.extra[k]
                        for k in ("forgery", "variant", "field", "difficulty")
                        if k in gen.truth.extra
                    },
                },
                indent=2,
            )
        )
    else:
        what = ", ".join(str(gen.truth.extra[k]) for k in ("forgery", "variant", "field") if k in gen.truth.extra)
        click.echo(
            f"Wrote {gen.id} ({what}; {gen.truth.verdict.replace('_', ' ')}) from {source} to {out / gen.id}; "
            f"{out / 'key.toml'} updated"
        )
