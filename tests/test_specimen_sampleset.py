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
TRUTH_WORDS = (
    "genuine",
    "forged",
    "counterfeit",
    "stolen",
    "pseudo",
    "substitution",
    "alteration",
    "tamper",
    "expired",
    "worn",
    "erasure",
    "inkjet",
    "toner",
    "variant",
    "verdict",
    "indicator",
)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


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
    for spec in (
        SampleSpec("td2"),
        SampleSpec("td3", "bogus"),
        SampleSpec("td3", "pseudo", "nope"),
        SampleSpec(capture="fax"),
        SampleSpec(dpi=10),
        SampleSpec(channels=("xray",)),
    ):
        with pytest.raises(BadInput):
            generate_sample(spec, 0)
    with pytest.raises(BadInput):
        plan_specs(0, 1)


def test_plan_covers_every_kind_type_and_capture() -> None:
    specs = plan_specs(CURATED["count"], CURATED["seed"], dpi=CURATED["dpi"])
    assert {s.forgery for s in specs} - {None} == set(FORGERY_KINDS)
    assert {(s.document_type, s.capture) for s in specs} == {
        (t, c) for t in ("td3", "td1", "mrva") for c in ("scan", "photo")
    }
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
    result = runner.invoke(
        cli,
        [
            "generate",
            "--out",
            str(out),
            "--count",
            "2",
            "--dpi",
            "72",
            "--seed",
            "4",
            "--type",
            "td3",
            "--forgery",
            "counterfeit",
            "--genuine-share",
            "0.5",
            "--capture",
            "scan",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["count"] == 2 and set(summary["verdicts"]) == {"genuine", "counterfeit"}
    assert len(sample_folders(out)) == 2 and (out / "references" / "td3" / "sample.toml").exists()
    plain = runner.invoke(cli, ["generate", "--out", str(tmp_path / "p"), "--count", "1", "--dpi", "72"])
    assert plain.exit_code == 0 and "Wrote 1 samples" in plain.output
    for bad in (
        ["--type", "td2"],
        ["--forgery", "bogus"],
        ["--dpi", "5"],
        ["--count", "0"],
        ["--genuine-share", "2"],
        ["--capture", "fax"],
    ):
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


# ------------------------------------------------------------------ generation records and forging existing samples

FORGE_DPI = 150


@pytest.fixture(scope="module")
def forge_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A genuine, a counterfeit and an expired TD3 (seed 11), and a hand-written genuine entry with no record."""
    from doc_check.samples import KeyEntry
    from doc_check.specimen.sampleset import write_key

    out = tmp_path_factory.mktemp("forge")
    for i, spec in enumerate(
        [
            SampleSpec("td3", None, dpi=FORGE_DPI),
            SampleSpec("td3", "counterfeit", "offset", dpi=FORGE_DPI),
            SampleSpec("td3", "expired", "expired", dpi=FORGE_DPI),
        ]
    ):
        write_sample(out, generate_sample(spec, 11, i))
    (out / "HAND01").mkdir()
    write_key(out, {"HAND01": KeyEntry("genuine", (), "Written by hand.", {"document_type": "td3"})})
    return out


def _copy(src: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(src, tmp_path / "set")
    return tmp_path / "set"


def test_key_records_how_each_sample_was_made(small_set: Path) -> None:
    """Every key entry carries seed, index, dpi and print seed; genuine samples render again to the same bytes."""
    from doc_check.specimen.derive import record_of, render_recorded
    from doc_check.specimen.sampleset import JPEG_QUALITY, encode

    key = load_key(small_set / "key.toml")
    specs = plan_specs(8, 7, dpi=80)
    checked = 0
    for i, _spec in enumerate(specs):
        sid = sample_id(7, i)
        x = key[sid].extra
        assert (x["seed"], x["index"], x["dpi"]) == (7, i, 80) and isinstance(x["print_seed"], int)
        assert "channels" not in x  # all three lights
        meta = (small_set / sid / "sample.toml").read_text()
        assert "seed" not in meta and "index" not in meta
        if key[sid].verdict == "genuine":
            images, planted = render_recorded(record_of(sid, key[sid]))
            assert planted.verdict == "genuine" and planted.indicators == key[sid].indicators
            for side, chans in images.items():
                for c, img in chans.items():
                    assert encode(img, "jpg", JPEG_QUALITY) == (small_set / sid / f"{side}_{c}.jpg").read_bytes()
            checked += 1
    assert checked >= 2


def test_forge_existing_keeps_the_document_and_plants_the_forgery(forge_set: Path, tmp_path: Path) -> None:
    import cv2
    import numpy as np

    from doc_check.analysis.load import load_image
    from doc_check.analysis.mrz_read import read_mrz
    from doc_check.specimen import layout as L
    from doc_check.specimen.derive import ForgeryChoice, forge_existing, record_of, render_recorded
    from doc_check.specimen.faces import face_distance

    set_dir = _copy(forge_set, tmp_path)
    before = load_key(set_dir / "key.toml")
    source = sample_id(11, 0)
    gen = forge_existing(set_dir, source, ForgeryChoice("photo_substitution", "laminate_edge"))
    key = load_key(set_dir / "key.toml")
    assert set(key) == set(before) | {gen.id} and {s: key[s] for s in before} == before
    assert re.fullmatch(r"[A-Z2-7]{6}", gen.id) and gen.id != source
    entry = key[gen.id]
    assert entry.verdict == "forged" and {"photo.substitution", "photo.ghost_mismatch", "photo.edge"} <= set(
        entry.indicators
    )
    assert entry.extra["derived_from"] == source and entry.extra["derivation"] == 1
    for name in ("seed", "index", "dpi", "print_seed", "document_type", "capture"):
        assert entry.extra[name] == before[source].extra[name], name
    meta = (set_dir / gen.id / "sample.toml").read_text().lower()
    assert not any(w in meta for w in TRUTH_WORDS) and source.lower() not in meta

    src = {c: load_image(set_dir / source / f"front_{c}.jpg") for c in ("visible", "uv")}
    new = {c: load_image(set_dir / gen.id / f"front_{c}.jpg") for c in ("visible", "uv")}
    # the same holder: the reader finds the very MRZ of the source in the forgery
    read_src, read_new = read_mrz(src["visible"]), read_mrz(new["visible"])
    assert read_src is not None and read_new is not None
    assert read_new.lines == read_src.lines
    _, src_planted = render_recorded(record_of(source, before[source]))
    assert read_src.lines == src_planted.document.mrz()
    # the same capture: the scan puts the page at the same place, so the pictures match away from the portrait
    lay = L.layout("td3")
    margin = int(0.04 * max(src["visible"].shape[:2]) / 1.08)  # the scan bed around the page (4 % of its size)

    def crop(img: np.ndarray, box: L.Box) -> np.ndarray:
        x0, y0, x1, y1 = box.px(FORGE_DPI)
        return img[y0 + margin : y1 + margin, x0 + margin : x1 + margin]

    mrz_diff = np.abs(
        crop(new["visible"], lay.boxes["mrz"]).astype(int) - crop(src["visible"], lay.boxes["mrz"]).astype(int)
    )
    assert mrz_diff.mean() < 1.0
    # the planted evidence: another face in the portrait while the ghost image (the holder's) stays as it was,
    # and the UV pattern cut inside the new photo
    portrait, ghost = lay.boxes["portrait"].grown(-4), lay.boxes["ghost"].grown(-3)
    assert face_distance(crop(new["visible"], portrait), crop(src["visible"], portrait)) > 0.2
    assert np.abs(crop(new["visible"], ghost).astype(int) - crop(src["visible"], ghost).astype(int)).mean() < 1.0
    uv_new, uv_src = (
        cv2.cvtColor(crop(img, portrait), cv2.COLOR_BGR2GRAY).astype(float) for img in (new["uv"], src["uv"])
    )
    assert uv_new.mean() < uv_src.mean() - 3


def test_a_derived_genuine_sample_can_be_forged_again(forge_set: Path, tmp_path: Path) -> None:
    """genuine -> worn (crease) -> altered surname: one holder throughout, the crease kept, the MRZ untouched."""
    import numpy as np

    from doc_check.specimen.derive import ForgeryChoice, forge_existing, forgeable_samples, record_of, render_recorded

    set_dir = _copy(forge_set, tmp_path)
    source = sample_id(11, 0)
    assert [s for s, _ in forgeable_samples(set_dir)] == [source]  # not the counterfeit, the expired or HAND01
    worn = forge_existing(set_dir, source, ForgeryChoice("worn", "crease"))
    assert worn.truth.verdict == "genuine" and worn.truth.indicators == ()
    assert {s for s, _ in forgeable_samples(set_dir)} == {source, worn.id}
    altered = forge_existing(set_dir, worn.id, ForgeryChoice("data_alteration", "mrz_unchanged", "surname"))
    key = load_key(set_dir / "key.toml")
    e = key[altered.id]
    assert e.verdict == "forged" and e.indicators == ("viz.mrz_mismatch.surname",)
    assert e.extra["derived_from"] == worn.id and e.extra["wear"] == "crease" and e.extra["field"] == "surname"
    assert "crease" in e.explanation
    assert e.extra["derivation"] == 2 and altered.id not in (source, worn.id)
    images, planted = render_recorded(record_of(altered.id, e))
    src_images, src_planted = render_recorded(record_of(source, key[source]))
    worn_images, _ = render_recorded(record_of(worn.id, key[worn.id]))
    assert planted.document == src_planted.document and planted.plan.wear == "crease"
    printed = dict(planted.plan.viz_values)["surname"]
    assert printed != src_planted.document.surname and printed in e.explanation
    # the record renders the saved forgery again, pixel for pixel; it differs from the worn source only a little
    assert all(np.array_equal(images[s][c], altered.images[s][c]) for s in images for c in images[s])
    diff = images["front"]["visible"] != worn_images["front"]["visible"]
    assert 0 < diff.mean() < 0.05
    assert (src_images["front"]["visible"] != worn_images["front"]["visible"]).mean() > 0.005


def test_forge_existing_refusals_leave_the_set_as_it_was(
    forge_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doc_check.specimen import derive
    from doc_check.specimen.derive import ForgeryChoice, add_sample, derive_sample, forge_existing

    set_dir = _copy(forge_set, tmp_path)
    before = tree_digest(set_dir)
    genuine, counterfeit, expired = sample_id(11, 0), sample_id(11, 1), sample_id(11, 2)
    cases = [
        (counterfeit, ForgeryChoice("pseudo"), "not genuine"),
        ("NOPE42", ForgeryChoice("pseudo"), "no sample 'NOPE42'"),
        ("HAND01", ForgeryChoice("pseudo"), "no generation record"),
        (expired, ForgeryChoice("pseudo"), "expired"),
        (genuine, ForgeryChoice("expired"), "forgery 'expired'"),
        (genuine, ForgeryChoice("bogus"), "forgery 'bogus'"),
        (genuine, ForgeryChoice("counterfeit", "photocopy"), "variant 'photocopy'"),
        (genuine, ForgeryChoice("photo_substitution", difficulty="hard"), "no such variant"),
        (genuine, ForgeryChoice("counterfeit", "offset", difficulty="easy"), "not easy"),
        (genuine, ForgeryChoice("pseudo", field="surname"), "only a data alteration"),
        (genuine, ForgeryChoice("data_alteration", "check_digit_stale", "surname"), "alters only"),
    ]
    for sid, choice, message in cases:
        with pytest.raises(BadInput, match=message):
            forge_existing(set_dir, sid, choice)
    assert tree_digest(set_dir) == before
    with pytest.raises(BadInput, match="not found"):
        forge_existing(tmp_path / "nothing", genuine, ForgeryChoice("pseudo"))
    # a key that cannot be written takes the new folder away again
    gen = derive_sample(set_dir, genuine, ForgeryChoice("counterfeit", "colour_copy"))

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(derive, "write_key", broken)
    with pytest.raises(OSError):
        add_sample(set_dir, gen)
    assert tree_digest(set_dir) == before and not any(p.name.startswith(".") for p in set_dir.iterdir())
    monkeypatch.undo()
    add_sample(set_dir, gen)
    with pytest.raises(BadInput, match="already has a sample"):
        add_sample(set_dir, gen)


def test_cli_generate_from_an_existing_sample(forge_set: Path, tmp_path: Path) -> None:
    import json

    set_dir = _copy(forge_set, tmp_path)
    genuine = sample_id(11, 0)
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "generate",
            "--out",
            str(set_dir),
            "--from",
            genuine,
            "--forgery",
            "mrz_tampering",
            "--variant",
            "check_digit",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    made = json.loads(res.output)
    key = load_key(set_dir / "key.toml")
    assert key[made["id"]].verdict == "forged" and key[made["id"]].extra["derived_from"] == genuine
    assert made["variant"] == "check_digit" and list(key[made["id"]].indicators) == made["indicators"]
    assert load_sample(set_dir / made["id"]).document_type == "td3"
    text = runner.invoke(
        cli,
        ["generate", "--out", str(set_dir), "--from", genuine, "--forgery", "data_alteration", "--difficulty", "hard"],
    )
    assert text.exit_code == 0 and "font_mismatch" in text.output, text.output
    for bad, message in (
        (["--from", sample_id(11, 1), "--forgery", "pseudo"], "not genuine"),
        (["--from", genuine], "exactly one --forgery"),
        (["--from", genuine, "--forgery", "pseudo", "--seed", "3"], "drop --seed"),
        (["--variant", "offset"], "only with --from"),
    ):
        r = runner.invoke(cli, ["generate", "--out", str(set_dir), *bad])
        assert r.exit_code == 2 and message in r.output, (bad, r.output)
    assert len(sample_folders(set_dir)) == 5 and len(load_key(set_dir / "key.toml")) == 6  # 3 + HAND01 + 2 made
