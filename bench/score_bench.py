"""Benchmark of batch scoring: N submissions of a 20-sample exercise, loaded from files, scored, summarised and
reported; prints a table of the phases and the end-to-end time of `doc-check score`.

Usage: python bench/score_bench.py [--participants 10000] [--samples 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from doc_check.exercise import Answer, Submission, load_exercise, load_exercise_key, write_submission
from doc_check.exercise.report import write_reports
from doc_check.exercise.score import Scorer
from doc_check.exercise.submission import load_submissions
from doc_check.exercise.summary import summarize
from doc_check.indicators import VERDICTS, ids


def build_project(root: Path, n_samples: int, rng: random.Random) -> Path:
    """A project with n hand-made sample folders, an exercise over all of them and its key."""
    img = np.full((16, 24, 3), 200, np.uint8)
    _ok, png = cv2.imencode(".png", img)
    key_lines = []
    sample_ids = []
    all_ids = ids()
    for i in range(n_samples):
        sid = f"B{i:03d}X"
        folder = root / "samples" / sid
        folder.mkdir(parents=True)
        (folder / "front_visible.png").write_bytes(png.tobytes())
        (folder / "sample.toml").write_text(
            f'id = "{sid}"\ndocument_type = "td3"\nchannels = ["visible"]\n[images.front]\n'
            'visible = "front_visible.png"\n'
        )
        verdict = "genuine" if i % 4 == 0 else rng.choice(VERDICTS[1:])
        inds = [] if verdict == "genuine" else rng.sample(all_ids, rng.randint(1, 3))
        key_lines.append(
            f'[samples.{sid}]\nverdict = "{verdict}"\nindicators = {inds!r}\n'.replace("'", '"')
            + f'explanation = "Sample {i + 1}."\n'
        )
        sample_ids.append(sid)
    ex = root / "exercises" / "bench"
    ex.mkdir(parents=True)
    (ex / "exercise.toml").write_text(
        'id = "bench"\ntitle = "Benchmark round"\nversion = "1"\nsample_root = "../../samples"\n'
        f"samples = {sample_ids!r}\n".replace("'", '"')
        + 'channels = ["visible"]\ntools = ["magnifier"]\ntime_limit_sample = 120\n'
    )
    (ex / "key.toml").write_text("\n".join(key_lines))
    return ex


def make_submissions(ex_dir: Path, out: Path, n: int, rng: random.Random) -> None:
    """n submission files: each participant has a skill; good answers copy the key, others guess."""
    ex = load_exercise(ex_dir)
    key = load_exercise_key(ex_dir, ex)
    all_ids = ids()
    for p in range(n):
        skill = rng.betavariate(5, 2)
        answers = []
        for sid in ex.sample_ids:
            if rng.random() < 0.03:
                continue
            k = key[sid]
            if rng.random() < skill:
                verdict = k.verdict
                inds = [i for i in k.indicators if rng.random() < 0.8]
                if inds and rng.random() < 0.2:
                    inds[0] = inds[0].rsplit(".", 1)[0]
            else:
                verdict = rng.choice(VERDICTS)
                inds = rng.sample(all_ids, rng.randint(0, 2))
            answers.append(
                Answer(
                    sid,
                    verdict,
                    tuple(dict.fromkeys(inds)),
                    rng.choice((50, 70, 80, 90, 100)),
                    round(rng.uniform(10, 150), 1),
                )
            )
        sub = Submission(
            ex.id,
            ex.version,
            ex.sha256,
            f"P{p:05d}",
            "2026-11-28T09:00:00+00:00",
            "2026-11-28T09:40:00+00:00",
            tuple(answers),
        )
        write_submission(out / f"P{p:05d}.json", sub)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="score_bench_") as tmp:
        root = Path(tmp)
        ex_dir = build_project(root, args.samples, rng)
        subs_dir = root / "subs"
        make_submissions(ex_dir, subs_dir, args.participants, rng)
        files = sorted(subs_dir.glob("*.json"))
        rows: list[tuple[str, float, float]] = []

        def lap(name: str, t0: float, c0: float) -> None:
            rows.append((name, time.perf_counter() - t0, time.process_time() - c0))

        t, c = time.perf_counter(), time.process_time()
        ex = load_exercise(ex_dir)
        key = load_exercise_key(ex_dir, ex)
        subs = load_submissions(files)
        lap("load submission files", t, c)
        t, c = time.perf_counter(), time.process_time()
        reports = Scorer(ex, key).score_many(subs)
        lap("score", t, c)
        t, c = time.perf_counter(), time.process_time()
        summary = summarize(ex, key, reports)
        lap("summarise (z-scores, confusion, indicators)", t, c)
        core = sum(v for _, v, _ in rows)
        core_cpu = sum(v for _, _, v in rows)
        t, c = time.perf_counter(), time.process_time()
        write_reports(root / "out_json_csv", reports, summary, ("json", "csv"))
        lap("write json + csv (summary, individual.jsonl, .csv)", t, c)
        t, c = time.perf_counter(), time.process_time()
        write_reports(root / "out_summary", reports, summary, ("md", "html"), per_participant=False)
        lap("write summary md + html (3 charts)", t, c)
        t, c = time.perf_counter(), time.process_time()
        write_reports(root / "out_md", reports, None, ("md",))
        lap(f"write {args.participants} individual .md files", t, c)
        exe = Path(sys.executable).with_name("doc-check")
        cmd = [
            str(exe) if exe.exists() else sys.executable,
            *([] if exe.exists() else ["-m", "doc_check"]),
            "score",
            str(ex_dir),
            str(subs_dir),
            "--out",
            str(root / "cli_out"),
            "--format",
            "json,csv",
        ]
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**os.environ})
        cli_time = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    n, s = args.participants, args.samples
    print(f"score_bench: {n} submissions x {s} samples ({n * s} answers), CPU: {os.cpu_count()} cores")
    print()
    print(f"| {'phase':<50} | {'wall s':>7} | {'CPU s':>7} | {'wall per submission':>19} |")
    print(f"|{'-' * 52}|{'-' * 9}|{'-' * 9}|{'-' * 21}|")
    for name, sec, cpu in [
        *rows,
        ("load + score + summarise", core, core_cpu),
        ("doc-check score --format json,csv (process)", cli_time, cli_cpu),
    ]:
        print(f"| {name:<50} | {sec:7.2f} | {cpu:7.2f} | {1e6 * sec / n:16.0f} µs |")
    print()
    print(
        f"headline: {n} submissions x {s} samples scored (load + score + summarise) in {core:.2f} s wall, "
        f"{core_cpu:.2f} s CPU; goal < 10 s"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (CPU s is the time this process really ran)")


if __name__ == "__main__":
    main()
