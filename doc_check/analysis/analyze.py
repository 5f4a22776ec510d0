"""Run the document reader on a sample folder, a single image, or a batch of paths (in parallel processes)."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from doc_check.analysis.findings import AnalysisReport, Finding
from doc_check.analysis.verdict import suggest_verdict
from doc_check.errors import BadInput
from doc_check.indicators import AREAS, is_known
from doc_check.samples import REFERENCES_DIR, SAMPLE_FILE, load_sample, reference_folder

IMAGE_SUFFIXES: frozenset[str] = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp"})
"""File name endings taken as images when a folder is expanded."""

Progress = Callable[[int, int], None]

BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""Environment variables that size NumPy's BLAS thread pool, set to 1 for spawned workers."""


def validate_only(only: Iterable[str]) -> frozenset[str]:
    """Check ``--only`` selections: an area name (mrz, uv, ...) or a registered indicator id or id prefix."""
    out = set()
    for item in only:
        item = item.strip().lower()
        if item not in AREAS and not is_known(item):
            raise BadInput(f"--only: unknown check {item!r} (an area {', '.join(AREAS)} or an indicator id)")
        out.add(item)
    return frozenset(out)


def selected(indicator: str, only: Collection[str] | None) -> bool:
    """True when an indicator id is among the ``only`` selections (all are when ``only`` is None)."""
    if not only:
        return True
    return any(indicator == s or indicator.startswith(s + ".") for s in only)


def wants(prefix: str, only: Collection[str] | None) -> bool:
    """True when any selected check lies under ``prefix`` (so a family of checks is worth running)."""
    if not only:
        return True
    return any(s == prefix or s.startswith(prefix + ".") or prefix.startswith(s + ".") for s in only)


def _filter(findings: Iterable[Finding], only: Collection[str] | None) -> tuple[Finding, ...]:
    return tuple(f for f in findings if selected(f.indicator, only))


def _finish(
    input_: str,
    document_type: str | None,
    mrz: dict | None,
    findings: Iterable[Finding],
    started: float,
    only: Collection[str] | None,
    *,
    analysed: bool,
    extra: dict | None = None,
) -> AnalysisReport:
    kept = _filter(findings, only)
    verdict, reasons = suggest_verdict(kept, analysed=analysed)
    return AnalysisReport(
        input=input_,
        document_type=document_type,
        mrz=mrz,
        findings=kept,
        verdict=verdict,
        reasons=reasons,
        seconds=time.perf_counter() - started,
        error=None,
        extra=extra or {},
    )


def analyze_image(
    path: str | Path,
    *,
    only: Collection[str] | None = None,
    today: date | None = None,
    max_pixels: int | None = None,
) -> AnalysisReport:
    """Analyse any document image (no reference known): read and check its MRZ."""
    from doc_check.analysis.checks_mrz import mrz_findings, read_page_mrz
    from doc_check.analysis.load import load_image

    started = time.perf_counter()
    path = Path(path)
    image = load_image(path, **({"max_pixels": max_pixels} if max_pixels else {}))
    reading, mrz = read_page_mrz(image, today=today)
    findings = mrz_findings(reading, today=today, region_of_image=True)
    return _finish(
        str(path), mrz.get("format") if mrz else None, mrz, findings, started, only, analysed=reading is not None
    )


def analyze_sample(
    folder: str | Path,
    *,
    references: Path | None = None,
    only: Collection[str] | None = None,
    today: date | None = None,
    max_pixels: int | None = None,
) -> AnalysisReport:
    """Analyse a sample folder: every side and channel against the reference specimen of its document type."""
    from doc_check.analysis.pipeline import examine_sample

    started = time.perf_counter()
    folder = Path(folder)
    sample = load_sample(folder)
    if references is None:
        references = reference_folder(folder.parent, sample.document_type)
    mrz, findings, analysed, extra = examine_sample(
        sample, Path(references), only=only, today=today, max_pixels=max_pixels
    )
    return _finish(str(folder), sample.document_type, mrz, findings, started, only, analysed=analysed, extra=extra)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Images and sample folders named by ``paths``: a folder of samples or images expands to its entries.

    Paths that do not exist are kept, so the batch reports them as unreadable.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir() and not (p / SAMPLE_FILE).is_file():
            for child in sorted(p.iterdir()):
                if child.name == REFERENCES_DIR or child.name.startswith("."):
                    continue
                if (child.is_dir() and (child / SAMPLE_FILE).is_file()) or (
                    child.is_file() and child.suffix.lower() in IMAGE_SUFFIXES
                ):
                    out.append(child)
        else:
            out.append(p)
    return out


def analyze_path(
    path: str | Path,
    *,
    only: Collection[str] | None = None,
    today: date | None = None,
    max_pixels: int | None = None,
) -> AnalysisReport:
    """Analyse one image or sample folder; unreadable input gives a report with ``error`` set (never raises)."""
    started = time.perf_counter()
    path = Path(path)
    try:
        if path.is_dir():
            return analyze_sample(path, only=only, today=today, max_pixels=max_pixels)
        if not path.exists():
            raise BadInput(f"{path}: no such file or folder")
        return analyze_image(path, only=only, today=today, max_pixels=max_pixels)
    except BadInput as exc:
        return AnalysisReport(input=str(path), error=str(exc), seconds=time.perf_counter() - started)
    except MemoryError:
        return AnalysisReport(input=str(path), error=f"{path}: out of memory", seconds=time.perf_counter() - started)
    except Exception as exc:  # a bug on one document is that document's error: the batch goes on
        return AnalysisReport(input=str(path), error=crash_message(path, exc), seconds=time.perf_counter() - started)


def crash_message(path: Path, exc: BaseException) -> str:
    """One line naming the input and the unexpected exception raised while analysing it."""
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
    text = " ".join(str(exc).split())[:200]
    return f"{path}: analysis failed ({type(exc).__name__}{where}: {text})"


def _worker(args: tuple) -> AnalysisReport:
    path, only, today, max_pixels = args
    import cv2

    cv2.setNumThreads(1)
    return analyze_path(path, only=only, today=today, max_pixels=max_pixels)


def analyze_paths(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    only: Collection[str] | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    max_pixels: int | None = None,
) -> Iterator[AnalysisReport]:
    """Analyse every image and sample folder under ``paths`` in input order, ``workers`` processes at a time."""
    targets = expand_paths(paths)
    total = len(targets)
    workers = max(1, min(workers or os.cpu_count() or 1, total or 1))
    only = frozenset(only) if only else None
    jobs = [(str(t), only, today, max_pixels) for t in targets]
    if progress:
        progress(0, total)
    if workers == 1:
        for i, job in enumerate(jobs, 1):
            report = analyze_path(job[0], only=only, today=today, max_pixels=max_pixels)
            if progress:
                progress(i, total)
            yield report
        return
    # spawned, not forked: a fork taken while OpenCV's or Pillow's threads hold a lock can hang the child
    with (
        _one_blas_thread(),
        ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool,
    ):
        for i, report in enumerate(pool.map(_worker, jobs, chunksize=1), 1):
            if progress:
                progress(i, total)
            yield report


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """While workers are spawned, have their NumPy start one BLAS thread (the user's setting wins).

    Each worker runs one document at a time on one core; idle OpenBLAS threads spin and bill about 0.1 s of CPU
    per sample on another core.
    """
    added = [v for v in BLAS_THREAD_VARS if v not in os.environ]
    for var in added:
        os.environ[var] = "1"
    try:
        yield
    finally:
        for var in added:
            os.environ.pop(var, None)
