"""A sample set in pieces, for batch back-ends that write it from many machines: the plan one spec at a time,
the key in per-sample shards merged atomically into ``key.toml`` at the end.

What these write is byte for byte what :func:`doc_check.specimen.sampleset.generate_set` writes; they only avoid
holding the whole plan or the whole key in one process.
"""

from __future__ import annotations

import heapq
import os
import shutil
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from doc_check.errors import BadInput
from doc_check.samples import CAPTURES, DOCUMENT_TYPES, KEY_FILE, KeyEntry
from doc_check.specimen.sampleset import DEFAULT_DPI, SampleSpec, key_table, plan_specs

SHARD_SUFFIX = ".toml"


def iter_plan(
    count: int,
    seed: int,
    *,
    types: Sequence[str] = DOCUMENT_TYPES,
    forgeries: Sequence[str] = (),
    captures: Sequence[str] = CAPTURES,
    genuine_share: float = 0.4,
    dpi: int = DEFAULT_DPI,
    secret: bytes | None = None,
) -> Iterator[SampleSpec]:
    """The specs of :func:`~doc_check.specimen.sampleset.plan_specs`, same order, one at a time.

    The plan draws each kind's document types and captures from cycles keyed by the set's secret, one after the
    other, so it is computed whole (a spec is about 200 bytes: 20 MB for the largest set `generate` makes) and
    handed out one spec at a time. Raises BadInput for the same arguments as ``plan_specs``, before yielding.
    """
    specs = plan_specs(
        count,
        seed,
        types=types,
        forgeries=forgeries,
        captures=captures,
        genuine_share=genuine_share,
        dpi=dpi,
        secret=secret,
    )
    return iter(specs)


def shard_path(shard_dir: str | Path, sample_id: str) -> Path:
    """Where the key shard of one sample lives: bucketed by the id's first two characters."""
    return Path(shard_dir) / sample_id[:2] / f"{sample_id}{SHARD_SUFFIX}"


def _entry_text(sample_id: str, table: dict[str, object]) -> str:
    return tomli_w.dumps({"samples": {sample_id: table}})


def write_key_shard(shard_dir: str | Path, sample_id: str, entry: KeyEntry) -> Path:
    """Write one sample's key entry as its own small file (atomic; writing it again gives the same bytes)."""
    path = shard_path(shard_dir, sample_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{os.urandom(4).hex()}")
    tmp.write_bytes(_entry_text(sample_id, key_table(entry)).encode())
    tmp.replace(path)
    return path


def _shard_stream(shard_dir: Path) -> Iterator[tuple[str, str]]:
    """(sample id, entry text) of every shard, in id order; one bucket's names in memory at a time."""
    if not shard_dir.is_dir():
        return
    for bucket in sorted(p.name for p in os.scandir(shard_dir) if p.is_dir()):
        names = sorted(e.name for e in os.scandir(shard_dir / bucket) if e.name.endswith(SHARD_SUFFIX) and e.is_file())
        for name in names:
            yield name[: -len(SHARD_SUFFIX)], (shard_dir / bucket / name).read_text(encoding="utf-8")


def merge_key_shards(set_dir: str | Path, shard_dir: str | Path) -> Path:
    """Merge the shards into the set's ``key.toml`` (entries already there are kept unless a shard replaces them),
    sorted by id exactly as ``write_key`` sorts them; written to a temporary file, then renamed into place."""
    path = Path(set_dir) / KEY_FILE
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            existing = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}: invalid TOML: {exc}") from None
    old_samples = existing.pop("samples", {})
    old = ((sid, _entry_text(sid, table)) for sid, table in sorted(old_samples.items()))
    new = _shard_stream(Path(shard_dir))
    tmp = path.with_name(f".{KEY_FILE}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        if existing:  # top-level fields other than the samples, as tomli_w writes them before the tables
            out.write(tomli_w.dumps(existing) + "\n")
        last, first = None, True
        # a shard sorts before an old entry of the same id (tag 0 < 1) and so replaces it
        for sid, _tag, text in heapq.merge(
            ((s, 1, t) for s, t in old), ((s, 0, t) for s, t in new), key=lambda x: (x[0], x[1])
        ):
            if sid == last:
                continue
            if not first:
                out.write("\n")
            out.write(text)
            last, first = sid, False
    tmp.replace(path)
    return path


def remove_shards(shard_dir: str | Path) -> None:
    """Remove a shard folder (after the merge, or when the job failed)."""
    shutil.rmtree(shard_dir, ignore_errors=True)
