"""Pilot-driven end-to-end runs of `doc-check train`: examine, tools, answer, submit, feedback, stored score."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tui_helpers import MRZ, make_project

from doc_check.exercise import load_exercise, load_submission
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.screens.feedback import FeedbackScreen
from doc_check.tui.screens.mrz_tool import MrzToolScreen
from doc_check.tui.screens.picker import PickerScreen
from doc_check.tui.widgets.document_view import DocumentView
from doc_check.tui.widgets.verdict_form import VerdictForm


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def project(tmp_path: Path):
    ex_dir = make_project(tmp_path / "proj")
    return load_exercise(ex_dir), Store(tmp_path / "db.sqlite")


async def test_take_an_exercise_end_to_end(project) -> None:
    exercise, store = project
    clock = FakeClock()
    app = TrainApp(store, [exercise], participant="T01", image_mode="halfcell", clock=clock)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamineScreen)
        doc = screen.query_one("#doc", DocumentView)
        white = doc.last_render.copy()
        assert doc.last_render.shape[1] == doc.size.width  # rendered at the size shown (half-cells: 1x2 px)
        assert doc.last_render.shape[0] == 2 * doc.size.height

        # Channels switch the picture at once.
        await pilot.press("u")
        await pilot.pause()
        assert screen.channel == "uv"
        assert not np.array_equal(doc.last_render, white)
        await pilot.press("i")
        await pilot.pause()
        assert screen.channel == "ir"

        # Magnifier: zoom in shows fewer image pixels per view; pan moves; 0 fits again.
        fit_visible = doc.geometry.visible[2]
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert doc.zoom == pytest.approx(2.25)
        assert doc.geometry.visible[2] == pytest.approx(fit_visible / 2.25)
        center = doc.geometry.center
        doc.focus()
        await pilot.press("right")
        await pilot.pause()
        assert doc.geometry.center[0] > center[0]
        await pilot.press("0")
        await pilot.pause()
        assert doc.zoom == 1.0

        # Reference side by side.
        await pilot.press("r")
        await pilot.pause()
        ref = screen.query_one("#ref", DocumentView)
        assert ref.display and ref.image is not None

        # Save the view as PNG.
        await pilot.press("s")
        await pilot.pause()
        assert app.last_saved_view is not None and app.last_saved_view.is_file()

        # MRZ tool: a wrong birth-date digit is explained and marked.
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MrzToolScreen)
        wrong = MRZ[1][:19] + "3" + MRZ[1][20:]
        app.screen.query_one("#mrz-input").text = MRZ[0] + "\n" + wrong
        await pilot.pause()
        steps = str(app.screen.query_one("#mrz-steps").render())
        assert "birth date" in steps and "should be 2" in steps
        assert "not valid" in str(app.screen.query_one("#mrz-problems").render())
        clock.now += 15  # time in the MRZ tool counts as time on the sample
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert app.session.sample_seconds() == pytest.approx(15)

        # Answer every sample; time passes on each.
        answers = {"A1": ("genuine", []), "B2": ("forged", ["viz.mrz_mismatch.birth_date"]), "C3": ("counterfeit", [])}
        form = screen.query_one(VerdictForm)
        for i, sid in enumerate(exercise.sample_ids):
            assert screen.sample_id == sid
            verdict, inds = answers[sid]
            form.set_verdict(verdict)
            for ind in inds:
                form.toggle_indicator(ind)
            await pilot.pause()
            clock.now += 20 + i
            if i < 2:
                await pilot.press("n")
                await pilot.pause()
        # Going back shows the stored answer again (via the sample list: second entry).
        await pilot.press("g")
        await pilot.pause()
        assert "forged" in str(app.screen.query_one("#goto-list").get_option_at_index(1).prompt)
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.sample_id == "B2"
        assert form.current().verdict == "forged"
        assert form.current().indicators == ("viz.mrz_mismatch.birth_date",)

        await pilot.press("x")
        await pilot.pause()
        assert "All 3 samples answered" in str(app.screen.query_one("#unanswered").render())
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        summary = str(app.screen.query_one("#summary").render())
        assert "PASS" in summary or "FAIL" in summary

    result = app.last_result
    assert result.report is not None
    assert result.report.correct == 3
    attempt = store.attempt(result.attempt.id)
    assert attempt.state == "submitted" and attempt.score == pytest.approx(result.report.total)
    sub = load_submission(attempt.submission_path)
    assert [a.verdict for a in sub.answers] == ["genuine", "forged", "counterfeit"]
    assert sub.answers[0].seconds == pytest.approx(35, abs=1)
    assert sub.exercise_sha256 == exercise.sha256
    assert json.loads(store.submission_json(attempt.id))["participant"] == "T01"


async def test_unanswered_listed_before_submit_and_over_time_recorded(project) -> None:
    exercise, store = project
    clock = FakeClock()
    app = TrainApp(store, [exercise], start=exercise, participant="T02", image_mode="halfcell", clock=clock)
    async with app.run_test(size=(130, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExamineScreen)
        app.screen.query_one(VerdictForm).set_verdict("genuine")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        text = str(app.screen.query_one("#unanswered").render())
        assert "Unanswered (2)" in text and "B2" in text and "C3" in text
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExamineScreen)
        assert app.session.attempt.is_open
        clock.now += 700  # past the 60 s sample and the 600 s exercise limits
        app.screen.tick()
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert status.count("over") == 2
    attempt = store.history("T02")[0]
    assert attempt.total_seconds == pytest.approx(700)
    assert store.answers(attempt.id)["A1"].seconds == pytest.approx(700)


async def test_tools_not_allowed_are_not_offered(tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p", ex_id="naked", tools=()))
    store = Store(tmp_path / "db.sqlite")
    app = TrainApp(store, [ex], start=ex, participant="T03", image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("plus", "m", "r")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#doc", DocumentView).zoom == 1.0
        assert not screen.show_reference
        assert screen.check_action("mrz_tool", ()) is False


async def test_participant_code_is_asked_once_and_remembered(project) -> None:
    exercise, store = project
    app = TrainApp(store, [exercise], image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"bad code!")
        await pilot.press("enter")
        await pilot.pause()
        assert "letters, digits" in str(app.screen.query_one("#problem").render())
        app.screen.query_one("#code").value = ""
        await pilot.press(*"K9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert store.remembered_participant() == "K9"
    app2 = TrainApp(store, [exercise], image_mode="halfcell", clock=FakeClock())
    async with app2.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app2.screen, PickerScreen) and app2.participant == "K9"


async def test_reader_history_and_back_to_the_list(tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p", ex_id="full", tools=("magnifier", "reader")))
    store = Store(tmp_path / "db.sqlite")
    app = TrainApp(store, [ex], start=ex, participant="T05", image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("d")  # the document reader runs in a worker; whatever it says, the session goes on
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.query_one("#findings")
        assert table.display and table.row_count >= 1
        assert "A1" in screen.reader_results or "A1" in screen.reader_errors
        report = screen.reader_results.get("A1")
        small = [n for n, f in enumerate(report.findings) if f.region and f.region[2] < 400] if report else []
        if small:  # Enter on a finding with a region zooms the magnifier onto it
            table.focus()
            table.move_cursor(row=table.get_row_index(str(small[0])))
            await pilot.press("enter")
            await pilot.pause()
            doc = screen.query_one("#doc", DocumentView)
            x, y, w, h = report.findings[small[0]].region
            assert doc.zoom > 1.0
            assert doc.geometry.center == pytest.approx((x + w / 2, y + h / 2), abs=max(w, h))
        for verdict in ("genuine", "forged", "counterfeit"):
            screen.query_one(VerdictForm).set_verdict(verdict)
            await pilot.pause()
            await pilot.press("n")
        await pilot.press("x", "y")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("escape")  # started on the exercise: the list is made on the way out
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "best" in str(app.screen.query_one("#exercises").get_option_at_index(0).prompt)
        await pilot.press("h")
        await pilot.pause()
        history = app.screen.query_one("#history")
        assert history.row_count == 1
        await pilot.press("enter")  # re-opens the stored attempt's report
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen) and app.screen.report.correct == 3
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


async def test_mouse_wheel_zooms_at_the_pointer_and_drag_pans(project) -> None:
    from textual import events

    exercise, store = project
    app = TrainApp(store, [exercise], start=exercise, participant="T06", image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        doc = app.screen.query_one("#doc", DocumentView)
        x, y = doc.size.width // 4, doc.size.height // 2
        before = doc.geometry.to_image((x + 0.5) * 1, (y + 0.5) * 2)
        doc.post_message(events.MouseScrollUp(doc, x, y, 0, -1, 0, False, False, False, screen_x=x, screen_y=y))
        await pilot.pause()
        assert doc.zoom == pytest.approx(1.5)
        after = doc.geometry.to_image((x + 0.5) * 1, (y + 0.5) * 2)
        assert after == pytest.approx(before, abs=2.0)  # the point under the pointer stays put
        centre = doc.geometry.center
        await pilot.mouse_down(doc, offset=(x, y))
        await pilot.hover(doc, offset=(x + 6, y))
        await pilot.mouse_up(doc, offset=(x + 6, y))
        await pilot.pause()
        assert doc.geometry.center[0] < centre[0]  # dragging right moves the view left over the page


async def test_broken_sample_files_are_reported_not_fatal(tmp_path: Path) -> None:
    ex_dir = make_project(tmp_path / "p", ex_id="broken")
    samples = ex_dir.parent.parent / "samples"
    (samples / "B2" / "front_uv.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    (samples / "C3" / "sample.toml").write_text('id = "C3"\ndocument_type = [\n')
    ex = load_exercise(ex_dir)
    store = Store(tmp_path / "db.sqlite")
    app = TrainApp(store, [ex], start=ex, participant="T07", image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("n", "u")  # B2 under UV: a corrupt image
        await pilot.pause()
        assert screen.sample_id == "B2" and screen.query_one("#doc", DocumentView).image is None
        assert any("front_uv.png" in str(n.message) for n in app._notifications)
        await pilot.press("w")
        await pilot.pause()
        assert screen.query_one("#doc", DocumentView).image is not None
        await pilot.press("n", "u", "r")  # C3: a broken sample.toml; still answerable
        await pilot.pause()
        assert screen.sample_id == "C3" and app.screen is screen
        screen.query_one(VerdictForm).set_verdict("counterfeit")
        await pilot.pause()
    assert store.answers(store.history("T07")[0].id)["C3"].verdict == "counterfeit"


async def test_mrz_tool_reads_the_mrz_off_a_committed_sample(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    ex = load_exercise(root / "exercises" / "mrz-drill")
    store = Store(tmp_path / "db.sqlite")
    app = TrainApp(store, [ex], start=ex, participant="T08", image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        tool = app.screen
        assert isinstance(tool, MrzToolScreen)
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = tool.query_one("#mrz-input").text.splitlines()
        assert len(lines) in (2, 3) and len(set(map(len, lines))) == 1 and len(lines[0]) in (30, 36, 44)
        assert "digit at line" in str(tool.query_one("#mrz-steps").render())


@pytest.mark.parametrize("mode", ["sixel", "tgp"])
async def test_graphics_renderers_get_views_at_their_pixel_size(project, mode: str) -> None:
    from doc_check.tui.images import cell_pixels

    exercise, store = project
    app = TrainApp(store, [exercise], start=exercise, participant="T09", image_mode=mode, clock=FakeClock())
    async with app.run_test(size=(90, 28)) as pilot:
        await pilot.pause()
        doc = app.screen.query_one("#doc", DocumentView)
        await pilot.press("u", "plus")
        await pilot.pause()
        cw, ch = cell_pixels(mode)
        assert doc.last_render.shape[:2] == (doc.size.height * ch, doc.size.width * cw)
        assert type(doc.query_one("#picture")).__name__ in ("Image", "SixelImage", "TGPImage")
        assert doc.zoom == pytest.approx(1.5)


async def test_first_frame_then_checklist_and_footer_keys(project) -> None:
    """The document comes first; the checklist follows it, and the footer is rebuilt only when its keys change."""
    from textual.widgets import SelectionList
    from textual.widgets._footer import FooterKey

    from doc_check.indicators import by_area
    from doc_check.tui.widgets.key_footer import KeyFooter

    exercise, store = project
    app = TrainApp(store, [exercise], start=exercise, participant="T07", image_mode="halfcell", clock=FakeClock())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExamineScreen)
        for _ in range(500):
            if screen.ready:
                break
            await pilot.pause(0.01)
        assert screen.ready
        assert screen.query_one("#doc", DocumentView).last_render is not None
        expected = {f"area-{area}" for area, items in by_area().items() if items}
        assert {sel.id for sel in screen.query(SelectionList)} == expected
        form = screen.query_one(VerdictForm)
        form.toggle_indicator("print.erasure")  # the mounted checklist records ticks as before
        await pilot.pause()
        assert "print.erasure" in form.current().indicators

        footer = screen.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        assert {"w", "u", "i", "x"} <= {k.key for k in keys}
        screen.refresh_bindings()
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert list(footer.query(FooterKey)) == keys  # nothing changed: the same key widgets
        screen.query_one("#note").focus()  # the document's pan keys leave the footer
        await pilot.pause()
        await pilot.pause()
        assert "left" not in {k.key for k in footer.query(FooterKey)}
        screen.query_one("#doc", DocumentView).focus()
        await pilot.pause()
        await pilot.pause()
        assert "left" in {k.key for k in footer.query(FooterKey)}
