"""Reports: every format written atomically, JSON read back equal, HTML self-contained with charts or a note."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from exercise_helpers import make_project

from doc_check.errors import BadInput
from doc_check.exercise import Answer, Submission, load_exercise, load_exercise_key
from doc_check.exercise.report import (
    individual_html,
    individual_markdown,
    individual_to_dict,
    parse_formats,
    summary_html,
    summary_to_dict,
    write_reports,
)
from doc_check.exercise.score import score_submissions
from doc_check.exercise.summary import summarize


@pytest.fixture()
def round_(tmp_path: Path):
    folder = make_project(tmp_path)
    ex = load_exercise(folder)
    key = load_exercise_key(folder, ex)
    subs = [
        Submission(
            ex.id,
            ex.version,
            ex.sha256,
            "P1",
            "",
            "",
            tuple(Answer(s, key[s].verdict, key[s].indicators, 80, 20, "<b>note</b>") for s in ex.sample_ids),
        ),
        Submission(
            ex.id,
            ex.version,
            ex.sha256,
            "P2",
            "",
            "",
            (Answer("S1", "forged", ("print",), 95, 70), Answer("S4", "genuine", (), 50, 10)),
        ),
        Submission(ex.id, ex.version, ex.sha256, "P3", "", "", (Answer("S2", "forged", ("print.erasure",)),)),
    ]
    reports = score_submissions(ex, key, subs)
    return ex, key, reports, summarize(ex, key, reports)


def test_parse_formats() -> None:
    assert parse_formats("md, HTML,md") == ("md", "html")
    with pytest.raises(BadInput, match="unknown format"):
        parse_formats("md,pdf")
    with pytest.raises(BadInput):
        parse_formats(" , ")


def test_write_all_formats_and_read_json_back(tmp_path: Path, round_) -> None:
    _ex, _key, reports, summary = round_
    out = tmp_path / "reports"
    written = write_reports(out, reports, summary, ("md", "csv", "json"))
    names = sorted(p.relative_to(out).as_posix() for p in written)
    assert names == sorted(
        [
            "summary.json",
            "summary.md",
            "summary_participants.csv",
            "summary_samples.csv",
            "summary_confusion.csv",
            "summary_indicators.csv",
            "individual.csv",
            "individual.jsonl",
            *(f"individual/P{i}.md" for i in (1, 2, 3)),
        ]
    )
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    back = json.loads((out / "summary.json").read_text())
    assert back == json.loads(json.dumps(summary_to_dict(summary)))
    assert back["participants"][0]["participant"] == "P1" and back["participants"][0]["pct"] == 100
    lines = (out / "individual.jsonl").read_text().splitlines()
    assert len(lines) == 3
    ind = json.loads(lines[1])
    assert ind == json.loads(json.dumps(individual_to_dict(reports[1])))
    assert ind["results"][0]["outcome"] == "false_alarm" and ind["over_time_samples"] == ["S1"]
    rows = list(csv.DictReader((out / "individual.csv").open()))
    assert len(rows) == 12 and rows[4]["participant"] == "P2" and rows[4]["outcome"] == "false_alarm"
    conf = list(csv.reader((out / "summary_confusion.csv").open()))
    assert conf[0] == ["key", "genuine", "counterfeit", "forged", "stolen_blank", "pseudo", "unanswered"]
    md = (out / "summary.md").read_text()
    assert "| `P1` | 40.0 | 100.0 |" in md and "## Confusion matrix" in md
    imd = (out / "individual" / "P2.md").read_text()
    assert "false alarm" in imd and "ACCEPTED FRAUD" in imd and "Explanation of S4." in imd
    # without per-participant files: only the aggregate ones
    written = write_reports(tmp_path / "lean", reports, summary, ("json", "md"), per_participant=False)
    assert sorted(p.name for p in written) == ["individual.jsonl", "summary.json", "summary.md"]


def test_html_is_self_contained_with_charts(round_) -> None:
    pytest.importorskip("matplotlib")
    _, _, reports, summary = round_
    page = summary_html(summary)
    assert page.count("<svg") == 3
    assert 'src="http' not in page and 'href="http' not in page and "<script" not in page
    assert "<link" not in page
    assert "z-scores of participants" in page and "Confusion matrix" in page
    page = individual_html(reports[0])
    assert "&lt;b&gt;note&lt;/b&gt;" in page and "<b>note</b>" not in page  # notes escaped
    assert "passed" in page


def test_html_without_matplotlib_says_so(round_, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, _, summary = round_
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    page = summary_html(summary)
    assert "<svg" not in page and "Charts need the <code>report</code> extra" in page
    assert "<table>" in page  # the tables are still there


def test_markdown_marks_critical_error(round_) -> None:
    _, _, reports, _ = round_
    text = individual_markdown(reports[1])
    assert "a fraudulent document was accepted" in text and "(over)" in text


def test_bad_output_folder_and_participant(tmp_path: Path, round_) -> None:
    _, _, reports, summary = round_
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadInput, match="exists and is not a folder"):
        write_reports(tmp_path / "file", reports, summary, ("md",))
    with pytest.raises(BadInput, match="unknown report format"):
        write_reports(tmp_path / "o", reports, summary, ("pdf",))
    assert not (tmp_path / "o").exists()


def test_progress_callbacks_reach_the_total(tmp_path: Path, round_) -> None:
    from doc_check.exercise import load_submissions, write_submission
    from doc_check.exercise.score import Scorer

    ex, key, reports, summary = round_
    calls: list[tuple[int, int]] = []
    write_reports(tmp_path / "o", reports, summary, ("md",), progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (4, 4) and all(d <= t for d, t in calls)  # 1 batch step + 3 individual files
    subs = [Submission(ex.id, ex.version, ex.sha256, f"Q{i}", "", "", ()) for i in range(5)]
    paths = [write_submission(tmp_path / f"Q{i}.json", s) for i, s in enumerate(subs)]
    calls.clear()
    assert load_submissions(paths, lambda d, t: calls.append((d, t))) == subs
    assert calls[-1] == (5, 5)
    calls.clear()
    scored = Scorer(ex, key).score_many(subs, lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5) and [r.unanswered for r in scored] == [4] * 5
