"""Benchmark: MRZ reading on real specimen images, doc-check against PassportEye, side by side in one run.

Usage: python3 dev.py bench bench/mrz_read_bench.py [--folder DIR ...] [--no-passporteye] [--per-image]

Reads every image listed in each folder's truth.json (default: the `shared/realworld` and `shared/realworld2` dev
sets, found beside the repository or in a parent folder of it) and prints, per set, per half of the union and in
total: every MRZ line exact, characters right, median seconds per image (file decode included), doc-check's peak
memory; then the goals. The union is split by a fixed rule that does not look at the images: an image is in the
*tuned* half when the first byte of sha256(file name) is even, else in the *untuned* half; only the tuned half
may be looked at when tuning the reader (docs/mrz-reading.md).

PassportEye 2.2.2 (Tesseract) runs with OMP_THREAD_LIMIT=1, its fastest setting on a small machine; it comes from
the `bench` extra (`python3 dev.py bench` installs requirements-bench.lock into .venv-bench) and needs Debian's
tesseract-ocr (`apt-get install tesseract-ocr`); without them it is skipped and the script says why.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os

# small matrices: BLAS threads only add overhead (and contention on a shared machine); set before numpy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract single-threaded: PassportEye's best time here
import resource
import shutil
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from doc_check.analysis.load import load_image  # noqa: E402
from doc_check.analysis.mrz_read import read_mrz  # noqa: E402
from doc_check.analysis.ocr import default_classifier  # noqa: E402

GOALS = (
    "goals: >= 95 % all lines exact and >= 99.5 % chars on each dev set; untuned half within 5 points of the tuned "
    "half; median time >= 20x faster than PassportEye; doc-check peak memory < 300 MB"
)


def shared_folder(name: str) -> Path | None:
    """`shared/<name>` beside the repository or beside one of its parent folders (CI: ../shared)."""
    for parent in REPO.parents:
        if (parent / "shared" / name / "truth.json").is_file():
            return parent / "shared" / name
    return None


def half(name: str) -> str:
    """The fixed split: 'tuned' when the first byte of sha256(file name) is even, else 'untuned'."""
    return "tuned" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "untuned"


def passporteye_ready() -> str | None:
    """None when PassportEye and Tesseract can run, else why they are skipped."""
    # found, not imported: its imports (scikit-image, ...) must not count in doc-check's peak memory
    if importlib.util.find_spec("passporteye") is None:
        return "passporteye is not installed (run through `python3 dev.py bench`, which installs the bench extra)"
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (Debian: apt-get install tesseract-ocr)"
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


def score(read: tuple[str, ...] | None, truth: list[str]) -> tuple[bool, int]:
    """(every line exact, characters right) of a reading against the printed lines."""
    if read is None:
        return False, 0
    right = 0
    for i, line in enumerate(truth):
        got = read[i] if i < len(read) else ""
        right += sum(1 for a, b in zip(got, line, strict=False) if a == b)
    exact = len(read) == len(truth) and all(a == b for a, b in zip(read, truth, strict=True))
    return exact, right


@dataclass
class Row:
    """One image's results."""

    set_name: str
    name: str
    half: str
    chars: int
    ours: tuple[bool, int]
    ours_s: float
    theirs: tuple[bool, int] | None = None
    theirs_s: float | None = None


def summary(label: str, rows: list[Row], with_pe: bool) -> str:
    """One line of the summary table for a group of images."""
    n, chars = len(rows), sum(r.chars for r in rows)
    exact = sum(r.ours[0] for r in rows)
    right = sum(r.ours[1] for r in rows)
    med = statistics.median(r.ours_s for r in rows)
    line = f"| {label} | {n} | {exact}/{n} ({100 * exact / n:.0f} %) | {100 * right / chars:.2f} % | {med:.3f} |"
    if with_pe:
        pe_exact = sum(r.theirs[0] for r in rows if r.theirs)
        pe_right = sum(r.theirs[1] for r in rows if r.theirs)
        pe_med = statistics.median(r.theirs_s for r in rows if r.theirs_s is not None)
        line += f" {pe_exact}/{n} ({100 * pe_exact / n:.0f} %) | {100 * pe_right / chars:.2f} % | {pe_med:.3f} |"
        line += f" {pe_med / med:.0f}x |"
    else:
        line += " - | - | - | - |"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, action="append", help="a folder with truth.json (repeatable)")
    parser.add_argument("--no-passporteye", action="store_true", help="measure doc-check only")
    parser.add_argument("--per-image", action="store_true", help="also print one line per image")
    args = parser.parse_args()
    folders = args.folder or [f for f in (shared_folder("realworld"), shared_folder("realworld2")) if f]
    folders = [f for f in folders if (f / "truth.json").is_file()]
    if not folders:
        print("no folder with a truth.json (shared/realworld*, or --folder DIR): nothing to measure", file=sys.stderr)
        return 2
    skipped = "not requested (--no-passporteye)" if args.no_passporteye else passporteye_ready()

    t0 = time.perf_counter()
    default_classifier()
    train_s = time.perf_counter() - t0
    rows: list[Row] = []
    work = []
    for folder in folders:
        truth = json.loads((folder / "truth.json").read_text())
        work += [(folder, name, truth[name]["lines"]) for name in sorted(truth)]
    for folder, name, lines in work:
        start = time.perf_counter()
        reading = read_mrz(load_image(folder / name))
        took = time.perf_counter() - start
        row = Row(
            folder.name, name, half(name), sum(len(x) for x in lines), score(reading and reading.lines, lines), took
        )
        rows.append(row)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before PassportEye loads anything
    if skipped is None:
        for row, (folder, name, lines) in zip(rows, work, strict=True):
            start = time.perf_counter()
            try:
                pe = passporteye_lines(folder / name)
            except Exception as exc:
                print(f"PassportEye failed on {name}: {exc}", file=sys.stderr)
                pe = None
            row.theirs_s = time.perf_counter() - start
            row.theirs = score(pe, lines)

    if args.per_image:
        for r in rows:
            pe = (
                f" | PassportEye {'yes' if r.theirs[0] else 'no'} {100 * r.theirs[1] / r.chars:5.1f}%"
                if r.theirs
                else ""
            )
            print(f"{r.set_name:11} {r.half:8} {r.name:58} {'yes' if r.ours[0] else 'no ':3} "
                  f"{100 * r.ours[1] / r.chars:5.1f}% {r.ours_s:.3f}s{pe}")  # fmt: skip
        print()
    with_pe = skipped is None
    print(
        "| set | images | doc-check all lines exact | chars | median s | PassportEye exact | chars | median s |"
        " doc-check faster |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for folder in folders:
        print(summary(f"`{folder.name}`", [r for r in rows if r.set_name == folder.name], with_pe))
    for h in ("tuned", "untuned"):
        group = [r for r in rows if r.half == h]
        if group:
            print(summary(f"{h} half (union)", group, with_pe))
    print(summary("all", rows, with_pe))
    print()
    print(f"doc-check peak memory (RSS): {peak_mb:.0f} MB; classifier training once per process: {train_s:.2f} s")
    if not with_pe:
        print(f"PassportEye skipped: {skipped}")
    else:
        print("PassportEye 2.2.2 with Tesseract, OMP_THREAD_LIMIT=1, same run, same images")
    tuned = [r for r in rows if r.half == "tuned"]
    untuned = [r for r in rows if r.half == "untuned"]
    if tuned and untuned:
        gap = 100 * (sum(r.ours[0] for r in tuned) / len(tuned) - sum(r.ours[0] for r in untuned) / len(untuned))
        print(f"tuned minus untuned half, all lines exact: {gap:+.1f} points")
    print(GOALS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
