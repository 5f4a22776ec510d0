"""Where the UI leans on a dependency's internals, a guard pins them; the cell-size probe uses only the OS's API."""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
import struct
import sys
import termios
from typing import ClassVar

import pytest
import textual
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer

from doc_check.tui import images
from doc_check.tui.widgets import key_footer
from doc_check.tui.widgets.key_footer import KeyFooter

FOOTER_SOURCE_SHA256 = "01920f5be04936486c3c667b3bbd14db532dc8ae341ea6e24aabeb04926f0d93"
"""`Footer.bindings_changed` and `Footer.compose` of Textual 8.2.8, which KeyFooter's shortcuts copy."""


def test_the_footer_shortcuts_are_on_for_the_locked_textual_and_match_its_code() -> None:
    assert textual.__version__.startswith(key_footer.TESTED_TEXTUAL) and key_footer.SHORTCUTS
    source = inspect.getsource(Footer.bindings_changed) + inspect.getsource(Footer.compose)
    assert hashlib.sha256(source.encode()).hexdigest() == FOOTER_SOURCE_SHA256, (
        "Textual's Footer changed: re-read it, update KeyFooter and this hash (or TESTED_TEXTUAL)"
    )


class _Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("a", "one", "Alpha"), Binding("b", "two", "Beta")]

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def action_one(self) -> None:
        self.bell()

    def action_two(self) -> None:
        self.bell()


@pytest.mark.parametrize("shortcuts", [True, False])
async def test_the_footer_shows_the_keys_with_and_without_its_shortcuts(monkeypatch, shortcuts: bool) -> None:
    """On a Textual it was not written for, KeyFooter falls back to Footer's own code and still shows the keys."""
    monkeypatch.setattr(key_footer, "SHORTCUTS", shortcuts)
    app = _Keys()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        from textual.widgets._footer import FooterKey  # the test may look inside; the app does not need to

        keys = {(k.key, k.description) for k in app.query_one(KeyFooter).query(FooterKey)}
        assert {("a", "Alpha"), ("b", "Beta")} <= keys


def _pty_with_size(rows: int, cols: int, px_w: int, px_h: int):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("4H", rows, cols, px_w, px_h))
    return master, os.fdopen(slave, "w")


def test_cell_size_comes_from_the_terminal_window_size(monkeypatch) -> None:
    master, tty = _pty_with_size(40, 100, 1000, 800)
    try:
        monkeypatch.setattr(sys, "__stdout__", tty)
        assert images.terminal_cell_size() == (10, 20)
        assert images.cell_pixels("sixel") == (10, 20) and images.cell_pixels("halfcell") == (1, 2)
        fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("4H", 50, 160, 1440, 900))
        assert images.cell_pixels("tgp") == (9, 18)
    finally:
        tty.close()
        os.close(master)


def test_cell_size_without_pixels_falls_back_to_the_environment_then_the_default(monkeypatch) -> None:
    master, tty = _pty_with_size(24, 80, 0, 0)  # a terminal that reports no pixel size (tmux, most)
    try:
        monkeypatch.setattr(sys, "__stdout__", tty)
        monkeypatch.delenv("TEXTUAL_CELL_WIDTH", raising=False)
        monkeypatch.delenv("TEXTUAL_CELL_HEIGHT", raising=False)
        assert images.terminal_cell_size() is None and images.cell_pixels("sixel") == images.DEFAULT_CELL
        monkeypatch.setenv("TEXTUAL_CELL_WIDTH", "8")
        monkeypatch.setenv("TEXTUAL_CELL_HEIGHT", "16")
        assert images.cell_pixels("sixel") == (8, 16)
    finally:
        tty.close()
        os.close(master)


def test_images_uses_no_private_module_of_textual_image() -> None:
    source = inspect.getsource(images)
    assert "textual_image._" not in source
