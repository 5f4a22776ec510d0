"""Jump to any sample of the exercise: each with its answer so far and its clock."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from doc_check.tui.session import AttemptSession


class GoToScreen(ModalScreen[int]):
    """The exercise's samples; Enter (or a click) returns the chosen sample's index."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, session: AttemptSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        from doc_check.tui.screens.examine import clock_text

        s = self.session
        options = []
        for i, sid in enumerate(s.exercise.sample_ids):
            a = s.answer(sid)
            verdict = a.verdict or "[dim]not answered[/dim]"
            marks = f", {len(a.indicators)} indicator(s)" if a.indicators else ""
            here = "  ◀ on screen" if i == s.index else ""
            options.append(Option(f"{i + 1:>2}. {sid}  {verdict}{marks}  [dim]{clock_text(a.seconds)}[/dim]{here}"))
        with Vertical(id="dialog"):
            yield Label("[b]Go to sample[/b] (Enter)")
            yield OptionList(*options, id="goto-list")

    def on_mount(self) -> None:
        options = self.query_one("#goto-list", OptionList)
        options.highlighted = self.session.index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
