"""Sealed exam packs: one zip with an exercise, its samples and references, a SHA-256 manifest, and no key."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import IO, TypeGuard

from doc_check import __version__
from doc_check.atomic import atomic_write_bytes
from doc_check.errors import BadInput
from doc_check.exercise.load import EXERCISE_FILE, load_exercise, load_exercise_key
from doc_check.exercise.model import Exercise
from doc_check.indicators import VERDICTS
from doc_check.indicators import ids as indicator_ids
from doc_check.samples import KEY_FILE, SAMPLE_FILE, load_sample

PACK_FORMAT = "doc-check-pack/1"
"""The ``format`` tag of a pack's manifest."""
MANIFEST_FILE = "manifest.json"
"""The manifest's name at the top of the archive."""
MAX_MEMBERS = 20_000
"""Archives with more entries than this are refused."""
MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""Largest single file a pack may hold (uncompressed)."""
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
"""Largest total a pack may unpack to."""
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_TEXT_SUFFIXES = {".toml", ".json", ".txt", ".md", ".csv", ".xml", ".html"}
_SECRET_PARTS = {KEY_FILE}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PackFile:
    """One file of a pack: its path inside the archive, size and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PackManifest:
    """What a pack holds: the exercise it seals (id, version, exercise.toml hash and place) and every file's hash."""

    exercise_id: str
    exercise_version: str
    exercise_sha256: str
    exercise_file: str
    """Path of exercise.toml inside the archive."""
    files: Mapping[str, PackFile]
    created_by: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", MappingProxyType(dict(self.files)))

    @property
    def total_bytes(self) -> int:
        """Sum of the files' sizes."""
        return sum(f.size for f in self.files.values())


@dataclass(frozen=True)
class OpenedPack:
    """A pack unpacked and verified into a folder, with its exercise loaded from there."""

    pack: Path
    root: Path
    manifest: PackManifest
    exercise: Exercise
    sha256: str
    """SHA-256 of the whole pack file."""


# -- building ------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _common_root(paths: Iterable[Path]) -> Path:
    return Path(os.path.commonpath([str(p) for p in paths]))


def _sample_files(folder: Path) -> list[Path]:
    """The public files of a sample folder: sample.toml and the images it lists (nothing else is packed)."""
    sample = load_sample(folder)
    files = [folder / SAMPLE_FILE]
    for name in sorted(set(sample.images.values())):
        files.append((folder / name).resolve())
    return files


def pack_secrets(exercise: Exercise, key_path: str | Path | None = None) -> tuple[str, ...]:
    """The words a pack of this exercise must not contain: every verdict, every indicator id, and the forgery
    kinds the key names (from ``key_path``, else the exercise folder's key.toml if present)."""
    words = set(VERDICTS) | set(indicator_ids())
    key_file = Path(key_path) if key_path is not None else exercise.folder / KEY_FILE
    if key_file.is_file():
        key = load_exercise_key(key_file)
        for entry in key.entries.values():
            words.update(entry.indicators)
            value = entry.extra.get("forgery")  # the kind (variants are common words: "clean", "offset")
            if isinstance(value, str) and len(value) >= 6:
                words.add(value)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def find_leaks(name: str, data: bytes, secrets: Iterable[str]) -> list[str]:
    """The secret words found in a file's name or bytes (case-insensitive in names and text files)."""
    text_like = PurePosixPath(name).suffix.lower() in _TEXT_SUFFIXES
    low_name = name.lower()
    hay = data.lower() if text_like else data
    found = []
    for word in secrets:
        w = word.lower()
        if w in low_name or w.encode() in hay:
            found.append(word)
    return found


def build_pack(
    exercise_path: str | Path,
    out: str | Path,
    key_path: str | Path | None = None,
    progress: Progress | None = None,
) -> OpenedPack:
    """Seal an exercise into a zip at ``out``: exercise.toml (byte for byte), its samples' public files and the
    reference specimens of their document types, with a SHA-256 manifest; no key. Refuses a pack whose sample or
    reference files would name a verdict, an indicator id or the key's forgery kinds (file and folder names,
    text, image bytes), or whose exercise.toml names an indicator id."""
    exercise = load_exercise(exercise_path)
    secrets = pack_secrets(exercise, key_path)
    sources: list[Path] = [exercise.path.resolve()]
    doc_types: list[str] = []
    for s in exercise.samples:
        sources.extend(_sample_files(s.folder.resolve()))
        doc_types.append(load_sample(s.folder).document_type)
    for doc_type in sorted(set(doc_types)):
        ref = exercise.reference_root / doc_type
        if (ref / SAMPLE_FILE).is_file():
            sources.extend(_sample_files(ref.resolve()))
    root = _common_root([p.parent for p in sources])
    seen: set[str] = set()
    members: list[tuple[str, Path]] = []
    for p in sources:
        rel = p.relative_to(root).as_posix()
        if rel in seen:
            continue
        seen.add(rel)
        if PurePosixPath(rel).name in _SECRET_PARTS:
            raise BadInput(f"{p}: a key file cannot go into a pack")
        members.append((rel, p))

    out = Path(out)
    buf = io.BytesIO()
    files: dict[str, PackFile] = {}
    total = len(members)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for done, (rel, p) in enumerate(members, 1):
            try:
                data = p.read_bytes()
            except OSError as exc:
                raise BadInput(f"{p}: cannot read: {exc.strerror}") from None
            if p == exercise.path.resolve():
                # The briefing is public text the trainee reads anyway: verdict words there ("genuine, or which
                # kind of fraud") tie no truth to a sample, but the answer vocabulary (indicator ids) may not appear.
                leaks = find_leaks(rel, data, indicator_ids())
            else:
                leaks = find_leaks(rel, data, secrets)
            if leaks:
                raise BadInput(
                    f"{p}: would reveal the truth in the pack: mentions {', '.join(map(repr, leaks[:3]))}"
                    " (sample files must not name verdicts, indicator ids or forgery kinds; the exercise"
                    " text must not name indicator ids)"
                )
            files[rel] = PackFile(rel, len(data), hashlib.sha256(data).hexdigest())
            _write_member(zf, rel, data)
            if progress:
                progress(done, total + 1)
        ex_rel = exercise.path.resolve().relative_to(root).as_posix()
        manifest = PackManifest(
            exercise.id, exercise.version, exercise.sha256, ex_rel, files, f"doc-check {__version__}"
        )
        _write_member(zf, MANIFEST_FILE, manifest_to_json(manifest).encode("utf-8"))
    blob = buf.getvalue()
    atomic_write_bytes(out, blob)
    if progress:
        progress(total + 1, total + 1)
    return OpenedPack(out, root, manifest, exercise, hashlib.sha256(blob).hexdigest())


_STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
"""Already compressed: stored as they are (deflating them again costs time and saves nothing)."""


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.create_system = 3
    zf.writestr(info, data)


def manifest_to_json(manifest: PackManifest) -> str:
    """The manifest as JSON text (files sorted by path)."""
    return (
        json.dumps(
            {
                "format": PACK_FORMAT,
                "created_by": manifest.created_by,
                "exercise": {
                    "id": manifest.exercise_id,
                    "version": manifest.exercise_version,
                    "sha256": manifest.exercise_sha256,
                    "file": manifest.exercise_file,
                },
                "files": [
                    {"path": f.path, "size": f.size, "sha256": f.sha256}
                    for f in sorted(manifest.files.values(), key=lambda f: f.path)
                ],
            },
            indent=1,
        )
        + "\n"
    )


# -- reading -------------------------------------------------------------------------------------------------


def _check_name(pack: Path, name: str) -> str:
    """Refuse archive member names that could land outside the folder (zip-slip) or are not plain paths."""
    bad = (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or ":" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
    )
    if bad:
        raise BadInput(f"{pack}: unsafe path {name!r} in the archive (refused)")
    return name


def _hex64(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def parse_manifest(pack: Path, text: bytes) -> PackManifest:
    """Parse and check a pack's manifest JSON."""
    src = f"{pack}: {MANIFEST_FILE}"
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BadInput(f"{src}: invalid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise BadInput(f"{src}: not a {PACK_FORMAT} manifest")
    ex = data.get("exercise")
    if not isinstance(ex, dict) or not all(isinstance(ex.get(k), str) for k in ("id", "version", "sha256", "file")):
        raise BadInput(f"{src}: exercise: needs string fields id, version, sha256, file")
    if not _hex64(ex["sha256"]):
        raise BadInput(f"{src}: exercise.sha256: not a SHA-256 hex digest")
    raw_files = data.get("files")
    if not isinstance(raw_files, list):
        raise BadInput(f"{src}: files: must be a list")
    files: dict[str, PackFile] = {}
    for i, item in enumerate(raw_files):
        if not isinstance(item, dict):
            raise BadInput(f"{src}: files[{i}]: must be an object")
        path, size, digest = item.get("path"), item.get("size"), item.get("sha256")
        if not isinstance(path, str):
            raise BadInput(f"{src}: files[{i}].path: must be a string")
        _check_name(pack, path)
        if path == MANIFEST_FILE or path in files:
            raise BadInput(f"{src}: files[{i}].path: {path!r} listed twice")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_MEMBER_BYTES:
            raise BadInput(f"{src}: files[{i}].size: must be a whole number 0-{MAX_MEMBER_BYTES}")
        if not _hex64(digest):
            raise BadInput(f"{src}: files[{i}].sha256: not a SHA-256 hex digest")
        files[path] = PackFile(path, size, digest)
    if ex["file"] not in files or PurePosixPath(ex["file"]).name != EXERCISE_FILE:
        raise BadInput(f"{src}: exercise.file: {ex['file']!r} is not an {EXERCISE_FILE} listed in the manifest")
    manifest = PackManifest(ex["id"], ex["version"], ex["sha256"], ex["file"], files, str(data.get("created_by", "")))
    if manifest.total_bytes > MAX_TOTAL_BYTES:
        raise BadInput(f"{src}: files add up to {manifest.total_bytes} bytes, more than {MAX_TOTAL_BYTES}")
    if files[ex["file"]].sha256 != ex["sha256"]:
        raise BadInput(f"{src}: exercise.sha256 does not match the hash of {ex['file']}")
    return manifest


def _open_zip(pack: Path) -> zipfile.ZipFile:
    try:
        if not pack.is_file():
            raise BadInput(f"{pack}: file not found" if not pack.exists() else f"{pack}: not a file")
        return zipfile.ZipFile(pack, "r")
    except zipfile.BadZipFile as exc:
        raise BadInput(f"{pack}: not a doc-check pack (not a zip archive: {exc})") from None
    except OSError as exc:
        raise BadInput(f"{pack}: cannot read: {exc.strerror}") from None


def _read_member(
    pack: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, sink: IO[bytes] | None = None
) -> str:
    """Stream one member, refusing more than ``limit`` bytes; returns its SHA-256 (and writes to ``sink``)."""
    h = hashlib.sha256()
    n = 0
    try:
        with zf.open(info) as fh:
            while True:
                block = fh.read(1 << 20)
                if not block:
                    break
                n += len(block)
                if n > limit:
                    raise BadInput(f"{pack}: {info.filename}: larger than the manifest says (tampered pack refused)")
                h.update(block)
                if sink is not None:
                    sink.write(block)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise BadInput(f"{pack}: {info.filename}: corrupt archive member ({exc})") from None
    return h.hexdigest()


def _members(pack: Path, zf: zipfile.ZipFile) -> tuple[PackManifest, dict[str, zipfile.ZipInfo]]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BadInput(f"{pack}: {len(infos)} archive entries, more than {MAX_MEMBERS} (refused)")
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name.endswith("/") and info.file_size == 0 and _check_name(pack, name.rstrip("/")):
            continue  # a directory entry from a hand-made zip: harmless, nothing to extract
        _check_name(pack, name)
        mode = (info.external_attr >> 16) & 0o170000
        if mode and mode != stat.S_IFREG:
            raise BadInput(f"{pack}: {name} is not a regular file (links and devices are refused)")
        if name in by_name:
            raise BadInput(f"{pack}: {name} appears twice in the archive (refused)")
        if info.flag_bits & 0x1:
            raise BadInput(f"{pack}: {name} is encrypted (refused)")
        by_name[name] = info
    if MANIFEST_FILE not in by_name:
        raise BadInput(f"{pack}: not a doc-check pack (no {MANIFEST_FILE})")
    raw = io.BytesIO()
    _read_member(pack, zf, by_name[MANIFEST_FILE], MAX_MANIFEST_BYTES, raw)
    manifest = parse_manifest(pack, raw.getvalue())
    for name in by_name:
        if name != MANIFEST_FILE and name not in manifest.files:
            raise BadInput(f"{pack}: {name} is not in the manifest (tampered pack refused)")
    for name in manifest.files:
        if name not in by_name:
            raise BadInput(f"{pack}: {name} is listed in the manifest but missing from the archive")
        if PurePosixPath(name).name in _SECRET_PARTS:
            raise BadInput(f"{pack}: holds a key file {name} (refused)")
    return manifest, by_name


def verify_pack(pack: str | Path, progress: Progress | None = None) -> PackManifest:
    """Check a pack without unpacking it: safe paths, nothing but the manifest's files, every SHA-256 right."""
    pack = Path(pack)
    with _open_zip(pack) as zf:
        manifest, by_name = _members(pack, zf)
        total = len(manifest.files)
        for done, f in enumerate(manifest.files.values(), 1):
            digest = _read_member(pack, zf, by_name[f.path], f.size)
            if digest != f.sha256:
                raise BadInput(f"{pack}: {f.path}: SHA-256 does not match the manifest (tampered pack refused)")
            if progress:
                progress(done, total)
    return manifest


def open_pack(pack: str | Path, dest: str | Path, progress: Progress | None = None) -> OpenedPack:
    """Verify a pack and unpack it into the empty folder ``dest``; load its exercise from there. Any path
    escape, extra or missing file, or hash mismatch is refused before the exercise is used."""
    pack = Path(pack)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BadInput(f"{dest}: folder to unpack into is not empty")
    root = dest.resolve()
    with _open_zip(pack) as zf:
        manifest, by_name = _members(pack, zf)
        total = len(manifest.files)
        for done, f in enumerate(manifest.files.values(), 1):
            target = (root / f.path).resolve()
            if not target.is_relative_to(root):
                raise BadInput(f"{pack}: unsafe path {f.path!r} in the archive (refused)")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("xb") as sink:
                    digest = _read_member(pack, zf, by_name[f.path], f.size, sink)
            except OSError as exc:
                raise BadInput(f"{pack}: {f.path}: cannot unpack: {exc.strerror or exc}") from None
            if digest != f.sha256:
                raise BadInput(f"{pack}: {f.path}: SHA-256 does not match the manifest (tampered pack refused)")
            target.chmod(0o444)
            if progress:
                progress(done, total)
    exercise = load_exercise(root / manifest.exercise_file, sample_roots=[root])
    if exercise.sha256 != manifest.exercise_sha256 or exercise.id != manifest.exercise_id:
        raise BadInput(f"{pack}: the exercise inside does not match the manifest (tampered pack refused)")
    return OpenedPack(pack, root, manifest, exercise, _sha256_file(pack))


def read_manifest(pack: str | Path) -> PackManifest:
    """A pack's manifest, checked for shape and safe paths (file hashes are not verified: see `verify_pack`)."""
    pack = Path(pack)
    with _open_zip(pack) as zf:
        manifest, _ = _members(pack, zf)
    return manifest
