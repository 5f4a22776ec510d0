"""The command group itself: help lists subcommands, version, python -m."""

import subprocess
import sys

from click.testing import CliRunner

from doc_check import __version__
from doc_check.cli import COMMANDS, cli


def test_help_lists_every_subcommand() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output, name


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_python_dash_m() -> None:
    out = subprocess.run([sys.executable, "-m", "doc_check", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and __version__ in out.stdout
