"""Forge an existing sample: render the same document again from the generation record in the set's key, with a
forgery from the catalogue, and add it to the set as a new opaque sample (folder and key entry).

The record (``seed``, ``index``, ``dpi``, ``print_seed``, ``document_type``, ``capture``, optional ``channels``)
fixes the holder and the capture: the document is drawn from ``[seed, index, 1]`` and each side is captured with
``[seed, index, 2, side]``, as ``generate_sample`` does. A derived sample records the same fields plus its own
``forgery``, ``variant``, ``field``, ``derived_from``, ``derivation`` (its number among the documents derived from
this holder; seeds the forgery's own choices) and ``wear`` (a source's crease or stain, kept), so it can be
rendered again exactly and can itself be the source of another derivation when it is genuine.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from doc_check.errors import BadInput
from doc_check.samples import CAPTURES, CHANNELS, DOCUMENT_TYPES, KEY_FILE, KeyEntry, load_key
from doc_check.specimen.capture import capture_side
from doc_check.specimen.document import random_document
from doc_check.specimen.forgeries import CHECKED_FIELDS, FORGERY_KINDS, Planted, apply_forgery
from doc_check.specimen.render import render_document
from doc_check.specimen.sampleset import (
    GeneratedSample,
    SampleSpec,
    _choose_variant,
    _file_name,
    generation_record,
    write_key,
    write_sample,
)

DIFFICULTIES = ("easy", "medium", "hard")
NOT_DERIVABLE_KINDS = ("expired",)
"""Kinds that cannot be applied to an existing document: an expired document has other dates (another draw)."""


@dataclass(frozen=True)
class ForgeryChoice:
    """What to do to a document: a catalogue kind and, optionally, its variant, the altered field, a difficulty."""

    kind: str
    variant: str | None = None
    field: str | None = None
    """The VIZ field a data alteration changes (None: drawn)."""
    difficulty: str | None = None
    """Draw a variant of this difficulty when ``variant`` is None."""


@dataclass(frozen=True)
class GenerationRecord:
    """How a sample was rendered, as its key entry records it: enough to render the same document again."""

    seed: int
    index: int
    document_type: str
    capture: str
    dpi: int
    print_seed: int
    channels: tuple[str, ...] = CHANNELS
    forgery: str | None = None
    variant: str | None = None
    field: str | None = None
    derived_from: str | None = None
    derivation: int = 0
    """0: made by the generator; n >= 1: the n-th document derived from this holder (seeds the forgery)."""
    wear: str | None = None
    """A crease or stain kept from the source."""

    def key_fields(self) -> dict[str, object]:
        """The record's fields as they go into the key entry (generator fields first)."""
        out: dict[str, object] = dict(
            generation_record(self.seed, self.index, self.dpi, self.channels, self.print_seed)
        )
        if self.derived_from is not None:
            out.update(derived_from=self.derived_from, derivation=self.derivation)
        if self.wear is not None:
            out["wear"] = self.wear
        return out


def record_of(sample_id: str, entry: KeyEntry, where: str | Path = KEY_FILE) -> GenerationRecord:
    """The generation record in a key entry; BadInput when the entry has none (or a broken one)."""
    x = entry.extra
    missing = [k for k in ("seed", "index", "dpi", "print_seed", "document_type", "capture") if k not in x]
    if missing:
        raise BadInput(
            f"{where}: samples.{sample_id} has no generation record (missing {', '.join(missing)}); "
            "only samples made by doc-check generate or the authoring app can be forged again"
        )
    ints = {k: x[k] for k in ("seed", "index", "dpi", "print_seed", "derivation") if k in x}
    bad = [k for k, v in ints.items() if not isinstance(v, int) or isinstance(v, bool)]
    channels = x.get("channels", list(CHANNELS))
    if (
        bad
        or x["document_type"] not in DOCUMENT_TYPES
        or x["capture"] not in CAPTURES
        or not isinstance(channels, list)
        or not channels
        or any(c not in CHANNELS for c in channels)
    ):
        what = ", ".join(bad) or "document_type, capture or channels"
        raise BadInput(f"{where}: samples.{sample_id}: broken generation record ({what})")
    text = {k: x.get(k) for k in ("forgery", "variant", "field", "derived_from", "wear")}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise BadInput(f"{where}: samples.{sample_id}: broken generation record (forgery, variant, field, wear)")
    nums = {k: v for k, v in ints.items() if isinstance(v, int)}  # all of them (checked above)
    return GenerationRecord(
        seed=nums["seed"],
        index=nums["index"],
        document_type=x["document_type"],
        capture=x["capture"],
        dpi=nums["dpi"],
        print_seed=nums["print_seed"],
        channels=tuple(channels),
        derivation=nums.get("derivation", 0),
        **text,  # type: ignore[arg-type]
    )


def render_recorded(record: GenerationRecord) -> tuple[dict[str, dict[str, np.ndarray]], Planted]:
    """Render and capture the document a record describes: side -> channel -> image, and what was planted.

    Exact (the same pixels) for derived samples and for generated genuine samples and traps; a generated fraud's
    forgery drew from the generator's stream and is not reproduced here.
    """
    rng = np.random.default_rng([record.seed, record.index, 1])
    doc = random_document(record.document_type, rng, expired=record.forgery == "expired" and not record.derivation)
    forgery_rng = np.random.default_rng([record.seed, record.index, 3, record.derivation])
    planted = apply_forgery(doc, record.forgery, record.variant, record.field, forgery_rng, seed=record.print_seed)
    if record.wear and planted.plan.wear is None:
        what = "a fold crease" if record.wear == "crease" else "a stain"
        planted = replace(
            planted,
            plan=replace(planted.plan, wear=record.wear),
            explanation=f"{planted.explanation} The document also shows honest wear ({what}).",
        )
    pages = render_document(planted.document, record.dpi, planted.plan)
    images = {
        side: capture_side(
            {c: chans[c] for c in record.channels},
            record.capture,
            np.random.default_rng([record.seed, record.index, 2, k]),
        )
        for k, (side, chans) in enumerate(pages.items())
    }
    return images, planted


def derived_id(seed: int, index: int, derivation: int) -> str:
    """The opaque id of the ``derivation``-th document derived from holder (seed, index)."""
    digest = hashlib.sha256(f"doc-check derived {seed} {index} {derivation}".encode()).digest()
    return base64.b32encode(digest).decode()[:6]


def _set_key(set_dir: Path) -> dict[str, KeyEntry]:
    if not set_dir.is_dir():
        raise BadInput(f"{set_dir}: sample set folder not found")
    path = set_dir / KEY_FILE
    if not path.is_file():
        raise BadInput(f"{path}: the set has no key.toml (its truth and generation records)")
    return load_key(path)


def why_not_source(sample_id: str, entry: KeyEntry | None, where: str | Path = KEY_FILE) -> str | None:
    """Why this sample cannot be forged again (None: it can)."""
    if entry is None:
        return f"{where}: no sample {sample_id!r} in the set's key"
    if entry.verdict != "genuine":
        return (
            f"{where}: samples.{sample_id} is {entry.verdict.replace('_', ' ')}, not genuine: only a genuine "
            "sample can be forged"
        )
    try:
        record = record_of(sample_id, entry, where)
    except BadInput as exc:
        return str(exc)
    if record.forgery in NOT_DERIVABLE_KINDS:
        return f"{where}: samples.{sample_id} is an expired document: pick a valid genuine sample"
    return None


def forgeable_samples(set_dir: str | Path) -> list[tuple[str, KeyEntry]]:
    """The samples of a set that can be forged again: genuine, valid, with a generation record and a folder."""
    set_dir = Path(set_dir)
    key = _set_key(set_dir)
    return [(sid, e) for sid, e in sorted(key.items()) if why_not_source(sid, e) is None and (set_dir / sid).is_dir()]


def _check_choice(choice: ForgeryChoice) -> None:
    kinds = [k for k in FORGERY_KINDS if k not in NOT_DERIVABLE_KINDS]
    if choice.kind not in kinds:
        raise BadInput(f"forgery {choice.kind!r}: choose from {', '.join(kinds)}")
    kind = FORGERY_KINDS[choice.kind]
    if choice.variant is not None and choice.variant not in kind.variants:
        raise BadInput(f"variant {choice.variant!r} of {choice.kind}: choose from {', '.join(kind.variants)}")
    if choice.difficulty is not None:
        if choice.difficulty not in DIFFICULTIES:
            raise BadInput(f"difficulty {choice.difficulty!r}: choose from {', '.join(DIFFICULTIES)}")
        fits = [v for v in kind.variants if kind.difficulty[v] == choice.difficulty]
        if not fits:
            raise BadInput(
                f"difficulty {choice.difficulty}: {choice.kind} has no such variant "
                f"({', '.join(f'{v} {d}' for v, d in kind.difficulty.items())})"
            )
        if choice.variant is not None and choice.variant not in fits:
            raise BadInput(
                f"variant {choice.variant} of {choice.kind} is {kind.difficulty[choice.variant]}, "
                f"not {choice.difficulty}"
            )
    if choice.field is not None:
        if not kind.fields:
            raise BadInput(f"field {choice.field!r}: only a data alteration alters a chosen field")
        if choice.field not in kind.fields:
            raise BadInput(f"field {choice.field!r}: choose from {', '.join(kind.fields)}")
    if choice.variant == "check_digit_stale" and choice.field is not None and choice.field not in CHECKED_FIELDS:
        raise BadInput(f"variant check_digit_stale alters only {', '.join(CHECKED_FIELDS)}, not {choice.field}")


def derive_sample(set_dir: str | Path, source_id: str, choice: ForgeryChoice) -> GeneratedSample:
    """The genuine sample ``source_id`` of a set, rendered again with a forgery: a new sample with a new opaque id
    and its truth (with the generation record), not yet written. BadInput for an unknown id, a sample that is not
    genuine (or expired), one without a generation record, or a choice the catalogue does not have."""
    set_dir = Path(set_dir)
    key = _set_key(set_dir)
    where = set_dir / KEY_FILE
    problem = why_not_source(source_id, key.get(source_id), where)
    if problem:
        raise BadInput(problem)
    if not (set_dir / source_id).is_dir():
        raise BadInput(f"{set_dir / source_id}: sample folder not found")
    source = record_of(source_id, key[source_id], where)
    _check_choice(choice)
    taken = set(key) | {p.name for p in set_dir.iterdir()}
    n = 1
    while derived_id(source.seed, source.index, n) in taken:
        n += 1
    wear = source.wear or (source.variant if source.forgery == "worn" else None)
    if choice.kind == "worn" and wear is not None:
        if choice.variant == wear:
            raise BadInput(f"sample {source_id} already shows that wear ({wear}): choose the other variant")
        choice = replace(choice, variant=choice.variant or next(v for v in FORGERY_KINDS["worn"].variants if v != wear))
    variant = choice.variant or _choose_variant(
        SampleSpec(source.document_type, choice.kind, None, choice.field, choice.difficulty),
        np.random.default_rng([source.seed, source.index, 3, n, 0]),
    )
    record = replace(
        source,
        forgery=choice.kind,
        variant=variant,
        field=choice.field,
        derived_from=source_id,
        derivation=n,
        wear=None if choice.kind == "worn" else wear,
    )
    # the forgery's own choices (a drawn field) are settled first, so the record renders the same document again
    doc = random_document(source.document_type, np.random.default_rng([source.seed, source.index, 1]))
    trial = apply_forgery(
        doc,
        choice.kind,
        variant,
        choice.field,
        np.random.default_rng([source.seed, source.index, 3, n]),
        seed=source.print_seed,
    )
    record = replace(record, field=trial.field)
    images, planted = render_recorded(record)
    sid = derived_id(source.seed, source.index, n)
    files = {side: {c: _file_name(side, c, "jpg") for c in record.channels} for side in images}
    meta = {
        "id": sid,
        "document_type": record.document_type,
        "sides": list(images),
        "channels": list(record.channels),
        "capture": record.capture,
        "dpi": record.dpi,
        "images": files,
    }
    extra: dict[str, object] = {
        "document_type": record.document_type,
        "capture": record.capture,
        "difficulty": planted.difficulty,
        "forgery": planted.forgery,
        "variant": planted.variant,
    }
    if planted.field:
        extra["field"] = planted.field
    extra.update(record.key_fields())
    truth = KeyEntry(planted.verdict, planted.indicators, planted.explanation, extra)
    spec = SampleSpec(
        record.document_type,
        choice.kind,
        variant,
        planted.field,
        choice.difficulty,
        record.capture,
        record.dpi,
        record.channels,
    )
    return GeneratedSample(sid, spec, images, meta, truth, files)


def add_sample(set_dir: str | Path, generated: GeneratedSample) -> Path:
    """Write a new sample into a set: its folder (atomic), then its entry in key.toml (atomic). Refuses an id the
    set already has; when the key cannot be written the new folder is removed again, so nothing is half-written."""
    set_dir = Path(set_dir)
    key_path = set_dir / KEY_FILE
    if key_path.is_file() and generated.id in load_key(key_path):
        raise BadInput(f"{key_path}: the set already has a sample {generated.id}")
    target = set_dir / generated.id
    if target.exists():
        raise BadInput(f"{target}: the set already has a sample folder of that id")
    write_sample(set_dir, generated, update_key=False)
    try:
        write_key(set_dir, {generated.id: generated.truth})
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def forge_existing(set_dir: str | Path, source_id: str, choice: ForgeryChoice) -> GeneratedSample:
    """Derive a forgery of a genuine sample and add it to the set (folder and key); returns what was written."""
    generated = derive_sample(set_dir, source_id, choice)
    add_sample(set_dir, generated)
    return generated
