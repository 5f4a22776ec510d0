"""Sample folders: a questioned document's public metadata and image files, and sample sets with their key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from doc_check.errors import BadInput
from doc_check.indicators import VERDICTS, is_known

DOCUMENT_TYPES: tuple[str, ...] = ("td3", "td1", "mrva")
CHANNELS: tuple[str, ...] = ("visible", "uv", "ir")
CAPTURES: tuple[str, ...] = ("scan", "photo")
SIDES: tuple[str, ...] = ("front", "back")
SAMPLE_FILE = "sample.toml"
KEY_FILE = "key.toml"
REFERENCES_DIR = "references"


@dataclass(frozen=True)
class Sample:
    """One sample folder as an examiner sees it: `sample.toml` and an image per side and channel."""

    id: str
    path: Path
    document_type: str
    sides: tuple[str, ...]
    channels: tuple[str, ...]
    capture: str
    dpi: int
    images: dict[str, str] = field(default_factory=dict)
    """``"side.channel"`` -> file name inside the folder."""

    def image_path(self, side: str, channel: str) -> Path:
        """The image file of one side under one light."""
        key = f"{side}.{channel}"
        if key not in self.images:
            raise BadInput(f"{self.path / SAMPLE_FILE}: no image for side {side!r} under {channel!r}")
        return self.path / self.images[key]


@dataclass(frozen=True)
class KeyEntry:
    """The truth about one sample: verdict, planted indicators, and the feedback text."""

    verdict: str
    indicators: tuple[str, ...] = ()
    explanation: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    """Anything else the key records (forgery kind, variant, difficulty, document type)."""


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BadInput(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise BadInput(f"{path}: invalid TOML: nested too deeply") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read: {exc}") from None


def _inside(folder: Path, name: str, source: Path) -> Path:
    """Resolve ``name`` below ``folder``; refuse paths that escape it."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise BadInput(f"{source}: path {name!r} escapes its folder")
    return target


MIN_DPI, MAX_DPI = 50, 2400
"""The scan resolutions a sample.toml may state (0 or a million is no scan)."""


def load_sample(folder: str | Path) -> Sample:
    """Read a sample folder's `sample.toml` and check that its images exist."""
    folder = Path(folder)
    meta_path = folder / SAMPLE_FILE
    data = _read_toml(meta_path)
    try:
        sample_id = str(data["id"])
        document_type = str(data["document_type"])
        sides = tuple(str(s) for s in data.get("sides", ["front"]))
        channels = tuple(str(c) for c in data["channels"])
        capture = str(data.get("capture", "scan"))
        dpi = int(data.get("dpi", 300))
        raw_images = data["images"]
    except KeyError as exc:
        raise BadInput(f"{meta_path}: missing field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise BadInput(f"{meta_path}: wrong type: {exc}") from None
    if not isinstance(raw_images, dict):
        raise BadInput(f"{meta_path}: field 'images' must be a table of side -> channel -> file")
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise BadInput(f"{meta_path}: dpi {dpi} is not a scan resolution ({MIN_DPI} to {MAX_DPI})")
    if not sides:
        raise BadInput(f"{meta_path}: sides is empty")
    for side in sides:
        if not raw_images.get(side):
            raise BadInput(f"{meta_path}: side {side!r} has no images (add [images.{side}])")
    for side in raw_images:
        if side not in sides:
            raise BadInput(f"{meta_path}: images.{side}: not one of the sides {list(sides)}")
    if document_type not in DOCUMENT_TYPES:
        raise BadInput(f"{meta_path}: unknown document_type {document_type!r}")
    for c in channels:
        if c not in CHANNELS:
            raise BadInput(f"{meta_path}: unknown channel {c!r}")
    images: dict[str, str] = {}
    for side, per_channel in raw_images.items():
        if not isinstance(per_channel, dict):
            raise BadInput(f"{meta_path}: images.{side} must be a table of channel -> file")
        for channel, name in per_channel.items():
            path = _inside(folder, str(name), meta_path)
            if not path.is_file():
                raise BadInput(f"{meta_path}: image {name!r} not found")
            images[f"{side}.{channel}"] = str(name)
    return Sample(sample_id, folder, document_type, sides, channels, capture, dpi, images)


def sample_folders(root: str | Path) -> list[Path]:
    """Every sample folder directly below ``root`` (references excluded), sorted by name."""
    root = Path(root)
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / SAMPLE_FILE).is_file())


def reference_folder(root: str | Path, document_type: str) -> Path:
    """The reference specimen folder of a document type in a sample set."""
    return Path(root) / REFERENCES_DIR / document_type


def load_key(path: str | Path) -> dict[str, KeyEntry]:
    """Read a key file (`[samples.<id>]` tables) into sample id -> entry, validating verdicts and indicator ids."""
    path = Path(path)
    data = _read_toml(path)
    table = data.get("samples")
    if not isinstance(table, dict):
        raise BadInput(f"{path}: missing table [samples.<id>]")
    out: dict[str, KeyEntry] = {}
    for sample_id, entry in table.items():
        if not isinstance(entry, dict):
            raise BadInput(f"{path}: samples.{sample_id} must be a table")
        verdict = entry.get("verdict")
        if verdict not in VERDICTS:
            raise BadInput(f"{path}: samples.{sample_id}.verdict: unknown verdict {verdict!r}")
        indicators = entry.get("indicators", [])
        if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
            raise BadInput(f"{path}: samples.{sample_id}.indicators must be a list of strings")
        for ind in indicators:
            if not is_known(ind):
                raise BadInput(f"{path}: samples.{sample_id}.indicators: unknown indicator id {ind!r}")
        explanation = entry.get("explanation", "")
        if not isinstance(explanation, str):
            raise BadInput(f"{path}: samples.{sample_id}.explanation must be a string")
        extra = {k: v for k, v in entry.items() if k not in {"verdict", "indicators", "explanation"}}
        out[str(sample_id)] = KeyEntry(verdict, tuple(indicators), explanation, extra)
    return out
