"""Exam packs: no key and no truth inside, hashes verified, tampering and path escapes refused, scoring ties back."""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from exercise_helpers import TRUTH, make_project

from doc_check.cli import cli
from doc_check.errors import BadInput
from doc_check.exercise import check_submission, load_exercise, load_exercise_key, new_submission
from doc_check.exercise.model import Answer
from doc_check.exercise.pack import MANIFEST_FILE, build_pack, open_pack, read_manifest, verify_pack
from doc_check.exercise.score import score_submission
from doc_check.indicators import VERDICTS


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture()
def packed(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "exam.zip"
    build_pack(project, out)
    return out


def _members(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _rewrite(pack: Path, out: Path, change) -> Path:
    """Copy a pack entry by entry, letting ``change(name, data)`` return new data, None to drop, or a list of
    extra (name, data) pairs via the special name '+'."""
    members = _members(pack)
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            new = change(name, data)
            if new is not None:
                zf.writestr(name, new)
        for name, data in change("+", b"") or []:
            zf.writestr(name, data)
    return out


def test_pack_holds_no_key_and_no_truth(project: Path, packed: Path) -> None:
    key = load_exercise_key(project / "key.toml")
    words = set(VERDICTS)
    for entry in key.entries.values():
        words.add(entry.verdict)
        words.update(entry.indicators)
        words.add(entry.explanation)
    assert len(words) > len(VERDICTS)
    raw = packed.read_bytes().lower()
    members = _members(packed)
    assert not any(Path(n).name == "key.toml" for n in members)
    for word in words:
        w = word.lower().encode()
        assert w not in raw, word
        for name, data in members.items():
            assert w not in name.lower().encode(), (word, name)
            assert w not in data.lower(), (word, name)
    # the decompressed text really was searched: the exercise id and sample ids are in there
    assert b'id = "ex1"' in members["exercises/ex1/exercise.toml"]
    assert set(TRUTH) <= {n.split("/")[1] for n in members if n.startswith("samples/")}


def test_pack_is_deterministic_and_verifies(project: Path, packed: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    build_pack(project, again)
    assert again.read_bytes() == packed.read_bytes()
    manifest = verify_pack(packed)
    exercise = load_exercise(project)
    assert manifest.exercise_sha256 == exercise.sha256
    assert manifest.exercise_id == "ex1"
    assert len(manifest.files) == 1 + 4 * 4
    assert read_manifest(packed) == manifest


def test_open_pack_loads_the_same_exercise(project: Path, packed: Path, tmp_path: Path) -> None:
    opened = open_pack(packed, tmp_path / "unpacked")
    original = load_exercise(project)
    assert opened.exercise.sha256 == original.sha256
    assert opened.exercise.sample_ids == original.sample_ids
    assert opened.exercise.sample_root.is_relative_to(opened.root)
    assert not list(opened.root.rglob("key.toml"))
    with pytest.raises(BadInput, match="not empty"):
        open_pack(packed, tmp_path / "unpacked")


def test_submission_from_pack_scores_with_instructors_key(project: Path, packed: Path, tmp_path: Path) -> None:
    opened = open_pack(packed, tmp_path / "u")
    sub = new_submission(opened.exercise, "P01")
    for sid in opened.exercise.sample_ids:
        verdict, inds = TRUTH[sid]
        sub = sub.with_answer(Answer(sid, verdict, tuple(inds), 90, 10.0))
    exercise = load_exercise(project)
    key = load_exercise_key(project / "key.toml", exercise)
    check_submission(exercise, sub)
    report = score_submission(exercise, key, sub)
    assert report.pct == pytest.approx(100.0) and report.passed
    # the same exercise id and version, but a different exercise file: refused with a clear message
    text = (project / "exercise.toml").read_text().replace("Four documents", "Four papers")
    (project / "exercise.toml").write_text(text)
    changed = load_exercise(project)
    with pytest.raises(BadInput, match="different exercise file"):
        check_submission(changed, sub)


def test_tampered_member_is_refused(packed: Path, tmp_path: Path) -> None:
    bad = _rewrite(
        packed,
        tmp_path / "bad.zip",
        lambda n, d: d + b"\x00" if n == "samples/S2/front_uv.png" else (None if n == "+" else d),
    )
    with pytest.raises(BadInput, match="tampered pack refused"):
        verify_pack(bad)
    with pytest.raises(BadInput, match="tampered pack refused"):
        open_pack(bad, tmp_path / "u")


def test_tampered_exercise_is_refused(packed: Path, tmp_path: Path) -> None:
    def change(name: str, data: bytes):
        if name == "exercises/ex1/exercise.toml":
            return data.replace(b"time_limit_total = 600", b"time_limit_total = 6000")
        return None if name == "+" else data

    bad = _rewrite(packed, tmp_path / "bad.zip", change)
    with pytest.raises(BadInput, match=r"exercise\.toml: .*tampered pack refused"):
        open_pack(bad, tmp_path / "u")


@pytest.mark.parametrize("extra", ["../evil.txt", "/abs/evil.txt", "samples/../../evil.txt", "a\\..\\evil"])
def test_zip_slip_is_refused(packed: Path, tmp_path: Path, extra: str) -> None:
    bad = _rewrite(packed, tmp_path / "slip.zip", lambda n, d: [(extra, b"x")] if n == "+" else d)
    dest = tmp_path / "deep" / "u"
    with pytest.raises(BadInput, match=r"unsafe path|not in the manifest"):
        open_pack(bad, dest)
    assert not list((tmp_path / "deep").rglob("evil*"))
    assert not (tmp_path / "evil.txt").exists()


def test_extra_missing_and_symlink_members_are_refused(packed: Path, tmp_path: Path) -> None:
    extra = _rewrite(packed, tmp_path / "extra.zip", lambda n, d: [("samples/S1/key.txt", b"x")] if n == "+" else d)
    with pytest.raises(BadInput, match="not in the manifest"):
        verify_pack(extra)
    missing = _rewrite(
        packed, tmp_path / "missing.zip", lambda n, d: None if n in ("samples/S3/front_ir.png", "+") else d
    )
    with pytest.raises(BadInput, match="missing from the archive"):
        verify_pack(missing)
    members = _members(packed)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name == "samples/S1/front_ir.png":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                data = b"/etc/passwd"
            zf.writestr(info, data)
    with pytest.raises(BadInput, match="not a regular file"):
        open_pack(link, tmp_path / "u")


def test_not_a_pack(tmp_path: Path, packed: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(BadInput, match="not a zip archive"):
        verify_pack(junk)
    with pytest.raises(BadInput, match="file not found"):
        verify_pack(tmp_path / "nope.zip")
    no_manifest = _rewrite(packed, tmp_path / "nm.zip", lambda n, d: None if n in (MANIFEST_FILE, "+") else d)
    with pytest.raises(BadInput, match=r"no manifest\.json"):
        verify_pack(no_manifest)
    broken = _rewrite(
        packed, tmp_path / "bm.zip", lambda n, d: b"{not json" if n == MANIFEST_FILE else (None if n == "+" else d)
    )
    with pytest.raises(BadInput, match="invalid JSON"):
        verify_pack(broken)


def test_corrupt_deflate_stream_is_refused(packed: Path, tmp_path: Path) -> None:
    raw = bytearray(packed.read_bytes())
    with zipfile.ZipFile(packed) as zf:
        info = zf.getinfo("exercises/ex1/exercise.toml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + 12):
        raw[i] ^= 0xFF
    bad = tmp_path / "corrupt.zip"
    bad.write_bytes(bytes(raw))
    with pytest.raises(BadInput):
        verify_pack(bad)
    assert zlib  # the deflate stream is what was damaged


def test_leaky_sample_id_or_briefing_is_refused(tmp_path: Path) -> None:
    truth = {"genuine1": ("genuine", []), "S2": ("forged", ["print.erasure"])}
    ex = make_project(tmp_path / "a", truth)
    out = tmp_path / "a.zip"
    with pytest.raises(BadInput, match=r"reveal the truth.*genuine"):
        build_pack(ex, out)
    assert not out.exists()
    ex2 = make_project(tmp_path / "b")
    text = (ex2 / "exercise.toml").read_text().replace("Four documents", "Look for print.erasure on four documents")
    (ex2 / "exercise.toml").write_text(text)
    with pytest.raises(BadInput, match=r"print\.erasure"):
        build_pack(ex2, out)
    assert not out.exists()


def test_pack_cli(project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "cli.zip"
    res = runner.invoke(cli, ["pack", str(project), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "no key" in res.output
    res = runner.invoke(cli, ["pack", "--verify", str(out)])
    assert res.exit_code == 0 and "OK" in res.output
    bad = _rewrite(
        out, tmp_path / "bad.zip", lambda n, d: d + b"!" if n == "samples/S1/sample.toml" else (None if n == "+" else d)
    )
    res = runner.invoke(cli, ["pack", "--verify", str(bad)])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "doc-check: error:" in res.output and "tampered" in res.output
    res = runner.invoke(cli, ["pack", str(tmp_path / "nothing"), "--out", str(tmp_path / "x.zip")])
    assert res.exit_code == 2 and not (tmp_path / "x.zip").exists()


def test_briefing_may_use_verdict_words_but_samples_may_not(tmp_path: Path) -> None:
    ex = make_project(tmp_path / "a")
    text = (ex / "exercise.toml").read_text().replace("Four documents", "Genuine or forged? Four documents")
    (ex / "exercise.toml").write_text(text)
    out = tmp_path / "a.zip"
    build_pack(ex, out)
    members = _members(out)
    assert members["exercises/ex1/exercise.toml"] == (ex / "exercise.toml").read_bytes()
    sample_toml = ex.parent.parent / "samples" / "S2" / "sample.toml"
    sample_toml.write_text(sample_toml.read_text() + "# forged on purpose\n")
    with pytest.raises(BadInput, match=r"S2/sample\.toml: would reveal the truth.*forged"):
        build_pack(ex, tmp_path / "b.zip")


READY = Path(__file__).resolve().parents[1] / "exercises" / "first-line"


def test_ready_exercise_pack_holds_no_truth(tmp_path: Path) -> None:
    out = tmp_path / "first-line.zip"
    build_pack(READY, out)
    key = load_exercise_key(READY / "key.toml")
    words = set(VERDICTS) | {i for e in key.entries.values() for i in e.indicators}
    words |= {str(e.extra["forgery"]) for e in key.entries.values() if len(str(e.extra.get("forgery", ""))) >= 6}
    members = _members(out)
    assert not any(Path(n).name == "key.toml" for n in members)
    for name, data in members.items():
        if name.endswith("/exercise.toml"):
            # the public briefing is packed byte for byte (it may say "genuine"); no indicator id in it
            assert data == (READY / "exercise.toml").read_bytes()
            assert not any(i.encode() in data.lower() for i in words if "." in i)
            continue
        for w in words:
            assert w.lower().encode() not in name.lower().encode(), (w, name)
            assert w.lower().encode() not in (data.lower() if name.endswith((".toml", ".json")) else data), (w, name)
    assert verify_pack(out).exercise_id == "first-line"


def test_file_and_folder_of_the_same_name_is_refused(packed: Path, tmp_path: Path) -> None:
    import hashlib
    import json

    members = _members(packed)
    manifest = json.loads(members[MANIFEST_FILE])
    for name, data in (("samples/S1/front_ir.png/x", b"x"),):
        manifest["files"].append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        members[name] = data
    members[MANIFEST_FILE] = json.dumps(manifest).encode()
    bad = tmp_path / "clash.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(BadInput, match="cannot unpack"):
        open_pack(bad, tmp_path / "u")
