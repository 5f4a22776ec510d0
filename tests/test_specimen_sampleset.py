"""Sample sets on disk: opaque ids, no truth leaks, byte-identical regeneration, the key, the curated set."""

from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from doc_check.cli import cli
from doc_check.errors import BadInput
from doc_check.samples import load_key, load_sample, sample_folders
from doc_check.specimen.forgeries import FORGERY_KINDS
from doc_check.specimen.sampleset import SampleSpec, generate_sample, generate_set, plan_specs, sample_id, write_sample

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CURATED = {"seed": 2026, "count": 40, "dpi": 200}
TRUTH_WORDS = ("genuine", "forged", "counterfeit", "stolen", "pseudo", "substitution", "alteration", "tamper",
               "expired", "worn", "erasure", "inkjet", "toner", "variant", "verdict", "indicator")


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of a JPEG's segments up to the scan."""
    assert data[:2] == b"\xff\xd8"
    i, out = 2, []
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        out.append(marker)
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return out


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, out = 8, []
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        out.append(data[i + 4 : i + 8])
        i += 12 + length
    return out


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("set")
    generate_set(out, seed=7, count=8, dpi=80)
    return out


def test_set_layout_and_key(small_set: Path) -> None:
    folders = sample_folders(small_set)
    assert len(folders) == 8
    key = load_key(small_set / "key.toml")
    assert set(key) == {f.name for f in folders}
    for t in ("td3", "td1", "mrva"):
        ref = load_sample(small_set / "references" / t)
        assert ref.document_type == t
    assert not any((f / "key.toml").exists() for f in folders)


def test_no_truth_in_names_meta_or_image_metadata(small_set: Path) -> None:
    key = load_key(small_set / "key.toml")
    for folder in sample_folders(small_set):
        assert re.fullmatch(r"[A-Z2-7]{6}", folder.name)
        sample = load_sample(folder)
        meta = (folder / "sample.toml").read_text().lower()
        for word in TRUTH_WORDS:
            assert word not in meta, (folder.name, word)
        for f in folder.iterdir():
            assert re.fullmatch(r"(front|back)_(visible|uv|ir)\.jpg|sample\.toml", f.name), f.name
            if f.suffix == ".jpg":
                data = f.read_bytes()
                segs = jpeg_segments(data)
                assert not any(0xE1 <= m <= 0xEF or m == 0xFE for m in segs), (f, segs)  # no EXIF/XMP/comment
                head = data[:2000].lower()
                assert not any(w.encode() in head for w in TRUTH_WORDS)
        assert sample.id == folder.name and key[sample.id].verdict
    for ref in (small_set / "references").rglob("*.png"):
        chunks = png_chunks(ref.read_bytes())
        assert not {b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"} & set(chunks)


def test_genuine_and_forged_encoded_alike(small_set: Path) -> None:
    """Same encoder settings for all: JPEG quantisation tables do not tell the classes apart."""
    key = load_key(small_set / "key.toml")
    tables: dict[str, set[bytes]] = {}
    for folder in sample_folders(small_set):
        data = (folder / "front_visible.jpg").read_bytes()
        i = data.index(b"\xff\xdb")
        tables.setdefault(key[folder.name].verdict, set()).add(data[i : i + 140])
    assert len(set().union(*tables.values())) == 1


def test_same_seed_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate_set(a, seed=3, count=3, dpi=72)
    generate_set(b, seed=3, count=3, dpi=72)
    assert tree_digest(a) == tree_digest(b)
    generate_set(a, seed=3, count=3, dpi=72)  # regenerating in place changes nothing
    assert tree_digest(a) == tree_digest(b)


def test_write_sample_updates_key_and_replaces_atomically(tmp_path: Path) -> None:
    gen = generate_sample(SampleSpec("td1", "pseudo", capture="scan", dpi=72), 1, 0)
    write_sample(tmp_path, gen)
    gen2 = generate_sample(SampleSpec("td3", None, capture="photo", dpi=72), 1, 1)
    write_sample(tmp_path, gen2)
    key = load_key(tmp_path / "key.toml")
    assert key[gen.id].verdict == "pseudo" and key[gen2.id].verdict == "genuine"
    write_sample(tmp_path, gen)  # overwrite in place
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([gen.id, gen2.id, "key.toml"])
    assert len(load_sample(tmp_path / gen.id).images) == 6


def test_bad_specs_raise_bad_input() -> None:
    for spec in (SampleSpec("td2"), SampleSpec("td3", "bogus"), SampleSpec("td3", "pseudo", "nope"), SampleSpec(capture="fax"),
                 SampleSpec(dpi=10), SampleSpec(channels=("xray",))):
        with pytest.raises(BadInput):
            generate_sample(spec, 0)
    with pytest.raises(BadInput):
        plan_specs(0, 1)


def test_plan_covers_every_kind_type_and_capture() -> None:
    specs = plan_specs(CURATED["count"], CURATED["seed"], dpi=CURATED["dpi"])
    assert {s.forgery for s in specs} - {None} == set(FORGERY_KINDS)
    assert {(s.document_type, s.capture) for s in specs} == {(t, c) for t in ("td3", "td1", "mrva") for c in ("scan", "photo")}
    kinds = {(s.forgery, s.variant) for s in specs}
    assert all((k, v) in kinds for k, kind in FORGERY_KINDS.items() for v in kind.variants)


def test_curated_set_matches_its_fixed_plan() -> None:
    """samples/ is what `doc-check generate --out samples --seed 2026 --count 40 --dpi 200` writes."""
    key = load_key(SAMPLES / "key.toml")
    specs = plan_specs(CURATED["count"], CURATED["seed"], dpi=CURATED["dpi"])
    assert len(sample_folders(SAMPLES)) == len(specs) == len(key) >= 36
    for i, spec in enumerate(specs):
        sid = sample_id(CURATED["seed"], i)
        entry = key[sid]
        assert entry.extra["document_type"] == spec.document_type and entry.extra["capture"] == spec.capture
        assert entry.extra.get("forgery") == spec.forgery
        sample = load_sample(SAMPLES / sid)
        assert sample.dpi == CURATED["dpi"] and sample.document_type == spec.document_type
    size = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024


def test_cli_generate_json_and_errors(tmp_path: Path) -> None:
    import json

    runner = CliRunner()
    out = tmp_path / "cli"
    result = runner.invoke(cli, ["generate", "--out", str(out), "--count", "2", "--dpi", "72", "--seed", "4", "--type", "td3",
                                 "--forgery", "counterfeit", "--genuine-share", "0.5", "--capture", "scan", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["count"] == 2 and set(summary["verdicts"]) == {"genuine", "counterfeit"}
    assert len(sample_folders(out)) == 2 and (out / "references" / "td3" / "sample.toml").exists()
    plain = runner.invoke(cli, ["generate", "--out", str(tmp_path / "p"), "--count", "1", "--dpi", "72"])
    assert plain.exit_code == 0 and "Wrote 1 samples" in plain.output
    for bad in (["--type", "td2"], ["--forgery", "bogus"], ["--dpi", "5"], ["--count", "0"], ["--genuine-share", "2"],
                ["--capture", "fax"]):
        r = runner.invoke(cli, ["generate", "--out", str(tmp_path / "bad"), *bad])
        assert r.exit_code == 2, (bad, r.output)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    r = runner.invoke(cli, ["generate", "--out", str(a_file), "--count", "1", "--dpi", "72"])
    assert r.exit_code == 2
    missing = runner.invoke(cli, ["generate"])
    assert missing.exit_code == 2
    blocked = runner.invoke(cli, ["generate", "--out", str(a_file / "sub"), "--count", "1", "--dpi", "72"])
    assert blocked.exit_code == 2 and "cannot write" in blocked.output


@pytest.mark.slow
def test_curated_set_regenerates_byte_identically(tmp_path: Path) -> None:
    """The README's command reproduces the committed samples/ exactly (about a minute)."""
    generate_set(tmp_path, **CURATED)
    assert tree_digest(tmp_path) == tree_digest(SAMPLES)
