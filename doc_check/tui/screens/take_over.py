"""Asked when another live session holds the attempt: take it over (the other one stops) or not."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class TakeOverScreen(ModalScreen[bool]):
    """A second window or browser with the same participant code: take over explicitly, or go back."""

    BINDINGS: ClassVar = [
        Binding("t", "take", "Take over"),
        Binding("escape,n", "cancel", "Back", key_display="n"),
    ]

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]This attempt is open elsewhere.[/b] {escape(self.why)}.")
            yield Label("Take it over here? The other session stops writing; every saved answer stays.")
            with Horizontal(id="buttons"):
                yield Button("Take over (t)", variant="warning", id="yes")
                yield Button("Back (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_take(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
