"""Academy commands and the trainee app with sign-in: `doc-check class enrol|reset|assign|release|list|history`,
the sign-in screen (a trainee cannot answer as another), class-mode feedback held back until released, a second
session asked to take over, `serve --allow-remote` refused without enrolment, `results --cohort`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.cli import cli
from doc_check.exercise import load_exercise
from doc_check.store import Store, StoredAnswer
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.screens.feedback import FeedbackScreen
from doc_check.tui.screens.sign_in import SignInScreen
from doc_check.tui.screens.take_over import TakeOverScreen
from doc_check.tui.session import AttemptSession

PASS_RE = re.compile(r"\b([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})\b")


def _enrol(db: Path | str, tmp_path: Path, cohort: str = "C1", *codes: str) -> dict[str, str]:
    res = CliRunner().invoke(cli, ["class", "enrol", "--db", str(db), "--cohort", cohort, *codes])
    assert res.exit_code == 0, res.output
    found = {}
    for line in res.output.splitlines():
        m = PASS_RE.search(line)
        if m:
            found[line.split()[1] if line.startswith("│") else line.split()[0]] = m.group(1)
    assert len(found) == len(codes), res.output
    return found


def test_enrol_from_csv_with_sheets_reset_and_list(tmp_path: Path) -> None:
    db = tmp_path / "class.sqlite"
    csv_file = tmp_path / "class.csv"
    csv_file.write_text("code,name\nT01,Ann Example\nT02,Bo <b>Sample</b>\n", encoding="utf-8")
    runner = CliRunner()
    args = ["class", "enrol", "--db", str(db), "--cohort", "C1", "--csv", str(csv_file)]
    res = runner.invoke(cli, [*args, "--sheet", str(tmp_path / "sheet.html")])
    assert res.exit_code == 0, res.output
    words = PASS_RE.findall(res.output)
    assert len(words) == 2
    sheet = (tmp_path / "sheet.html").read_text()
    assert all(w in sheet for w in words) and "&lt;b&gt;Sample" in sheet and "<b>Sample" not in sheet
    raw = db.read_bytes()
    assert not any(w.encode() in raw for w in words)  # only hashes in the database
    res = runner.invoke(cli, [*args])  # again: refused, nothing changed
    assert res.exit_code == 2 and "already enrolled" in res.output and len(res.output.strip().splitlines()) == 1
    res = runner.invoke(cli, ["class", "reset", "--db", str(db), "T02", "--sheet", str(tmp_path / "new.md")])
    assert res.exit_code == 0, res.output
    new = PASS_RE.findall(res.output)
    assert len(new) == 1 and new[0] not in words and new[0] in (tmp_path / "new.md").read_text()
    res = runner.invoke(cli, ["class", "reset", "--db", str(db), "NOPE"])
    assert res.exit_code == 2 and "not enrolled" in res.output
    res = runner.invoke(cli, ["class", "list", "--db", str(db)])
    assert res.exit_code == 0 and "Ann Example" in res.output and "cohort C1" in res.output


def test_serve_allow_remote_needs_enrolled_participants(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    db = tmp_path / "class.sqlite"
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    res = CliRunner().invoke(
        cli, ["serve", "--exercise", str(ex), "--host", "0.0.0.0", "--allow-remote", "--port", port, "--db", str(db)]
    )
    assert res.exit_code == 2, res.output
    assert "no enrolled participants" in res.output and len(res.output.strip().splitlines()) == 1


def test_serve_on_postgresql_needs_enrolment_and_hides_the_url(pg_url: str, tmp_path: Path) -> None:
    import shlex
    import socket

    from doc_check.cli.serve import child_command

    ex = make_project(tmp_path / "p")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    args = ["serve", "--exercise", str(ex), "--host", "0.0.0.0", "--allow-remote", "--port", port, "--db", pg_url]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and "no enrolled participants" in res.output, res.output
    cmd = child_command(pg_url, exercise=ex)
    env, _, rest = cmd.partition(" exec ")
    assert pg_url not in rest and "--db" not in shlex.split(rest)
    assert shlex.split(env) == ["DOC_CHECK_IMAGE=halfcell", f"DOC_CHECK_DB={pg_url}"]


def test_unreachable_server_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"postgresql://nobody@/x?host={tmp_path}&port=1"
    res = CliRunner().invoke(cli, ["results", "--db", url])
    assert res.exit_code == 2 and res.output.startswith("doc-check: error:") and len(res.output.splitlines()) == 1
    assert "cannot connect" in res.output


async def test_sign_in_refuses_others_and_wrong_passphrases(store_spec, tmp_path: Path) -> None:
    """On both backends: the trainee app of `serve` signs in; nobody answers as another."""
    ex = load_exercise(make_project(tmp_path / "p"))
    db = store_spec()
    words = _enrol(db, tmp_path, "C1", "T01", "T02")
    store = Store(db, class_mode=True)
    # the trainee types someone else's code (T02) and their own passphrase: refused; then the right pair
    app = TrainApp(store, [ex], start=ex, participant="T02", image_mode="halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*words["T01"], "enter")
        await pilot.pause(1.3)
        assert isinstance(app.screen, SignInScreen) and "wrong passphrase" in str(
            app.screen.query_one("#problem").render()
        )
        code = app.screen.query_one("#code")
        code.value = "T01"
        await pilot.pause(1.5)  # the UI's pause after a failure (T01 itself has no failures)
        app.screen.query_one("#passphrase").focus()
        await pilot.press(*words["T01"], "enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, ExamineScreen):
                break
        assert isinstance(app.screen, ExamineScreen)
        assert app.session is not None and app.session.attempt.participant == "T01"
    store.close()
    with Store(db) as check:
        assert [a.participant for a in check.history()] == ["T01"]
        assert check.participant("T02").enrolled


async def test_class_mode_feedback_waits_for_release(tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p"))
    db = tmp_path / "class.sqlite"

    async def take(code: str) -> FeedbackScreen:
        store = Store(db, class_mode=True)
        app = TrainApp(store, [ex], start=ex, participant=code, image_mode="halfcell")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.session.save_answer(StoredAnswer(app.session.sample_id, "forged"))
            app.submit_attempt(app.session)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FeedbackScreen)
        store.close()
        return screen

    held = await take("X1")
    assert held.report is None and "releases" in held.message
    res = CliRunner().invoke(cli, ["class", "release", "--db", str(db), ex.id])
    assert res.exit_code == 0 and "released" in res.output
    shown = await take("X2")
    assert shown.report is not None


async def test_second_session_is_asked_to_take_over(tmp_path: Path) -> None:
    ex = load_exercise(make_project(tmp_path / "p"))
    db = tmp_path / "t.sqlite"
    first_store = Store(db)
    first = AttemptSession(first_store, ex, "T1")
    first.save_answer(StoredAnswer(first.sample_id, "forged"))
    store = Store(db)
    app = TrainApp(store, [ex], start=ex, participant="T1", image_mode="halfcell")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TakeOverScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ExamineScreen)
    # the first session's next tick: stopped, told why, no exception, nothing erased
    first.save_time()
    assert "took over" in first.lost
    assert store.answers(first.attempt.id)[first.sample_id].verdict == "forged"
    store.close()
    first_store.close()


def test_results_by_cohort_and_history_page(store_spec, tmp_path: Path) -> None:
    db = store_spec()
    with Store(db) as store:
        for code, cohort in (("A1", "alpha"), ("A2", "alpha"), ("B1", "beta")):
            store.ensure_participant(code, remember=False)
            store._execute("UPDATE participants SET cohort = ? WHERE code = ?", (cohort, code))
            for ex, pts in (("r1", 10.0), ("r2", 20.0 if code == "A1" else 5.0)):
                aid = store.start_attempt(code, ex, "1", "s", "/x", ["S1"]).id
                store.submit(aid, "{}", tmp_path / f"{code}-{ex}.json", score=pts, max_score=30.0, passed=False)
    runner = CliRunner()
    res = runner.invoke(cli, ["results", "--db", str(db), "--cohort", "alpha", "--json"])
    assert res.exit_code == 0, res.output
    tables = json.loads(res.output)
    assert [t["exercise_id"] for t in tables] == ["r1", "r2"]
    assert all(sorted(p["participant"] for p in t["participants"]) == ["A1", "A2"] for t in tables)
    res = runner.invoke(cli, ["results", "--db", str(db), "--cohort", "nope"])
    assert res.exit_code == 2 and "no such cohort" in res.output
    page = tmp_path / "A1.html"
    res = runner.invoke(cli, ["class", "history", "--db", str(db), "A1", "--html", str(page)])
    assert res.exit_code == 0, res.output
    assert "r1" in res.output and "r2" in res.output
    text = page.read_text()
    assert "<svg" in text and "Rounds of" in text and "r2" in text
    res = runner.invoke(cli, ["class", "history", "--db", str(db), "A1", "--json"])
    rounds = json.loads(res.output)["rounds"]
    assert [r["points"] for r in rounds] == [10.0, 20.0] and rounds[1]["cohort_size"] == 2


@pytest.mark.parametrize("bad", [["class", "enrol", "--db", "X", "--cohort", "a b", "T1"], ["class", "history", "Z"]])
def test_class_errors_are_one_line(tmp_path: Path, bad: list[str]) -> None:
    bad = [str(tmp_path / "x.sqlite") if a == "X" else a for a in bad]
    if bad[1] == "history":
        bad = [*bad[:2], "--db", str(tmp_path / "y.sqlite"), *bad[2:]]
    res = CliRunner().invoke(cli, bad)
    assert res.exit_code == 2 and res.output.startswith("doc-check: error:") and len(res.output.splitlines()) == 1


async def test_picker_says_reconnecting_while_the_server_is_down(tmp_path: Path) -> None:
    import os

    from pg_cluster import Cluster

    from doc_check.tui.screens.picker import PickerScreen

    try:
        cluster = Cluster()
        url = cluster.start()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"cannot start a private PostgreSQL cluster for the outage test: {exc}")
    try:
        ex = load_exercise(make_project(tmp_path / "p"))
        store = Store(url)
        app = TrainApp(store, [ex], participant="P1", image_mode="halfcell")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen)
            cluster.stop()
            app.screen.refresh_list()  # as on every return to the picker
            await pilot.pause()
            assert app.sub_title == "reconnecting…" and isinstance(app.screen, PickerScreen)
            cluster.start()
            for _ in range(100):  # the retry 2 s later reconnects
                await pilot.pause(0.1)
                if app.sub_title == "":
                    break
            assert app.sub_title == "" and isinstance(app.screen, PickerScreen)
        store.close()
    finally:
        cluster.destroy()
