"""Reading exercise.toml and key.toml: every error names the file, the line (where found) and the field."""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from doc_check.errors import BadInput
from doc_check.exercise.model import TOOLS, Exercise, ExerciseKey, ExerciseSample, ScoringPolicy
from doc_check.exercise.textpos import text_line, toml_line, where
from doc_check.indicators import VERDICTS, is_known
from doc_check.samples import CHANNELS, KEY_FILE, REFERENCES_DIR, SAMPLE_FILE, KeyEntry

EXERCISE_FILE = "exercise.toml"
MAX_FILE_BYTES = 5_000_000
"""Exercise and key files larger than this are refused (hand-written files are a few kB)."""
SAMPLE_ROOTS_ENV = "DOC_CHECK_SAMPLE_ROOTS"
"""Extra allowed sample roots, separated by os.pathsep."""

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""Exercise ids, sample ids and participant codes: safe as file names."""

_EXERCISE_FIELDS = {
    "id",
    "title",
    "version",
    "briefing",
    "sample_root",
    "samples",
    "channels",
    "tools",
    "time_limit_sample",
    "time_limit_total",
    "policy",
}
_REQUIRED = ("id", "title", "version", "sample_root", "samples")


class _Doc:
    """A parsed TOML file with its text, to locate fields for error messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise BadInput(f"{path}: file not found") from None
        except OSError as exc:
            raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
        if not path.is_file():
            raise BadInput(f"{path}: not a file")
        if size > MAX_FILE_BYTES:
            raise BadInput(f"{path}: file too large ({size} bytes, at most {MAX_FILE_BYTES})")
        try:
            self.raw = path.read_bytes()
            self.text = self.raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(f"{path}: invalid TOML: {exc}") from None
        except RecursionError:
            raise BadInput(f"{path}: invalid TOML: nested too deeply") from None

    def error(self, field_path: str, problem: str, needle: str | None = None) -> BadInput:
        """A BadInput naming file, line and field."""
        line = text_line(self.text, needle) if needle else None
        if line is None:
            line = toml_line(self.text, field_path)
        return BadInput(f"{where(self.path, line, field_path)}: {problem}")


def _str(doc: _Doc, data: dict[str, Any], name: str, prefix: str = "", allow_empty: bool = False) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise doc.error(prefix + name, f"must be a string, not {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise doc.error(prefix + name, "must not be empty")
    return value


def _str_list(doc: _Doc, data: dict[str, Any], name: str) -> list[str]:
    value = data[name]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise doc.error(name, "must be a list of strings")
    return value


def _seconds(doc: _Doc, data: dict[str, Any], name: str) -> int | None:
    if name not in data:
        return None
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise doc.error(name, f"must be a positive whole number of seconds, not {value!r}")
    return value


def _policy(doc: _Doc, table: object) -> ScoringPolicy:
    if table is None:
        return ScoringPolicy()
    if not isinstance(table, dict):
        raise doc.error("policy", "must be a table [policy]")
    known = {f.name: f for f in fields(ScoringPolicy)}
    defaults = ScoringPolicy()
    values: dict[str, object] = {}
    for name, value in table.items():
        if name not in known:
            raise doc.error(f"policy.{name}", f"unknown policy field (known: {', '.join(known)})")
        default = getattr(defaults, name)
        path = f"policy.{name}"
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise doc.error(path, f"must be true or false, not {value!r}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise doc.error(path, f"must be a number, not {value!r}")
        values[name] = value
    policy = ScoringPolicy(**values)  # type: ignore[arg-type]
    checks = [
        ("points_per_sample", policy.points_per_sample > 0, "must be > 0"),
        ("verdict_weight", 0 <= policy.verdict_weight <= 1, "must be between 0 and 1"),
        ("correct", policy.correct > 0, "must be > 0"),
        ("wrong_class", policy.wrong_class <= policy.correct, "must not exceed 'correct'"),
        ("false_alarm", policy.false_alarm <= policy.correct, "must not exceed 'correct'"),
        ("accepted_fraud", policy.accepted_fraud <= policy.correct, "must not exceed 'correct'"),
        ("unanswered", policy.unanswered <= policy.correct, "must not exceed 'correct'"),
        ("parent_credit", 0 <= policy.parent_credit <= 1, "must be between 0 and 1"),
        ("overtime_penalty", 0 <= policy.overtime_penalty <= 1, "must be between 0 and 1"),
        ("confident_threshold", 0 <= policy.confident_threshold <= 100, "must be between 0 and 100"),
        ("confident_wrong_penalty", 0 <= policy.confident_wrong_penalty <= 1, "must be between 0 and 1"),
        ("pass_mark", 0 <= policy.pass_mark <= 100, "must be a percentage between 0 and 100"),
    ]
    for name, ok, problem in checks:
        if not ok:
            raise doc.error(f"policy.{name}", f"{problem} (got {getattr(policy, name)!r})")
    return policy


def default_sample_roots(exercise_folder: Path) -> list[Path]:
    """Where an exercise's samples may live: the project's `samples/` (project = the folder holding
    `exercises/`), the exercise folder itself (exam packs), and any root named in $DOC_CHECK_SAMPLE_ROOTS."""
    folder = exercise_folder.resolve()
    roots = [(folder.parent.parent / "samples").resolve(), folder]
    extra = os.environ.get(SAMPLE_ROOTS_ENV, "")
    roots.extend(Path(p).resolve() for p in extra.split(os.pathsep) if p.strip())
    return roots


def _exercise_file(path: str | Path) -> Path:
    path = Path(path)
    return path / EXERCISE_FILE if path.is_dir() else path


def load_exercise(path: str | Path, sample_roots: Sequence[str | Path] | None = None) -> Exercise:
    """Read an exercise (its folder or its exercise.toml), checking every field and that its samples exist."""
    file = _exercise_file(path)
    doc = _Doc(file)
    data = doc.data
    for name in data:
        if name not in _EXERCISE_FIELDS:
            raise doc.error(name, f"unknown field (known: {', '.join(sorted(_EXERCISE_FIELDS))})")
    for name in _REQUIRED:
        if name not in data:
            raise BadInput(f"{file}: {name}: missing required field")
    ex_id = _str(doc, data, "id")
    if not ID_RE.match(ex_id):
        raise doc.error("id", f"{ex_id!r} is not a valid id (letters, digits, '.', '_', '-'; at most 64)")
    title = _str(doc, data, "title")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, (str, int)) or not str(version).strip():
        raise doc.error("version", f"must be a string or a whole number, not {version!r}")
    version = str(version)
    briefing = _str(doc, data, "briefing", allow_empty=True) if "briefing" in data else ""

    # Sample root: relative to the exercise folder, inside one of the allowed roots.
    root_text = _str(doc, data, "sample_root")
    if Path(root_text).is_absolute():
        raise doc.error("sample_root", f"{root_text!r} must be a path relative to the exercise folder")
    folder = file.parent
    sample_root = (folder / root_text).resolve()
    allowed = [Path(r).resolve() for r in sample_roots] if sample_roots is not None else default_sample_roots(folder)
    if not any(sample_root.is_relative_to(r) for r in allowed):
        raise doc.error(
            "sample_root",
            f"{root_text!r} resolves to {sample_root}, outside the allowed sample roots "
            f"({', '.join(str(r) for r in allowed)})",
        )
    if not sample_root.is_dir():
        raise doc.error("sample_root", f"{root_text!r}: folder {sample_root} not found")

    ids = _str_list(doc, data, "samples")
    if not ids:
        raise doc.error("samples", "must list at least one sample id")
    seen: set[str] = set()
    samples: list[ExerciseSample] = []
    for i, sid in enumerate(ids):
        needle = f'"{sid}"'
        if not ID_RE.match(sid):
            raise doc.error(f"samples[{i}]", f"{sid!r} is not a valid sample id", needle)
        if sid in seen:
            raise doc.error(f"samples[{i}]", f"sample {sid!r} listed twice", needle)
        seen.add(sid)
        sample_folder = sample_root / sid
        if not (sample_folder / SAMPLE_FILE).is_file():
            raise doc.error(
                f"samples[{i}]", f"unknown sample id {sid!r}: no {sid}/{SAMPLE_FILE} in {sample_root}", needle
            )
        if not sample_folder.resolve().is_relative_to(sample_root):
            raise doc.error(
                f"samples[{i}]",
                f"sample folder {sid!r} is a link to {sample_folder.resolve()}, outside the sample root {sample_root}"
                " (refused)",
                needle,
            )
        samples.append(ExerciseSample(sid, sample_folder))

    channels = _str_list(doc, data, "channels") if "channels" in data else list(CHANNELS)
    for c in channels:
        if c not in CHANNELS:
            raise doc.error("channels", f"unknown channel {c!r} (known: {', '.join(CHANNELS)})")
    if not channels:
        raise doc.error("channels", "must allow at least one channel")
    if len(set(channels)) != len(channels):
        raise doc.error("channels", "lists a channel twice")
    tools = _str_list(doc, data, "tools") if "tools" in data else []
    for t in tools:
        if t not in TOOLS:
            raise doc.error("tools", f"unknown tool {t!r} (known: {', '.join(TOOLS)})")

    return Exercise(
        id=ex_id,
        title=title,
        version=version,
        briefing=briefing,
        samples=tuple(samples),
        channels=tuple(c for c in CHANNELS if c in channels),
        tools=frozenset(tools),
        time_limit_sample=_seconds(doc, data, "time_limit_sample"),
        time_limit_total=_seconds(doc, data, "time_limit_total"),
        policy=_policy(doc, data.get("policy")),
        path=file,
        sha256=hashlib.sha256(doc.raw).hexdigest(),
        sample_root=sample_root,
        reference_root=sample_root / REFERENCES_DIR,
    )


def load_exercise_key(path: str | Path, exercise: Exercise | None = None) -> ExerciseKey:
    """Read an exercise's key.toml (or the key.toml of a folder); with ``exercise``, check it covers exactly
    the exercise's samples."""
    path = Path(path)
    if path.is_dir():
        path = path / KEY_FILE
    doc = _Doc(path)
    table = doc.data.get("samples")
    if not isinstance(table, dict):
        raise BadInput(f"{path}: samples: missing table [samples.<id>]")
    entries: dict[str, KeyEntry] = {}
    for sid, entry in table.items():
        base = f"samples.{sid}"
        if not isinstance(entry, dict):
            raise doc.error(base, "must be a table")
        if "verdict" not in entry:
            raise doc.error(base, "missing field 'verdict'")
        verdict = entry["verdict"]
        if verdict not in VERDICTS:
            raise doc.error(f"{base}.verdict", f"unknown verdict {verdict!r} (known: {', '.join(VERDICTS)})")
        indicators = entry.get("indicators", [])
        if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
            raise doc.error(f"{base}.indicators", "must be a list of strings")
        for ind in indicators:
            if not is_known(ind):
                raise doc.error(f"{base}.indicators", f"unknown indicator id {ind!r}", f'"{ind}"')
        if len(set(indicators)) != len(indicators):
            raise doc.error(f"{base}.indicators", "lists an indicator twice")
        explanation = entry.get("explanation", "")
        if not isinstance(explanation, str):
            raise doc.error(f"{base}.explanation", "must be a string")
        extra = {k: v for k, v in entry.items() if k not in {"verdict", "indicators", "explanation"}}
        entries[str(sid)] = KeyEntry(verdict, tuple(indicators), explanation, extra)
    key = ExerciseKey(path, entries)
    if exercise is not None:
        check_key(exercise, key)
    return key


def check_key(exercise: Exercise, key: ExerciseKey) -> None:
    """Raise BadInput unless the key has an entry for every sample of the exercise and no other."""
    missing = [s for s in exercise.sample_ids if s not in key]
    if missing:
        raise BadInput(f"{key.path}: samples: no key entry for sample(s) {', '.join(missing)} of {exercise.path}")
    extra = [s for s in key if s not in set(exercise.sample_ids)]
    if extra:
        try:
            line = toml_line(key.path.read_text(encoding="utf-8"), f"samples.{extra[0]}")
        except (OSError, UnicodeDecodeError):
            line = None
        raise BadInput(
            f"{where(key.path, line, f'samples.{extra[0]}')}: key entries for sample(s) "
            f"{', '.join(extra)} not in {exercise.path}"
        )
