"""Where the built-in exercises and curated samples are: inside the installed package, or in the checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def builtin_root() -> Path:
    """The folder holding `exercises/` and `samples/`: `doc_check/_builtin` in a wheel, else the checkout."""
    packaged = Path(str(resources.files("doc_check"))) / "_builtin"
    if (packaged / "exercises").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def builtin_exercises() -> Path:
    """The built-in exercises folder."""
    return builtin_root() / "exercises"


def builtin_samples() -> Path:
    """The curated sample set the built-in exercises use."""
    return builtin_root() / "samples"
