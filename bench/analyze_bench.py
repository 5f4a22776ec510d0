"""Quality and speed of the document reader on freshly generated sample sets (scan and photo captures).

Generates sets with seeds other than the committed `samples/` (via `doc-check generate`), runs the analyser on one
core, and prints: a confusion table of suggested verdicts against the key, per-indicator detection and false-alarm
rates, the issue's goals, median seconds per TD3 sample and the peak memory of one worker process.

    .venv/bin/python bench/analyze_bench.py [--count 40] [--seeds 7101 7102] [--captures scan photo] [--dpi 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# one core: one BLAS thread as well as one OpenCV thread (set before numpy loads OpenBLAS). Idle OpenBLAS workers
# spin after each matrix product and would bill the process for a second core's CPU time.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import cv2  # noqa: E402

from doc_check.analysis import SUGGESTED_VERDICTS, analyze_sample  # noqa: E402
from doc_check.indicators import VERDICTS, get  # noqa: E402
from doc_check.samples import load_key, sample_folders  # noqa: E402


def generate(out: Path, seed: int, count: int, capture: str, dpi: int) -> dict[str, tuple[str, ...]]:
    """Write a fresh set with the generator's API; returns sample id -> the MRZ lines as printed (the truth)."""
    from doc_check.specimen.sampleset import generate_set

    generate_set(out, seed=seed, count=count, captures=(capture,), dpi=dpi)
    return printed_mrz(seed, count, capture, dpi)


def printed_mrz(seed: int, count: int, capture: str, dpi: int) -> dict[str, tuple[str, ...]]:
    """The MRZ lines the generator printed on each sample (bench-only truth, replaying the generator's plan)."""
    import numpy as np

    from doc_check.specimen import sampleset as ss
    from doc_check.specimen.document import random_document
    from doc_check.specimen.forgeries import apply_forgery

    out = {}
    try:
        for i, spec in enumerate(ss.plan_specs(count, seed, captures=(capture,), dpi=dpi)):
            rng = np.random.default_rng([seed, i, 1])
            doc = random_document(spec.document_type, rng, expired=spec.forgery == "expired")
            variant = ss._choose_variant(spec, rng)
            planted = apply_forgery(doc, spec.forgery, variant, spec.field, rng, seed=int(rng.integers(2**31)))
            lines = planted.plan.mrz_lines if planted.plan.mrz_lines is not None else planted.document.mrz()
            out[ss.sample_id(seed, i)] = tuple(lines)
    except Exception as exc:  # the generator's internals moved: report MRZ accuracy as unavailable
        print(f"MRZ truth unavailable: {exc}", file=sys.stderr)
        return {}
    return out


def planted_hit(flagged: set[str], planted: tuple[str, ...]) -> bool:
    """True when a flagged indicator is one of the planted ones (or lies under a planted prefix)."""
    return any(f == p or f.startswith(p + ".") for f in flagged for p in planted)


def peak_memory_mb(folder: Path) -> float:
    """Peak resident memory (MB) of a fresh one-core worker process analysing one sample."""
    # VmHWM (the peak of this address space) rather than ru_maxrss, which Linux carries over from the parent
    # across fork + exec and so would report the bench's own size
    code = (
        "import cv2\n"
        "cv2.setNumThreads(1)\n"
        "from doc_check.analysis import analyze_sample\n"
        f"analyze_sample({str(folder)!r})\n"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def run(args: argparse.Namespace) -> int:
    cv2.setNumThreads(1)
    rows = []
    with tempfile.TemporaryDirectory(prefix="analyze-bench-") as tmp:
        for capture in args.captures:
            for seed in args.seeds:
                out = Path(tmp) / f"{capture}-{seed}"
                t0 = time.perf_counter()
                truth_mrz = generate(out, seed, args.count, capture, args.dpi)
                print(
                    f"generated {capture} seed {seed}: {args.count} samples in {time.perf_counter() - t0:.1f} s",
                    file=sys.stderr,
                )
                key = load_key(out / "key.toml")
                for folder in sample_folders(out):
                    cpu = time.process_time()
                    report = analyze_sample(folder)
                    cpu = time.process_time() - cpu
                    rows.append((capture, folder, key[folder.name], report, truth_mrz.get(folder.name), cpu))
                print(f"analysed {capture} seed {seed}", file=sys.stderr)
        memory = max(peak_memory_mb(r[1]) for r in [r for r in rows if r[3].document_type == "td3"][:3])
    for capture in args.captures:
        sub = [r for r in rows if r[0] == capture]
        if sub:
            report_capture(capture, sub, args.verbose)
    td3 = [r for r in rows if r[3].document_type == "td3"]
    print("\n## Speed and memory (one worker, one OpenCV and one BLAS thread)")
    print("| measure | value | goal |")
    print("| --- | --- | --- |")
    print(
        "| median wall seconds per TD3 sample (load, register, all channels, all checks) | "
        f"{statistics.median(r[3].seconds for r in td3):.3f} | < 0.3 |"
    )
    print(f"| median CPU seconds per TD3 sample | {statistics.median(r[5] for r in td3):.3f} | |")
    for capture in args.captures:
        sub = [r[5] for r in td3 if r[0] == capture]
        if sub:
            print(
                f"| median CPU seconds per TD3 {capture} ({len(sub)} samples; max) | "
                f"{statistics.median(sub):.3f} ({max(sub):.3f}) | |"
            )
    print(f"| median wall seconds per sample (all types) | {statistics.median(r[3].seconds for r in rows):.3f} | |")
    print(f"| machine load average during the run | {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores | |")
    print(f"| peak memory of one worker process analysing one TD3 sample (MB, max of 3) | {memory:.0f} | < 400 |")
    return 0


def report_capture(capture: str, rows: list, verbose: bool) -> None:
    print(f"\n## {capture}: {len(rows)} samples\n")
    confusion: dict[str, Counter] = defaultdict(Counter)
    for _, _, truth, report, *_ in rows:
        confusion[truth.verdict][report.verdict] += 1
    print("| key \\ suggested | " + " | ".join(SUGGESTED_VERDICTS) + " | total |")
    print("| --- |" + " --- |" * (len(SUGGESTED_VERDICTS) + 1))
    for v in VERDICTS:
        if confusion[v]:
            cells = [str(confusion[v][s]) for s in SUGGESTED_VERDICTS]
            print(f"| {v} | " + " | ".join(cells) + f" | {sum(confusion[v].values())} |")

    planted_total: Counter = Counter()
    detected: Counter = Counter()
    false_alarm: Counter = Counter()
    clean_total: Counter = Counter()
    fraud = flagged_ok = genuine = genuine_fail = mrz_known = mrz_exact = errors = 0
    misses = []
    for _, folder, truth, report, lines, _ in rows:
        if report.error:
            errors += 1
        flagged = {f.indicator for f in report.findings if f.status == "fail" and get(f.indicator).fraud_sign}
        warned = {f.indicator for f in report.findings if f.status in ("fail", "warn")}
        ran = {f.indicator for f in report.findings if f.status != "skip"}
        planted = tuple(truth.indicators)
        for ind in ran | set(planted):
            if any(ind == p or ind.startswith(p + ".") for p in planted):
                planted_total[ind] += 1
                if ind in flagged or (not get(ind).fraud_sign and ind in warned):
                    detected[ind] += 1
            elif ind in ran:
                clean_total[ind] += 1
                if ind in flagged:
                    false_alarm[ind] += 1
        if truth.verdict == "genuine":
            genuine += 1
            if flagged:
                genuine_fail += 1
                misses.append((folder.name, truth.verdict, "false alarm", sorted(flagged)))
        else:
            fraud += 1
            if planted_hit(flagged, planted):
                flagged_ok += 1
            else:
                misses.append((folder.name, truth.verdict, f"missed {list(planted)}", sorted(flagged)))
        if lines is not None:
            mrz_known += 1
            if report.mrz and tuple(report.mrz.get("lines", ())) == lines:
                mrz_exact += 1
            else:
                misses.append((folder.name, truth.verdict, "MRZ read", report.mrz.get("lines") if report.mrz else None))
    print("\n| indicator | planted | detected | detection | clean | false alarms | false-alarm rate |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for ind in sorted(set(planted_total) | set(clean_total)):
        p, d, c, fa = planted_total[ind], detected[ind], clean_total[ind], false_alarm[ind]
        det = f"{d / p:.0%}" if p else "-"
        far = f"{fa / c:.0%}" if c else "-"
        print(f"| {ind} | {p} | {d} | {det} | {c} | {fa} | {far} |")
    goal = (">= 95%", "<= 5%") if capture == "photo" else ("100%", "0%")
    print("\n| goal | result | target |")
    print("| --- | --- | --- |")
    print(
        f"| frauds flagged with >= 1 planted indicator | {flagged_ok}/{fraud} "
        f"({flagged_ok / max(fraud, 1):.0%}) | {goal[0]} |"
    )
    print(
        f"| genuine samples with a failing finding | {genuine_fail}/{genuine} "
        f"({genuine_fail / max(genuine, 1):.0%}) | {goal[1]} |"
    )
    if mrz_known:
        print(
            f"| MRZ read exactly | {mrz_exact}/{mrz_known} ({mrz_exact / mrz_known:.0%}) | "
            f"{'100%' if capture == 'scan' else '>= 95%'} |"
        )
    print(f"| unreadable samples | {errors} | 0 |")
    if verbose and misses:
        print("\nmisses:")
        for m in misses:
            print("  ", json.dumps(m))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=30, help="samples per generated set")
    p.add_argument("--seeds", type=int, nargs="+", default=[7101])
    p.add_argument("--captures", nargs="+", default=["scan", "photo"], choices=["scan", "photo"])
    p.add_argument("--dpi", type=int, default=300)
    p.add_argument("-v", "--verbose", action="store_true", help="list every miss and false alarm")
    return run(p.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
