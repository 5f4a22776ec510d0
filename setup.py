"""Build hook: the built-in exercises and curated samples ship inside the wheel as `doc_check/_builtin/`.

In the checkout they stay at the top level (`exercises/`, `samples/`); `doc_check.builtin` finds either.
Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUILTIN = ("exercises", "samples")


class BuildWithBuiltins(build_py):
    """Copy the built-in exercises and samples into the built package (not for editable installs)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "doc_check" / "_builtin"
        for name in BUILTIN:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(here / name, target / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))


setup(cmdclass={"build_py": BuildWithBuiltins})
