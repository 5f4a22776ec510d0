"""Streaming tasks through a Dask client: a bounded window of submitted futures, results in input order."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

Progress = Callable[[int, int], None]

RETRIES = 2
"""Dask retries of a task that raised (e.g. a shared file system hiccup). A task whose worker died is
rescheduled by the scheduler itself (``distributed.scheduler.allowed-failures``, 3 by default)."""


@dataclass(frozen=True)
class Outcome:
    """What one task gave: its value, or the exception it ended with after Dask's retries."""

    index: int
    value: Any = None
    error: BaseException | None = None


def window_for(threads: int) -> int:
    """How many futures to keep submitted: enough to keep every thread busy while results travel back."""
    return max(8, 4 * threads)


def run_ordered(
    client: Any,
    calls: Iterable[tuple[Callable[..., Any], tuple]],
    *,
    total: int,
    window: int,
    label: str = "task",
    progress: Progress | None = None,
    retries: int = RETRIES,
) -> Iterator[Outcome]:
    """Submit ``(function, args)`` calls and yield their outcomes in input order.

    At most ``window`` calls are submitted or finished-but-not-yet-yielded at a time (the reorder buffer is
    part of the window), so memory stays bounded however many calls ``calls`` yields. ``progress(done,
    total)`` is called as futures finish, in any order. Each call is one future with a unique key: a retried
    or rescheduled task is still one outcome. Futures not yet finished are cancelled when the consumer stops.
    """
    from distributed import as_completed

    job = uuid.uuid4().hex[:12]
    source = enumerate(calls)
    pending: dict[str, int] = {}
    ready: dict[int, Outcome] = {}
    finished = 0
    next_out = 0
    submitted = 0
    done = as_completed()
    futures = []

    def submit_more() -> None:
        nonlocal submitted
        while submitted - next_out < window:
            try:
                i, (func, args) = next(source)
            except StopIteration:
                return
            fut = client.submit(func, *args, key=f"doc-check-{label}-{job}-{i}", retries=retries, pure=False)
            pending[fut.key] = i
            futures.append(fut)
            done.add(fut)
            submitted += 1

    if progress:
        progress(0, total)
    try:
        submit_more()
        while pending:
            fut = next(done)
            i = pending.pop(fut.key)
            futures.remove(fut)
            if fut.status == "finished":
                ready[i] = Outcome(i, value=fut.result())
            else:
                try:
                    exc = fut.exception()
                except BaseException as cancelled:  # e.g. CancelledError when the scheduler forgot the task
                    exc = cancelled
                ready[i] = Outcome(i, error=exc)
            del fut
            finished += 1
            if progress:
                progress(finished, total)
            while next_out in ready:
                yield ready.pop(next_out)
                next_out += 1
            submit_more()
    finally:
        if futures:
            client.cancel(futures)
