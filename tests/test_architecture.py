"""The core never imports the interfaces: checked by import-linter and in a clean subprocess per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import doc_check

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = (
    "mrz",
    "specimen",
    "analysis",
    "exercise",
    "store",
    "indicators",
    "samples",
    "errors",
    "viewport",
    "library",
    "durations",
    "atomic",
    "cluster",
)
FORBIDDEN = ("textual", "textual_image", "rich", "click", "doc_check.cli", "doc_check.tui")


def core_modules() -> dict[str, list[str]]:
    """Every importable core module, grouped by core package; found on disk so new modules are covered."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(doc_check.__path__, "doc_check."):
        top = info.name.split(".")[1]
        if top in CORE_PACKAGES:
            found.setdefault(top, []).append(info.name)
    for name in CORE_PACKAGES:
        if (Path(doc_check.__path__[0]) / f"{name}.py").exists():
            found.setdefault(name, [f"doc_check.{name}"])
    return found


def test_core_modules_exist() -> None:
    assert set(core_modules()) == set(CORE_PACKAGES)


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_package_imports_no_interface(package: str) -> None:
    """Import every module of one core package in a fresh interpreter; none may load an interface library."""
    modules = core_modules()[package]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} "
        "or m.startswith(('doc_check.cli', 'doc_check.tui'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"doc_check.{package} pulls in {out.stdout.strip()}"


def test_import_linter_contract() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _contract(name_start: str) -> dict:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (found,) = [c for c in data["tool"]["importlinter"]["contracts"] if c["name"].startswith(name_start)]
    return found


def test_every_cli_command_is_in_the_independence_contract() -> None:
    from doc_check.cli import COMMANDS

    commands = {target.split(":")[0] for target in COMMANDS.values()}
    assert commands == set(_contract("CLI commands are independent")["modules"])


def test_every_screen_is_in_the_independence_contract() -> None:
    screens = Path(doc_check.__path__[0]) / "tui" / "screens"
    on_disk = {f"doc_check.tui.screens.{p.stem}" for p in screens.glob("*.py") if p.stem != "__init__"}
    assert on_disk == set(_contract("Screens are independent")["modules"])
