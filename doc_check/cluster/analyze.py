"""``doc-check analyze --scheduler``: the document reader on Dask workers, reports streamed in input order."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from doc_check.analysis.analyze import analyze_path, expand_paths
from doc_check.analysis.findings import AnalysisReport
from doc_check.cluster.connect import open_client, total_threads, wait_for_a_worker
from doc_check.cluster.stream import Progress, run_ordered, window_for
from doc_check.errors import BadInput


def analyze_task(
    path: str, seen: bool, only: frozenset[str] | None, today: date | None, max_pixels: int | None
) -> AnalysisReport:
    """On a worker: analyse one input (``seen``: the client saw it exist, so the worker must see it too)."""
    import cv2

    cv2.setNumThreads(1)
    if seen and not Path(path).exists():
        raise BadInput(
            f"{path}: worker on {socket.gethostname()} cannot see it; every worker must see the inputs at the same "
            "path (a shared file system)"
        )
    return analyze_path(path, only=only, today=today, max_pixels=max_pixels)


def probe_inputs(paths: list[tuple[str, bool, int]]) -> str | None:
    """On a worker: None when it sees each (path, is_dir, size) as the client does; else the first mismatch."""
    for path, is_dir, size in paths:
        p = Path(path)
        if (p.is_dir() if is_dir else p.is_file() and p.stat().st_size == size) is False:
            return f"{path}: worker on {socket.gethostname()} does not see it as the client does"
    return None


def _probe_sample(targets: list[Path]) -> list[tuple[str, bool, int]]:
    """A few inputs that exist here (first, last, and one random), described for :func:`probe_inputs`."""
    picked = dict.fromkeys(t.absolute() for t in (targets[0], targets[-1], targets[secrets.randbelow(len(targets))]))
    return [(str(t), t.is_dir(), 0 if t.is_dir() else t.stat().st_size) for t in picked if t.exists()]


def analyze_paths_on_cluster(
    paths: Iterable[str | Path],
    scheduler: str,
    *,
    only: Collection[str] | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    max_pixels: int | None = None,
    client: object | None = None,
) -> Iterator[AnalysisReport]:
    """:func:`doc_check.analysis.analyze.analyze_paths` on the cluster at ``scheduler`` (or on ``client``):
    the same reports in input order, streamed as they come in."""
    targets = expand_paths(paths)
    only = frozenset(only) if only else None
    if client is not None:
        yield from _analyze(client, targets, only, today, max_pixels, progress)
        return
    with open_client(scheduler) as own:
        yield from _analyze(own, targets, only, today, max_pixels, progress)


def _analyze(client, targets: list[Path], only, today, max_pixels, progress) -> Iterator[AnalysisReport]:
    if not targets:
        if progress:
            progress(0, 0)
        return
    wait_for_a_worker(client)
    described = _probe_sample(targets)
    if described:
        answers = client.run(probe_inputs, described)
        bad = sorted((w, p) for w, p in answers.items() if p)
        if bad:
            raise BadInput(
                f"{bad[0][1]} [{bad[0][0]}]; every worker must see the inputs at the same path (a shared file system)"
            )
    # workers get absolute paths (they do not share the client's working folder); reports name the input as given
    calls = ((analyze_task, (str(t.absolute()), t.exists(), only, today, max_pixels)) for t in targets)
    window = window_for(total_threads(client))
    for outcome in run_ordered(client, calls, total=len(targets), window=window, label="analyze", progress=progress):
        if outcome.error is None:
            yield _as_given(outcome.value, targets[outcome.index])
            continue
        if isinstance(outcome.error, BadInput):
            raise outcome.error
        path = targets[outcome.index]
        yield AnalysisReport(input=str(path), error=f"{path}: {_describe(outcome.error)}")


def _as_given(report: AnalysisReport, given: Path) -> AnalysisReport:
    """The report as the local path words it: the input named as given, not by the absolute path workers used."""
    absolute, named = str(given.absolute()), str(given)
    if absolute == named:
        return report
    error = report.error.replace(absolute, named) if report.error else report.error
    return replace(report, input=named, error=error)


def _describe(error: BaseException) -> str:
    """A task failure in one line: a worker that died on the input, or the exception it raised."""
    name = type(error).__name__
    if name == "KilledWorker":
        return "the worker analysing it died, every time it was tried"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"analysis failed ({name}{': ' + text if text else ''})"
