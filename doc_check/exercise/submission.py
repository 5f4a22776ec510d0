"""Submissions as JSON: writing them (atomically) and reading them back with file/line/field errors."""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from doc_check.errors import BadInput
from doc_check.exercise.fastpath import fast_build, paused_gc
from doc_check.exercise.load import ID_RE
from doc_check.exercise.model import SUBMISSION_FORMAT, Answer, Exercise, Submission
from doc_check.exercise.textpos import text_line, where
from doc_check.indicators import VERDICTS, is_known

MAX_SUBMISSION_BYTES = 2_000_000
"""Submission files larger than this are refused."""

_VERDICT_SET = frozenset(VERDICTS)
_KNOWN: dict[str, bool] = {}
"""Memo of indicators.is_known (prefix ids need a scan of the registry)."""

_TOP_FIELDS = {
    "format",
    "exercise_id",
    "exercise_version",
    "exercise_sha256",
    "participant",
    "started",
    "submitted",
    "answers",
}
_ANSWER_FIELDS = {"sample_id", "verdict", "indicators", "confidence", "seconds", "note"}


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_submission(exercise: Exercise, participant: str, started: str | None = None) -> Submission:
    """An empty submission of ``participant`` for ``exercise`` (no answers yet, not yet submitted)."""
    if not ID_RE.match(participant):
        raise BadInput(f"participant code {participant!r}: letters, digits, '.', '_', '-' only (at most 64)")
    return Submission(exercise.id, exercise.version, exercise.sha256, participant, started or now_iso(), "", ())


def submission_to_dict(sub: Submission) -> dict[str, Any]:
    """The JSON-ready dict of a submission."""
    return {
        "format": SUBMISSION_FORMAT,
        "exercise_id": sub.exercise_id,
        "exercise_version": sub.exercise_version,
        "exercise_sha256": sub.exercise_sha256,
        "participant": sub.participant,
        "started": sub.started,
        "submitted": sub.submitted,
        "answers": [
            {
                "sample_id": a.sample_id,
                "verdict": a.verdict,
                "indicators": list(a.indicators),
                "confidence": a.confidence,
                "seconds": a.seconds,
                "note": a.note,
            }
            for a in sub.answers
        ],
    }


def submission_to_json(sub: Submission) -> str:
    """A submission as pretty-printed JSON text (one answer field per line, editable by hand)."""
    return json.dumps(submission_to_dict(sub), indent=2, ensure_ascii=False) + "\n"


def write_submission(path: str | Path, sub: Submission) -> Path:
    """Write a submission file atomically (temp file + rename): never a half-written file."""
    path = Path(path)
    atomic_write_text(path, submission_to_json(sub))
    return path


def atomic_write_text(path: Path, text: str) -> None:
    """Write text to ``path`` via a temporary file in the same folder and os.replace."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` via a temporary file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).chmod(0o666 & ~_umask())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _umask() -> int:
    """The process umask (mkstemp creates 0600 files; written reports get the usual permissions)."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


_UMASK: int | None = None


def load_submission(path: str | Path) -> Submission:
    """Read and check a submission file: types, ranges, verdicts, indicator ids, duplicated answers."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise BadInput(f"{path}: file not found") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: not a file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"{path}: not a file")
        if st.st_size > MAX_SUBMISSION_BYTES:
            raise BadInput(f"{path}: file too large ({st.st_size} bytes, at most {MAX_SUBMISSION_BYTES})")
        raw = os.read(fd, MAX_SUBMISSION_BYTES + 1)
        while len(raw) < st.st_size:  # short reads (large files on some file systems)
            more = os.read(fd, MAX_SUBMISSION_BYTES + 1 - len(raw))
            if not more:
                break
            raw += more
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_submission(text, path)


def load_submissions(
    paths: Sequence[str | Path], progress: Callable[[int, int], None] | None = None
) -> list[Submission]:
    """Read many submission files (garbage collector paused), calling ``progress(done, total)`` as it goes."""
    out: list[Submission] = []
    n = len(paths)
    step = max(1, n // 100)
    with paused_gc():
        for i, p in enumerate(paths, 1):
            out.append(load_submission(p))
            if progress and (i % step == 0 or i == n):
                progress(i, n)
    return out


def parse_submission(text: str, source: str | Path = "<submission>") -> Submission:
    """Parse submission JSON text; errors name ``source``, the line and the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{source}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise BadInput(f"{source}: invalid JSON: nested too deeply") from None

    def err(field_path: str, problem: str, needle: str | None = None) -> BadInput:
        line = text_line(text, needle) if needle else None
        if line is None:
            name = field_path.rsplit(".", 1)[-1].split("[")[0]
            line = text_line(text, f'"{name}"')
        return BadInput(f"{where(source, line, field_path)}: {problem}")

    if not isinstance(data, dict):
        raise BadInput(f"{source}: a submission must be a JSON object")
    fmt = data.get("format", SUBMISSION_FORMAT)
    if fmt != SUBMISSION_FORMAT:
        raise err("format", f"unsupported format {fmt!r} (expected {SUBMISSION_FORMAT!r})")
    for name in data:
        if name not in _TOP_FIELDS:
            raise err(name, "unknown field")
    for name in ("exercise_id", "exercise_version", "exercise_sha256", "participant", "answers"):
        if name not in data:
            raise BadInput(f"{source}: {name}: missing required field")
    strings: dict[str, str] = {}
    for name in ("exercise_id", "exercise_version", "exercise_sha256", "participant", "started", "submitted"):
        value = data.get(name, "")
        if name == "exercise_version" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise err(name, f"must be a string, not {type(value).__name__}")
        strings[name] = value
    if not ID_RE.match(strings["participant"]):
        raise err("participant", f"{strings['participant']!r} is not a valid participant code")
    for name in ("started", "submitted"):
        if strings[name]:
            try:
                datetime.fromisoformat(strings[name])
            except ValueError:
                raise err(name, f"{strings[name]!r} is not an ISO 8601 time") from None

    raw_answers = data["answers"]
    if not isinstance(raw_answers, list):
        raise err("answers", "must be a list of answers")
    answers: list[Answer] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw_answers):
        if not isinstance(item, dict):
            raise err(f"answers[{i}]", "must be an object")
        sid = item.get("sample_id")
        if not isinstance(sid, str) or not sid:
            raise err(f"answers[{i}].sample_id", "missing or not a string")
        if sid in seen:
            # find the second occurrence for the line number
            anchor = f'"{sid}"'
            first = text.find(anchor)
            pos = text.find(anchor, first + 1)
            line = text.count("\n", 0, pos) + 1 if pos >= 0 else None
            raise BadInput(
                f"{where(source, line, f'answers[{i}].sample_id')}: duplicated answer for sample "
                f"{sid!r} (also answers[{seen[sid]}])"
            )
        seen[sid] = i
        if not _ANSWER_FIELDS.issuperset(item):
            name = next(n for n in item if n not in _ANSWER_FIELDS)
            raise err(f"answers[{i}].{name}", "unknown field", f'"{sid}"')
        verdict = item.get("verdict")
        if verdict is not None and verdict not in _VERDICT_SET:
            raise err(
                f"answers[{i}].verdict", f"unknown verdict {verdict!r} (known: {', '.join(VERDICTS)})", f'"{sid}"'
            )
        indicators = item.get("indicators", [])
        if not isinstance(indicators, list) or not all(isinstance(x, str) for x in indicators):
            raise err(f"answers[{i}].indicators", "must be a list of strings", f'"{sid}"')
        for ind in indicators:
            known = _KNOWN.get(ind)
            if known is None:
                known = is_known(ind)
                if len(_KNOWN) < 10_000:
                    _KNOWN[ind] = known
            if not known:
                raise err(f"answers[{i}].indicators", f"unknown indicator id {ind!r}", f'"{sid}"')
        confidence = item.get("confidence")
        if confidence is not None and not (type(confidence) is int and 0 <= confidence <= 100):
            if (
                isinstance(confidence, bool)
                or not isinstance(confidence, (int, float))
                or not (math.isfinite(confidence) and 0 <= confidence <= 100 and confidence == int(confidence))
            ):
                raise err(
                    f"answers[{i}].confidence", f"must be a whole number 0-100 or null, not {confidence!r}", f'"{sid}"'
                )
            confidence = int(confidence)
        seconds = item.get("seconds", 0)
        if not (type(seconds) is float and 0.0 <= seconds < math.inf):
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, (int, float))
                or not (math.isfinite(seconds) and seconds >= 0)
            ):
                raise err(f"answers[{i}].seconds", f"must be a number of seconds >= 0, not {seconds!r}", f'"{sid}"')
            seconds = float(seconds)
        note = item.get("note", "")
        if type(note) is not str:
            raise err(f"answers[{i}].note", "must be a string", f'"{sid}"')
        answers.append(
            fast_build(
                Answer,
                sample_id=sid,
                verdict=verdict,
                indicators=tuple(dict.fromkeys(indicators)) if indicators else (),
                confidence=confidence,
                seconds=seconds,
                note=note,
            )
        )
    return Submission(
        exercise_id=strings["exercise_id"],
        exercise_version=strings["exercise_version"],
        exercise_sha256=strings["exercise_sha256"],
        participant=strings["participant"],
        started=strings["started"],
        submitted=strings["submitted"],
        answers=tuple(answers),
        source=Path(source) if not isinstance(source, Path) else source,
    )


def check_submission(exercise: Exercise, sub: Submission) -> None:
    """Raise BadInput unless the submission is for this exact exercise file and answers only its samples."""
    src = sub.source or "<submission>"
    if sub.exercise_id != exercise.id:
        raise BadInput(f"{src}: exercise_id: submission is for exercise {sub.exercise_id!r}, not {exercise.id!r}")
    if sub.exercise_version != exercise.version:
        raise BadInput(
            f"{src}: exercise_version: submission is for version {sub.exercise_version!r} of {exercise.id!r}, "
            f"but {exercise.path} is version {exercise.version!r}"
        )
    if sub.exercise_sha256 != exercise.sha256:
        raise BadInput(
            f"{src}: exercise_sha256: submission was made on a different exercise file "
            f"(hash {sub.exercise_sha256[:12] or 'missing'}..., {exercise.path} has {exercise.sha256[:12]}...)"
        )
    known = set(exercise.sample_ids)
    for i, a in enumerate(sub.answers):
        if a.sample_id not in known:
            raise BadInput(
                f"{src}: answers[{i}].sample_id: unknown sample id {a.sample_id!r} (not in exercise {exercise.id!r})"
            )
