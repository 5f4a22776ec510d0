"""The verdict form: verdict, the indicator checklist grouped by area, confidence and a note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, RadioButton, RadioSet, SelectionList

from doc_check.indicators import AREAS, INDICATORS, VERDICTS, by_area
from doc_check.store import StoredAnswer

VERDICT_LABELS = {
    "genuine": "Genuine",
    "counterfeit": "Counterfeit (whole reproduction)",
    "forged": "Forged (genuine, altered)",
    "stolen_blank": "Stolen blank (fraudulently personalised)",
    "pseudo": "Pseudo (fantasy document)",
}
QUIET = (RadioButton.Changed, RadioSet.Changed, SelectionList.SelectedChanged, Input.Changed)
"""Messages a programmatic load must not turn into a saved change."""
_ORDER = {ind.id: n for n, ind in enumerate(INDICATORS)}


class VerdictForm(VerticalScroll):
    """Edits one sample's answer; posts `VerdictForm.Changed` on every change.

    The checklist (seven lists, some thirty indicators) is mounted when the owner calls `build_checklists`
    (the examine screen does so once the document's first frame is on screen); until then the ticked indicators
    are kept in `_ticked`.
    """

    class Changed(Message):
        """The trainee changed the answer."""

        def __init__(self, form: VerdictForm, answer: StoredAnswer) -> None:
            super().__init__()
            self.form = form
            self.answer = answer

        @property
        def control(self) -> VerdictForm:
            """The form that changed (so handlers can use ``@on(VerdictForm.Changed, "#id")``)."""
            return self.form

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sample_id: str | None = None
        self._ticked: set[str] = set()
        self._lists_ready = False
        self._lists_started = False

    def compose(self) -> ComposeResult:
        yield Label("Verdict", classes="form-title")
        with RadioSet(id="verdict"):
            for v in VERDICTS:
                yield RadioButton(VERDICT_LABELS.get(v, v), id=f"verdict-{v}")
        yield Label("Indicators seen", classes="form-title")
        yield Vertical(id="checklists")
        yield Label("Confidence (0-100 %)", classes="form-title")
        yield Input(placeholder="e.g. 80", type="integer", max_length=3, id="confidence")
        yield Label("Note", classes="form-title")
        yield Input(placeholder="what you saw", id="note")

    async def build_checklists(self) -> None:
        """Mount the indicator checklist (once) and show the ticked indicators in it."""
        if self._lists_started:
            return
        self._lists_started = True
        widgets: list[Widget] = []
        for area, items in by_area().items():
            if items:
                widgets.append(Label(AREAS[area], classes="area-title"))
                widgets.append(
                    SelectionList[str](*((i.title, i.id) for i in items), id=f"area-{area}", classes="checklist")
                )
        await self.query_one("#checklists", Vertical).mount_all(widgets)
        self._lists_ready = True
        self._show_ticked()

    def _show_ticked(self) -> None:
        """Put `_ticked` into the lists (quietly)."""
        if not self._lists_ready:
            return
        with self.prevent(*QUIET):
            for sel in self.query(SelectionList):
                sel.deselect_all()
                for index in range(sel.option_count):
                    value = sel.get_option_at_index(index).value
                    if value in self._ticked:
                        sel.select(value)
                sel.highlighted = None

    # -- load / read ------------------------------------------------------------------------------------------

    def load(self, answer: StoredAnswer) -> None:
        """Show a stored answer without posting changes."""
        self.sample_id = answer.sample_id
        self._ticked = set(answer.indicators)
        with self.prevent(*QUIET):
            for v in VERDICTS:
                self.query_one(f"#verdict-{v}", RadioButton).value = v == answer.verdict
            # RadioSet did not see those changes: keep its idea of the pressed button in step.
            self.query_one("#verdict", RadioSet)._pressed_button = (
                self.query_one(f"#verdict-{answer.verdict}", RadioButton) if answer.verdict else None
            )
            self.query_one("#confidence", Input).value = "" if answer.confidence is None else str(answer.confidence)
            self.query_one("#note", Input).value = answer.note
        self._show_ticked()

    def current(self, seconds: float = 0.0) -> StoredAnswer:
        """The answer as the form shows it."""
        verdict = None
        for v in VERDICTS:
            if self.query_one(f"#verdict-{v}", RadioButton).value:
                verdict = v
        indicators = sorted(self._ticked, key=lambda i: _ORDER.get(i, len(_ORDER)))
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
        """Tick or untick one indicator (as a click in the checklist would)."""
        if self._lists_ready:
            area = indicator_id.split(".", 1)[0]
            self.query_one(f"#area-{area}", SelectionList).toggle(indicator_id)
        else:
            self._ticked ^= {indicator_id}
            self._changed()

    # -- change events ----------------------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.sample_id is not None:
            self.post_message(self.Changed(self, self.current()))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._changed()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._ticked = set()
        for sel in self.query(SelectionList):
            self._ticked.update(sel.selected)
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()
