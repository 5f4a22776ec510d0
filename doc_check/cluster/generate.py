"""``doc-check generate --scheduler``: a sample set written by Dask workers, the same files as the local path.

Each sample is one task: render it, write its folder (temporary folder, then rename) and its key shard. The
client streams the plan, keeps a bounded window of futures, counts verdicts and merges the key shards into
``key.toml`` (one rename) when every sample is in. A task that runs twice (retried, or its worker was lost)
writes the same bytes again.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from doc_check.cluster.connect import check_workers_see, open_client, total_threads, wait_for_a_worker
from doc_check.cluster.stream import Progress, run_ordered, window_for
from doc_check.errors import BadInput
from doc_check.samples import CAPTURES, DOCUMENT_TYPES, KEY_FILE, REFERENCES_DIR
from doc_check.specimen.sampleset import (
    DEFAULT_DPI,
    SampleSpec,
    generate_sample,
    new_secret,
    set_secret,
    stream_seed,
    write_key,
    write_references,
    write_sample,
)
from doc_check.specimen.setpieces import iter_plan, merge_key_shards, remove_shards, write_key_shard

JOB_DIR_PREFIX = ".doc-check-job-"
"""Hidden folder of one job inside the set: its marker and the key shards, removed at the end."""
MARKER = "job.token"


def _job_paths(out: Path, token: str) -> tuple[Path, Path]:
    job = out / f"{JOB_DIR_PREFIX}{token}"
    return job, job / "key"


def _require_marker(job_dir: str, token: str) -> None:
    try:
        ok = (Path(job_dir) / MARKER).read_text(encoding="utf-8") == token
    except OSError:
        ok = False
    if not ok:
        import socket

        raise BadInput(
            f"{Path(job_dir).parent}: worker on {socket.gethostname()} cannot see the set folder; every worker "
            "must see it at the same path (a shared file system)"
        )


def generate_task(
    out: str, job_dir: str, token: str, spec: SampleSpec, seed: int, index: int, secret: bytes | None = None
) -> tuple[str, str]:
    """On a worker: generate sample ``index`` (``seed``: the set's stream seed), write its folder and its key
    shard; (id, verdict)."""
    import cv2

    cv2.setNumThreads(1)
    _require_marker(job_dir, token)
    gen = generate_sample(spec, seed, index, secret)
    write_sample(out, gen, update_key=False)
    write_key_shard(Path(job_dir) / "key", gen.id, gen.truth)
    return gen.id, gen.truth.verdict


def reference_task(out: str, job_dir: str, token: str, document_type: str, dpi: int) -> None:
    """On a worker: write the reference specimen of one document type."""
    import cv2

    cv2.setNumThreads(1)
    _require_marker(job_dir, token)
    write_references(out, dpi, [document_type])


def generate_set_on_cluster(
    out: str | Path,
    scheduler: str,
    *,
    seed: int = 0,
    count: int = 12,
    types: Sequence[str] = DOCUMENT_TYPES,
    forgeries: Sequence[str] = (),
    captures: Sequence[str] = CAPTURES,
    genuine_share: float = 0.4,
    dpi: int = DEFAULT_DPI,
    secret: bytes | None = None,
    progress: Progress | None = None,
    client: object | None = None,
) -> dict[str, Any]:
    """:func:`doc_check.specimen.sampleset.generate_set` on the cluster at ``scheduler`` (or on ``client``):
    the same files and the same summary (with the same ``secret``; a new random one when None)."""
    secret = secret if secret is not None else new_secret()
    plan = iter_plan(
        count,
        seed,
        types=types,
        forgeries=forgeries,
        captures=captures,
        genuine_share=genuine_share,
        dpi=dpi,
        secret=secret,
    )
    given = Path(out)
    if given.exists() and not given.is_dir():
        raise BadInput(f"{given}: exists and is not a folder")
    old = set_secret(given) if given.is_dir() else None
    if old is not None and old != secret:
        raise BadInput(
            f"{given}: already holds a set made with another secret: pass --secret-from {given / KEY_FILE} to make "
            "it again, or choose an empty folder"
        )
    keyed = (seed, secret)
    if client is not None:
        return _generate(client, given, plan, count, keyed, types, dpi, progress)
    with open_client(scheduler) as own:
        return _generate(own, given, plan, count, keyed, types, dpi, progress)


def _generate(client, given: Path, plan, count: int, keyed, types, dpi: int, progress) -> dict[str, Any]:
    seed, secret = keyed
    stream = stream_seed(secret, seed)
    out = given.absolute()  # workers get the absolute path: they do not share the client's working folder
    token = secrets.token_hex(8)
    job_dir, shard_dir = _job_paths(out, token)
    try:
        shard_dir.mkdir(parents=True)
        (job_dir / MARKER).write_text(token, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{given}: cannot write the set: {exc.strerror or exc}") from None
    try:
        wait_for_a_worker(client)
        check_workers_see(client, job_dir, MARKER, token, write=True, shown=given)
        ref_types = sorted(set(types), key=DOCUMENT_TYPES.index)
        total = count + len(ref_types)
        calls_iter = _chain(
            ((generate_task, (str(out), str(job_dir), token, spec, stream, i, secret)) for i, spec in enumerate(plan)),
            ((reference_task, (str(out), str(job_dir), token, t, dpi)) for t in ref_types),
        )
        ids: list[str] = []
        verdicts: dict[str, int] = {}
        window = window_for(total_threads(client))
        for outcome in run_ordered(client, calls_iter, total=total, window=window, label="generate", progress=progress):
            if outcome.error is not None:
                _raise(given, outcome.error)
            if outcome.index < count:
                sid, verdict = outcome.value
                ids.append(sid)
                verdicts[verdict] = verdicts.get(verdict, 0) + 1
        try:
            write_key(out, {}, set_info={"seed": seed, "secret": secret.hex()})  # the [set] table, then the shards
            key = merge_key_shards(out, shard_dir)
        except OSError as exc:
            raise BadInput(f"{given}: cannot write the key: {exc.strerror or exc}") from None
        _remove_leftovers(out)
    finally:
        remove_shards(job_dir)
    return {
        "out": str(given),
        "seed": seed,
        "count": count,
        "dpi": dpi,
        "key": str(given / key.name),
        "references": [str(given / REFERENCES_DIR / t) for t in ref_types],
        "samples": ids,
        "verdicts": verdicts,
    }


def _chain(*iterables):
    for it in iterables:
        yield from it


def _raise(out: Path, error: BaseException) -> None:
    """A task's failure as the local path would report it: BadInput as is, an OSError as BadInput."""
    if isinstance(error, BadInput):
        raise error
    if isinstance(error, OSError):
        raise BadInput(f"{out}: cannot write the set: {error.strerror or error}") from None
    raise error


def _remove_leftovers(out: Path) -> None:
    """Temporary folders of sample writes that a lost worker left behind (``.tmp-<id>-<pid>``)."""
    import shutil

    with os.scandir(out) as entries:
        stale = [e.path for e in entries if e.name.startswith((".tmp-", ".old-")) and e.is_dir()]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
