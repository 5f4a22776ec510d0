"""`doc-check score` and `doc-check exercise validate` through click's CliRunner, with a full round trip:
generate submissions, score them, read the JSON reports back."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.cli import cli
from doc_check.exercise import Answer, Submission, load_exercise, load_exercise_key, write_submission
from doc_check.exercise.score import score_submission
from doc_check.indicators import VERDICTS, ids


def _generate(tmp_path: Path, n: int, seed: int = 3) -> tuple[Path, list[Submission]]:
    folder = make_project(tmp_path)
    ex = load_exercise(folder)
    key = load_exercise_key(folder, ex)
    rng = random.Random(seed)
    subs = []
    for p in range(n):
        answers = []
        for s in ex.sample_ids:
            if rng.random() < 0.1:
                continue  # unanswered
            good = rng.random() < 0.6
            verdict = key[s].verdict if good else rng.choice(VERDICTS)
            inds = list(key[s].indicators) if good else rng.sample(ids(), rng.randint(0, 2))
            answers.append(Answer(s, verdict, tuple(inds), rng.randint(0, 100), round(rng.uniform(5, 80), 1)))
        sub = Submission(
            ex.id,
            ex.version,
            ex.sha256,
            f"T{p:03d}",
            "2026-11-28T09:00:00+00:00",
            "2026-11-28T09:30:00+00:00",
            tuple(answers),
        )
        write_submission(tmp_path / "subs" / f"T{p:03d}.json", sub)
        subs.append(sub)
    return folder, subs


def test_round_trip_score_and_read_reports(tmp_path: Path) -> None:
    folder, subs = _generate(tmp_path, 12)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["score", str(folder), str(tmp_path / "subs"), "--out", str(out), "--format", "json,csv"]
    )
    assert result.exit_code == 0, result.output
    assert "12 participants" in result.output and f"to {out}" in result.output
    ex = load_exercise(folder)
    key = load_exercise_key(folder, ex)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_participants"] == 12 and len(summary["participants"]) == 12
    individual = {d["participant"]: d for d in map(json.loads, (out / "individual.jsonl").read_text().splitlines())}
    assert len(individual) == 12
    for sub in subs:
        expected = score_submission(ex, key, sub)
        back = individual[sub.participant]
        assert back["participant"] == sub.participant
        assert abs(back["total"] - expected.total) < 1e-6 and back["passed"] == expected.passed
        assert [r["outcome"] for r in back["results"]] == [r.outcome for r in expected.results]
    row = {p["participant"]: p for p in summary["participants"]}
    assert all(p["z_class"] in {"satisfactory", "questionable", "unsatisfactory"} for p in row.values())
    assert (out / "individual.csv").read_text().count("\n") == 12 * 4 + 1
    assert not (out / "individual").exists()  # json,csv: no per-participant files


def test_json_to_stdout_and_explicit_key(tmp_path: Path) -> None:
    folder, _ = _generate(tmp_path, 3)
    files = sorted(str(p) for p in (tmp_path / "subs").glob("*.json"))
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(folder / "exercise.toml"),
            *files,
            "--key",
            str(folder / "key.toml"),
            "--json",
            "--zscore",
            "mad",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["stats"]["method"] == "mad" and data["n_participants"] == 3
    out = tmp_path / "o"
    result = CliRunner().invoke(
        cli, ["score", str(folder), *files, "--out", str(out), "--format", "md", "--no-individual"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["summary.md"]
    result = CliRunner().invoke(cli, ["score", str(folder), *files, "--out", str(out), "--format", "md"])
    assert sorted(p.name for p in (out / "individual").iterdir()) == ["T000.md", "T001.md", "T002.md"]


def test_hash_mismatch_is_refused_and_nothing_written(tmp_path: Path) -> None:
    folder, _ = _generate(tmp_path, 3)
    exercise_toml = folder / "exercise.toml"
    exercise_toml.write_text(exercise_toml.read_text().replace("pass_mark = 60", "pass_mark = 50"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["score", str(folder), str(tmp_path / "subs"), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("doc-check: error: ")
    assert "different exercise file" in lines[0] and "Traceback" not in result.output
    assert not out.exists()


def test_bad_inputs_exit_2(tmp_path: Path) -> None:
    folder, _ = _generate(tmp_path, 2)
    runner = CliRunner()
    sub = str(tmp_path / "subs" / "T000.json")
    (tmp_path / "broken.json").write_text("{ nope")
    cases = [
        ["score", str(folder), sub, "--format", "pdf"],
        ["score", str(folder), str(tmp_path / "broken.json")],
        ["score", str(folder), sub, sub],  # the same participant twice
        ["score", str(tmp_path / "nowhere"), sub],
        ["score", str(folder), str(tmp_path / "empty")],
    ]
    (tmp_path / "empty").mkdir()
    for args in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("doc-check: error: ") and result.output.count("\n") == 1, result.output


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    folder, _ = _generate(tmp_path, 0)
    runner = CliRunner()
    result = runner.invoke(cli, ["exercise", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok  ") and "4 samples" in result.output
    result = runner.invoke(cli, ["exercise", "validate", "--json", str(folder.parent)])
    assert result.exit_code == 0 and json.loads(result.output)[0]["id"] == "ex1"
    # a key that disagrees with the sample set's key.toml
    key = folder / "key.toml"
    key.write_text(key.read_text().replace('verdict = "counterfeit"', 'verdict = "pseudo"'))
    result = runner.invoke(cli, ["exercise", "validate", str(folder)])
    assert result.exit_code == 2 and "disagree with the sample set" in result.output
    key.unlink()
    result = runner.invoke(cli, ["exercise", "validate", str(folder)])
    assert result.exit_code == 2 and "key.toml: file not found" in result.output
    result = runner.invoke(cli, ["exercise", "validate", "--no-key", str(folder)])
    assert result.exit_code == 0 and "warning: " in result.output
    # a sample folder whose image is missing
    (folder.parent.parent / "samples" / "S2" / "front_uv.png").unlink()
    result = runner.invoke(cli, ["exercise", "validate", "--no-key", str(folder)])
    assert result.exit_code == 2 and "front_uv.png" in result.output


def test_exam_pack_layout_scored_with_a_separate_key(tmp_path: Path) -> None:
    folder, _subs = _generate(tmp_path, 2)
    key = tmp_path / "instructor_key.toml"
    (folder / "key.toml").rename(key)
    runner = CliRunner()
    result = runner.invoke(cli, ["score", str(folder), str(tmp_path / "subs")])
    assert result.exit_code == 2 and "key.toml: file not found" in result.output
    result = runner.invoke(cli, ["score", str(folder), str(tmp_path / "subs"), "--key", str(key)])
    assert result.exit_code == 0, result.output
    assert "2 participants" in result.output
