"""A set in pieces: the streamed plan equals plan_specs, key shards merge into exactly what write_key writes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from doc_check.errors import BadInput
from doc_check.samples import KeyEntry, load_key
from doc_check.specimen.forgeries import FORGERY_KINDS
from doc_check.specimen.sampleset import plan_specs, write_key
from doc_check.specimen.setpieces import iter_plan, merge_key_shards, shard_path, write_key_shard

KINDS = list(FORGERY_KINDS)


@pytest.mark.parametrize(
    ("count", "share", "forgeries", "types", "captures"),
    [
        (1, 0.4, (), ("td3", "td1", "mrva"), ("scan", "photo")),
        (97, 0.4, (), ("td3", "td1", "mrva"), ("scan", "photo")),
        (300, 0.0, (), ("td1",), ("photo",)),
        (50, 1.0, (), ("td3", "mrva"), ("scan", "photo")),
        (120, 0.3, ("data_alteration",), ("td3",), ("scan",)),
        (64, 0.5, ("expired", "worn"), ("td3", "td1"), ("scan", "photo")),
        (80, 0.5, ("data_alteration", "worn"), ("td3", "td1", "mrva"), ("scan",)),
        *[(41, 0.25, (k,), ("td3", "td1", "mrva"), ("scan", "photo")) for k in KINDS],
        *[(23, 0.6, pair, ("mrva", "td3"), ("photo", "scan")) for pair in itertools.combinations(KINDS[:5], 2)],
    ],
)
def test_iter_plan_is_plan_specs_one_at_a_time(count, share, forgeries, types, captures) -> None:
    for seed in (0, 2026):
        kw = {"types": types, "forgeries": forgeries, "captures": captures, "genuine_share": share, "dpi": 150}
        assert list(iter_plan(count, seed, **kw)) == plan_specs(count, seed, **kw)


def test_iter_plan_refuses_what_plan_specs_refuses() -> None:
    for kw in ({"count": 0}, {"genuine_share": 1.5}, {"types": ("td9",)}, {"forgeries": ("x",)}, {"captures": ("x",)}):
        args = {"count": 3, **kw}
        with pytest.raises(BadInput) as local:
            plan_specs(args.pop("count"), 0, **args)
        args = {"count": 3, **kw}
        with pytest.raises(BadInput) as streamed:
            iter_plan(args.pop("count"), 0, **args)  # before the first spec is asked for
        assert str(streamed.value) == str(local.value)


def _entries(n: int) -> dict[str, KeyEntry]:
    prefixes = ["AK", "AK", "A2", "ZZ", "B7", "AK", "22", "Z2", "A2", "BB", "7Q", "AK"]  # shared shard buckets
    ids = [f"{p}{i:04d}" for i, p in enumerate(prefixes[:n])]
    return {
        sid: KeyEntry(
            "forged" if i % 2 else "genuine",
            ("print.erasure",) if i % 2 else (),
            f'Entry {i} with "quotes" and ünïcode.',
            {
                "document_type": "td3",
                "seed": 1,
                "index": i,
                "dpi": 72,
                "print_seed": 10**9 + i,
                "channels": ["visible"],
            },
        )
        for i, sid in enumerate(ids)
    }


def test_merged_shards_are_byte_identical_to_write_key(tmp_path: Path) -> None:
    entries = _entries(12)
    whole, pieces = tmp_path / "whole", tmp_path / "pieces"
    whole.mkdir(), pieces.mkdir()
    write_key(whole, entries)
    shards = pieces / ".shards"
    for sid in reversed(list(entries)):  # any order of arrival
        write_key_shard(shards, sid, entries[sid])
    write_key_shard(shards, "AK0001", entries["AK0001"])  # a retried task writes its shard again
    assert shard_path(shards, "AK0001").parent.name == "AK"
    merge_key_shards(pieces, shards)
    assert (pieces / "key.toml").read_bytes() == (whole / "key.toml").read_bytes()
    assert set(load_key(pieces / "key.toml")) == set(entries)
    assert not [p for p in pieces.iterdir() if p.name.startswith(".key.toml")]


def test_merge_into_an_existing_key_keeps_and_replaces_like_write_key(tmp_path: Path) -> None:
    entries = _entries(10)
    old = dict(list(entries.items())[:6])
    new = dict(list(entries.items())[4:])
    new = {sid: KeyEntry("counterfeit", (), "Replaced.", e.extra) for sid, e in new.items()}
    whole, pieces = tmp_path / "whole", tmp_path / "pieces"
    whole.mkdir(), pieces.mkdir()
    write_key(whole, old)
    write_key(whole, new)
    write_key(pieces, old)
    for sid, e in new.items():
        write_key_shard(pieces / ".shards", sid, e)
    merge_key_shards(pieces, pieces / ".shards")
    assert (pieces / "key.toml").read_bytes() == (whole / "key.toml").read_bytes()


def test_merge_refuses_a_broken_existing_key(tmp_path: Path) -> None:
    (tmp_path / "key.toml").write_text("[samples.X\n")
    write_key_shard(tmp_path / ".shards", "ABCDEF", _entries(1)["AK0000"])
    with pytest.raises(BadInput, match=r"key\.toml: invalid TOML"):
        merge_key_shards(tmp_path, tmp_path / ".shards")
    assert (tmp_path / "key.toml").read_text() == "[samples.X\n"
