"""Dask cluster vs local processes: samples per second, the scheduler's overhead per task, its memory for 10,000.

Run: .venv/bin/python bench/cluster_bench.py [--count 12] [--dpi 150] [--noop 2000] [--light 10000]

1. Samples per second, wall clock, for `generate` and `analyze` on the same set: the local path (generate: one
   process; analyze: 1 and 2 spawned processes) beside a LocalCluster of 1 and 2 single-threaded workers
   (cluster start-up timed apart). Every generating process and worker is warmed first (imports, the security
   print of each type); local analysis spawns its processes per run, as `doc-check analyze --workers N` does.
2. Overhead per task: ``--noop`` tasks that do nothing, streamed through ``doc_check.cluster.stream.run_ordered``
   (the code path of generate and analyze) on 2 workers; wall time per task.
3. Memory for ``--light`` samples: generating 10,000 real samples takes too long here, so the same streaming
   path (``iter_plan`` -> ``run_ordered`` with generate's window, a key shard written per task, the shards merged)
   runs with a light task that writes each planned sample's key shard without rendering it. The peak RSS growth
   of this process is measured: with a LocalCluster the scheduler and the client live in it, so it covers both.
   For scale, the memory the local path holds for the same count (its plan list and key entries) is traced too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from doc_check.analysis.analyze import analyze_path, analyze_paths  # noqa: E402
from doc_check.cluster.analyze import analyze_paths_on_cluster  # noqa: E402
from doc_check.cluster.connect import open_client, total_threads  # noqa: E402
from doc_check.cluster.generate import generate_set_on_cluster  # noqa: E402
from doc_check.cluster.stream import run_ordered, window_for  # noqa: E402
from doc_check.samples import DOCUMENT_TYPES, KeyEntry, sample_folders  # noqa: E402
from doc_check.specimen.sampleset import SampleSpec, generate_sample, generate_set, plan_specs  # noqa: E402
from doc_check.specimen.setpieces import iter_plan, merge_key_shards, remove_shards, write_key_shard  # noqa: E402


def warm(dpi: int, sample: str) -> None:
    """Fill this process's caches (imports, the security print of each type at ``dpi``) and analyse one sample."""
    cv2.setNumThreads(1)
    for t in DOCUMENT_TYPES:
        generate_sample(SampleSpec(t, dpi=dpi), 0, 0)
    analyze_path(sample)


def noop(i: int) -> int:
    """A task that does nothing."""
    return i


def light_task(shard_dir: str, spec, seed: int, index: int) -> tuple[str, str]:
    """A generate task without the rendering: write the planned sample's key shard, return (id, verdict)."""
    sid = f"{index:06d}"
    verdict = "genuine" if spec.forgery in (None, "expired", "worn") else "forged"
    extra = {"document_type": spec.document_type, "capture": spec.capture, "seed": seed, "index": index}
    write_key_shard(shard_dir, sid, KeyEntry(verdict, (), "light task", extra))
    return sid, verdict


class PeakRSS:
    """Sample this process's resident memory every 20 ms in a thread; ``peak`` in bytes."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.base = self._proc.memory_info().rss
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--noop", type=int, default=2000)
    parser.add_argument("--light", type=int, default=10000)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    n = args.count
    opts = {"seed": 11, "count": n, "dpi": args.dpi}
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp_name:
        tmp = Path(tmp_name)
        generate_set(tmp / "warm", seed=1, count=1, dpi=args.dpi)
        one = str(sample_folders(tmp / "warm")[0])
        warm(args.dpi, one)
        s = timed(lambda: generate_set(tmp / "local", **opts))
        rows.append(("generate", "local, 1 process", n / s))
        for procs in (1, 2):
            s = timed(lambda: list(analyze_paths([tmp / "local"], workers=procs)))  # noqa: B023
            rows.append(("analyze", f"local, {procs} process{'es' if procs > 1 else ''}", n / s))
        startups = []
        for workers in (1, 2):
            t0 = time.perf_counter()
            with open_client(f"local:{workers}") as client:
                client.wait_for_workers(workers)
                startups.append((workers, time.perf_counter() - t0))
                client.run(warm, args.dpi, one)
                out = tmp / f"cluster{workers}"
                s = timed(lambda: generate_set_on_cluster(out, "", client=client, **opts))  # noqa: B023
                rows.append(("generate", f"LocalCluster, {workers} worker{'s' if workers > 1 else ''}", n / s))
                s = timed(lambda: list(analyze_paths_on_cluster([out], "", client=client)))  # noqa: B023
                rows.append(("analyze", f"LocalCluster, {workers} worker{'s' if workers > 1 else ''}", n / s))
                if workers == 2:
                    overhead = _overhead(client, args.noop)
                    memory = _memory(client, tmp / "light", args.light)
    local_plan = _local_holding(args.light)

    print(f"samples per second (wall clock): {n} samples at {args.dpi} dpi, {os.cpu_count()} cores (shared)")
    print(f"{'job':<10}{'runs on':<28}{'samples/s':>10}")
    for job in ("generate", "analyze"):
        for j, where, rate in rows:
            if j == job:
                print(f"{job:<10}{where:<28}{rate:>10.2f}")
    print("(local analysis includes spawning its processes; cluster workers were started and warmed before)")
    print("cluster start-up: " + ", ".join(f"{w} worker(s) {s:.1f} s" for w, s in startups))
    print()
    print(f"scheduler overhead: {args.noop} no-op tasks through run_ordered on 2 workers")
    print(f"  {overhead * 1000:.2f} ms per task (wall), {1 / overhead:.0f} tasks/s")
    print()
    rss, early, seconds, merge_s, merge_rss = memory
    print(f"memory for {args.light} samples (light tasks through generate's streaming path, LocalCluster 2 workers)")
    print(f"  client + scheduler peak RSS growth while streaming: {rss / 2**20:.1f} MiB ({seconds:.1f} s)")
    print(f"  (of which after the first {args.light // 10} tasks: {early / 2**20:.1f} MiB)")
    print(f"  key merge of {args.light} shards: {merge_s:.2f} s, peak RSS growth {merge_rss / 2**20:.1f} MiB")
    print(
        f"  the local path holds its plan list and key entries for {args.light} samples: {local_plan / 2**20:.1f} MiB"
    )


def _overhead(client, n: int) -> float:
    window = window_for(total_threads(client))
    list(run_ordered(client, [(noop, (i,)) for i in range(50)], total=50, window=window, label="warm"))
    t0 = time.perf_counter()
    for _ in run_ordered(client, ((noop, (i,)) for i in range(n)), total=n, window=window, label="noop"):
        pass
    return (time.perf_counter() - t0) / n


def _memory(client, out: Path, n: int) -> tuple[int, int, float, float, int]:
    shard_dir = out / ".shards"
    shard_dir.mkdir(parents=True)
    window = window_for(total_threads(client))
    calls = ((light_task, (str(shard_dir), spec, 11, i)) for i, spec in enumerate(iter_plan(n, 11, dpi=72)))
    verdicts: dict[str, int] = {}
    t0 = time.perf_counter()
    early = 0
    with PeakRSS() as rss:
        for outcome in run_ordered(client, calls, total=n, window=window, label="light"):
            verdict = outcome.value[1]
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
            if outcome.index + 1 == n // 10:
                early = rss.peak - rss.base
    seconds = time.perf_counter() - t0
    with PeakRSS() as merge_rss:
        merge_s = timed(lambda: merge_key_shards(out, shard_dir))
    remove_shards(shard_dir)
    assert sum(verdicts.values()) == n
    return rss.peak - rss.base, early, seconds, merge_s, merge_rss.peak - merge_rss.base


def _local_holding(n: int) -> int:
    """Bytes traced while the local path's structures for n samples exist: the plan list and n key entries."""
    tracemalloc.start()
    specs = plan_specs(n, 11, dpi=72)
    entries = {
        f"{i:06d}": KeyEntry("genuine", (), "light task", {"document_type": s.document_type, "seed": 11, "index": i})
        for i, s in enumerate(specs)
    }
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del specs, entries
    return held


if __name__ == "__main__":
    main()
