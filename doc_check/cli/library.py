"""`doc-check library`: the annotated reference library as a static HTML page."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("library")
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="Folder to write index.html and images into."
)
@click.option("--dpi", type=click.IntRange(72, 600), default=300, show_default=True, help="Specimen resolution.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["td3", "td1", "mrva"]),
    help="Only these document types (repeatable) [all].",
)
def library(out: Path, dpi: int, types: tuple[str, ...]) -> None:
    """Write the reference library: every document type's specimen per side and light, its security features
    numbered, what to look for and the indicator id a failure maps to. Open OUT/index.html in any browser;
    nothing is fetched.

    \b
    Exit codes: 0 written, 2 bad input (OUT is a file).
    """
    from doc_check.cli.progress import progress_bars
    from doc_check.library.static_html import write_library
    from doc_check.samples import DOCUMENT_TYPES

    with progress_bars() as phase:
        index = write_library(out, dpi, types or DOCUMENT_TYPES, progress=phase("rendering specimens"))
    click.echo(str(index))
