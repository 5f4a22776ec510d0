"""Textual's footer of key bindings, rebuilt at most once per refresh and only when the shown bindings changed."""

from __future__ import annotations

import textual
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

TESTED_TEXTUAL = "8.2."
"""Textual releases whose `Footer` internals this footer relies on: `FooterKey` (not exported), the private
`_bindings_ready` reactive and what `Footer.bindings_changed` does (copied below with its coalescing added).
On any other release `KeyFooter` is a plain `Footer`; `tests/test_tui_public_apis.py` pins what was copied."""

SHORTCUTS = textual.__version__.startswith(TESTED_TEXTUAL)
"""Whether the rebuild shortcuts are on (this Textual is one they were written for)."""

if SHORTCUTS:
    from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """A `Footer` that skips redundant rebuilds (on the Textual releases of `TESTED_TEXTUAL`).

    Textual's footer recomposes (some twenty widgets, about 40 ms) on every "bindings changed" signal: on each
    focus change and `refresh_bindings()`, several times while a screen starts. This one coalesces the signals of
    one refresh into one check and recomposes only when the keys, labels or enabled states it shows differ.
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(compact=compact, id=id)
        self._check_pending = False
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        if not SHORTCUTS:
            yield from super().compose()
            return
        # Each key's `compact` watcher adds the "-compact" class once mounted, which restyles every key a second
        # time; the keys are given the class before they are mounted instead (the same look, half the styling).
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if not SHORTCUTS:
            super().bindings_changed(screen)
            return
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def shown_bindings(self) -> tuple:
        """What the footer would show: (key, action, description, group, enabled, tooltip) per shown binding."""
        return tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.key_display,
                binding.group.description if binding.group else None,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if not self.is_attached:
            return
        shown = self.shown_bindings()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
