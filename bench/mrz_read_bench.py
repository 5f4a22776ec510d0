"""Benchmark: MRZ reading on real specimen images, doc-check against PassportEye, side by side in one run.

Usage: python bench/mrz_read_bench.py [--folder DIR] [--no-passporteye]

Reads every image listed in <repo>/../shared/realworld/truth.json and prints, per image and in total: every MRZ
line exact (yes/no), characters right, seconds (file decode included). PassportEye 2.2.2 (Tesseract) runs with
OMP_THREAD_LIMIT=1, its fastest setting on a small machine; the script pip-installs it into the running
interpreter and apt-installs Debian's tesseract-ocr when they are missing (as root), or says it skipped them.
"""

from __future__ import annotations

import argparse
import json
import os

# small matrices: BLAS threads only add overhead (and contention on a shared machine); set before numpy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import resource
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from doc_check.analysis.load import load_image  # noqa: E402
from doc_check.analysis.mrz_read import read_mrz  # noqa: E402
from doc_check.analysis.ocr import default_classifier  # noqa: E402


def ensure_passporteye() -> str | None:
    """Make PassportEye and Tesseract available; return None when ready, else why they were skipped."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import passporteye
    except ImportError:
        print("installing passporteye==2.2.2 (pip) ...", file=sys.stderr)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "passporteye==2.2.2"], capture_output=True, text=True
        )
        if done.returncode != 0:
            return "pip install passporteye failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    if shutil.which("tesseract") is None:
        if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
            print("installing tesseract-ocr (apt-get) ...", file=sys.stderr)
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "tesseract-ocr"], capture_output=True, env=env)
        if shutil.which("tesseract") is None:
            return "tesseract is not installed (needs Debian's tesseract-ocr; run as root to let the bench install it)"
    try:
        import passporteye  # noqa: F401
    except ImportError as exc:
        return f"passporteye does not import: {exc}"
    return None


def passporteye_lines(path: Path) -> tuple[str, ...] | None:
    """PassportEye's cleaned MRZ lines for an image (None when it finds no MRZ)."""
    from passporteye import read_mrz as pe_read
    from passporteye.mrz.text import MRZOCRCleaner

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-image deprecation notices, one per call
        mrz = pe_read(str(path))
    if mrz is None:
        return None
    raw = mrz.aux.get("raw_text", "")
    try:
        return tuple(MRZOCRCleaner.apply(raw))
    except Exception:
        return tuple(line.replace(" ", "") for line in raw.splitlines() if line.strip())


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (PassportEye runs the tesseract program)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def score(read: tuple[str, ...] | None, truth: list[str]) -> tuple[bool, int]:
    """(every line exact, characters right) of a reading against the printed lines."""
    total_right = 0
    if read is None:
        return False, 0
    for i, line in enumerate(truth):
        got = read[i] if i < len(read) else ""
        total_right += sum(1 for a, b in zip(got, line, strict=False) if a == b)
    exact = len(read) == len(truth) and all(a == b for a, b in zip(read, truth, strict=True))
    return exact, total_right


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=REPO.parent / "shared" / "realworld")
    parser.add_argument("--no-passporteye", action="store_true", help="measure doc-check only")
    args = parser.parse_args()
    truth_file = args.folder / "truth.json"
    if not truth_file.is_file():
        print(f"no {truth_file}: nothing to measure", file=sys.stderr)
        return 2
    truth = json.loads(truth_file.read_text())
    skipped = "not requested (--no-passporteye)" if args.no_passporteye else ensure_passporteye()

    t0 = time.perf_counter()
    default_classifier()
    train_s = time.perf_counter() - t0

    rows = []
    for name in sorted(truth):
        path = args.folder / name
        lines = truth[name]["lines"]
        start, cpu = time.perf_counter(), time.process_time()
        reading = read_mrz(load_image(path))
        ours_s = time.perf_counter() - start
        ours_cpu = time.process_time() - cpu
        ours = score(reading.lines if reading else None, lines)
        theirs, theirs_s, theirs_cpu = (None, None), None, None
        if skipped is None:
            start, cpu, child = time.perf_counter(), time.process_time(), _children_cpu()
            try:
                pe = passporteye_lines(path)
            except Exception as exc:
                print(f"PassportEye failed on {name}: {exc}", file=sys.stderr)
                pe = None
            theirs_s = time.perf_counter() - start
            theirs_cpu = time.process_time() - cpu + _children_cpu() - child
            theirs = score(pe, lines)
        rows.append((name, sum(len(line) for line in lines), ours, ours_s, theirs, theirs_s, ours_cpu, theirs_cpu))

    def yes(flag: bool | None) -> str:
        return "-" if flag is None else ("yes" if flag else "no")

    head = (
        f"{'image':36} {'doc-check exact':>15} {'chars':>7} {'s':>6} {'cpu s':>6} |"
        f" {'PassportEye exact':>17} {'chars':>7} {'s':>6} {'cpu s':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, n, (ex, right), s, (pex, pright), ps, cpu, pcpu in rows:
        if ps is not None:
            pe_cols = f"{yes(pex):>17} {100 * pright / n:6.1f}% {ps:6.3f} {pcpu:6.3f}"
        else:
            pe_cols = f"{'-':>17} {'-':>7} {'-':>6} {'-':>6}"
        print(f"{name:36} {yes(ex):>15} {100 * right / n:6.1f}% {s:6.3f} {cpu:6.3f} | {pe_cols}")
    print("-" * len(head))
    chars = sum(r[1] for r in rows)
    ours_exact = sum(1 for r in rows if r[2][0])
    ours_right = sum(r[2][1] for r in rows)
    ours_med = statistics.median(r[3] for r in rows)
    ours_cpu = statistics.median(r[6] for r in rows)
    label = f"total ({len(rows)} images, median s)"
    line = f"{label:36} {ours_exact:>15} {100 * ours_right / chars:6.2f}% {ours_med:6.3f} {ours_cpu:6.3f}"
    if skipped is None:
        pe_exact = sum(1 for r in rows if r[4][0])
        pe_right = sum(r[4][1] for r in rows)
        pe_med = statistics.median(r[5] for r in rows)
        pe_cpu = statistics.median(r[7] for r in rows)
        line += f" | {pe_exact:>17} {100 * pe_right / chars:6.2f}% {pe_med:6.3f} {pe_cpu:6.3f}"
        print(line)
        print(
            f"doc-check is {pe_med / ours_med:.1f}x faster than PassportEye (OMP_THREAD_LIMIT=1) in wall time, "
            f"{pe_cpu / ours_cpu:.1f}x in CPU time"
        )
    else:
        print(line)
        print(f"PassportEye skipped: {skipped}")
    print(f"doc-check classifier training (once per process, not in the per-image times): {train_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
