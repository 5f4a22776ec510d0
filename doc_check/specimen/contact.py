"""A contact sheet of a sample set: one tile per sample (visible, UV, IR side by side) labelled with its truth."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from doc_check.samples import KEY_FILE, load_key, load_sample, sample_folders
from doc_check.specimen import guilloche as g


def contact_sheet(
    set_dir: str | Path, *, tile_width: int = 420, columns: int = 3, with_truth: bool = True
) -> np.ndarray:
    """A BGR image showing every sample of the set (front side, each channel), captioned."""
    set_dir = Path(set_dir)
    key = load_key(set_dir / KEY_FILE) if with_truth and (set_dir / KEY_FILE).exists() else {}
    tiles = []
    for folder in sample_folders(set_dir):
        s = load_sample(folder)
        parts = []
        for c in s.channels:
            img = cv2.imread(str(s.image_path(s.sides[0], c)), cv2.IMREAD_COLOR)
            parts.append(img)
        h = int(parts[0].shape[0] * (tile_width / 3) / parts[0].shape[1])
        row = np.hstack([cv2.resize(p, (tile_width // 3, h), interpolation=cv2.INTER_AREA) for p in parts])
        cap = np.full((26, row.shape[1], 3), 255, np.uint8)
        entry = key.get(s.id)
        label = f"{s.id} {s.document_type} {s.capture}"
        if entry is not None:
            kind = entry.extra.get("forgery") or "genuine"
            variant = entry.extra.get("variant")
            label += f"  {entry.verdict}: {kind}" + (f"/{variant}" if variant and variant != kind else "")
        cv2.putText(cap, label, (4, 18), (0, 0, 0), g.font("sans"), 15)
        tiles.append(np.vstack([cap, row]))
    if not tiles:
        return np.full((10, 10, 3), 255, np.uint8)
    th = max(t.shape[0] for t in tiles)
    tiles = [np.vstack([t, np.full((th - t.shape[0], t.shape[1], 3), 255, np.uint8)]) for t in tiles]
    while len(tiles) % columns:
        tiles.append(np.full_like(tiles[0], 255))
    rows = [
        np.hstack([np.pad(t, ((3, 3), (3, 3), (0, 0)), constant_values=255) for t in tiles[i : i + columns]])
        for i in range(0, len(tiles), columns)
    ]
    return np.vstack(rows)


def write_contact_sheet(set_dir: str | Path, path: str | Path, *, tile_width: int = 480, columns: int = 3) -> int:
    """Write the set's contact sheet as a PNG (5 bits per channel, to stay small); returns its size in bytes."""
    import os

    img = contact_sheet(set_dir, tile_width=tile_width, columns=columns) & 0xF8
    _ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(buf.tobytes())
    tmp.replace(path)
    return len(buf)
