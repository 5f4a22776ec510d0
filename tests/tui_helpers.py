"""Builders for the TUI and store tests: a small project with drawn document images, an exercise and its key."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from exercise_helpers import key_toml  # one key writer for all test helpers

MRZ = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TRUTH: dict[str, tuple[str, list[str]]] = {
    "A1": ("genuine", []),
    "B2": ("forged", ["viz.mrz_mismatch.birth_date", "print.erasure"]),
    "C3": ("counterfeit", ["uv.paper_bright", "ir.mrz"]),
}


def document_image(channel: str, seed: int, size: tuple[int, int] = (740, 520)) -> np.ndarray:
    """A drawn TD3-like data page under one light: background pattern, portrait box, text lines, MRZ."""
    w, h = size
    rng = np.random.default_rng(seed)
    base = {"visible": (225, 235, 240), "uv": (60, 20, 30), "ir": (200, 200, 200)}[channel]
    img = np.empty((h, w, 3), np.uint8)
    img[:] = base
    for k in range(0, w, 9):  # guilloche-like waves
        ys = (h / 2 + 60 * np.sin(np.arange(w) / 40 + k / 30)).astype(np.int32)
        pts = np.stack([np.arange(w), ys], axis=1)[::3]
        colour = (180, 150, 200) if channel == "visible" else (120, 200, 230) if channel == "uv" else (190, 190, 190)
        cv2.polylines(img, [pts.reshape(-1, 1, 2)], False, colour, 1)
    cv2.rectangle(img, (30, 90), (200, 320), (90, 80, 70) if channel != "uv" else (40, 10, 20), -1)
    for i in range(6):
        cv2.putText(
            img,
            f"FIELD {i} {rng.integers(1000, 9999)}",
            (230, 110 + 36 * i),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.7,
            (30, 30, 30) if channel != "ir" else (200, 200, 200),
            2,
        )
    for i, line in enumerate(MRZ):
        cv2.putText(img, line, (20, 440 + 36 * i), cv2.FONT_HERSHEY_PLAIN, 1.45, (20, 20, 20), 2)
    return img


def make_sample(folder: Path, sample_id: str, seed: int = 0, sides: tuple[str, ...] = ("front",)) -> None:
    """A real sample folder: sample.toml and one PNG per side and channel."""
    folder.mkdir(parents=True, exist_ok=True)
    table = []
    for side in sides:
        table.append(f"[images.{side}]")
        for ch in ("visible", "uv", "ir"):
            name = f"{side}_{ch}.png"
            cv2.imwrite(str(folder / name), document_image(ch, seed + (side == "back")))
            table.append(f'{ch} = "{name}"')
    sides_txt = ", ".join(f'"{s}"' for s in sides)
    (folder / "sample.toml").write_text(
        f'id = "{sample_id}"\ndocument_type = "td3"\nsides = [{sides_txt}]\nchannels = ["visible", "uv", "ir"]\n'
        'capture = "scan"\ndpi = 150\n' + "\n".join(table) + "\n"
    )


EXERCISE_TOML = '''id = "{ex_id}"
title = "Border check drill"
version = "1"
briefing = """Three passports presented at a border crossing. Judge each one."""
sample_root = "../../samples"
samples = [{samples}]
channels = ["visible", "uv", "ir"]
tools = [{tools}]
time_limit_sample = 60
time_limit_total = 600

[policy]
pass_mark = 60
'''


def make_project(
    root: Path,
    ex_id: str = "drill",
    tools: tuple[str, ...] = ("magnifier", "reference", "mrz_tool"),
    truth: dict[str, tuple[str, list[str]]] | None = None,
) -> Path:
    """A project folder with samples/ (+ references/td3) and exercises/<ex_id>/; returns the exercise folder."""
    truth = truth or TRUTH
    samples = root / "samples"
    for i, sid in enumerate(truth):
        if not (samples / sid).exists():
            make_sample(samples / sid, sid, seed=i)
    if not (samples / "references" / "td3").exists():
        make_sample(samples / "references" / "td3", "REF-TD3", seed=99)
    ex = root / "exercises" / ex_id
    ex.mkdir(parents=True, exist_ok=True)
    ids = ", ".join(f'"{s}"' for s in truth)
    tools_txt = ", ".join(f'"{t}"' for t in tools)
    (ex / "exercise.toml").write_text(EXERCISE_TOML.format(ex_id=ex_id, samples=ids, tools=tools_txt))
    (ex / "key.toml").write_text(key_toml(truth))
    return ex
