"""Regression tests of the red-team findings about packs (issue 22 items 6, 7, 10, 16, 17)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from exercise_helpers import make_project

from doc_check.cli import cli
from doc_check.errors import BadInput
from doc_check.exercise.imagefiles import pad_to, strip_jpeg, strip_png
from doc_check.exercise.pack import (
    MANIFEST_FILE,
    SIGNATURE_FILE,
    build_pack,
    find_leaks,
    open_pack,
    pack_key_path,
    verify_pack,
)
from doc_check.exercise.signing import sign

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def instructor_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DOC_CHECK_PACK_KEY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "doc-check" / "pack-signing-key.pem"


def members(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def manifest_with(files: dict[str, bytes], changed: dict[str, bytes]) -> dict[str, bytes]:
    """The pack's files with some replaced and the manifest rewritten to match (hashes and sizes)."""
    out = dict(files)
    out.update(changed)
    manifest = json.loads(out[MANIFEST_FILE])
    for entry in manifest["files"]:
        data = out[entry["path"]]
        entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    out[MANIFEST_FILE] = json.dumps(manifest, indent=1).encode()
    return out


# -- item 6: metadata ----------------------------------------------------------------------------------------


def leaky_jpeg() -> bytes:
    """A real JPEG carrying the truth four ways: EXIF ImageDescription, a UTF-16 XPComment, a COM segment and
    bytes after EOI."""
    from PIL import Image

    img = Image.fromarray(np.random.default_rng(1).integers(0, 255, (40, 60, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x010E] = "This one is FORGED"
    exif[0x9C9C] = "forged".encode("utf-16-le") + b"\x00\x00"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes(), comment=b"Counterfeit, a colour copy")
    return buf.getvalue() + b"trailing: STOLEN_BLANK"


def test_metadata_is_stripped_and_text_found_in_any_case_and_utf16(tmp_path: Path) -> None:
    data = leaky_jpeg()
    assert find_leaks("a.jpg", data, ["forged"]) == ["forged"]  # upper case in EXIF
    assert find_leaks("a.jpg", "FoRgEd".encode("utf-16-le"), ["forged"]) == ["forged"]
    assert find_leaks("a.jpg", "forged".encode("utf-16-be")[1:] + b"\x00", ["forged"]) == ["forged"]
    clean = strip_jpeg(data)
    for word in ("forged", "counterfeit", "stolen_blank", "exif"):
        assert not find_leaks("a.jpg", clean, [word]), word
    assert b"\xff\xe1" not in clean[:200] and b"\xff\xfe" not in clean[:200]
    assert clean.endswith(b"\xff\xd9")
    # the pixels are the same
    before = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    after = cv2.imdecode(np.frombuffer(clean, np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(before, after)
    padded = pad_to(clean, len(clean) + 70_000)
    assert len(padded) == len(clean) + 70_000
    assert np.array_equal(cv2.imdecode(np.frombuffer(padded, np.uint8), cv2.IMREAD_COLOR), after)
    # PNG: text chunks dropped, padding an ancillary chunk
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "forged")
    buf = io.BytesIO()
    from PIL import Image

    Image.fromarray(before).save(buf, "PNG", pnginfo=info)
    png = strip_png(buf.getvalue())
    assert b"forged" not in png and b"tEXt" not in png
    grown = pad_to(png, len(png) + 40)
    assert np.array_equal(
        cv2.imdecode(np.frombuffer(grown, np.uint8), cv2.IMREAD_UNCHANGED), before[..., ::-1]
    )  # PIL wrote RGB


def test_a_pack_carries_no_image_metadata(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    s2 = ex.parent.parent / "samples" / "S2"
    (s2 / "front_visible.png").unlink()
    (s2 / "front_visible.jpg").write_bytes(leaky_jpeg())
    (s2 / "sample.toml").write_text((s2 / "sample.toml").read_text().replace("front_visible.png", "front_visible.jpg"))
    out = tmp_path / "exam.zip"
    build_pack(ex, out)
    blob = out.read_bytes()
    for word in ("forged", "counterfeit", "stolen", "exif"):
        assert not find_leaks("exam.zip", blob, [word]), word


# -- item 7: symlinked sample folders ----------------------------------------------------------------------


def test_symlinked_sample_folder_outside_the_root_is_refused(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    samples = ex.parent.parent / "samples"
    outside = tmp_path / "elsewhere" / "S2"
    outside.parent.mkdir()
    (samples / "S2").rename(outside)
    (samples / "S2").symlink_to(outside, target_is_directory=True)
    res = CliRunner().invoke(cli, ["exercise", "validate", str(ex)])
    assert res.exit_code == 2 and "outside the sample root" in res.output, res.output
    with pytest.raises(BadInput, match="outside the sample root"):
        build_pack(ex, tmp_path / "exam.zip")
    assert not (tmp_path / "exam.zip").exists()
    res = CliRunner().invoke(cli, ["pack", str(ex), "--out", str(tmp_path / "exam.zip")])
    assert res.exit_code == 2 and res.output.startswith("doc-check: error:") and res.output.count("\n") == 1
    # a link that stays inside the root is fine
    (samples / "S2").unlink()
    (samples / "real-S2").mkdir()
    outside.rename(samples / "real-S2" / "S2")
    (samples / "S2").symlink_to(samples / "real-S2" / "S2", target_is_directory=True)
    build_pack(ex, tmp_path / "exam.zip")


# -- item 10: only the allowed lights, sizes without signal -------------------------------------------------


def test_a_visible_light_exercise_packs_only_visible_images(tmp_path: Path) -> None:
    out = tmp_path / "first-line.zip"
    build_pack(ROOT / "exercises" / "first-line", out)
    files = members(out)
    images = [n for n in files if n.endswith((".jpg", ".png"))]
    assert images and all("_visible." in n for n in images)
    manifest = verify_pack(out)
    assert manifest.lights == ("visible",)
    import tomllib

    for name, data in files.items():
        if name.endswith("sample.toml"):
            assert tomllib.loads(data.decode())["channels"] == ["visible"], name
    # one length per document type (the light is visible only), samples only
    by_type: dict[str, set[int]] = {}
    for name, data in files.items():
        if name.endswith("sample.toml") and "/references/" not in name:
            meta = tomllib.loads(data.decode())
            for per in meta["images"].values():
                for file in per.values():
                    by_type.setdefault(meta["document_type"], set()).add(len(files[f"{name.rsplit('/', 1)[0]}/{file}"]))
    assert by_type and all(len(v) == 1 for v in by_type.values()), by_type


# -- item 16: train --pack cleans up on SIGTERM and SIGHUP --------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_train_pack_removes_its_folder_on_signal(tmp_path: Path, signum: int) -> None:
    ex = make_project(tmp_path / "p")
    pack = tmp_path / "exam.zip"
    build_pack(ex, pack)
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from doc_check.cli.common import train_from_pack\n"
        "def launch(exercise):\n"
        "    print(exercise.folder, flush=True)\n"
        "    time.sleep(60)\n"
        "train_from_pack(Path(sys.argv[1]), launch)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(pack)], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        folder = Path(proc.stdout.readline().strip()).parents[2]  # <tmp>/doc-check-pack-*/exam/exercises/exam
        assert folder.is_dir() and folder.name.startswith("doc-check-pack-") and (folder / "exam").is_dir()
        proc.send_signal(signum)
        assert proc.wait(timeout=20) == -signum
    finally:
        proc.kill()
        proc.wait()
    time.sleep(0.1)
    assert not folder.exists()


# -- item 17: every path inside the pack; signed packs -------------------------------------------------------


def test_a_manifest_rewritten_around_an_escaping_path_is_refused(tmp_path: Path, instructor_key: Path) -> None:
    ex = make_project(tmp_path / "p")
    pack = tmp_path / "exam.zip"
    build_pack(ex, pack)
    files = members(pack)
    sample_toml = next(n for n in files if n.endswith("sample.toml") and "/references/" not in n)
    evil = files[sample_toml].replace(b'"front_ir.png"', b'"../../../../etc/passwd"')
    assert evil != files[sample_toml]
    tampered = manifest_with(files, {sample_toml: evil})
    # rewritten but not re-signed: the signature gives it away
    bad = write_zip(tmp_path / "unsigned-change.zip", tampered)
    for check in (lambda: verify_pack(bad), lambda: open_pack(bad, tmp_path / "u1")):
        with pytest.raises(BadInput, match="signature does not match"):
            check()
    # even signed by the trusted key (a builder with a bug), the path is resolved and refused
    from doc_check.exercise.signing import signing_key

    tampered[SIGNATURE_FILE] = json.dumps(sign(signing_key(instructor_key), tampered[MANIFEST_FILE])).encode()
    bad = write_zip(tmp_path / "resigned.zip", tampered)
    with pytest.raises(BadInput, match="leads out of the pack"):
        verify_pack(bad)
    with pytest.raises(BadInput, match="leads out of the pack"):
        open_pack(bad, tmp_path / "u2")
    res = CliRunner().invoke(cli, ["pack", "--verify", str(bad)])
    assert res.exit_code == 2 and "leads out of the pack" in res.output


def test_an_edited_exercise_is_caught_at_verify(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "p")
    pack = tmp_path / "exam.zip"
    build_pack(ex, pack)
    files = members(pack)
    name = next(n for n in files if n.endswith("exercise.toml"))
    edited = manifest_with(files, {name: files[name].replace(b"pass_mark = 60", b"pass_mark = 1")})
    bad = write_zip(tmp_path / "edited.zip", edited)
    res = CliRunner().invoke(cli, ["pack", "--verify", str(bad)])
    assert res.exit_code == 2 and "tampered pack refused" in res.output
    res = CliRunner().invoke(cli, ["train", "--pack", str(bad), "--as", "P1", "--db", str(tmp_path / "d.sqlite")])
    assert res.exit_code == 2 and "tampered pack refused" in res.output


def test_signatures_unsigned_foreign_and_trusted_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ex = make_project(tmp_path / "p")
    pack = tmp_path / "exam.zip"
    build_pack(ex, pack)
    files = members(pack)
    unsigned = write_zip(tmp_path / "unsigned.zip", {k: v for k, v in files.items() if k != SIGNATURE_FILE})
    with pytest.raises(BadInput, match="not signed"):
        verify_pack(unsigned)
    # a pack signed by someone else's key
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    foreign = dict(files)
    foreign[SIGNATURE_FILE] = json.dumps(sign(Ed25519PrivateKey.generate(), files[MANIFEST_FILE])).encode()
    with pytest.raises(BadInput, match="not by a trusted instructor key"):
        verify_pack(write_zip(tmp_path / "foreign.zip", foreign))
    # a trainee's machine: no key of its own; trusts the instructor's public key given with --signer
    runner = CliRunner()
    public = tmp_path / "instructor.pub.pem"
    res = runner.invoke(cli, ["pack", "--public-key", str(public)])
    assert res.exit_code == 0 and public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "trainee-xdg"))
    res = runner.invoke(cli, ["pack", "--verify", str(pack)])
    assert res.exit_code == 2 and "no instructor key is trusted" in res.output and "--signer" in res.output
    res = runner.invoke(cli, ["pack", "--verify", str(pack), "--signer", str(public)])
    assert res.exit_code == 0 and "signed by a trusted key" in res.output
    assert not (tmp_path / "trainee-xdg").exists()  # verifying never creates a key
    # scoring a pack needs its key next to it (or --key)
    pack_key_path(pack).rename(tmp_path / "elsewhere.key.toml")
    sub = tmp_path / "sub.json"
    sub.write_text("{}")
    res = runner.invoke(cli, ["score", str(pack), str(sub), "--signer", str(public)])
    assert res.exit_code == 2 and "the pack's key not found" in res.output
