"""Generate samples from specs and write sample sets: opaque folders, references and the set's key.toml."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import tomli_w

from doc_check.errors import BadInput
from doc_check.samples import CAPTURES, CHANNELS, DOCUMENT_TYPES, KEY_FILE, REFERENCES_DIR, SAMPLE_FILE, KeyEntry
from doc_check.specimen.capture import capture_side
from doc_check.specimen.document import random_document, specimen_document
from doc_check.specimen.forgeries import (
    ALTERABLE_FIELDS,
    CHECKED_FIELDS,
    FORGERY_KINDS,
    FRAUD_KINDS,
    TRAP_KINDS,
    apply_forgery,
)
from doc_check.specimen.render import render_document

DEFAULT_DPI = 300
MIN_DPI, MAX_DPI = 72, 600
JPEG_QUALITY = 88
"""Every channel of every sample is stored the same way: JPEG at this quality (grey JPEG for IR)."""
REFERENCE_FORMATS = {"visible": "jpg", "uv": "png", "ir": "png"}
"""References are clean renders: UV and IR lossless PNG, visible a high-quality JPEG (PNG would be 1.5 MB)."""
REFERENCE_JPEG_QUALITY = 95

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SampleSpec:
    """What one sample should be: document type, forgery (None: genuine), variant, field, capture, dpi."""

    document_type: str = "td3"
    forgery: str | None = None
    variant: str | None = None
    field: str | None = None
    difficulty: str | None = None
    """Pick a variant of this difficulty when ``variant`` is None."""
    capture: str = "scan"
    dpi: int = DEFAULT_DPI
    channels: tuple[str, ...] = CHANNELS

    def validate(self) -> None:
        """Raise BadInput naming the first option that is not allowed."""
        if self.document_type not in DOCUMENT_TYPES:
            raise BadInput(f"document type {self.document_type!r}: choose from {', '.join(DOCUMENT_TYPES)}")
        if self.forgery is not None and self.forgery not in FORGERY_KINDS:
            raise BadInput(f"forgery {self.forgery!r}: choose from {', '.join(FORGERY_KINDS)}")
        if (
            self.forgery is not None
            and self.variant is not None
            and self.variant not in FORGERY_KINDS[self.forgery].variants
        ):
            raise BadInput(
                f"variant {self.variant!r} of {self.forgery}: "
                f"choose from {', '.join(FORGERY_KINDS[self.forgery].variants)}"
            )
        if self.field is not None and self.field not in ALTERABLE_FIELDS:
            raise BadInput(f"field {self.field!r}: choose from {', '.join(ALTERABLE_FIELDS)}")
        if self.difficulty is not None and self.difficulty not in ("easy", "medium", "hard"):
            raise BadInput(f"difficulty {self.difficulty!r}: choose from easy, medium, hard")
        if self.capture not in CAPTURES:
            raise BadInput(f"capture {self.capture!r}: choose from {', '.join(CAPTURES)}")
        if not MIN_DPI <= self.dpi <= MAX_DPI:
            raise BadInput(f"dpi {self.dpi}: must be between {MIN_DPI} and {MAX_DPI}")
        for c in self.channels:
            if c not in CHANNELS:
                raise BadInput(f"channel {c!r}: choose from {', '.join(CHANNELS)}")


@dataclass(frozen=True)
class GeneratedSample:
    """One generated sample: its images, its public metadata and its truth (kept apart when written)."""

    id: str
    spec: SampleSpec
    images: dict[str, dict[str, np.ndarray]]
    """side -> channel -> image (BGR or grey uint8)."""
    meta: dict[str, object]
    """The public ``sample.toml`` content."""
    truth: KeyEntry
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    """side -> channel -> file name."""


def sample_id(seed: int, index: int) -> str:
    """The opaque id of sample ``index`` of a set made with ``seed`` (depends on nothing else)."""
    digest = hashlib.sha256(f"doc-check sample {seed} {index}".encode()).digest()
    return base64.b32encode(digest).decode()[:6]


def generation_record(seed: int, index: int, dpi: int, channels: Sequence[str], print_seed: int) -> dict[str, object]:
    """The key fields that let a sample be rendered again: holder and capture (seed, index), resolution, lights
    (``channels`` only when not all three) and the seed of its print randomness (fibres, textures, wear). Key only:
    never in a sample folder."""
    record: dict[str, object] = {"seed": seed, "index": index, "dpi": dpi, "print_seed": print_seed}
    if tuple(channels) != CHANNELS:
        record["channels"] = list(channels)
    return record


def _choose_variant(spec: SampleSpec, rng: np.random.Generator) -> str | None:
    if spec.forgery is None:
        return None
    kind = FORGERY_KINDS[spec.forgery]
    if spec.variant:
        return spec.variant
    options = [v for v in kind.variants if spec.difficulty in (None, kind.difficulty[v])] or list(kind.variants)
    if (
        spec.field is not None
        and spec.field not in CHECKED_FIELDS
        and "check_digit_stale" in options
        and len(options) > 1
    ):
        options.remove("check_digit_stale")
    return options[int(rng.integers(len(options)))]


def _file_name(side: str, channel: str, fmt: str) -> str:
    return f"{side}_{channel}.{fmt}"


def generate_sample(spec: SampleSpec, seed: int, index: int = 0) -> GeneratedSample:
    """Render, forge and capture one sample; the same spec, seed and index give the same pixels."""
    spec.validate()
    rng = np.random.default_rng([seed, index, 1])
    doc = random_document(spec.document_type, rng, expired=spec.forgery == "expired")
    variant = _choose_variant(spec, rng)
    planted = apply_forgery(doc, spec.forgery, variant, spec.field, rng, seed=int(rng.integers(2**31)))
    pages = render_document(planted.document, spec.dpi, planted.plan)
    images: dict[str, dict[str, np.ndarray]] = {}
    for k, (side, chans) in enumerate(pages.items()):
        side_rng = np.random.default_rng([seed, index, 2, k])
        images[side] = capture_side({c: chans[c] for c in spec.channels}, spec.capture, side_rng)
    sid = sample_id(seed, index)
    files = {side: {c: _file_name(side, c, "jpg") for c in spec.channels} for side in images}
    meta = {
        "id": sid,
        "document_type": spec.document_type,
        "sides": list(images),
        "channels": list(spec.channels),
        "capture": spec.capture,
        "dpi": spec.dpi,
        "images": files,
    }
    extra: dict[str, object] = {
        "document_type": spec.document_type,
        "capture": spec.capture,
        "difficulty": planted.difficulty,
    }
    if planted.forgery:
        extra["forgery"] = planted.forgery
    if planted.variant:
        extra["variant"] = planted.variant
    if planted.field:
        extra["field"] = planted.field
    extra.update(generation_record(seed, index, spec.dpi, spec.channels, planted.plan.seed))
    truth = KeyEntry(planted.verdict, planted.indicators, planted.explanation, extra)
    return GeneratedSample(sid, spec, images, meta, truth, files)


def render_reference(document_type: str, dpi: int = DEFAULT_DPI) -> dict[str, dict[str, np.ndarray]]:
    """The reference specimen of a document type (holder SPECIMEN), flat and clean: side -> channel -> image."""
    if document_type not in DOCUMENT_TYPES:
        raise BadInput(f"document type {document_type!r}: choose from {', '.join(DOCUMENT_TYPES)}")
    from doc_check.specimen.render import RenderPlan

    return render_document(specimen_document(document_type), dpi, RenderPlan(seed=9303))


def encode(img: np.ndarray, fmt: str, quality: int = JPEG_QUALITY) -> bytes:
    """Encode an image without any metadata: JPEG (fixed quality, baseline) or PNG."""
    if fmt == "jpg":
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    else:
        ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise BadInput(f"cannot encode image as {fmt}")
    return buf.tobytes()


def _write_folder(
    target: Path, meta: dict[str, object], images: dict[str, dict[str, np.ndarray]], quality: int
) -> None:
    """Write a sample folder atomically: into a temporary sibling, then renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{target.name}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        files = meta["images"]
        for side, chans in images.items():
            for channel, img in chans.items():
                name = files[side][channel]  # type: ignore[index]
                (tmp / name).write_bytes(encode(img, name.rsplit(".", 1)[1], quality))
        (tmp / SAMPLE_FILE).write_bytes(tomli_w.dumps(meta).encode())
        old = None
        if target.exists():
            old = target.parent / f".old-{target.name}-{os.getpid()}"
            target.replace(old)
        tmp.replace(target)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def key_table(entry: KeyEntry) -> dict[str, object]:
    """A key entry as its ``[samples.<id>]`` TOML table."""
    table: dict[str, object] = {
        "verdict": entry.verdict,
        "indicators": list(entry.indicators),
        "explanation": entry.explanation,
    }
    table.update({k: v for k, v in entry.extra.items() if v is not None})
    return table


def write_key(set_dir: str | Path, entries: dict[str, KeyEntry], *, merge: bool = True) -> Path:
    """Write (or merge into) the set's ``key.toml`` atomically; returns its path."""
    path = Path(set_dir) / KEY_FILE
    existing: dict[str, object] = {}
    if merge and path.exists():
        try:
            existing = tomllib.loads(path.read_text(encoding="utf-8")).get("samples", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}: invalid TOML: {exc}") from None
    table = dict(existing)
    table.update({sid: key_table(e) for sid, e in entries.items()})
    tmp = path.with_name(f".{KEY_FILE}.tmp-{os.getpid()}")
    tmp.write_bytes(tomli_w.dumps({"samples": dict(sorted(table.items()))}).encode())
    tmp.replace(path)
    return path


def write_sample(set_dir: str | Path, generated: GeneratedSample, *, update_key: bool = True) -> Path:
    """Save a generated sample into a set folder (atomic) and record its truth in the set's key.toml."""
    target = Path(set_dir) / generated.id
    _write_folder(target, generated.meta, generated.images, JPEG_QUALITY)
    if update_key:
        write_key(set_dir, {generated.id: generated.truth})
    return target


def write_references(set_dir: str | Path, dpi: int = DEFAULT_DPI, types: Sequence[str] = DOCUMENT_TYPES) -> list[Path]:
    """Write the reference specimen of each document type under ``references/<type>/``."""
    out = []
    for t in types:
        pages = render_reference(t, dpi)
        files = {side: {c: _file_name(side, c, REFERENCE_FORMATS[c]) for c in CHANNELS} for side in pages}
        meta = {
            "id": f"reference-{t}",
            "document_type": t,
            "sides": list(pages),
            "channels": list(CHANNELS),
            "capture": "scan",
            "dpi": dpi,
            "images": files,
        }
        target = Path(set_dir) / REFERENCES_DIR / t
        _write_folder(target, meta, pages, REFERENCE_JPEG_QUALITY)
        out.append(target)
    return out


def _rota() -> list[tuple[str, str]]:
    """Every (fraud kind, variant), interleaved across kinds so that any prefix is varied."""
    queues = [[(k, v) for v in FORGERY_KINDS[k].variants] for k in FRAUD_KINDS]
    out = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


GENUINE_ROTA: tuple[tuple[str | None, str | None], ...] = (
    (None, None),
    ("expired", "expired"),
    (None, None),
    ("worn", "crease"),
    (None, None),
    ("worn", "stain"),
)


def plan_specs(
    count: int,
    seed: int,
    *,
    types: Sequence[str] = DOCUMENT_TYPES,
    forgeries: Sequence[str] = (),
    captures: Sequence[str] = CAPTURES,
    genuine_share: float = 0.4,
    dpi: int = DEFAULT_DPI,
) -> list[SampleSpec]:
    """The fixed plan of a set: which index gets which type, forgery, variant, field and capture.

    Fraud slots cycle through every kind and variant, genuine slots through plain documents and the traps
    (expired, worn); types and captures cycle so each type meets both captures; the order is then shuffled
    by ``seed`` so classes do not cluster. Depends only on the arguments.
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
    fraud_kinds = [k for k in forgeries if k in FRAUD_KINDS] if forgeries else list(FRAUD_KINDS)
    trap_kinds = [k for k in forgeries if k in TRAP_KINDS]
    n_genuine = round(count * genuine_share)
    if forgeries and not fraud_kinds:
        n_genuine = count
    if not fraud_kinds:
        fraud_kinds = []
    n_fraud = count - n_genuine
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
    slots: list[tuple[str | None, str | None]] = [genuine_rota[i % len(genuine_rota)] for i in range(n_genuine)]
    slots += [fraud[i % len(fraud)] for i in range(n_fraud)] if fraud else [(None, None)] * n_fraud
    field_cycle = {"check_digit_stale": list(CHECKED_FIELDS)}
    field_counters: dict[str, int] = {}
    specs = []
    for i, (kind, variant) in enumerate(slots):
        t = types[i % len(types)]
        cap = captures[(i // len(types)) % len(captures)]
        fld = None
        if kind == "data_alteration":
            opts = field_cycle.get(variant or "", list(ALTERABLE_FIELDS))
            n = field_counters.get(variant or "", 0)
            fld = opts[n % len(opts)]
            field_counters[variant or ""] = n + 1
        specs.append(SampleSpec(t, kind, variant, fld, None, cap, dpi))
    order = np.random.default_rng([seed, 0xD0C]).permutation(len(specs))
    return [specs[j] for j in order]


def generate_set(
    out: str | Path,
    *,
    seed: int = 0,
    count: int = 12,
    types: Sequence[str] = DOCUMENT_TYPES,
    forgeries: Sequence[str] = (),
    captures: Sequence[str] = CAPTURES,
    genuine_share: float = 0.4,
    dpi: int = DEFAULT_DPI,
    progress: Progress | None = None,
) -> dict[str, object]:
    """Write a whole sample set (samples, references, key.toml) into ``out``; returns a summary."""
    specs = plan_specs(
        count, seed, types=types, forgeries=forgeries, captures=captures, genuine_share=genuine_share, dpi=dpi
    )
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        return _generate_into(out, specs, seed, types, dpi, progress)
    except OSError as exc:
        raise BadInput(f"{out}: cannot write the set: {exc.strerror or exc}") from None


def _generate_into(
    out: Path, specs: list[SampleSpec], seed: int, types: Sequence[str], dpi: int, progress: Progress | None
) -> dict[str, object]:
    ref_types = sorted(set(types), key=DOCUMENT_TYPES.index)
    total = len(specs) + len(ref_types)
    entries: dict[str, KeyEntry] = {}
    verdicts: dict[str, int] = {}
    for i, spec in enumerate(specs):
        gen = generate_sample(spec, seed, i)
        write_sample(out, gen, update_key=False)
        entries[gen.id] = gen.truth
        verdicts[gen.truth.verdict] = verdicts.get(gen.truth.verdict, 0) + 1
        if progress:
            progress(i + 1, total)
    for j, t in enumerate(ref_types):
        write_references(out, dpi, [t])
        if progress:
            progress(len(specs) + j + 1, total)
    key = write_key(out, entries)
    return {
        "out": str(out),
        "seed": seed,
        "count": len(specs),
        "dpi": dpi,
        "key": str(key),
        "references": [str(out / REFERENCES_DIR / t) for t in ref_types],
        "samples": list(entries),
        "verdicts": verdicts,
    }
