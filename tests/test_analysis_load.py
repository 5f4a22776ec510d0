"""Loading untrusted image files: every format, EXIF orientation, and each bad-input case as BadInput."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from doc_check.analysis.load import load_image
from doc_check.errors import BadInput


def _pattern() -> np.ndarray:
    """A 40x60 BGR image whose top-left quadrant is red, so orientation changes are visible."""
    img = np.full((40, 60, 3), 255, np.uint8)
    img[:20, :30] = (0, 0, 255)
    return img


@pytest.mark.parametrize("ext", [".png", ".jpg", ".tif", ".webp", ".bmp"])
def test_formats_round_trip(tmp_path, ext):
    path = tmp_path / f"doc{ext}"
    assert cv2.imwrite(str(path), _pattern())
    img = load_image(path)
    assert img.dtype == np.uint8 and img.shape == (40, 60, 3)
    b, g, r = (int(v) for v in img[5, 5])
    assert r > 200 and g < 60 and b < 60, "channel order must be BGR"
    assert img[35, 55].min() > 200


def test_grayscale_and_alpha_become_bgr(tmp_path):
    gray = tmp_path / "g.png"
    Image.fromarray(np.full((10, 12), 80, np.uint8), "L").save(gray)
    assert load_image(gray).shape == (10, 12, 3)
    rgba = np.zeros((10, 12, 4), np.uint8)  # fully transparent -> composited on white
    path = tmp_path / "a.png"
    Image.fromarray(rgba, "RGBA").save(path)
    out = load_image(path)
    assert out.shape == (10, 12, 3) and out.min() == 255


def test_exif_orientation_is_applied(tmp_path):
    rgb = _pattern()[:, :, ::-1]
    im = Image.fromarray(np.ascontiguousarray(rgb))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored image must be rotated 90 degrees clockwise for display
    path = tmp_path / "rot.jpg"
    im.save(path, exif=exif, quality=95)
    out = load_image(path)
    assert out.shape == (60, 40, 3)
    # the red top-left quadrant ends up top-right after a clockwise turn
    assert out[5, 35, 2] > 200 and out[5, 35, 0] < 80
    assert out[5, 5].min() > 180


def test_directory_missing_and_empty(tmp_path):
    with pytest.raises(BadInput, match="is a directory"):
        load_image(tmp_path)
    with pytest.raises(BadInput, match="no such file"):
        load_image(tmp_path / "nope.png")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(BadInput, match="empty file"):
        load_image(empty)


def test_non_image_and_garbage(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("this is not an image\n")
    with pytest.raises(BadInput, match=r"notes\.png: not an image"):
        load_image(text)
    garbage = tmp_path / "noise.jpg"
    garbage.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(BadInput, match=r"noise\.jpg"):
        load_image(garbage)


@pytest.mark.parametrize("ext", [".jpg", ".png"])
def test_truncated_files(tmp_path, ext):
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (200, 300, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    data = buf.tobytes()
    path = tmp_path / f"cut{ext}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadInput, match=f"cut\\{ext}: .*truncated|cut\\{ext}: "):
        load_image(path)


def test_corrupt_png_chunk(tmp_path):
    _ok, buf = cv2.imencode(".png", _pattern())
    data = bytearray(buf.tobytes())
    idat = data.find(b"IDAT")
    data[idat + 8 : idat + 40] = b"\x00" * 32  # smash compressed data (CRC now wrong too)
    path = tmp_path / "smashed.png"
    path.write_bytes(bytes(data))
    with pytest.raises(BadInput, match=r"smashed\.png"):
        load_image(path)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but that carries almost no data (a decompression bomb stand-in)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


def test_decompression_bomb_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(100_000, 100_000))
    with pytest.raises(BadInput, match=r"bomb.png: image too large \(100000x100000"):
        load_image(path)
    # a real image above a lowered limit is refused, and accepted when the limit is raised
    small = tmp_path / "small.png"
    cv2.imwrite(str(small), _pattern())
    with pytest.raises(BadInput, match="too large"):
        load_image(small, max_pixels=1000)
    assert load_image(small, max_pixels=2400).shape == (40, 60, 3)


def test_unsupported_format(tmp_path):
    path = tmp_path / "anim.gif"
    Image.fromarray(np.zeros((5, 5), np.uint8), "L").save(path)
    with pytest.raises(BadInput, match="unsupported image format GIF"):
        load_image(path)
