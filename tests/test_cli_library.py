"""`doc-check library --out DIR`: a static HTML library of every document type, escaped, nothing fetched."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
from click.testing import CliRunner

from doc_check.cli import cli
from doc_check.library.callouts import FEATURES, Callout, Feature, LibraryPage, document_pages
from doc_check.library.static_html import page_html
from doc_check.samples import DOCUMENT_TYPES


def test_library_writes_every_document_type(tmp_path: Path) -> None:
    out = tmp_path / "lib"
    result = CliRunner().invoke(cli, ["library", "--out", str(out), "--dpi", "100"])
    assert result.exit_code == 0, result.output
    index = out / "index.html"
    assert result.output.strip() == str(index)
    text = index.read_text(encoding="utf-8")
    for t in DOCUMENT_TYPES:
        assert f'<h2 id="{t}">' in text
    images = re.findall(r'<img src="([^"]+)"', text)
    assert len(images) == 12 and sorted(images) == sorted(p.name for p in out.glob("*.jpg"))
    for name in images:  # every image is there, readable, at the page's size
        img = cv2.imread(str(out / name))
        assert img is not None and img.shape[1] > 300
    # nothing is fetched: no remote address anywhere, every link inside the page
    assert "http://" not in text and "https://" not in text and "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", text)
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', text))
    # the descriptions with their indicator ids, quotes escaped
    assert "&#x27;REPUBLIC OF UTOPIA&#x27;" in text and "'REPUBLIC" not in text
    assert "<code" in text and "ir.mark</code>" in text and "print.microprint</code>" in text
    assert not list(out.glob(".tmp-*"))


def test_library_html_escapes_everything() -> None:
    page = document_pages("td1", 100)[0]
    evil = Feature("x", "<script>alert(1)</script>", "visible", "portrait", 'a "quoted" & <b>bold</b>', ("ir.mrz",))
    fake = LibraryPage(
        page.document_type, page.side, page.channel, page.dpi, page.image, (Callout(1, evil, (0, 0, 1, 1)),)
    )
    text = page_html([fake])
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in text


def test_library_out_must_be_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    result = CliRunner().invoke(cli, ["library", "--out", str(target)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"doc-check: error: {target}: exists and is not a folder"]
    assert target.read_text() == "x"


def test_every_feature_is_on_some_page() -> None:
    shown = {c.feature.key for t in DOCUMENT_TYPES for p in document_pages(t, 100) for c in p.callouts}
    assert shown == {f.key for f in FEATURES}


def test_library_of_one_type(tmp_path: Path) -> None:
    out = tmp_path / "lib"
    result = CliRunner().invoke(cli, ["library", "--out", str(out), "--dpi", "100", "--type", "td1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.jpg")) == sorted(
        f"td1-{side}-{c}.jpg" for side in ("front", "back") for c in ("visible", "uv", "ir")
    )
    result = CliRunner().invoke(cli, ["library", "--out", str(out), "--type", "td9"])
    assert result.exit_code == 2
