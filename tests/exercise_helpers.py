"""Builders for the exercise/score tests: a tiny project with hand-made sample folders, an exercise and its key."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

# Truth of the hand-made sample set: sample id -> (verdict, indicators).
TRUTH: dict[str, tuple[str, list[str]]] = {
    "S1": ("genuine", []),
    "S2": ("forged", ["viz.mrz_mismatch.birth_date", "print.erasure"]),
    "S3": ("counterfeit", ["uv.paper_bright", "ir.mrz"]),
    "S4": ("forged", ["mrz.check_digit.birth_date"]),
}


def make_sample(folder: Path, sample_id: str) -> None:
    """A minimal but real sample folder: sample.toml and a small PNG per channel."""
    folder.mkdir(parents=True, exist_ok=True)
    img = np.full((20, 30, 3), 200, np.uint8)
    for ch in ("visible", "uv", "ir"):
        cv2.imwrite(str(folder / f"front_{ch}.png"), img)
    (folder / "sample.toml").write_text(
        f'id = "{sample_id}"\ndocument_type = "td3"\nsides = ["front"]\nchannels = ["visible", "uv", "ir"]\n'
        'capture = "scan"\ndpi = 300\n[images.front]\nvisible = "front_visible.png"\nuv = "front_uv.png"\n'
        'ir = "front_ir.png"\n'
    )


def key_toml(truth: dict[str, tuple[str, list[str]]]) -> str:
    """key.toml text for a truth table."""
    out = []
    for sid, (verdict, inds) in truth.items():
        inds_txt = ", ".join(f'"{i}"' for i in inds)
        out.append(
            f'[samples.{sid}]\nverdict = "{verdict}"\nindicators = [{inds_txt}]\n'
            f'explanation = "Explanation of {sid}."\n'
        )
    return "\n".join(out)


EXERCISE_TOML = '''id = "ex1"
title = "Test round"
version = "1"
briefing = """Four documents at a border crossing."""
sample_root = "../../samples"
samples = [{samples}]
channels = ["visible", "uv", "ir"]
tools = ["magnifier", "mrz_tool"]
time_limit_sample = 60
time_limit_total = 600

[policy]
pass_mark = 60
{policy}
'''


def make_project(root: Path, truth: dict[str, tuple[str, list[str]]] | None = None, policy: str = "") -> Path:
    """A project folder with samples/ (+ key.toml) and exercises/ex1/ (exercise.toml, key.toml); returns
    the exercise folder."""
    truth = truth or TRUTH
    samples = root / "samples"
    for sid in truth:
        make_sample(samples / sid, sid)
    (samples / "key.toml").write_text(key_toml(truth))
    ex = root / "exercises" / "ex1"
    ex.mkdir(parents=True)
    ids = ", ".join(f'"{s}"' for s in truth)
    (ex / "exercise.toml").write_text(EXERCISE_TOML.format(samples=ids, policy=policy))
    (ex / "key.toml").write_text(key_toml(truth))
    return ex
