"""The reference library as a static HTML page: one folder, images and descriptions, nothing fetched."""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from doc_check.errors import BadInput
from doc_check.library.callouts import DOCUMENT_NAMES, LibraryPage, document_pages, indicator_title
from doc_check.samples import DOCUMENT_TYPES
from doc_check.specimen.sampleset import encode

INDEX = "index.html"
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 1rem auto; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #888; margin-top: 2.5rem; }
figure { margin: 1rem 0 0.5rem; } figure img { max-width: 100%; border: 1px solid #999; }
figcaption { font-weight: 600; margin-top: 0.3rem; }
ol.callouts li { margin: 0.35rem 0; } code { background: #eee; padding: 0 0.2rem; }
nav a { margin-right: 1rem; } .note { color: #555; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def page_html(pages: Sequence[LibraryPage]) -> str:
    """The index page for these library pages (their images are ``<slug>.jpg`` beside it)."""
    types = list(dict.fromkeys(p.document_type for p in pages))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>doc-check reference library: Utopia documents</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Reference library: Utopia documents</h1>",
        '<p class="note">Each genuine specimen per side and light, its security features numbered. Under each '
        "image: what to look for, and the indicator id to record when the feature fails.</p>",
        "<nav>" + "".join(f'<a href="#{_e(t)}">{_e(DOCUMENT_NAMES[t])}</a>' for t in types) + "</nav>",
    ]
    for t in types:
        out.append(f'<h2 id="{_e(t)}">{_e(DOCUMENT_NAMES[t])}</h2>')
        for p in (p for p in pages if p.document_type == t):
            h, w = p.image.shape[:2]
            out.append(f'<section id="{_e(p.slug)}"><figure>')
            out.append(f'<img src="{_e(p.slug)}.jpg" width="{w}" height="{h}" alt="{_e(p.title)}">')
            out.append(f"<figcaption>{_e(p.title)} ({p.dpi} dpi)</figcaption></figure>")
            out.append('<ol class="callouts">')
            for c in p.callouts:
                ids = ", ".join(f'<code title="{_e(indicator_title(i))}">{_e(i)}</code>' for i in c.feature.indicators)
                out.append(f"<li><b>{_e(c.feature.title)}.</b> {_e(c.feature.look_for)} Failure: {ids}.</li>")
            out.append("</ol></section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_library(
    out: Path,
    dpi: int,
    document_types: Sequence[str] = DOCUMENT_TYPES,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the HTML library into ``out`` (created; files of an earlier library replaced) and return its index.

    Everything is written into a temporary folder first and moved in at the end, the index last, so an
    interrupted run leaves no half-written page.
    """
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out}: exists and is not a folder")
    unknown = [t for t in document_types if t not in DOCUMENT_TYPES]
    if unknown:
        raise BadInput(f"document type {unknown[0]!r}: choose from {', '.join(DOCUMENT_TYPES)}")
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".tmp-library-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        pages: list[LibraryPage] = []
        for n, t in enumerate(document_types):
            for page in document_pages(t, dpi):
                (tmp / f"{page.slug}.jpg").write_bytes(encode(page.image, "jpg", 92))
                pages.append(page)
            if progress is not None:
                progress(n + 1, len(document_types))
        (tmp / INDEX).write_text(page_html(pages), encoding="utf-8")
        for page in pages:
            (tmp / f"{page.slug}.jpg").replace(out / f"{page.slug}.jpg")
        (tmp / INDEX).replace(out / INDEX)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out / INDEX
