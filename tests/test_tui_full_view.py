"""The full-resolution key in a local terminal (Pilot): the PNG written holds the sample's own pixels."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from tui_helpers import make_project

from doc_check.analysis.load import load_image
from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.widgets.document_view import DocumentView
from doc_check.viewport import BACKGROUND, FULL_VIEW_GAP, full_resolution_view, native_window, side_by_side


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DISPLAY", raising=False)  # never open a viewer from a test
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    ex_dir = make_project(tmp_path / "proj", tools=("magnifier", "reference"))
    return load_exercise(ex_dir), Store(tmp_path / "db.sqlite"), tmp_path / "proj" / "samples"


async def _press_f(pilot) -> Path:
    """Press the full-resolution key and wait for the file the worker writes."""
    before = pilot.app.last_saved_view
    await pilot.press("f")
    for _ in range(500):
        await pilot.pause(0.01)
        if pilot.app.last_saved_view != before:
            return pilot.app.last_saved_view
    raise AssertionError("no full-resolution view was written")


async def _ready(pilot) -> ExamineScreen:
    for _ in range(500):
        if getattr(pilot.app.screen, "ready", False):
            return pilot.app.screen
        await pilot.pause(0.01)
    raise AssertionError("the examine screen never became ready")


async def test_full_resolution_key_writes_the_samples_own_pixels(project) -> None:
    exercise, store, samples = project
    app = TrainApp(store, [exercise], start=exercise, participant="T01", image_mode="halfcell")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _ready(pilot)
        sample = load_image(samples / "A1" / "front_visible.png")
        path = await _press_f(pilot)
        assert path.parent == store.path.parent / "views"
        written = cv2.imread(str(path), cv2.IMREAD_COLOR)
        # the whole page at the sample's own resolution (740 x 520), not the terminal's ~100 x 60 half-cells
        assert written.shape == sample.shape
        assert np.array_equal(written, sample)
        doc = screen.query_one("#doc", DocumentView)
        assert doc.last_render.shape[1] < 200

        # zoomed in under UV: exactly the magnifier's window, pixel for pixel
        await pilot.press("u", "plus", "plus", "right")
        await pilot.pause()
        await _press_f(pilot)
        uv = load_image(samples / "A1" / "front_uv.png")
        x0, y0, x1, y1 = native_window(740, 520, doc.zoom, doc.center, *doc.out_size())
        written = cv2.imread(str(app.last_saved_view), cv2.IMREAD_COLOR)
        assert "-uv-z2.2" in app.last_saved_view.name
        assert written.shape == (y1 - y0, x1 - x0, 3) and written.shape[1] < 740
        assert np.array_equal(written, uv[y0:y1, x0:x1])

        # the reference beside it, following the same window
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        await _press_f(pilot)
        assert app.last_saved_view.name.endswith("-with-reference.png")
        both = cv2.imread(str(app.last_saved_view), cv2.IMREAD_COLOR)
        ref = screen.query_one("#ref", DocumentView)
        x0, y0, x1, y1 = native_window(740, 520, doc.zoom, doc.center, *doc.out_size())  # the view is narrower now
        r0, s0, r1, s1 = native_window(740, 520, ref.zoom, ref.center, *ref.out_size())
        assert both.shape[1] == (x1 - x0) + FULL_VIEW_GAP + (r1 - r0)
        assert np.array_equal(both[: y1 - y0, : x1 - x0], uv[y0:y1, x0:x1])
        ref_uv = load_image(samples / "references" / "td3" / "front_uv.png")
        assert np.array_equal(both[: s1 - s0, x1 - x0 + FULL_VIEW_GAP :], ref_uv[s0:s1, r0:r1])


async def test_full_resolution_key_is_hidden_from_the_local_footer(project) -> None:
    exercise, store, _ = project
    app = TrainApp(store, [exercise], start=exercise, participant="T01", image_mode="halfcell")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _ready(pilot)
        shown = {b.action for _, b, _, _ in screen.active_bindings.values() if b.show}
        assert "full_view('browser')" not in shown  # a terminal keeps its footer; `f` still works (above)
        assert screen.check_action("full_view", ("file",)) and not screen.check_action("full_view", ("browser",))


def test_full_resolution_view_core() -> None:
    img = np.arange(60 * 80, dtype=np.uint32).reshape(60, 80).astype(np.uint8)
    whole = full_resolution_view(img, 1.0, None, 40, 40)
    assert whole.shape == (60, 80, 3) and np.array_equal(whole[..., 0], img)
    outlined = full_resolution_view(
        np.zeros((60, 80, 3), np.uint8), 1.0, None, 80, 60, [((10, 10, 20, 20), (0, 0, 255))]
    )
    assert outlined[10, 15].tolist() == [0, 0, 255] and outlined[20, 20].tolist() == [0, 0, 0]
    part = full_resolution_view(img, 4.0, (0, 0), 80, 60)
    assert part.shape == (15, 20, 3) and np.array_equal(part[..., 0], img[:15, :20])
    pair = side_by_side(np.zeros((10, 5, 3), np.uint8), np.full((4, 3, 3), 255, np.uint8), gap=2)
    assert pair.shape == (10, 10, 3) and pair[9, 9].tolist() == list(BACKGROUND) and pair[0, 9].tolist() == [255] * 3


async def test_full_resolution_key_in_class_mode_delivers_to_the_browser(project, monkeypatch) -> None:
    """As under textual-serve (`App.is_web`): the footer shows the key and the PNG goes to Textual's delivery."""
    exercise, store, samples = project
    monkeypatch.setattr(TrainApp, "is_web", property(lambda self: True))
    delivered = []

    def deliver_binary(self, file, **kwargs):
        delivered.append((file.read(), kwargs))
        return "key"

    monkeypatch.setattr(TrainApp, "deliver_binary", deliver_binary)
    app = TrainApp(store, [exercise], start=exercise, participant="T01", image_mode="halfcell")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _ready(pilot)
        shown = {b.action: b.description for _, b, _, _ in screen.active_bindings.values() if b.show}
        assert shown["full_view('browser')"] == "Full res"
        await pilot.press("i", "f")
        for _ in range(500):
            await pilot.pause(0.01)
            if delivered:
                break
        assert app.last_saved_view is None  # nothing written on the server's side
        (data, kwargs) = delivered[-1]
        assert kwargs["open_method"] == "browser" and kwargs["mime_type"] == "image/png"
        assert kwargs["save_filename"] == "A1-front-ir-z1.0.png"
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        ir = load_image(samples / "A1" / "front_ir.png")
        assert image.shape[:2] == ir.shape[:2] == (520, 740)


def test_open_with_desktop_runs_the_desktop_opener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import time

    from doc_check.tui.screens.examine import open_with_desktop

    if sys.platform != "linux":
        pytest.skip("the fake opener is an xdg-open shell script")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$1" > {log}\n')
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    png = tmp_path / "view.png"
    assert not open_with_desktop(png)  # no desktop: nothing is run
    monkeypatch.setenv("DISPLAY", ":0")
    assert open_with_desktop(png)
    for _ in range(100):
        if log.exists() and log.read_text().strip():
            break
        time.sleep(0.05)
    assert log.read_text().strip() == str(png)
