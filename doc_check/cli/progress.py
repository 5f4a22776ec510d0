"""The one progress display of the CLI: a transient rich bar on stderr, one line per phase."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]
"""A core progress callback: (done, total)."""


@contextmanager
def progress_bars(enabled: bool = True, *, redirect_stdout: bool = False) -> Iterator[Callable[[str], Progress | None]]:
    """Yield ``phase(label)``, which adds a bar and returns its (done, total) callback.

    The bars show only when ``enabled`` and stderr is a terminal; otherwise ``phase`` returns None (the core's
    "no progress"). ``redirect_stdout`` lets lines printed to stdout scroll above the bars (when stdout is that
    same terminal).
    """
    if not enabled or not sys.stderr.isatty():
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    with Bars(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=redirect_stdout,
    ) as bars:

        def phase(label: str) -> Progress:
            task = bars.add_task(label, total=None)

            def update(done: int, total: int) -> None:
                bars.update(task, completed=done, total=total)

            return update

        yield phase
