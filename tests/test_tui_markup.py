"""Untrusted text in the TUI is never taken for Rich markup: a participant code, an exercise title, an error
message holding `[/red]` shows as typed (it crashed the app with a MarkupError before)."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from tui_helpers import make_project

from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.picker import PickerScreen


async def test_a_code_holding_markup_shows_as_typed(tmp_path: Path) -> None:
    exercise = load_exercise(make_project(tmp_path / "proj"))
    app = TrainApp(Store(tmp_path / "db.sqlite"), [exercise], image_mode="halfcell")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"[/red][b]x")
        await pilot.press("enter")
        await pilot.pause()
        assert "'[/red][b]x'" in str(app.screen.query_one("#problem").render())
        app.screen.query_one("#code").value = ""
        await pilot.press(*"K9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_an_exercise_title_holding_markup_is_listed_as_it_is(tmp_path: Path) -> None:
    folder = make_project(tmp_path / "proj")
    toml = folder / "exercise.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "[/] [bold]Round[/bold] ', 1))
    exercise = load_exercise(folder)
    app = TrainApp(Store(tmp_path / "db.sqlite"), [exercise], participant="T1", image_mode="halfcell")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        option = app.screen.query_one("#exercises").get_option_at_index(0)
        assert "[/] [bold]Round[/bold] Border" in Content.from_markup(str(option.prompt)).plain
