"""Checking an exercise folder as a whole: exercise.toml, key.toml, every sample folder and reference specimen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from doc_check.errors import BadInput
from doc_check.exercise.load import load_exercise, load_exercise_key
from doc_check.exercise.model import Exercise, ExerciseKey
from doc_check.samples import KEY_FILE, load_key, load_sample, reference_folder


@dataclass(frozen=True)
class Validation:
    """What validating one exercise found: the loaded exercise and key, and warnings that do not fail it."""

    exercise: Exercise
    key: ExerciseKey | None
    document_types: tuple[str, ...]
    verdicts: tuple[str, ...]
    """Key verdict of each sample, in exercise order (empty without a key)."""
    warnings: tuple[str, ...]


def validate_exercise(
    path: str | Path, require_key: bool = True, sample_roots: Sequence[str | Path] | None = None
) -> Validation:
    """Load an exercise and its key and check every sample folder, channel and reference it needs; the key must
    agree with the sample set's own key.toml where there is one. Raises BadInput on the first problem."""
    ex = load_exercise(path, sample_roots)
    warnings: list[str] = []
    key_path = ex.folder / KEY_FILE
    key: ExerciseKey | None = None
    if key_path.is_file():
        key = load_exercise_key(key_path, ex)
    elif require_key:
        raise BadInput(f"{key_path}: file not found (an exercise needs its key; exam packs are checked with --no-key)")
    else:
        warnings.append(f"{ex.folder}: no {KEY_FILE} (exam pack)")
    doc_types: list[str] = []
    for i, s in enumerate(ex.samples):
        sample = load_sample(s.folder)
        if sample.id != s.id:
            raise BadInput(f"{s.folder / 'sample.toml'}: id {sample.id!r} differs from its folder name {s.id!r}")
        missing = [c for c in ex.channels if c not in sample.channels]
        if missing:
            raise BadInput(
                f"{ex.path}: samples[{i}]: sample {s.id!r} has no image under {', '.join(missing)}, "
                f"which the exercise allows"
            )
        doc_types.append(sample.document_type)
        if "reference" in ex.tools:
            ref = reference_folder(ex.sample_root, sample.document_type)
            if not (ref / "sample.toml").is_file():
                raise BadInput(f"{ex.path}: tools: 'reference' is allowed but {ref} has no reference specimen")
    set_key_path = ex.sample_root / KEY_FILE
    if key is not None and set_key_path.is_file():
        truth = load_key(set_key_path)
        for sid in ex.sample_ids:
            t = truth.get(sid)
            if t is None:
                raise BadInput(f"{set_key_path}: no entry for sample {sid!r} of {ex.path}")
            k = key[sid]
            if k.verdict != t.verdict or sorted(k.indicators) != sorted(t.indicators):
                raise BadInput(
                    f"{key.path}: samples.{sid}: verdict/indicators {k.verdict} {sorted(k.indicators)} "
                    f"disagree with the sample set's {set_key_path}: {t.verdict} {sorted(t.indicators)}"
                )
    if key is not None:
        if all(key[s].verdict != "genuine" for s in ex.sample_ids):
            warnings.append(f"{key.path}: no genuine document in the round (false alarms are not measured)")
        for sid in ex.sample_ids:
            if not key[sid].explanation.strip():
                warnings.append(f"{key.path}: samples.{sid}: no explanation (trainees get no feedback text)")
    verdicts = tuple(key[s].verdict for s in ex.sample_ids) if key is not None else ()
    return Validation(ex, key, tuple(doc_types), verdicts, tuple(warnings))
