"""The core never imports the interfaces: checked by import-linter and in a clean subprocess per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import doc_check

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ("mrz", "specimen", "analysis", "exercise", "store", "indicators", "samples", "errors", "viewport")
FORBIDDEN = ("textual", "textual_image", "rich", "click", "doc_check.cli", "doc_check.tui")


def core_modules() -> list[str]:
    """Every importable module of the core, found on disk so new modules are covered."""
    found = []
    for info in pkgutil.walk_packages(doc_check.__path__, "doc_check."):
        if info.name.split(".")[1] in CORE_PACKAGES:
            found.append(info.name)
    return sorted(found)


def test_core_modules_exist() -> None:
    assert "doc_check.indicators" in core_modules()


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_no_interface(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} or m.startswith(('doc_check.cli', 'doc_check.tui'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_import_linter_contract() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
