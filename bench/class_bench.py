"""Benchmark the instructor tools: exam packs (build, verify, unpack) of the ready exercises, and class-mode
writes (N trainee processes saving answers into one SQLite database at once). Prints two tables.

    python bench/class_bench.py [--trainees 5,10,20] [--changes 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from doc_check.exercise import load_exercise  # noqa: E402
from doc_check.exercise.pack import build_pack, open_pack, verify_pack  # noqa: E402

WORKER = r"""
import sys, time, json
from pathlib import Path
from doc_check.exercise import load_exercise
from doc_check.store import Store, StoredAnswer
from doc_check.tui.session import AttemptSession

db, ex, code, go, changes = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
store = Store(db)
exercise = load_exercise(ex)
session = AttemptSession(store, exercise, code)
while not go.exists():
    time.sleep(0.005)
lat = []
for i, sid in enumerate(exercise.sample_ids):
    session.go_to(i)
    for c in range(changes):
        t = time.perf_counter()
        session.save_answer(StoredAnswer(sid, ("genuine", "forged", "counterfeit")[c % 3], ("print.erasure",), 50 + c))
        lat.append(time.perf_counter() - t)
t = time.perf_counter()
session.submit()
lat.append(time.perf_counter() - t)
print(json.dumps(lat))
"""


def bench_packs() -> list[tuple]:
    rows = []
    for folder in sorted((ROOT / "exercises").iterdir()):
        if not (folder / "exercise.toml").is_file():
            continue
        ex = load_exercise(folder)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "pack.zip"
            t0 = time.perf_counter()
            opened = build_pack(folder, out)
            t1 = time.perf_counter()
            verify_pack(out)
            t2 = time.perf_counter()
            open_pack(out, Path(tmp) / "u")
            t3 = time.perf_counter()
            raw = opened.manifest.total_bytes
            rows.append(
                (
                    ex.id,
                    len(ex.samples),
                    len(opened.manifest.files),
                    raw / 1e6,
                    out.stat().st_size / 1e6,
                    t1 - t0,
                    t2 - t1,
                    t3 - t2,
                )
            )
    return rows


def bench_class(trainees: int, changes: int) -> tuple:
    import json

    folder = ROOT / "exercises" / "first-line"
    with tempfile.TemporaryDirectory() as tmp:
        db, go = Path(tmp) / "class.sqlite", Path(tmp) / "go"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(db), str(folder), f"B{n:03d}", str(go), str(changes)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for n in range(trainees)
        ]
        time.sleep(1.0 + 0.1 * trainees)
        t0 = time.perf_counter()
        go.touch()
        lat: list[float] = []
        for p in procs:
            out, err = p.communicate(timeout=600)
            if p.returncode != 0:
                raise SystemExit(err)
            lat.extend(json.loads(out))
        wall = time.perf_counter() - t0
        import sqlite3

        con = sqlite3.connect(db)
        stored = con.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        submitted = con.execute("SELECT COUNT(*) FROM attempts WHERE state = 'submitted'").fetchone()[0]
        con.close()
    n_samples = len(load_exercise(folder).samples)
    writes = trainees * (n_samples * changes + 1)
    lat.sort()
    return (
        trainees,
        writes,
        wall,
        writes / wall,
        statistics.median(lat) * 1000,
        lat[int(0.95 * (len(lat) - 1))] * 1000,
        lat[-1] * 1000,
        stored == trainees * n_samples and submitted == trainees,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainees", default="5,10,20")
    ap.add_argument("--changes", type=int, default=3, help="answer changes per sample and trainee")
    args = ap.parse_args()
    print("Exam packs of the ready exercises")
    print("| exercise | samples | files | content MB | pack MB | build s | verify s | unpack+load s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in bench_packs():
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.2f} | {r[6]:.2f} | {r[7]:.2f} |")
    print()
    print(
        f"Class mode: trainee processes writing one database at once (first-line, {args.changes} changes per "
        "sample, then submit)"
    )
    print("| trainees | transactions | wall s | transactions/s | median ms | p95 ms | max ms | all stored once |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for n in (int(x) for x in args.trainees.split(",")):
        r = bench_class(n, args.changes)
        print(
            f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.0f} | {r[4]:.1f} | {r[5]:.1f} | {r[6]:.1f} | "
            f"{'yes' if r[7] else 'NO'} |"
        )


if __name__ == "__main__":
    main()
