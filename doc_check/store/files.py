"""Files the store writes beside the database: atomically replaced files, and files that are never replaced."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _write_temp(path: Path, text: str) -> Path:
    """The text, complete and synced, in a temporary file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file through a temporary file in the same folder and `os.replace`."""
    tmp = _write_temp(path, text)
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_new(path: Path, text: str) -> None:
    """Write a text file that must not exist yet: complete in a temporary file, then hard-linked into place
    (`link` fails with FileExistsError instead of replacing; no reader ever sees half a file)."""
    tmp = _write_temp(path, text)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            # a file system without hard links: exclusive create (O_EXCL), then the finished text
            with path.open("x", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
