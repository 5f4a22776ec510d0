"""Asks the participant code once; the store remembers it."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from doc_check.errors import BadInput
from doc_check.tui.host import train_host


class ParticipantScreen(ModalScreen[str]):
    """One input: the participant code (letters, digits, '.', '_', '-')."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("[b]Your participant code[/b] (asked once, remembered in the database)")
            yield Input(placeholder="e.g. T07", id="code", max_length=64)
            yield Label("", id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            code = train_host(self).store.ensure_participant(event.value)
        except BadInput as exc:
            self.query_one("#problem", Label).update(f"[red]{escape(str(exc))}[/]")
            return
        self.dismiss(code)
