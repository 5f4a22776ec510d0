"""The verdict form: verdict, the indicator checklist grouped by area, confidence and a note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, RadioButton, RadioSet, SelectionList

from doc_check.indicators import AREAS, VERDICTS, by_area
from doc_check.store import StoredAnswer

VERDICT_LABELS = {
    "genuine": "Genuine",
    "counterfeit": "Counterfeit (whole reproduction)",
    "forged": "Forged (genuine, altered)",
    "stolen_blank": "Stolen blank (fraudulently personalised)",
    "pseudo": "Pseudo (fantasy document)",
}


class VerdictForm(VerticalScroll):
    """Edits one sample's answer; posts `VerdictForm.Changed` on every change."""

    class Changed(Message):
        """The trainee changed the answer."""

        def __init__(self, answer: StoredAnswer) -> None:
            super().__init__()
            self.answer = answer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sample_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Label("Verdict", classes="form-title")
        with RadioSet(id="verdict"):
            for v in VERDICTS:
                yield RadioButton(VERDICT_LABELS.get(v, v), id=f"verdict-{v}")
        yield Label("Indicators seen", classes="form-title")
        for area, items in by_area().items():
            if not items:
                continue
            yield Label(AREAS[area], classes="area-title")
            yield SelectionList[str](
                *((i.title, i.id) for i in items), id=f"area-{area}", classes="checklist"
            )
        yield Label("Confidence (0-100 %)", classes="form-title")
        yield Input(placeholder="e.g. 80", type="integer", max_length=3, id="confidence")
        yield Label("Note", classes="form-title")
        yield Input(placeholder="what you saw", id="note")

    # -- load / read ------------------------------------------------------------------------------------------

    def load(self, answer: StoredAnswer) -> None:
        """Show a stored answer without posting changes."""
        self.sample_id = answer.sample_id
        quiet = (RadioButton.Changed, RadioSet.Changed, SelectionList.SelectedChanged, Input.Changed)
        with self.prevent(*quiet):
            for v in VERDICTS:
                self.query_one(f"#verdict-{v}", RadioButton).value = v == answer.verdict
            # RadioSet did not see those changes: keep its idea of the pressed button in step.
            self.query_one("#verdict", RadioSet)._pressed_button = (
                self.query_one(f"#verdict-{answer.verdict}", RadioButton) if answer.verdict else None
            )
            chosen = set(answer.indicators)
            for sel in self.query(SelectionList):
                sel.deselect_all()
                for index in range(sel.option_count):
                    value = sel.get_option_at_index(index).value
                    if value in chosen:
                        sel.select(value)
                sel.highlighted = None
            self.query_one("#confidence", Input).value = "" if answer.confidence is None else str(answer.confidence)
            self.query_one("#note", Input).value = answer.note

    def current(self, seconds: float = 0.0) -> StoredAnswer:
        """The answer as the form shows it."""
        verdict = None
        for v in VERDICTS:
            if self.query_one(f"#verdict-{v}", RadioButton).value:
                verdict = v
        indicators: list[str] = []
        for sel in self.query(SelectionList):
            indicators.extend(sel.selected)
        conf_text = self.query_one("#confidence", Input).value.strip()
        confidence = None
        if conf_text.lstrip("-").isdigit():
            confidence = max(0, min(100, int(conf_text)))
        note = self.query_one("#note", Input).value
        return StoredAnswer(self.sample_id or "", verdict, tuple(indicators), confidence, note, seconds)

    def set_verdict(self, verdict: str) -> None:
        """Choose a verdict (as a click on its radio button would)."""
        self.query_one(f"#verdict-{verdict}", RadioButton).value = True

    def toggle_indicator(self, indicator_id: str) -> None:
        """Tick or untick one indicator."""
        area = indicator_id.split(".", 1)[0]
        self.query_one(f"#area-{area}", SelectionList).toggle(indicator_id)

    # -- change events ----------------------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.sample_id is not None:
            self.post_message(self.Changed(self.current()))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._changed()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()
