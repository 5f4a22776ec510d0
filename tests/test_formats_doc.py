"""The format examples of docs/formats.md (exercise.toml, key.toml, submission JSON) are valid, and score together."""

from __future__ import annotations

import re
from pathlib import Path

from doc_check.exercise import load_exercise, load_exercise_key, parse_submission, score_submission

ROOT = Path(__file__).resolve().parents[1]


def _block(heading: str, lang: str) -> str:
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    start = text.index(heading)
    match = re.compile(rf"```{lang}\n(.*?)```", re.S).search(text, start)
    assert match, heading
    return match.group(1)


def test_format_examples_load_and_score(tmp_path: Path) -> None:
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    folder = tmp_path / "exercises" / "mrz-drill"
    folder.mkdir(parents=True)
    (folder / "exercise.toml").write_text(_block("## Exercise: `exercises/<id>/exercise.toml`", "toml"))
    (folder / "key.toml").write_text(_block("## Exercise key: `exercises/<id>/key.toml`", "toml"))
    ex = load_exercise(folder)
    assert ex.sample_ids == ("ZXKC4W", "P5TIYW") and ex.tools == {"magnifier", "mrz_tool"}
    key = load_exercise_key(folder, ex)
    sub = parse_submission(_block("## Submission (JSON)", "json"), "formats.md")
    assert sub.participant == "P017" and sub.answers[1].verdict is None
    # the example's hash is that of the shipped exercises/mrz-drill; the shortened example differs from it
    assert sub.exercise_sha256 == load_exercise(ROOT / "exercises" / "mrz-drill").sha256
    from dataclasses import replace

    report = score_submission(ex, key, replace(sub, exercise_sha256=ex.sha256))
    assert report.results[0].outcome == "correct" and report.results[0].indicators.partial
    assert report.unanswered == 1
