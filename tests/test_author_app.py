"""The authoring app, driven headless: browse a real generated set, make and save a forgery, build and save an
exercise that `doc-check exercise validate` accepts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from textual.widgets import Button, DataTable, Input, Select, SelectionList, TextArea

from doc_check.cli import cli
from doc_check.exercise import load_exercise, load_exercise_key
from doc_check.samples import load_key
from doc_check.specimen.sampleset import SampleSpec, generate_sample, write_references, write_sample
from doc_check.tui.author.app import AuthorApp
from doc_check.tui.author.builder import BuilderPane
from doc_check.tui.author.library import LibraryPane
from doc_check.tui.author.maker import MakerPane
from doc_check.tui.author.viewer import SampleViewer

DPI = 72


@pytest.fixture(scope="module")
def sample_set(tmp_path_factory) -> Path:
    """A small real set: a genuine and a forged TD3 with the set's key and the TD3 reference."""
    root = tmp_path_factory.mktemp("authorproj")
    set_dir = root / "samples"
    for i, spec in enumerate(
        [SampleSpec("td3", None, dpi=DPI), SampleSpec("td3", "counterfeit", "colour_copy", dpi=DPI)]
    ):
        write_sample(set_dir, generate_sample(spec, 7, i))
    write_references(set_dir, dpi=DPI, types=["td3"])
    return set_dir


def _copy_set(sample_set: Path, tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    project = tmp_path / "proj"
    shutil.copytree(sample_set, project / "samples")
    return project / "samples", project / "exercises"


async def _until(pilot, predicate, steps: int = 100) -> None:
    for _ in range(steps):
        if predicate():
            return
        await pilot.pause(0.1)
    raise AssertionError("condition not reached")


async def test_library_build_and_save_exercise(sample_set: Path, tmp_path: Path) -> None:
    set_dir, ex_dir = _copy_set(sample_set, tmp_path)
    key = load_key(set_dir / "key.toml")
    app = AuthorApp(set_dir, ex_dir, image_mode="halfcell")
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.pause()
        lib = app.query_one(LibraryPane)
        table = lib.query_one("#lib-table", DataTable)
        assert table.row_count == 2
        first, second = sorted(key)
        assert lib.current == first
        truth = str(lib.query_one("#lib-truth").render())
        assert key[first].verdict.replace("_", " ") in truth
        # every light of the sample is shown on request, as real pictures
        viewer = lib.query_one(SampleViewer)
        white = viewer.view.last_render.copy()
        await pilot.press("u")
        await pilot.pause()
        assert viewer.channel == "uv" and not np.array_equal(viewer.view.last_render, white)
        await pilot.press("i")
        await pilot.pause()
        assert viewer.channel == "ir"
        # all lights side by side: three pictures in one row, as wide as three pages
        await pilot.press("l")
        await pilot.pause()
        page = viewer.pictures["front.visible"]
        assert viewer.view.image.shape[1] > 3 * page.shape[1] * viewer.view.image.shape[0] / page.shape[0] - 1
        # add both samples to the exercise, the second first
        await pilot.press("down")
        await pilot.pause()
        assert lib.current == second
        await pilot.press("e", "up", "e")
        await pilot.pause()
        builder = app.query_one(BuilderPane)
        assert builder.samples == [second, first]
        await pilot.press("f4")
        await pilot.pause()
        builder.query_one("#ex-id", Input).value = "night-shift"
        builder.query_one("#ex-title", Input).value = "Night shift at the border"
        builder.query_one("#ex-briefing", TextArea).text = "Two travellers.\nExamine both documents."
        builder.query_one("#ex-channels", SelectionList).deselect("ir")
        builder.query_one("#ex-tls", Input).value = "120"
        builder.query_one("#ex-pass", Input).value = "65"
        # reorder: move the highlighted (second row: first) up, then write its feedback text
        builder.query_one("#ex-samples", DataTable).move_cursor(row=1)
        builder.move(-1)
        await pilot.pause()
        assert builder.samples == [first, second]
        builder.query_one("#ex-explanation", TextArea).text = "Look at the UV paper."
        await pilot.pause()
        builder.query_one("#ex-save", Button).press()
        await pilot.pause()
        assert "Saved" in str(builder.query_one("#ex-status").render())
        saved = (ex_dir / "night-shift" / "exercise.toml").read_bytes()
        # a draft the loaders refuse is not written, and the saved files stay as they were
        builder.query_one("#ex-id", Input).value = "../escape"
        builder.save()
        await pilot.pause()
        assert "Not saved" in str(builder.query_one("#ex-status").render())
        builder.query_one("#ex-id", Input).value = "night-shift"
        builder.query_one("#ex-pass", Input).value = "250"
        builder.save()
        await pilot.pause()
        status = str(builder.query_one("#ex-status").render())
        assert "Not saved" in status and "pass_mark" in status
        assert (ex_dir / "night-shift" / "exercise.toml").read_bytes() == saved
        assert sorted(p.name for p in ex_dir.iterdir()) == ["night-shift"]  # no staging folder left behind

    folder = ex_dir / "night-shift"
    ex = load_exercise(folder)
    assert ex.sample_ids == (first, second)
    assert ex.channels == ("visible", "uv") and ex.time_limit_sample == 120 and ex.policy.pass_mark == 65
    assert ex.briefing == "Two travellers.\nExamine both documents."
    k = load_exercise_key(folder, ex)
    assert k[first].explanation == "Look at the UV paper."
    assert k[second].verdict == key[second].verdict and k[second].indicators == key[second].indicators
    res = CliRunner().invoke(cli, ["exercise", "validate", str(folder)])
    assert res.exit_code == 0, res.output


async def test_make_and_save_a_forgery(sample_set: Path, tmp_path: Path) -> None:
    set_dir, ex_dir = _copy_set(sample_set, tmp_path)
    before = set(load_key(set_dir / "key.toml"))
    app = AuthorApp(set_dir, ex_dir, image_mode="halfcell")
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        maker = app.query_one(MakerPane)
        maker.query_one("#mk-kind", Select).value = "data_alteration"
        await pilot.pause()
        variants = maker.query_one("#mk-variant", Select)
        variants.value = "mrz_unchanged"
        maker.query_one("#mk-field", Select).value = "surname"
        maker.query_one("#mk-seed", Input).value = "7"
        maker.query_one("#mk-dpi", Input).value = str(DPI)
        await pilot.pause()
        maker.query_one("#mk-preview", Button).press()
        await _until(pilot, lambda: maker.generated is not None)
        generated = maker.generated
        assert generated.id not in before  # index 0 and 1 of seed 7 are taken: the next free id
        assert generated.truth.verdict == "forged" and generated.truth.extra["field"] == "surname"
        assert "forged" in str(maker.query_one("#mk-truth").render())
        assert maker.query_one(SampleViewer).view.image is not None
        maker.query_one("#mk-save", Button).press()
        await pilot.pause()
        lib = app.query_one(LibraryPane)
        await _until(pilot, lambda: generated.id in lib.entries)
    key = load_key(set_dir / "key.toml")
    assert set(key) == before | {generated.id}
    assert key[generated.id].indicators == generated.truth.indicators
    assert (set_dir / generated.id / "sample.toml").is_file()


def test_author_cli_opens_an_exercise_to_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exercise_helpers import make_project

    ex_dir = make_project(tmp_path / "p")
    seen: dict[str, object] = {}
    original = AuthorApp.run

    async def look(pilot) -> None:
        await pilot.pause()
        builder = pilot.app.query_one(BuilderPane)
        seen["samples"] = list(builder.samples)
        seen["title"] = builder.query_one("#ex-title", Input).value
        seen["tls"] = builder.query_one("#ex-tls", Input).value
        seen["rows"] = pilot.app.query_one(LibraryPane).query_one("#lib-table", DataTable).row_count
        pilot.app.exit()

    monkeypatch.setattr(
        AuthorApp, "run", lambda self, *a, **k: original(self, headless=True, size=(140, 40), auto_pilot=look)
    )
    runner = CliRunner()
    res = runner.invoke(cli, ["author", "--exercises", str(ex_dir.parent), "--exercise", "ex1", "--image", "halfcell"])
    assert res.exit_code == 0, res.output
    assert seen == {"samples": ["S1", "S2", "S3", "S4"], "title": "Test round", "tls": "60", "rows": 4}
    res = runner.invoke(cli, ["author", "--set", str(tmp_path / "none"), "--exercises", str(ex_dir.parent)])
    assert res.exit_code == 2 and "sample set folder not found" in res.output


async def test_forge_an_existing_genuine_sample(sample_set: Path, tmp_path: Path) -> None:
    """The maker starts from a genuine sample of the set: same holder and capture, the forgery, a new id."""
    from doc_check.specimen.derive import record_of, render_recorded

    set_dir, ex_dir = _copy_set(sample_set, tmp_path)
    before = load_key(set_dir / "key.toml")
    genuine = next(s for s, e in before.items() if e.verdict == "genuine")
    forged = next(s for s, e in before.items() if e.verdict != "genuine")
    app = AuthorApp(set_dir, ex_dir, image_mode="halfcell")
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.pause()
        lib = app.query_one(LibraryPane)
        maker = app.query_one(MakerPane)
        assert set(maker.sources) == {genuine}  # the counterfeit is not offered as a source
        # "f" on the counterfeit in the library refuses; on the genuine one it opens the maker with it
        lib.query_one("#lib-table", DataTable).move_cursor(row=sorted(before).index(forged))
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert maker.source() is None
        lib.query_one("#lib-table", DataTable).move_cursor(row=sorted(before).index(genuine))
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert maker.source() == genuine
        assert maker.query_one("#mk-type", Select).disabled and maker.query_one("#mk-seed", Input).disabled
        # without a forgery kind there is nothing to apply
        maker.query_one("#mk-preview", Button).press()
        await pilot.pause()
        assert maker.generated is None and not maker.busy
        maker.query_one("#mk-kind", Select).value = "photo_substitution"
        await pilot.pause()
        maker.query_one("#mk-variant", Select).value = "laminate_edge"
        await pilot.pause()
        maker.query_one("#mk-preview", Button).press()
        await _until(pilot, lambda: maker.generated is not None)
        generated = maker.generated
        assert generated.id not in before and generated.truth.verdict == "forged"
        assert generated.truth.extra["derived_from"] == genuine
        assert "photo.substitution" in generated.truth.indicators
        assert f"from {genuine}" in maker.query_one(SampleViewer).label
        maker.query_one("#mk-save", Button).press()
        await _until(pilot, lambda: generated.id in lib.entries)
    key = load_key(set_dir / "key.toml")
    assert set(key) == set(before) | {generated.id}
    assert {s: key[s] for s in before} == before  # the other entries are as they were
    entry = key[generated.id]
    assert entry.extra["variant"] == "laminate_edge" and entry.indicators == generated.truth.indicators
    for name in ("seed", "index", "print_seed", "document_type", "capture", "dpi"):
        assert entry.extra[name] == before[genuine].extra[name], name
    # the saved folder holds the same pixels the key's record renders again, and its holder is the source's
    images, planted = render_recorded(record_of(generated.id, entry))
    src_images, src_planted = render_recorded(record_of(genuine, before[genuine]))
    assert planted.document == src_planted.document
    assert all(np.array_equal(images[s][c], generated.images[s][c]) for s in images for c in images[s])
    assert not np.array_equal(images["front"]["visible"], src_images["front"]["visible"])
    assert (set_dir / generated.id / "sample.toml").is_file()
