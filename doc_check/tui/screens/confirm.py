"""The confirm step before submitting: lists unanswered samples and clocks over their limit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from doc_check.tui.session import AttemptSession


class ConfirmSubmitScreen(ModalScreen[bool]):
    """Ask before closing the attempt for good."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Submit"),
        Binding("escape,n", "cancel", "Back", key_display="n"),
    ]

    def __init__(self, session: AttemptSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        unanswered = s.unanswered()
        ids = s.exercise.sample_ids
        with Vertical(id="dialog"):
            yield Label("[b]Submit your answers?[/b] A submitted attempt cannot be changed.")
            if unanswered:
                listing = ", ".join(f"{ids.index(u) + 1} ({u})" for u in unanswered)
                yield Static(f"[yellow]Unanswered ({len(unanswered)}):[/] {listing}", id="unanswered")
            else:
                yield Static(f"All {len(ids)} samples answered.", id="unanswered")
            over = s.over_time_samples()
            if over:
                yield Static(f"Over the per-sample time limit: {', '.join(over)}")
            if s.over_total_limit():
                yield Static("The exercise is over its time limit.")
            with Horizontal(id="buttons"):
                yield Button("Submit (y)", variant="error", id="yes")
                yield Button("Back (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
