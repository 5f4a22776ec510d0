"""What a pack hides: no sample's truth can be computed from a pack's files and the public code.

Three sets of 40 samples (three seeds, 72 dpi) are packed with every light; a nearest-centroid classifier written
here (numpy only) is trained on every file property a trainee could read without looking at the pictures (file
sizes, image dimensions, JPEG marker sequence, quantisation and Huffman tables, metadata segments, sample.toml, the
ids) and must do no better than always answering the most common class, for the verdict and for the kind. The same
classifier on the sets' own files (before packing) does find the kind: the features are strong enough to tell.

Not counted as a file property: the length of a JPEG's entropy-coded data (equivalently, of its padding). It is
how much detail the picture holds, a property of the pixels a trainee is meant to examine, not of the file.
"""

from __future__ import annotations

import hashlib
import struct
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest

from doc_check.exercise.pack import build_pack, pack_key_path
from doc_check.samples import CHANNELS, load_key, sample_folders
from doc_check.specimen.sampleset import generate_set, read_secret

SEEDS = (101, 202, 303)
COUNT = 40
DPI = 72
MARGIN = 0.10
"""Cross-validated accuracy may exceed the majority-class share by at most this much (noise of 120 samples: the
standard error of an accuracy near 0.3 is about 0.04)."""
SLOTS = [(side, c) for side in ("front", "back") for c in CHANNELS]
Row = tuple[dict[str, float], str, str]
"""(file properties, verdict, kind) of one sample."""


@pytest.fixture(autouse=True)
def instructor_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOC_CHECK_PACK_KEY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three generated sets, each with an exercise of all its samples (all lights) and that exercise's key."""
    out = []
    for seed in SEEDS:
        root = tmp_path_factory.mktemp(f"seed{seed}")
        samples = root / "samples"
        secret = hashlib.sha256(f"pack leak test {seed}".encode()).digest()  # fixed: the test does not drift
        generate_set(samples, seed=seed, count=COUNT, dpi=DPI, secret=secret)
        ex = root / "exercises" / "all"
        ex.mkdir(parents=True)
        ids = ", ".join(f'"{p.name}"' for p in sample_folders(samples))
        (ex / "exercise.toml").write_text(
            f'id = "all"\ntitle = "All"\nversion = "1"\nbriefing = "Judge each document."\n'
            f'sample_root = "../../samples"\nsamples = [{ids}]\nchannels = ["visible", "uv", "ir"]\n'
        )
        key = tomllib.loads((samples / "key.toml").read_text())
        import tomli_w

        (ex / "key.toml").write_text(tomli_w.dumps({"samples": key["samples"]}))
        out.append(ex)
    return out


@pytest.fixture(scope="module")
def packs(sets: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    try:
        out = []
        for ex in sets:
            pack = ex.parent.parent / "exam.zip"
            build_pack(ex, pack)
            out.append(pack)
        return out
    finally:
        mp.undo()


# -- file properties ----------------------------------------------------------------------------------------


def jpeg_properties(data: bytes) -> dict[str, float]:
    """Everything a JPEG's headers say: length, dimensions, components, marker sequence, table contents,
    metadata segments (APPn, COM) and their payload bytes (not the padding's length: see the module text)."""
    props: dict[str, float] = {"size": len(data)}
    markers: list[int] = []
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        body = data[i + 4 : i + 2 + length]
        if marker != 0xFE or markers[-1:] != [0xFE]:
            markers.append(marker)
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            props["height"], props["width"] = struct.unpack(">HH", body[1:5])
            props["components"] = body[5]
        elif marker == 0xDB:
            props["dqt"] = props.get("dqt", 0) + _code(body)
        elif marker == 0xC4:
            props["dht"] = props.get("dht", 0) + _code(body)
        elif 0xE0 <= marker <= 0xEF:
            props[f"app{marker - 0xE0}"] = props.get(f"app{marker - 0xE0}", 0) + 1 + _code(body)
        elif marker == 0xFE:
            props["com_text"] = props.get("com_text", 0) + _code(body.strip(b"\x00"))
        if marker == 0xDA:
            break
        i += 2 + length
    props["markers"] = _code(bytes(markers))
    return props


def _code(data: bytes) -> float:
    """A categorical value (a table's bytes) as a number: equal bytes, equal number."""
    return int.from_bytes(hashlib.sha256(data).digest()[:3], "big") / 2**24


def sample_features(meta: dict, images: dict[str, bytes], sid: str) -> dict[str, float]:
    """One sample's file properties as numbers (slot-wise, so every sample has the same feature names)."""
    f: dict[str, float] = {
        "type": _code(str(meta.get("document_type")).encode()),
        "capture": _code(str(meta.get("capture")).encode()),
        "dpi": float(meta.get("dpi", 0)),
        "sides": len(meta.get("sides", [])),
        "channels": len(meta.get("channels", [])),
        "meta_keys": _code(" ".join(sorted(meta)).encode()),
    }
    for k, ch in enumerate(sid):
        f[f"id{k}"] = float(ord(ch))
    for side, channel in SLOTS:
        data = images.get(f"{side}.{channel}")
        props = jpeg_properties(data) if data is not None else {}
        for name in ("size", "width", "height", "components", "dqt", "dht", "markers", "com_text"):
            f[f"{side}.{channel}.{name}"] = float(props.get(name, 0))
        f[f"{side}.{channel}.app"] = float(sum(v for k, v in props.items() if k.startswith("app")))
    return f


def pack_rows(pack: Path) -> list[Row]:
    """(features, verdict, kind) of every sample of a pack, the truth from the pack's own key."""
    key = tomllib.loads(pack_key_path(pack).read_text())["samples"]
    rows = []
    with zipfile.ZipFile(pack) as zf:
        names = zf.namelist()
        for sid in {n.split("/")[1] for n in names if n.startswith("samples/") and "/references/" not in n}:
            if sid == "references":
                continue
            meta = tomllib.loads(zf.read(f"samples/{sid}/sample.toml").decode())
            images = {
                f"{side}.{c}": zf.read(f"samples/{sid}/{name}")
                for side, per in meta["images"].items()
                for c, name in per.items()
            }
            rows.append((sample_features(meta, images, sid), key[sid]["verdict"], _kind(key[sid])))
    return rows


def set_rows(ex: Path) -> list[Row]:
    """The same rows from the set's own sample folders (what a pack replaced)."""
    samples = ex.parent.parent / "samples"
    key = load_key(samples / "key.toml")
    rows = []
    for folder in sample_folders(samples):
        meta = tomllib.loads((folder / "sample.toml").read_text())
        images = {f"{s}.{c}": (folder / n).read_bytes() for s, per in meta["images"].items() for c, n in per.items()}
        entry = key[folder.name]
        rows.append((sample_features(meta, images, folder.name), entry.verdict, _kind({**entry.extra})))
    return rows


def _kind(entry: dict) -> str:
    return str(entry.get("forgery") or "genuine")


# -- the classifier -----------------------------------------------------------------------------------------


def with_relative_sizes(rows: list[Row]) -> list[Row]:
    """Add what a trainee sorting files by size would use: per image, bytes per pixel and that relative to the
    median of the same document type, capture, side and light in the whole pack."""
    groups: dict[tuple, list[float]] = {}

    def per_pixel(f: dict[str, float], s: str, c: str) -> float:
        return f[f"{s}.{c}.size"] / max(1.0, f[f"{s}.{c}.width"] * f[f"{s}.{c}.height"])

    for f, _, _ in rows:
        for s, c in SLOTS:
            if f[f"{s}.{c}.size"]:
                groups.setdefault((f["type"], f["capture"], s, c), []).append(per_pixel(f, s, c))
    median = {g: float(np.median(v)) for g, v in groups.items()}
    out = []
    for f, verdict, kind in rows:
        g = dict(f)
        for s, c in SLOTS:
            present = bool(f[f"{s}.{c}.size"])
            g[f"{s}.{c}.per_pixel"] = per_pixel(f, s, c) if present else 0.0
            g[f"{s}.{c}.relative"] = per_pixel(f, s, c) / median[(f["type"], f["capture"], s, c)] if present else 0.0
        out.append((g, verdict, kind))
    return out


def cv_accuracy(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    """Cross-validated accuracy of a multinomial logistic regression (L2, gradient descent) on standardised
    features."""
    classes = np.unique(y)
    order = np.random.default_rng(seed).permutation(len(y))
    hits = 0
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        mu, sd = x[train].mean(0), x[train].std(0)
        sd[sd == 0] = 1.0
        a = np.hstack([(x[train] - mu) / sd, np.ones((len(train), 1))])
        b = np.hstack([(x[test] - mu) / sd, np.ones((len(test), 1))])
        target = (y[train][:, None] == classes[None]).astype(float)
        w = np.zeros((a.shape[1], len(classes)))
        for _ in range(500):
            z = a @ w
            z -= z.max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            w -= 0.5 * (a.T @ (p - target) / len(a) + 1e-2 * w)
        hits += int((classes[(b @ w).argmax(1)] == y[test]).sum())
    return hits / len(y)


def majority_share(y: np.ndarray) -> float:
    """The accuracy of always answering the most common class."""
    return float(max(np.mean(y == c) for c in np.unique(y)))


def matrix(rows: list[Row], only: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (all, or those whose name ends with ``only``), verdicts, kinds."""
    names = [n for n in sorted(rows[0][0]) if n.endswith(only)]
    x = np.array([[r[0].get(n, 0.0) for n in names] for r in rows])
    return x, np.array([r[1] for r in rows]), np.array([r[2] for r in rows])


# -- the tests ----------------------------------------------------------------------------------------------


def test_pack_files_tell_neither_verdict_nor_kind(packs: list[Path]) -> None:
    rows = with_relative_sizes([r for p in packs for r in pack_rows(p)])
    assert len(rows) == COUNT * len(SEEDS)
    x, verdict, kind = matrix(rows)
    fraud = verdict != "genuine"
    for y, what in ((verdict, "verdict"), (kind, "kind"), (kind[fraud], "kind of fraud")):
        acc = cv_accuracy(x if len(y) == len(x) else x[fraud], y)
        base = majority_share(y)
        assert acc <= base + MARGIN, f"{what}: file properties predict {acc:.0%} against a {base:.0%} baseline"
    # the sizes really are even: one length per document type and light in each pack
    for pack in packs:
        sizes: dict[tuple[float, str], set[float]] = {}
        for feats, _, _ in pack_rows(pack):
            for side, c in SLOTS:
                if feats[f"{side}.{c}.size"]:
                    sizes.setdefault((feats["type"], c), set()).add(feats[f"{side}.{c}.size"])
        assert len(sizes) == 9 and all(len(v) == 1 for v in sizes.values()), sizes


def test_the_classifier_finds_the_truth_in_unpacked_files(sets: list[Path]) -> None:
    """Control: on the set folders themselves (file sizes not evened out) the same classifier on the relative
    sizes tells the kind of fraud (about 49 % against 25 %), so the pack test above would fail if packing hid
    nothing."""
    x, verdict, kind = matrix(with_relative_sizes([r for ex in sets for r in set_rows(ex)]), only=".relative")
    fraud = verdict != "genuine"
    assert cv_accuracy(x[fraud], kind[fraud]) > majority_share(kind[fraud]) + MARGIN


def test_the_old_id_attack_finds_nothing(sets: list[Path], packs: list[Path]) -> None:
    """Ids were sha256("doc-check sample {seed} {index}"): every seed below 2000 and index up to 99 (the sets'
    seeds among them) would have found them. Now neither the set's ids nor a pack's match any."""
    import base64

    guesses = set()
    for seed in range(2000):
        for index in range(100):
            digest = hashlib.sha256(f"doc-check sample {seed} {index}".encode()).digest()
            guesses.add(base64.b32encode(digest).decode()[:6])
    assert len(guesses) > 199_000
    set_ids = {p.name for ex in sets for p in sample_folders(ex.parent.parent / "samples")}
    pack_ids = {sid for pack in packs for sid in tomllib.loads(pack_key_path(pack).read_text())["samples"]}
    assert len(set_ids) == len(pack_ids) == COUNT * len(SEEDS)
    assert not set_ids & guesses
    assert not pack_ids & guesses
    assert not set_ids & pack_ids  # a pack re-labels every sample


def test_the_plan_keeps_no_tells(sets: list[Path]) -> None:
    """Kinds meet both captures and several document types; type and capture are drawn per kind."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for ex in sets:
        for entry in load_key(ex.parent.parent / "samples" / "key.toml").values():
            seen.setdefault(_kind(entry.extra), set()).add((entry.extra["document_type"], entry.extra["capture"]))
    for kind in ("pseudo", "mrz_tampering", "expired", "worn", "photo_substitution", "stolen_blank"):
        assert {c for _, c in seen[kind]} == {"scan", "photo"}, kind
        assert len({t for t, _ in seen[kind]}) >= 2, kind


def test_secret_stays_in_the_key(sets: list[Path], packs: list[Path]) -> None:
    """The set's secret is in its key.toml only: in no sample folder and in no pack."""
    for ex, pack in zip(sets, packs, strict=True):
        samples = ex.parent.parent / "samples"
        secret = read_secret(samples / "key.toml").hex().encode()
        for p in samples.rglob("*"):
            if p.is_file() and p.name != "key.toml":
                assert secret not in p.read_bytes(), p
        assert secret not in pack.read_bytes()
