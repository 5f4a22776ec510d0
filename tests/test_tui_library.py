"""The reference library screen (Pilot): reachable from the exercise list and from the examine screen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Markdown, OptionList
from tui_helpers import make_project

from doc_check.exercise import load_exercise
from doc_check.library.callouts import FEATURES, callouts, document_pages
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.screens.library import LibraryScreen
from doc_check.tui.screens.picker import PickerScreen
from doc_check.tui.widgets.document_view import DocumentView


async def _wait(pilot, predicate, what: str) -> None:
    for _ in range(1000):
        if predicate():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def _app(tmp_path: Path, tools: tuple[str, ...], start: bool) -> TrainApp:
    ex = load_exercise(make_project(tmp_path / "proj", tools=tools))
    return TrainApp(
        Store(tmp_path / "db.sqlite"), [ex], start=ex if start else None, participant="T01", image_mode="halfcell"
    )


async def test_library_from_the_exercise_list(tmp_path: Path) -> None:
    app = _app(tmp_path, ("magnifier",), start=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await _wait(pilot, lambda: screen.ready, "the first library page")
        pages = screen.query_one("#library-pages", OptionList)
        assert pages.option_count == 12  # td3 front, td1 front and back, mrva front; three lights each
        doc = screen.query_one("#library-doc", DocumentView)
        first = document_pages("td3")[0]
        assert doc.image is first.image
        notes = screen.query_one("#library-notes", Markdown).source
        assert "Microprint line" in notes and "`print.microprint`" in notes

        # the ID card's back under IR: the MRZ's IR absorbency, its own image
        target = screen.entries.index(("td1", "back", "ir"))
        for _ in range(target):
            await pilot.press("down")
        await _wait(
            pilot, lambda: screen.page is not None and screen.page.slug == "td1-back-ir", "the td1 back IR page"
        )
        notes = screen.query_one("#library-notes", Markdown).source
        assert "`ir.mrz`" in notes and "Ghost" not in notes  # the back has no ghost image
        assert doc.image.shape[:2] == document_pages("td1")[-1].image.shape[:2]
        before = doc.last_render.copy()
        await pilot.press("plus")
        await pilot.pause()
        assert doc.zoom > 1 and not np.array_equal(doc.last_render, before)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_library_from_the_examine_screen_follows_the_exercise(tmp_path: Path) -> None:
    app = _app(tmp_path, ("magnifier", "reference"), start=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await _wait(pilot, lambda: getattr(app.screen, "ready", False), "the examine screen")
        examine = app.screen
        await pilot.press("u", "l")
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await _wait(pilot, lambda: screen.ready, "the library page")
        assert screen.page.slug == "td3-front-uv"  # the sample's type, side and light
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is examine


async def test_library_needs_the_reference_tool_on_the_examine_screen(tmp_path: Path) -> None:
    app = _app(tmp_path, ("magnifier",), start=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await _wait(pilot, lambda: getattr(app.screen, "ready", False), "the examine screen")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ExamineScreen)


async def test_library_shows_only_the_lights_given(tmp_path: Path) -> None:
    app = _app(tmp_path, ("magnifier",), start=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.push_screen(LibraryScreen(channels=["visible"]))
        await pilot.pause()
        assert [c for _, _, c in app.screen.entries] == ["visible"] * 4


@pytest.mark.parametrize("document_type", ["td3", "td1", "mrva"])
def test_callouts_come_from_the_layout(document_type: str) -> None:
    from doc_check.indicators import is_known
    from doc_check.specimen.layout import layout, sides

    assert all(is_known(i) for f in FEATURES for i in f.indicators)
    for side in sides(document_type):
        lay = layout(document_type, side)
        marks = callouts(document_type, side, "ir", 200)
        if "mrz" in lay.boxes:
            mrz = next(c for c in marks if c.feature.key == "ir_mrz")
            x0, y0, x1, y1 = lay.box_px("mrz", 200)
            assert mrz.box == (x0, y0, x1 - x0, y1 - y0)
        assert [c.number for c in marks] == list(range(1, len(marks) + 1))
    pages = document_pages(document_type, 100)
    plain = __import__("doc_check.specimen.sampleset", fromlist=["x"]).render_reference(document_type, 100)
    page = pages[0]
    assert page.image.shape == plain[page.side]["visible"].shape
    assert not np.array_equal(page.image, plain[page.side]["visible"])  # the callouts are drawn
