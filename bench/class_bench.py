"""Benchmark the instructor tools: exam packs (build, verify, unpack) of the ready exercises, and class mode at
academy scale: simulated trainees changing answers and submitting on SQLite and on a throwaway PostgreSQL server
(one run with the server stopped and restarted mid-round), and real headless trainee apps on PostgreSQL through a
server outage. Prints tables; needs Debian's postgresql package.

    python bench/class_bench.py [--sqlite 20] [--postgres 200] [--apps 20] [--changes 3] [--no-packs]
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
import json, sys, threading, time
from pathlib import Path
from doc_check.errors import BadInput
from doc_check.exercise import load_exercise
from doc_check.store import Store, StoredAnswer
from doc_check.tui.session import AttemptSession

db, ex, first, count, go, changes, think = sys.argv[1:8]
first, count, changes, think = int(first), int(count), int(changes), float(think)
exercise = load_exercise(ex)
VERDICTS = ("genuine", "forged", "counterfeit")
lat, offline_changes, errors = [], [0], []
lock = threading.Lock()
sessions = []
for n in range(first, first + count):  # every trainee: its own connection, session and lease
    store = Store(db, class_mode=True)
    sessions.append(AttemptSession(store, exercise, f"B{n:03d}"))
print("ready", flush=True)
while not Path(go).exists():
    time.sleep(0.005)


def timed(s, fn):
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    with lock:
        if s.offline:
            offline_changes[0] += 1
        else:
            lat.append(dt)


def trainee(k, s):
    try:
        for i, sid in enumerate(exercise.sample_ids):
            s.go_to(i)
            for c in range(changes):
                v = VERDICTS[(k + i + c) % 3]
                timed(s, lambda: s.save_answer(StoredAnswer(sid, v, ("print.erasure",), 50 + c)))
                time.sleep(think)
            timed(s, s.save_time)
        while True:  # the server may be down: submit again until it is back (answers kept meanwhile)
            try:
                t = time.perf_counter()
                s.submit()
                with lock:
                    lat.append(time.perf_counter() - t)
                break
            except BadInput:
                time.sleep(0.2)
                s.save_time()
    except BaseException as exc:
        errors.append(repr(exc))


threads = [threading.Thread(target=trainee, args=(first + j, s)) for j, s in enumerate(sessions)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"lat": lat, "offline": offline_changes[0], "errors": errors}))
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


def _check(spec: str, trainees: int, changes: int, ids: list[str]) -> bool:
    """Every trainee submitted, every answer stored exactly once, each holding the trainee's last change."""
    from doc_check.store import Store

    verdicts = ("genuine", "forged", "counterfeit")
    with Store(spec) as store:
        attempts = store.history()
        if len(attempts) != trainees or any(a.state != "submitted" for a in attempts):
            return False
        for a in attempts:
            k = int(a.participant[1:])
            got = store.answers(a.id)
            if sorted(got) != sorted(ids):
                return False
            for i, sid in enumerate(ids):
                want = verdicts[(k + i + changes - 1) % 3]
                if got[sid].verdict != want or got[sid].confidence != 50 + changes - 1:
                    return False
        rows = store._rows("SELECT COUNT(*) AS n FROM answers")[0]["n"]
    return rows == trainees * len(ids)


def bench_class(spec: str, trainees: int, changes: int, procs: int, think: float = 0.0, outage=None) -> tuple:
    """``trainees`` simulated trainees (threads in ``procs`` processes, one connection each) change answers and
    submit; ``outage`` (a pg_cluster.Cluster) is stopped 1 s into the round and started again 2 s later."""
    import json

    folder = ROOT / "exercises" / "first-line"
    ids = list(load_exercise(folder).sample_ids)
    with tempfile.TemporaryDirectory() as tmp:
        go = Path(tmp) / "go"
        per = [trainees // procs + (1 if i < trainees % procs else 0) for i in range(procs)]
        starts = [sum(per[:i]) for i in range(procs)]
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, spec, str(folder), str(s0), str(n), str(go), str(changes), str(think)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for s0, n in zip(starts, per, strict=True)
            if n
        ]
        for w in workers:
            line = w.stdout.readline()
            if line.strip() != "ready":
                raise SystemExit(w.communicate()[1][-3000:])
        t0 = time.perf_counter()
        go.touch()
        if outage is not None:
            time.sleep(1.0)
            outage.stop()
            time.sleep(2.0)
            outage.start()
        lat: list[float] = []
        offline = 0
        for w in workers:
            out, err = w.communicate(timeout=900)
            if w.returncode != 0:
                raise SystemExit(err[-3000:])
            got = json.loads(out.strip().splitlines()[-1])
            if got["errors"]:
                raise SystemExit(f"trainee errors: {got['errors'][:3]}")
            lat.extend(got["lat"])
            offline += got["offline"]
        wall = time.perf_counter() - t0
    ok = _check(spec, trainees, changes, ids)
    lat.sort()
    return (
        trainees,
        len(lat),
        wall,
        len(lat) / wall,
        statistics.median(lat) * 1000,
        lat[int(0.95 * (len(lat) - 1))] * 1000,
        lat[-1] * 1000,
        offline,
        ok,
    )


APPS = r"""
import asyncio, json, os, sys, time, traceback
from pathlib import Path

from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.screens.feedback import FeedbackScreen
from doc_check.tui.widgets.verdict_form import VerdictForm

db, ex, work, count = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
VERDICTS = ("genuine", "forged", "counterfeit")


async def wait_for(path):
    while not path.exists():
        await asyncio.sleep(0.02)


async def trainee(n):
    exercise = load_exercise(ex)
    app = TrainApp(Store(db, class_mode=True), [exercise], start=exercise, participant=f"A{n:02d}",
                   image_mode="halfcell")
    seen = {"reconnecting": False, "reconnected": False}
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamineScreen), screen
        form = screen.query_one(VerdictForm)
        (work / f"ready-{n}").touch()
        await wait_for(work / "go")
        last = len(exercise.sample_ids) - 1
        for i, sid in enumerate(exercise.sample_ids):
            form.set_verdict("genuine")
            await pilot.pause()
            if i == 2:  # mid-round: the server goes down, the trainee changes an answer, the server comes back
                (work / f"mid-{n}").touch()
                await wait_for(work / "down")
                form.set_verdict(VERDICTS[(n + i) % 3])
                await pilot.pause()
                seen["reconnecting"] = app.sub_title == "reconnecting…"
                (work / f"changed-{n}").touch()
                await wait_for(work / "up")
                for _ in range(400):  # the next clock tick reconnects and writes what was kept
                    await pilot.pause(0.05)
                    if app.sub_title == "":
                        break
                seen["reconnected"] = app.sub_title == ""
            else:
                form.set_verdict(VERDICTS[(n + i) % 3])
                await pilot.pause()
            if i < last:
                await pilot.press("n")
                await pilot.pause()
        for _ in range(20):
            await pilot.press("x")
            await pilot.pause()
            await pilot.press("y")
            for _ in range(200):
                if isinstance(app.screen, FeedbackScreen):
                    break
                await pilot.pause(0.05)
            if isinstance(app.screen, FeedbackScreen):
                break
        assert isinstance(app.screen, FeedbackScreen), app.screen
    return seen


pids = {}
for n in range(count):
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            (work / f"out-{n}").write_text(json.dumps(asyncio.run(trainee(n))))
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    pids[pid] = n
status = {}
for pid, n in pids.items():
    _, st = os.waitpid(pid, 0)
    status[f"A{n:02d}"] = os.waitstatus_to_exitcode(st)
print(json.dumps(status))
"""


def bench_apps(cluster, spec: str, count: int) -> tuple:
    """``count`` real trainee apps (headless, Pilot) on PostgreSQL; the server is stopped mid-round while each
    has a change to make, and started again: every app must show "reconnecting", carry on and submit."""
    import json

    folder = ROOT / "exercises" / "first-line"
    ids = list(load_exercise(folder).sample_ids)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", APPS, spec, str(folder), str(work), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

        def wait(prefix: str) -> None:
            while len(list(work.glob(f"{prefix}-*"))) < count:
                if proc.poll() is not None:
                    raise SystemExit(proc.communicate()[1][-3000:])
                time.sleep(0.05)

        wait("ready")
        (work / "go").touch()
        wait("mid")
        cluster.stop()
        (work / "down").touch()
        wait("changed")
        cluster.start()
        (work / "up").touch()
        out, err = proc.communicate(timeout=900)
        wall = time.perf_counter() - t0
        status = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        if proc.returncode != 0 or any(status.values()):
            raise SystemExit(err[-3000:])
        seen = [json.loads((work / f"out-{n}").read_text()) for n in range(count)]
    from doc_check.store import Store

    verdicts = ("genuine", "forged", "counterfeit")
    with Store(spec) as store:
        attempts = store.history()
        ok = len(attempts) == count and all(a.state == "submitted" for a in attempts)
        for a in attempts:
            k = int(a.participant[1:])
            got = store.answers(a.id)
            ok = ok and sorted(got) == sorted(ids)
            ok = ok and all(got[sid].verdict == verdicts[(k + i) % 3] for i, sid in enumerate(ids))
    return (
        count,
        wall,
        sum(s["reconnecting"] for s in seen),
        sum(s["reconnected"] for s in seen),
        ok,
    )


def _fresh_database(cluster, name: str) -> str:
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return cluster.url_for(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", type=int, default=20, help="simulated trainees on SQLite")
    ap.add_argument("--postgres", type=int, default=200, help="simulated trainees on PostgreSQL")
    ap.add_argument("--apps", type=int, default=20, help="real headless trainee apps on PostgreSQL")
    ap.add_argument("--changes", type=int, default=3, help="answer changes per sample and trainee")
    ap.add_argument("--procs", type=int, default=4, help="processes the simulated trainees run in")
    ap.add_argument("--no-packs", action="store_true", help="skip the exam-pack table")
    args = ap.parse_args()
    if not args.no_packs:
        print("Exam packs of the ready exercises")
        print("| exercise | samples | files | content MB | pack MB | build s | verify s | unpack+load s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in bench_packs():
            print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.2f} | {r[6]:.2f} | {r[7]:.2f} |")
        print()
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_cluster import Cluster

    cluster = Cluster()
    cluster.start()
    try:
        print(
            f"Class mode: simulated trainees (first-line, {args.changes} changes per sample, a clock write per sample,"
            f" then submit; each trainee its own connection, {args.procs} processes)"
        )
        print(
            "| backend | trainees | server outage | transactions | wall s | transactions/s | p50 ms | p95 ms "
            "| max ms | changes kept offline | every answer once, last change won |"
        )
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            if args.sqlite:
                runs.append(("SQLite", str(Path(tmp) / "class.sqlite"), args.sqlite, 0.0, None))
            if args.postgres:
                runs.append(("PostgreSQL", _fresh_database(cluster, "bench_a"), args.postgres, 0.0, None))
                runs.append(("PostgreSQL", _fresh_database(cluster, "bench_b"), args.postgres, 0.1, cluster))
            for name, spec, n, think, outage in runs:
                r = bench_class(spec, n, args.changes, min(args.procs, n), think, outage)
                print(
                    f"| {name} | {r[0]} | {'stop 1 s in, 2 s down' if outage else 'none'} | {r[1]} | {r[2]:.2f} | "
                    f"{r[3]:.0f} | {r[4]:.1f} | {r[5]:.1f} | {r[6]:.1f} | {r[7]} | {'yes' if r[8] else 'NO'} |",
                    flush=True,
                )
        if args.apps:
            print()
            print("Real trainee apps (headless Textual, Pilot) on PostgreSQL; the server stopped mid-round and started")
            print("| apps | wall s | showed reconnecting | carried on after | every answer stored, all submitted |")
            print("| ---: | ---: | ---: | ---: | --- |")
            r = bench_apps(cluster, _fresh_database(cluster, "bench_apps"), args.apps)
            print(f"| {r[0]} | {r[1]:.1f} | {r[2]}/{r[0]} | {r[3]}/{r[0]} | {'yes' if r[4] else 'NO'} |")
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
