"""Snapshots of the main screens (pytest-textual-snapshot): half-cell images, a fixed clock, no cursor blink.

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tui_helpers import MRZ, make_project

from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.widgets.verdict_form import VerdictForm

SIZE = (120, 36)


@pytest.fixture
def app_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # relative paths on screen, the same on every run
    exercise = load_exercise(make_project(tmp_path / "proj", tools=("magnifier", "reference", "mrz_tool")))

    def make(start: bool = True) -> TrainApp:
        store = Store(Path("train.sqlite"))
        store.set_setting("db_id", "5eed" * 8)  # submission file names hold the database's random id
        return TrainApp(
            store,
            [exercise],
            start=exercise if start else None,
            participant="T01",
            image_mode="halfcell",
            clock=lambda: 5000.0,
            today=lambda: date(2026, 11, 28),
        )

    return make


async def examine_ready(pilot) -> None:
    """Wait until the examine screen has mounted what it adds after its first frame (the checklist)."""
    for _ in range(500):
        if getattr(pilot.app.screen, "ready", False):
            return
        await pilot.pause(0.01)
    raise AssertionError("the examine screen never became ready")


def test_picker(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(start=False), terminal_size=SIZE)


def test_examine_white(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), run_before=examine_ready, terminal_size=SIZE)


def test_examine_uv_zoomed_with_reference(snap_compare, app_factory) -> None:
    assert snap_compare(
        app_factory(), run_before=examine_ready, press=["u", "plus", "plus", "r", "_"], terminal_size=SIZE
    )


def test_mrz_tool(snap_compare, app_factory) -> None:
    async def type_mrz(pilot) -> None:
        await examine_ready(pilot)  # the MRZ tool opens over the whole examine screen, checklist included
        await pilot.press("m")
        await pilot.pause()
        area = pilot.app.screen.query_one("#mrz-input")
        area.cursor_blink = False
        area.text = MRZ[0] + "\n" + MRZ[1][:19] + "3" + MRZ[1][20:]
        await pilot.pause()

    assert snap_compare(app_factory(), run_before=type_mrz, terminal_size=SIZE)


def test_feedback(snap_compare, app_factory) -> None:
    async def answer_and_submit(pilot) -> None:
        await examine_ready(pilot)
        screen = pilot.app.screen
        form = screen.query_one(VerdictForm)
        for verdict, inds in (("genuine", []), ("forged", ["print.erasure", "mrz.format"]), ("genuine", [])):
            form.set_verdict(verdict)
            for ind in inds:
                form.toggle_indicator(ind)
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
        await pilot.press("x", "y")
        await pilot.pause()

    assert snap_compare(app_factory(), run_before=answer_and_submit, terminal_size=SIZE)


def test_library(snap_compare, app_factory) -> None:
    async def open_library(pilot) -> None:
        await pilot.press("l")
        for _ in range(1000):
            if getattr(pilot.app.screen, "ready", False):
                break
            await pilot.pause(0.01)
        await pilot.press("down", "down")  # the passport under IR: its IR-only mark, IR-dropping inks, the MRZ
        for _ in range(1000):
            page = getattr(pilot.app.screen, "page", None)
            if page is not None and page.slug == "td3-front-ir":
                break
            await pilot.pause(0.01)
        await pilot.pause()

    assert snap_compare(app_factory(start=False), run_before=open_library, terminal_size=SIZE)
