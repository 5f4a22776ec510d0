"""Sealed exam packs: one zip with an exercise, its samples and references, a SHA-256 manifest, and no key."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
import stat
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import IO, TypeGuard

import numpy as np
import tomli_w

from doc_check import __version__
from doc_check.atomic import atomic_write_bytes
from doc_check.errors import BadInput
from doc_check.exercise.imagefiles import PAD_MIN, pad_to, strip_metadata
from doc_check.exercise.load import EXERCISE_FILE, load_exercise, load_exercise_key
from doc_check.exercise.model import Exercise, ExerciseKey
from doc_check.exercise.signing import check_signature, fingerprint, public_raw, sign, signing_key, trusted_keys
from doc_check.indicators import VERDICTS
from doc_check.indicators import ids as indicator_ids
from doc_check.samples import CHANNELS, KEY_FILE, REFERENCES_DIR, SAMPLE_FILE, KeyEntry, load_sample

PACK_FORMAT = "doc-check-pack/2"
"""The ``format`` tag of a pack's manifest."""
MANIFEST_FILE = "manifest.json"
"""The manifest's name at the top of the archive."""
SIGNATURE_FILE = "manifest.sig"
"""The instructor's Ed25519 signature of the manifest's exact bytes, next to it at the top of the archive."""
PACK_EXERCISE = "exercises/exam"
"""Folder of exercise.toml in a pack (the usual project layout, so the default sample roots hold)."""
PACK_SAMPLES = "samples"
MAX_MEMBERS = 20_000
"""Archives with more entries than this are refused."""
MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""Largest single file a pack may hold (uncompressed)."""
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
"""Largest total a pack may unpack to."""
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
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
    lights: tuple[str, ...] = CHANNELS
    """The lights the exercise allows (the only ones whose images are packed)."""

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
    key_path: Path | None = None
    """Where build_pack wrote the instructor's key of this pack (None: the exercise has no key)."""


# -- building ------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
    """The secret words found in a file's name or contents, case-insensitively, written in 8-bit text or in UTF-16
    (either byte order, any alignment).

    One pass per byte plane: every run of the words' characters at least as long as the shortest word is cut out
    (a word can only occur inside such a run), then the words are looked for in those runs.
    """
    secrets = list(secrets)
    words = [w.lower() for w in secrets]
    if not words:
        return []
    low_name = name.lower()
    hay = data.lower()  # the words are ASCII: this lower-cases 8-bit and UTF-16 text alike
    lut = np.zeros(256, np.int8)
    lut[list({c for w in words for c in w.encode("ascii", "replace")})] = 1
    shortest = min(len(w) for w in words)
    # UTF-16 text of these ASCII words has every other byte zero: its letters lie side by side in one of the two
    # byte planes (even or odd offsets), whatever the byte order and alignment
    runs = []
    for plane in (hay, hay[0::2], hay[1::2]):
        edges = np.diff(lut[np.frombuffer(plane, np.uint8)], prepend=0, append=0)
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        long = ends - starts >= shortest
        runs += [plane[i:j].decode("latin-1") for i, j in zip(starts[long].tolist(), ends[long].tolist(), strict=True)]
    return [word for word, w in zip(secrets, words, strict=False) if w in low_name or any(w in r for r in runs)]


def new_pack_id(taken: set[str]) -> str:
    """A fresh random opaque sample id (6 base32 characters, as generated ids look), not in ``taken``."""
    while True:
        sid = base64.b32encode(secrets.token_bytes(5)).decode()[:6]
        if sid not in taken and sid.lower() != REFERENCES_DIR:
            taken.add(sid)
            return sid


def pack_key_path(pack: str | Path) -> Path:
    """Where the instructor's key of a pack goes: ``exam.zip`` -> ``exam.key.toml`` (never inside the pack)."""
    pack = Path(pack)
    return pack.with_name(f"{pack.stem}.key.toml")


@dataclass(frozen=True)
class _Packed:
    """One sample (or reference) as packed: its folder in the archive, sample.toml, and image bytes by file name."""

    folder: str
    meta: dict[str, object]
    images: dict[str, bytes]
    groups: dict[str, tuple[str, str]]
    """Image file name -> (document type, light), its size group; empty for references (not padded)."""


def _pack_sample(folder: Path, dest: str, sid: str, lights: Sequence[str], padded: bool) -> _Packed:
    """Read one sample folder: keep only the allowed lights, strip every image's metadata, name files canonically."""
    sample = load_sample(folder)
    images: dict[str, bytes] = {}
    files: dict[str, dict[str, str]] = {}
    groups: dict[str, tuple[str, str]] = {}
    for key in sorted(sample.images):
        side, _, channel = key.partition(".")
        if channel not in lights:
            continue
        path = sample.image_path(side, channel)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
        data, fmt = strip_metadata(raw, str(path))
        file_name = f"{side}_{channel}.{fmt}"
        images[file_name] = data
        files.setdefault(side, {})[channel] = file_name
        if padded:
            groups[file_name] = (sample.document_type, channel)
    if not images:
        raise BadInput(f"{folder}: no image under the exercise's lights ({', '.join(lights)})")
    meta: dict[str, object] = {
        "id": sid,
        "document_type": sample.document_type,
        "sides": [s for s in sample.sides if s in files],
        "channels": [c for c in CHANNELS if c in lights and any(c in per for per in files.values())],
        "capture": sample.capture,
        "dpi": sample.dpi,
        "images": files,
    }
    return _Packed(dest, meta, images, groups)


def _pad_groups(packed: list[_Packed]) -> dict[tuple[str, str], int]:
    """Pad every sample image of one document type and light to one length (the group's largest plus
    `PAD_MIN`), so file sizes tell nothing; returns each group's length."""
    sizes: dict[tuple[str, str], int] = {}
    for p in packed:
        for name, group in p.groups.items():
            sizes[group] = max(sizes.get(group, 0), len(p.images[name]))
    target = {g: n + PAD_MIN for g, n in sizes.items()}
    for p in packed:
        for name, group in p.groups.items():
            p.images[name] = pad_to(p.images[name], target[group], f"{p.folder}/{name}")
    return target


def check_uniform_sizes(files: Mapping[str, int], groups: Mapping[str, tuple[str, str]]) -> None:
    """BadInput unless every file of one (document type, light) group has the same byte length."""
    seen: dict[tuple[str, str], set[int]] = {}
    for path, group in groups.items():
        seen.setdefault(group, set()).add(files[path])
    uneven = {g: sorted(v) for g, v in seen.items() if len(v) > 1}
    if uneven:
        g, v = next(iter(uneven.items()))
        raise BadInput(f"pack: {g[0]} images under {g[1]} differ in size ({v[0]}-{v[-1]} bytes): they would tell")


def _exercise_text(exercise: Exercise, ids: Sequence[str]) -> bytes:
    """The exercise.toml of the pack: the original's fields with the pack's sample ids and sample root."""
    try:
        data = tomllib.loads(exercise.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise BadInput(f"{exercise.path}: cannot read: {exc}") from None
    data["samples"] = list(ids)
    data["sample_root"] = f"../../{PACK_SAMPLES}"
    data["channels"] = list(exercise.channels)
    return tomli_w.dumps(data).encode("utf-8")


def build_pack(
    exercise_path: str | Path,
    out: str | Path,
    key_path: str | Path | None = None,
    progress: Progress | None = None,
    *,
    signing_key_path: str | Path | None = None,
    key_out: str | Path | None = None,
) -> OpenedPack:
    """Seal an exercise into a signed zip at ``out``, with no key and nothing that tells the truth.

    The pack holds the exercise (its sample list and root rewritten), each sample under a fresh random id (two
    packs of one set cannot be joined) with only the lights the exercise allows, and the reference specimens of
    their document types. Every image is stripped of metadata (APPn, COM, PNG text chunks, trailing bytes) and
    padded so that all sample images of one document type and light have the same length. The manifest (every
    file's SHA-256) is signed with the instructor's Ed25519 key (``signing_key_path``, else the user's, created
    on first use). The key with the pack's ids goes to ``key_out`` (default `pack_key_path`) for scoring.
    Refuses a pack whose files would name a verdict, an indicator id or the key's forgery kinds (names, text,
    UTF-16, image bytes), or whose exercise.toml names an indicator id.
    """
    exercise = load_exercise(exercise_path)
    words = pack_secrets(exercise, key_path)
    key_file = Path(key_path) if key_path is not None else exercise.folder / KEY_FILE
    key = load_exercise_key(key_file, exercise) if key_file.is_file() else None
    signer = signing_key(signing_key_path)
    lights = exercise.channels
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    packed: list[_Packed] = []
    doc_types: list[str] = []
    for s in exercise.samples:
        if not s.folder.resolve().is_relative_to(exercise.sample_root):
            raise BadInput(f"{s.folder}: a link to a folder outside the sample root {exercise.sample_root} (refused)")
        sid = new_pack_id(taken)
        mapping[sid] = s.id
        p = _pack_sample(s.folder, f"{PACK_SAMPLES}/{sid}", sid, lights, padded=True)
        packed.append(p)
        doc_types.append(str(p.meta["document_type"]))
    _pad_groups(packed)
    for doc_type in sorted(set(doc_types)):
        ref = exercise.reference_root / doc_type
        if (ref / SAMPLE_FILE).is_file():
            rp = _pack_sample(
                ref, f"{PACK_SAMPLES}/{REFERENCES_DIR}/{doc_type}", f"reference-{doc_type}", lights, False
            )
            packed.append(rp)

    members: list[tuple[str, bytes, Sequence[str]]] = []
    ex_rel = f"{PACK_EXERCISE}/{EXERCISE_FILE}"
    # The briefing is public text the trainee reads anyway: verdict words there ("genuine, or which kind of
    # fraud") tie no truth to a sample, but the answer vocabulary (indicator ids) may not appear.
    members.append((ex_rel, _exercise_text(exercise, list(mapping)), indicator_ids()))
    groups: dict[str, tuple[str, str]] = {}
    for p in packed:
        members.append((f"{p.folder}/{SAMPLE_FILE}", tomli_w.dumps(p.meta).encode("utf-8"), words))
        for name, data in sorted(p.images.items()):
            members.append((f"{p.folder}/{name}", data, words))
            if name in p.groups:
                groups[f"{p.folder}/{name}"] = p.groups[name]
    members.sort(key=lambda m: m[0])

    out = Path(out)
    buf = io.BytesIO()
    files: dict[str, PackFile] = {}
    total = len(members)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for done, (rel, data, banned) in enumerate(members, 1):
            leaks = find_leaks(rel, data, banned)
            if leaks:
                raise BadInput(
                    f"{rel}: would reveal the truth in the pack: mentions {', '.join(map(repr, leaks[:3]))}"
                    " (sample files must not name verdicts, indicator ids or forgery kinds; the exercise"
                    " text must not name indicator ids)"
                )
            files[rel] = PackFile(rel, len(data), hashlib.sha256(data).hexdigest())
            _write_member(zf, rel, data)
            if progress:
                progress(done, total + 1)
        check_uniform_sizes({k: f.size for k, f in files.items()}, groups)
        ex_sha = files[ex_rel].sha256
        manifest = PackManifest(
            exercise.id, exercise.version, ex_sha, ex_rel, files, f"doc-check {__version__}", tuple(lights)
        )
        manifest_bytes = manifest_to_json(manifest).encode("utf-8")
        _write_member(zf, MANIFEST_FILE, manifest_bytes)
        _write_member(zf, SIGNATURE_FILE, (json.dumps(sign(signer, manifest_bytes), indent=1) + "\n").encode())
    blob = buf.getvalue()
    pack_sha = hashlib.sha256(blob).hexdigest()
    key_target = Path(key_out) if key_out is not None else pack_key_path(out)
    if key is not None:
        _write_pack_key(key_target, key, mapping, manifest, pack_sha, public_raw(signer))
    atomic_write_bytes(out, blob)
    if progress:
        progress(total + 1, total + 1)
    return OpenedPack(out, Path(exercise.folder), manifest, exercise, pack_sha, key_target if key else None)


def _write_pack_key(
    path: Path, key: ExerciseKey, mapping: Mapping[str, str], manifest: PackManifest, pack_sha: str, signer: bytes
) -> None:
    """The instructor's key of one pack: the exercise key under the pack's ids, and which sample each id is."""

    def key_table(entry: KeyEntry) -> dict[str, object]:
        table: dict[str, object] = {
            "verdict": entry.verdict,
            "indicators": list(entry.indicators),
            "explanation": entry.explanation,
        }
        table.update({k: v for k, v in entry.extra.items() if v is not None})
        return table

    doc = {
        "pack": {
            "exercise_id": manifest.exercise_id,
            "exercise_version": manifest.exercise_version,
            "exercise_sha256": manifest.exercise_sha256,
            "pack_sha256": pack_sha,
            "signer": fingerprint(signer),
            "sample_ids": dict(mapping),
        },
        "samples": {sid: key_table(key[orig]) for sid, orig in mapping.items()},
    }
    text = (
        f"# Key of pack {manifest.exercise_id} (pack sha256 {pack_sha[:16]}...): the instructor's, never hand it "
        "out.\n" + tomli_w.dumps(doc)
    )
    atomic_write_bytes(path, text.encode("utf-8"))


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
                "lights": list(manifest.lights),
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
        if path in (MANIFEST_FILE, SIGNATURE_FILE) or path in files:
            raise BadInput(f"{src}: files[{i}].path: {path!r} listed twice")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_MEMBER_BYTES:
            raise BadInput(f"{src}: files[{i}].size: must be a whole number 0-{MAX_MEMBER_BYTES}")
        if not _hex64(digest):
            raise BadInput(f"{src}: files[{i}].sha256: not a SHA-256 hex digest")
        files[path] = PackFile(path, size, digest)
    if ex["file"] not in files or PurePosixPath(ex["file"]).name != EXERCISE_FILE:
        raise BadInput(f"{src}: exercise.file: {ex['file']!r} is not an {EXERCISE_FILE} listed in the manifest")
    lights = data.get("lights", list(CHANNELS))
    if not isinstance(lights, list) or not lights or any(c not in CHANNELS for c in lights):
        raise BadInput(f"{src}: lights: must be a list of {', '.join(CHANNELS)}")
    manifest = PackManifest(
        ex["id"], ex["version"], ex["sha256"], ex["file"], files, str(data.get("created_by", "")), tuple(lights)
    )
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


def _members(
    pack: Path, zf: zipfile.ZipFile, trusted: Sequence[bytes] | None
) -> tuple[PackManifest, dict[str, zipfile.ZipInfo]]:
    """The checked manifest and the archive's entries; with ``trusted``, the signature is checked first."""
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
    if trusted is not None:
        if SIGNATURE_FILE not in by_name:
            raise BadInput(f"{pack}: not signed (no {SIGNATURE_FILE}; tampered or old pack refused)")
        sig = io.BytesIO()
        _read_member(pack, zf, by_name[SIGNATURE_FILE], 64 * 1024, sig)
        try:
            record = json.loads(sig.getvalue().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            record = None
        check_signature(f"{pack}: {SIGNATURE_FILE}", record, raw.getvalue(), trusted)
    manifest = parse_manifest(pack, raw.getvalue())
    for name in by_name:
        if name not in (MANIFEST_FILE, SIGNATURE_FILE) and name not in manifest.files:
            raise BadInput(f"{pack}: {name} is not in the manifest (tampered pack refused)")
    for name in manifest.files:
        if name not in by_name:
            raise BadInput(f"{pack}: {name} is listed in the manifest but missing from the archive")
        if PurePosixPath(name).name in _SECRET_PARTS:
            raise BadInput(f"{pack}: holds a key file {name} (refused)")
    return manifest, by_name


def _trusted(signers: Sequence[str | Path] | None) -> list[bytes]:
    return trusted_keys(tuple(signers or ()))


def _check_paths(pack: Path, manifest: PackManifest, read: Callable[[str], bytes]) -> None:
    """Every path the pack's own files name resolves to one of its files: each sample.toml's images inside its
    folder, the exercise's sample root inside the pack, each listed sample present."""

    def inside(base: str, name: str, where: str) -> str:
        if not name or name.startswith("/") or "\\" in name or "\x00" in name or ":" in name:
            raise BadInput(f"{pack}: {where}: unsafe path {name!r} (refused)")
        parts = [p for p in base.split("/") if p]
        for part in name.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    raise BadInput(f"{pack}: {where}: path {name!r} leads out of the pack (refused)")
                parts.pop()
            else:
                parts.append(part)
        return "/".join(parts)

    for path in manifest.files:
        if PurePosixPath(path).name != SAMPLE_FILE:
            continue
        try:
            meta = tomllib.loads(read(path).decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
            raise BadInput(f"{pack}: {path}: invalid TOML: {exc}") from None
        folder = str(PurePosixPath(path).parent)
        images = meta.get("images")
        if not isinstance(images, dict):
            raise BadInput(f"{pack}: {path}: images: must be a table")
        for side, chans in images.items():
            if not isinstance(chans, dict):
                raise BadInput(f"{pack}: {path}: images.{side}: must be a table")
            for channel, name in chans.items():
                target = inside(folder, str(name), path)
                if not target.startswith(folder + "/") or target not in manifest.files:
                    raise BadInput(f"{pack}: {path}: image {name!r} is not a file of this sample in the pack (refused)")
                if channel not in manifest.lights:
                    raise BadInput(f"{pack}: {path}: image under {channel!r}, a light the exercise does not allow")
    try:
        ex = tomllib.loads(read(manifest.exercise_file).decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise BadInput(f"{pack}: {manifest.exercise_file}: invalid TOML: {exc}") from None
    where = manifest.exercise_file
    sample_root = inside(str(PurePosixPath(where).parent), str(ex.get("sample_root", "")), f"{where}: sample_root")
    for sid in ex.get("samples", []) if isinstance(ex.get("samples"), list) else []:
        rel = inside(sample_root, f"{sid}/{SAMPLE_FILE}", where)
        if rel not in manifest.files:
            raise BadInput(f"{pack}: {manifest.exercise_file}: sample {sid!r} is not in the pack (refused)")


def verify_pack(
    pack: str | Path, progress: Progress | None = None, signers: Sequence[str | Path] | None = None
) -> PackManifest:
    """Check a pack without unpacking it: the instructor's signature (against ``signers``' public keys, else the
    user's own key), safe paths, nothing but the manifest's files, every SHA-256 right, every path a file names
    inside the pack."""
    pack = Path(pack)
    trusted = _trusted(signers)
    with _open_zip(pack) as zf:
        manifest, by_name = _members(pack, zf, trusted)
        total = len(manifest.files)
        for done, f in enumerate(manifest.files.values(), 1):
            digest = _read_member(pack, zf, by_name[f.path], f.size)
            if digest != f.sha256:
                raise BadInput(f"{pack}: {f.path}: SHA-256 does not match the manifest (tampered pack refused)")
            if progress:
                progress(done, total)

        def read(name: str) -> bytes:
            buf = io.BytesIO()
            _read_member(pack, zf, by_name[name], manifest.files[name].size, buf)
            return buf.getvalue()

        _check_paths(pack, manifest, read)
    return manifest


def open_pack(
    pack: str | Path,
    dest: str | Path,
    progress: Progress | None = None,
    signers: Sequence[str | Path] | None = None,
) -> OpenedPack:
    """Verify a pack (signature as `verify_pack`) and unpack it into the empty folder ``dest``; load its exercise
    from there. A foreign or broken signature, any path escape, extra or missing file, or hash mismatch is refused
    before the exercise is used."""
    pack = Path(pack)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BadInput(f"{dest}: folder to unpack into is not empty")
    root = dest.resolve()
    trusted = _trusted(signers)
    with _open_zip(pack) as zf:
        manifest, by_name = _members(pack, zf, trusted)
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
    _check_paths(pack, manifest, lambda name: (root / name).read_bytes())
    exercise = load_exercise(root / manifest.exercise_file, sample_roots=[root])
    if exercise.sha256 != manifest.exercise_sha256 or exercise.id != manifest.exercise_id:
        raise BadInput(f"{pack}: the exercise inside does not match the manifest (tampered pack refused)")
    return OpenedPack(pack, root, manifest, exercise, _sha256_file(pack))


def read_manifest(pack: str | Path) -> PackManifest:
    """A pack's manifest, checked for shape and safe paths (file hashes are not verified: see `verify_pack`)."""
    pack = Path(pack)
    with _open_zip(pack) as zf:
        manifest, _ = _members(pack, zf, None)
    return manifest
