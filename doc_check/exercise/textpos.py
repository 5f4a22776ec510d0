"""Finding the line of a field in TOML or JSON text, so that semantic errors can name file, line and field."""

from __future__ import annotations

import re


def _key_pattern(key: str) -> str:
    esc = re.escape(key)
    return rf"(?:{esc}|\"{esc}\"|'{esc}')"


def _header_line(lines: list[str], table: list[str]) -> int | None:
    """0-based line of the ``[a.b]`` header of a table, if present."""
    pat = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(_key_pattern(p) for p in table) + r"\s*\]")
    for i, line in enumerate(lines):
        if pat.match(line):
            return i
    return None


def toml_line(text: str, field_path: str) -> int | None:
    """The 1-based line where a dotted TOML field (``policy.pass_mark``, ``samples.AB12``) is set, if found."""
    parts = field_path.split(".")
    lines = text.splitlines()
    for cut in range(len(parts) - 1, -1, -1):
        table, key = parts[:cut], parts[cut]
        start = 0
        if table:
            header = _header_line(lines, table)
            if header is None:
                continue
            start = header + 1
        pat = re.compile(r"^\s*" + _key_pattern(key) + r"\s*=")
        for i in range(start, len(lines)):
            if lines[i].lstrip().startswith("["):
                break
            if pat.match(lines[i]):
                return i + 1
    header = _header_line(lines, parts)
    return None if header is None else header + 1


def text_line(text: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of ``needle`` in ``text``, if any."""
    pos = text.find(needle)
    if pos < 0:
        return None
    return text.count("\n", 0, pos) + 1


def where(path: object, line: int | None, field_path: str) -> str:
    """The ``file:line: field`` prefix of an error message (line omitted when unknown)."""
    loc = f"{path}:{line}" if line else f"{path}"
    return f"{loc}: {field_path}" if field_path else loc
