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

import numpy as np
import tomli_w

from doc_check.errors import BadInput
from doc_check.samples import CAPTURES, DOCUMENT_TYPES, KEY_FILE, KeyEntry
from doc_check.specimen.forgeries import ALTERABLE_FIELDS, CHECKED_FIELDS, FORGERY_KINDS, FRAUD_KINDS, TRAP_KINDS
from doc_check.specimen.sampleset import DEFAULT_DPI, GENUINE_ROTA, SampleSpec, _rota, key_table

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
) -> Iterator[SampleSpec]:
    """The specs of :func:`~doc_check.specimen.sampleset.plan_specs`, same order, one at a time.

    Each spec is computed from its slot number, so only the shuffle's index array (8 bytes a sample) is held,
    never the list of specs. Raises BadInput for the same arguments as ``plan_specs``, before yielding.
    """
    if count < 1:
        raise BadInput(f"count {count}: must be at least 1")
    if not 0.0 <= genuine_share <= 1.0:
        raise BadInput(f"genuine share {genuine_share}: must be between 0 and 1")
    for t in types:
        if t not in DOCUMENT_TYPES:
            raise BadInput(f"document type {t!r}: choose from {', '.join(DOCUMENT_TYPES)}")
    for f in forgeries:
        if f not in FORGERY_KINDS:
            raise BadInput(f"forgery {f!r}: choose from {', '.join(FORGERY_KINDS)}")
    for c in captures:
        if c not in CAPTURES:
            raise BadInput(f"capture {c!r}: choose from {', '.join(CAPTURES)}")
    return _plan_stream(count, seed, tuple(types), tuple(forgeries), tuple(captures), genuine_share, dpi)


def _plan_stream(
    count: int,
    seed: int,
    types: tuple[str, ...],
    forgeries: tuple[str, ...],
    captures: tuple[str, ...],
    genuine_share: float,
    dpi: int,
) -> Iterator[SampleSpec]:
    fraud_kinds = [k for k in forgeries if k in FRAUD_KINDS] if forgeries else list(FRAUD_KINDS)
    trap_kinds = [k for k in forgeries if k in TRAP_KINDS]
    n_genuine = round(count * genuine_share)
    if forgeries and not fraud_kinds:
        n_genuine = count
    fraud = [kv for kv in _rota() if kv[0] in fraud_kinds]
    if trap_kinds:
        genuine_rota = [(k, v) for k, v in GENUINE_ROTA if k in trap_kinds] or [
            (k, FORGERY_KINDS[k].variants[0]) for k in trap_kinds
        ]
        if not forgeries or any(k not in TRAP_KINDS for k in forgeries):
            genuine_rota = [(None, None), *genuine_rota]
    elif forgeries:
        genuine_rota = [(None, None)]
    else:
        genuine_rota = list(GENUINE_ROTA)

    def slot(j: int) -> SampleSpec:
        fld = None
        if j < n_genuine:
            kind, variant = genuine_rota[j % len(genuine_rota)]
        elif fraud:
            q = j - n_genuine
            kind, variant = fraud[q % len(fraud)]
            if kind == "data_alteration":
                # each (kind, variant) comes once per turn of the rota: this is its (q // len)-th use
                opts = list(CHECKED_FIELDS) if variant == "check_digit_stale" else list(ALTERABLE_FIELDS)
                fld = opts[(q // len(fraud)) % len(opts)]
        else:
            kind, variant = None, None
        t = types[j % len(types)]
        cap = captures[(j // len(types)) % len(captures)]
        return SampleSpec(t, kind, variant, fld, None, cap, dpi)

    order = np.random.default_rng([seed, 0xD0C]).permutation(count)
    for j in order:
        yield slot(int(j))


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
    existing: dict[str, object] = {}
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
