"""`doc-check train --pack` end to end, headless: the exam is taken from the sealed pack, the submission is written
to a file and the database, and `doc-check score` accepts it with the instructor's key (and refuses a mismatch)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from exercise_helpers import TRUTH, make_project

from doc_check.cli import cli
from doc_check.exercise.pack import build_pack, pack_key_path
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.screens.feedback import FeedbackScreen
from doc_check.tui.widgets.verdict_form import VerdictForm


@pytest.fixture(autouse=True)
def instructor_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private data folder: the instructor's signing key is created there on first use."""
    monkeypatch.delenv("DOC_CHECK_PACK_KEY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


PACK_IDS: dict[str, str] = {}
"""Pack id -> original id of the pack a test is taking (set by the test before the UI runs)."""


@pytest.fixture()
def headless_train(monkeypatch: pytest.MonkeyPatch):
    """Make TrainApp.run headless and drive it with a pilot that answers every sample with the truth and
    submits; records what the app saw."""
    seen: dict[str, object] = {}
    original = TrainApp.run

    async def pilot_script(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        screen = app.screen
        seen["screen"] = type(screen).__name__
        seen["exercise_folder"] = app.session.exercise.folder
        seen["key_here"] = (app.session.exercise.folder / "key.toml").exists()
        form = screen.query_one(VerdictForm)
        for i, sid in enumerate(app.session.exercise.sample_ids):
            verdict, inds = TRUTH[PACK_IDS.get(sid, sid)]
            form.set_verdict(verdict)
            for ind in inds:
                form.toggle_indicator(ind)
            await pilot.pause()
            if i < len(TRUTH) - 1:
                await pilot.press("n")
                await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        seen["after"] = type(app.screen).__name__
        seen["result"] = app.last_result
        app.exit()

    def run_headless(self, *args, **kwargs):
        return original(self, headless=True, size=(120, 40), auto_pilot=pilot_script)

    monkeypatch.setattr(TrainApp, "run", run_headless)
    return seen


def test_train_from_pack_and_score(tmp_path: Path, headless_train: dict) -> None:
    ex = make_project(tmp_path / "proj")
    pack = tmp_path / "exam.zip"
    build_pack(ex, pack)
    import tomllib

    PACK_IDS.clear()
    PACK_IDS.update(tomllib.loads(pack_key_path(pack).read_text())["pack"]["sample_ids"])
    db = tmp_path / "trainee.sqlite"
    runner = CliRunner()
    res = runner.invoke(cli, ["train", "--pack", str(pack), "--as", "P07", "--db", str(db), "--image", "halfcell"])
    assert res.exit_code == 0, res.output + repr(res.exception)
    assert headless_train["screen"] == ExamineScreen.__name__
    assert headless_train["after"] == FeedbackScreen.__name__
    assert headless_train["key_here"] is False
    result = headless_train["result"]
    assert result.report is None and "instructor" in (result.key_error or "")
    # the unpacked exam is gone after the run; the answers stay in the database and the submission file
    assert not Path(headless_train["exercise_folder"]).exists()
    with Store(db) as store:
        attempts = store.history("P07")
        assert len(attempts) == 1 and attempts[0].state == "submitted"
        assert {PACK_IDS[a.sample_id]: a.verdict for a in store.answers(attempts[0].id).values()} == {
            s: v for s, (v, _) in TRUTH.items()
        }
    submission = Path(attempts[0].submission_path)
    assert submission.is_file()

    # the instructor scores it with the pack (signature verified) and the pack's key kept back from it
    res = runner.invoke(cli, ["score", str(pack), str(submission), "--json"])
    assert res.exit_code == 0, res.output
    assert "P07" in res.output and json.loads(res.output)["mean_pct"] == pytest.approx(100.0)
    # the original exercise is not the pack's: refused
    res = runner.invoke(cli, ["score", str(ex), str(submission)])
    assert res.exit_code == 2 and "different exercise file" in res.output

    # a submission whose exercise hash does not match is refused with a clear message
    data = json.loads(submission.read_text())
    data["exercise_sha256"] = "0" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    res = runner.invoke(cli, ["score", str(pack), str(forged)])
    assert res.exit_code == 2
    assert "different exercise file" in res.output


def test_train_refuses_a_tampered_pack(tmp_path: Path, headless_train: dict) -> None:
    import zipfile

    ex = make_project(tmp_path / "proj")
    pack = tmp_path / "exam.zip"
    build_pack(ex, pack)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("front_visible.png"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(info.filename, data)
    res = CliRunner().invoke(cli, ["train", "--pack", str(bad), "--as", "P08", "--db", str(tmp_path / "d.sqlite")])
    assert res.exit_code == 2
    assert "tampered pack refused" in res.output
    assert "screen" not in headless_train  # the UI never started
