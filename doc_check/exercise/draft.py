"""Exercises as the authoring app builds them: a draft written out as exercise.toml and key.toml (the same files
a hand-written exercise has), checked by the loaders before anything replaces the old files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType

import tomli_w

from doc_check.errors import BadInput
from doc_check.exercise.load import EXERCISE_FILE, ID_RE, load_exercise, load_exercise_key
from doc_check.exercise.model import TOOLS, Exercise, ExerciseKey, ScoringPolicy
from doc_check.samples import CHANNELS, KEY_FILE, KeyEntry, load_key, sample_folders


@dataclass(frozen=True)
class ExerciseDraft:
    """Everything an exercise file and its key hold, before they are written."""

    id: str
    title: str
    version: str = "1"
    briefing: str = ""
    samples: tuple[str, ...] = ()
    """Sample ids in exercise order."""
    channels: tuple[str, ...] = CHANNELS
    tools: tuple[str, ...] = ()
    time_limit_sample: int | None = None
    time_limit_total: int | None = None
    policy: ScoringPolicy = field(default_factory=ScoringPolicy)
    key: Mapping[str, KeyEntry] = field(default_factory=dict)
    """Sample id -> verdict, indicators, explanation shown as feedback, extra fields."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", MappingProxyType(dict(self.key)))

    def with_samples(self, samples: tuple[str, ...], set_key: Mapping[str, KeyEntry]) -> ExerciseDraft:
        """A copy with these samples, taking each new sample's key entry from the sample set's key."""
        key = {}
        for sid in samples:
            entry = self.key.get(sid) or set_key.get(sid)
            if entry is None:
                raise BadInput(f"sample {sid}: no entry in the sample set's key.toml (its truth is unknown)")
            key[sid] = entry
        return replace(self, samples=tuple(samples), key=key)

    def with_explanation(self, sample_id: str, text: str) -> ExerciseDraft:
        """A copy with another feedback explanation for one sample."""
        key = dict(self.key)
        key[sample_id] = replace(key[sample_id], explanation=text)
        return replace(self, key=key)


def policy_changes(policy: ScoringPolicy) -> dict[str, float | bool]:
    """The policy fields that differ from the defaults (what ``[policy]`` needs to say)."""
    default = ScoringPolicy()
    return {
        f.name: getattr(policy, f.name)
        for f in fields(ScoringPolicy)
        if getattr(policy, f.name) != getattr(default, f.name)
    }


def exercise_toml(draft: ExerciseDraft, sample_root: str) -> str:
    """The exercise.toml text of a draft; ``sample_root`` is relative to the exercise folder."""
    data: dict[str, object] = {
        "id": draft.id,
        "title": draft.title,
        "version": draft.version,
        "briefing": draft.briefing,
        "sample_root": sample_root,
        "samples": list(draft.samples),
        "channels": [c for c in CHANNELS if c in draft.channels],
        "tools": [t for t in TOOLS if t in draft.tools],
    }
    if draft.time_limit_sample is not None:
        data["time_limit_sample"] = draft.time_limit_sample
    if draft.time_limit_total is not None:
        data["time_limit_total"] = draft.time_limit_total
    changes = policy_changes(draft.policy)
    if changes:
        data["policy"] = changes
    return tomli_w.dumps(data, multiline_strings=True)


def key_toml(draft: ExerciseDraft) -> str:
    """The key.toml text of a draft (samples in exercise order)."""
    table = {}
    for sid in draft.samples:
        e = draft.key[sid]
        entry: dict[str, object] = {
            "verdict": e.verdict,
            "indicators": list(e.indicators),
            "explanation": e.explanation,
        }
        entry.update({k: v for k, v in e.extra.items() if v is not None})
        table[sid] = entry
    return tomli_w.dumps({"samples": table}, multiline_strings=True)


def save_exercise(draft: ExerciseDraft, folder: str | Path, sample_root: str | Path) -> tuple[Exercise, ExerciseKey]:
    """Write a draft as ``folder``/exercise.toml and key.toml. Both are first written to a temporary sibling
    folder and loaded back with `load_exercise` and `load_exercise_key`; only then replace the old files, so a
    bad draft raises BadInput and leaves the folder as it was."""
    if not ID_RE.match(draft.id):
        raise BadInput(f"exercise id {draft.id!r}: letters, digits, '.', '_', '-' only (at most 64)")
    if not draft.title.strip():
        raise BadInput("exercise title: must not be empty")
    if not draft.samples:
        raise BadInput(f"exercise {draft.id}: pick at least one sample")
    missing = [s for s in draft.samples if s not in draft.key]
    if missing:
        raise BadInput(f"exercise {draft.id}: no key entry for {', '.join(missing)}")
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    rel = Path(os.path.relpath(Path(sample_root).resolve(), folder.resolve())).as_posix()
    stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        (stage / EXERCISE_FILE).write_text(exercise_toml(draft, rel), encoding="utf-8")
        (stage / KEY_FILE).write_text(key_toml(draft), encoding="utf-8")
        staged = load_exercise(stage)
        load_exercise_key(stage / KEY_FILE, staged)
        folder.mkdir(exist_ok=True)
        for name in (KEY_FILE, EXERCISE_FILE):
            (stage / name).replace(folder / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    exercise = load_exercise(folder)
    return exercise, load_exercise_key(folder / KEY_FILE, exercise)


def draft_from_exercise(exercise: Exercise, key: ExerciseKey | None) -> ExerciseDraft:
    """A draft holding an existing exercise (to edit it in the authoring app)."""
    return ExerciseDraft(
        id=exercise.id,
        title=exercise.title,
        version=exercise.version,
        briefing=exercise.briefing,
        samples=exercise.sample_ids,
        channels=exercise.channels,
        tools=tuple(t for t in TOOLS if t in exercise.tools),
        time_limit_sample=exercise.time_limit_sample,
        time_limit_total=exercise.time_limit_total,
        policy=exercise.policy,
        key=dict(key.entries) if key is not None else {},
    )


@dataclass(frozen=True)
class LibraryEntry:
    """One sample of a sample set as the authoring app lists it: public metadata and, if known, its truth."""

    id: str
    folder: Path
    truth: KeyEntry | None


def library(set_dir: str | Path) -> list[LibraryEntry]:
    """The samples of a set folder with their truth from the set's key.toml (None when it has no entry)."""
    set_dir = Path(set_dir)
    if not set_dir.is_dir():
        raise BadInput(f"{set_dir}: sample set folder not found")
    key = load_key(set_dir / KEY_FILE) if (set_dir / KEY_FILE).is_file() else {}
    return [LibraryEntry(p.name, p, key.get(p.name)) for p in sample_folders(set_dir)]


def free_sample_index(set_dir: str | Path, seed: int, start: int = 0) -> int:
    """The first generator index from ``start`` whose opaque sample id is neither a folder of the set nor an entry
    of its key.toml."""
    from doc_check.specimen.sampleset import sample_id

    set_dir = Path(set_dir)
    in_key = set(load_key(set_dir / KEY_FILE)) if (set_dir / KEY_FILE).is_file() else set()
    index = start
    while (set_dir / sample_id(seed, index)).exists() or sample_id(seed, index) in in_key:
        index += 1
    return index
