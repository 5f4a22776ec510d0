"""Connecting to a Dask scheduler (or starting a LocalCluster) and checking that workers see a folder."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from doc_check.errors import BadInput

LOCAL_PREFIX = "local:"
MAX_LOCAL_WORKERS = 256
WORKER_WAIT_S = 60.0
"""How long a job waits for a first worker to join a scheduler that has none."""
CONNECT_TIMEOUT_S = 20.0
INSTALL_HINT = "--scheduler needs Dask: pip install 'doc-check[cluster]'"


def import_distributed() -> ModuleType:
    """``dask.distributed``, or BadInput saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise BadInput(INSTALL_HINT) from None
    return distributed


def parse_local(address: str) -> int | None:
    """N for ``local:N`` (None for any other address); BadInput when N is not a sensible worker count."""
    if not address.startswith(LOCAL_PREFIX):
        return None
    text = address[len(LOCAL_PREFIX) :]
    if not text.isdigit() or not 1 <= int(text) <= MAX_LOCAL_WORKERS:
        raise BadInput(f"scheduler {address!r}: local:N needs a worker count N from 1 to {MAX_LOCAL_WORKERS}")
    return int(text)


@contextmanager
def open_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` on ``address`` (``tcp://...`` or ``local:N``), closed (and the LocalCluster shut
    down) on exit. ``local:N``: N worker processes of one thread each, bound to 127.0.0.1, no dashboard."""
    address = address.strip()
    if not address:
        raise BadInput("--scheduler: empty address (tcp://HOST:PORT or local:N)")
    n_local = parse_local(address)
    distributed = import_distributed()
    if n_local is not None:
        cluster = distributed.LocalCluster(
            n_workers=n_local,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard; the scheduler's health/metrics HTTP endpoint on a free port of 127.0.0.1 (not 8787)
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
        try:
            client = distributed.Client(cluster)
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BadInput(f"scheduler {address}: cannot connect: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def wait_for_a_worker(client: Any, timeout: float = WORKER_WAIT_S) -> None:
    """Return once the scheduler has a worker; BadInput when none joins within ``timeout`` seconds."""
    if client.scheduler_info(n_workers=-1).get("workers"):
        return
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        raise BadInput(f"scheduler {client.scheduler.address}: no worker joined within {timeout:.0f} s") from None


def total_threads(client: Any) -> int:
    """Threads over all the workers the scheduler knows now (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def probe_folder(folder: str, marker: str, token: str, write: bool) -> str | None:
    """On a worker: None when ``folder/marker`` holds ``token`` (and, with ``write``, a file can be made there);
    else what is wrong, naming the worker's host."""
    where = f"worker on {socket.gethostname()}"
    path = Path(folder) / marker
    try:
        if path.read_text(encoding="utf-8") != token:
            return f"{where} sees another folder at this path"
    except OSError as exc:
        return f"{where} cannot see it (no job marker {path.name}: {exc.strerror or exc})"
    if write:
        test = Path(folder) / f".{marker}.{os.getpid()}.w"
        try:
            test.write_bytes(b"")
            test.unlink()
        except OSError as exc:
            return f"{where} cannot write there ({exc.strerror or exc})"
    return None


def check_workers_see(
    client: Any, folder: Path, marker: str, token: str, *, write: bool, shown: Path | None = None
) -> None:
    """Run :func:`probe_folder` on every worker now connected; BadInput naming the first that cannot see
    ``folder`` (which must exist here, holding ``marker`` with ``token``). Messages name ``shown`` (default
    ``folder``)."""
    answers = client.run(probe_folder, str(folder), marker, token, write)
    bad = {w: problem for w, problem in sorted(answers.items()) if problem}
    if bad:
        worker, problem = next(iter(bad.items()))
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise BadInput(
            f"{shown or folder}: {problem} [{worker}]{more}; every worker must see the set folder at the same path "
            "(a shared file system)"
        )
