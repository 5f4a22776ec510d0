"""Image files as packs carry them: JPEG and PNG with every metadata segment dropped, padded to a common length."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from doc_check.errors import BadInput

JPEG_MAGIC = b"\xff\xd8"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_PAD_MIN = 4
"""Smallest padding a JPEG takes (one empty COM segment: marker and length)."""
PNG_PAD_MIN = 12
"""Smallest padding a PNG takes (one empty ancillary chunk: length, type, CRC)."""
PAD_MIN = max(JPEG_PAD_MIN, PNG_PAD_MIN)
PNG_PAD_CHUNK = b"paDd"
"""An ancillary, private, safe-to-copy chunk type that every decoder skips."""
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS"}
"""PNG chunks that change the decoded pixels; every other chunk (text, time, EXIF, ICC, ...) is dropped."""
_JPEG_KEEP = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD}
"""JPEG marker segments kept before the scan: SOF0-2, DHT, DQT, DRI (no APPn, COM, or anything else)."""
_COM_MAX = 0xFFFF - 2


def image_format(data: bytes) -> str | None:
    """``jpg`` or ``png`` from a file's first bytes (None: neither)."""
    if data.startswith(JPEG_MAGIC):
        return "jpg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def strip_jpeg(data: bytes, name: str = "image") -> bytes:
    """The JPEG without APPn (EXIF, JFIF, XMP, ICC, Adobe...), COM and unknown segments, and nothing after EOI.

    Keeps SOI, the quantisation and Huffman tables, restart interval, frame header, and every scan with its
    entropy-coded data (progressive files have several). BadInput for a file that is not a well-formed JPEG.
    """
    if not data.startswith(JPEG_MAGIC):
        raise BadInput(f"{name}: not a JPEG file")
    out = bytearray(JPEG_MAGIC)
    i = 2
    n = len(data)
    while True:
        while i < n and data[i] == 0xFF and i + 1 < n and data[i + 1] == 0xFF:
            i += 1  # fill bytes before a marker
        if i + 2 > n or data[i] != 0xFF:
            raise BadInput(f"{name}: broken JPEG (no marker at byte {i})")
        marker = data[i + 1]
        if marker == 0xD9:  # EOI: anything after it is dropped
            out += b"\xff\xd9"
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise BadInput(f"{name}: broken JPEG (stray marker 0x{marker:02X})")
        if i + 4 > n:
            raise BadInput(f"{name}: broken JPEG (truncated segment)")
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        end = i + 2 + length
        if length < 2 or end > n:
            raise BadInput(f"{name}: broken JPEG (segment runs past the end)")
        if marker == 0xDA:  # SOS: header, then entropy-coded data up to the next real marker
            j = data.find(b"\xff", end)
            while j != -1 and j + 1 < n and (data[j + 1] == 0x00 or 0xD0 <= data[j + 1] <= 0xD7 or data[j + 1] == 0xFF):
                j = data.find(b"\xff", j + 1)  # stuffed byte, restart marker or fill byte: still the scan
            if j == -1 or j + 1 >= n:
                raise BadInput(f"{name}: broken JPEG (scan without an end)")
            out += data[i:j]
            i = j
            continue
        if marker in _JPEG_KEEP or (0xC3 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC)):
            out += data[i:end]
        i = end


def _png_chunks(data: bytes, name: str) -> Iterator[tuple[bytes, bytes]]:
    i = len(PNG_MAGIC)
    n = len(data)
    while i + 12 <= n:
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if end > n:
            raise BadInput(f"{name}: broken PNG (chunk runs past the end)")
        yield kind, data[i:end]
        if kind == b"IEND":
            return
        i = end
    raise BadInput(f"{name}: broken PNG (no IEND chunk)")


def strip_png(data: bytes, name: str = "image") -> bytes:
    """The PNG with only the chunks that make its pixels (IHDR, PLTE, tRNS, IDAT, IEND), nothing after IEND."""
    if not data.startswith(PNG_MAGIC):
        raise BadInput(f"{name}: not a PNG file")
    return PNG_MAGIC + b"".join(raw for kind, raw in _png_chunks(data, name) if kind in _PNG_KEEP)


def strip_metadata(data: bytes, name: str = "image") -> tuple[bytes, str]:
    """The image without any metadata, and its format (``jpg`` or ``png``); BadInput for any other format."""
    fmt = image_format(data)
    if fmt == "jpg":
        return strip_jpeg(data, name), fmt
    if fmt == "png":
        return strip_png(data, name), fmt
    raise BadInput(f"{name}: only JPEG and PNG images can go into a pack (convert it first)")


def _com(payload_len: int) -> bytes:
    return b"\xff\xfe" + struct.pack(">H", payload_len + 2) + b"\x00" * payload_len


def pad_to(data: bytes, size: int, name: str = "image") -> bytes:
    """The image grown to exactly ``size`` bytes with filler the decoder skips: zero-filled COM segments right
    after a JPEG's SOI, or a zero-filled ancillary chunk right after a PNG's IHDR. The pixels do not change.
    ``size`` must exceed the length by at least `PAD_MIN` (or equal it)."""
    extra = size - len(data)
    if extra == 0:
        return data
    fmt = image_format(data)
    minimum = JPEG_PAD_MIN if fmt == "jpg" else PNG_PAD_MIN
    if fmt is None or extra < minimum:
        raise BadInput(f"{name}: cannot pad {len(data)} bytes to {size}")
    if fmt == "jpg":
        segments = []
        while extra > 0:
            take = min(extra, _COM_MAX + 4)
            if 0 < extra - take < JPEG_PAD_MIN:  # leave room for one more whole segment
                take = extra - JPEG_PAD_MIN
            segments.append(_com(take - 4))
            extra -= take
        return data[:2] + b"".join(segments) + data[2:]
    ihdr_end = len(PNG_MAGIC) + 25
    payload = b"\x00" * (extra - 12)
    chunk = struct.pack(">I", len(payload)) + PNG_PAD_CHUNK + payload
    chunk += struct.pack(">I", zlib.crc32(PNG_PAD_CHUNK + payload) & 0xFFFFFFFF)
    return data[:ihdr_end] + chunk + data[ihdr_end:]
