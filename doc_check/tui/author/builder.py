"""The exercise builder: samples in order, briefing, allowed lights and tools, time limits, scoring policy and the
feedback shown per sample; saved as exercise.toml and key.toml, then checked (and audited with the reader)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Input, Label, SelectionList, Static, TextArea

from doc_check.errors import BadInput
from doc_check.exercise.draft import ExerciseDraft, save_exercise
from doc_check.exercise.model import TOOLS, ScoringPolicy
from doc_check.samples import CHANNELS, KeyEntry

TOOL_NAMES = {
    "magnifier": "Magnifier",
    "reference": "Reference specimen",
    "mrz_tool": "MRZ calculator",
    "reader": "Document reader",
}


class BuilderPane(Horizontal):
    """Build or edit one exercise; ``Save`` writes it, ``Audit`` runs the reader over its samples."""

    def __init__(
        self, set_dir: Path, exercises_dir: Path, draft: ExerciseDraft | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.set_dir = set_dir
        self.exercises_dir = exercises_dir
        self.draft = draft or ExerciseDraft(
            id="new-exercise", title="New exercise", channels=CHANNELS, tools=("magnifier", "reference")
        )
        self.samples: list[str] = list(self.draft.samples)
        self.key: dict[str, KeyEntry] = dict(self.draft.key)
        self.set_key: dict[str, KeyEntry] = {}
        self._loading_explanation = False

    def compose(self) -> ComposeResult:
        d = self.draft
        with VerticalScroll(id="ex-form"):
            yield Label("Exercise id (folder name)", classes="form-title")
            yield Input(d.id, id="ex-id")
            yield Label("Title", classes="form-title")
            yield Input(d.title, id="ex-title")
            yield Label("Version", classes="form-title")
            yield Input(d.version, id="ex-version")
            yield Label("Briefing", classes="form-title")
            yield TextArea(d.briefing, id="ex-briefing", soft_wrap=True)
            yield Label("Lights allowed", classes="form-title")
            yield SelectionList[str](*((c, c, c in d.channels) for c in CHANNELS), id="ex-channels")
            yield Label("Tools allowed", classes="form-title")
            yield SelectionList[str](*((TOOL_NAMES.get(t, t), t, t in d.tools) for t in TOOLS), id="ex-tools")
            yield Label("Time per sample / in total (seconds, empty: none)", classes="form-title")
            with Horizontal(classes="pair"):
                yield Input(
                    "" if d.time_limit_sample is None else str(d.time_limit_sample),
                    type="integer",
                    id="ex-tls",
                    placeholder="per sample",
                )
                yield Input(
                    "" if d.time_limit_total is None else str(d.time_limit_total),
                    type="integer",
                    id="ex-tlt",
                    placeholder="total",
                )
            yield Label("Scoring: pass mark % / verdict share / points per sample", classes="form-title")
            with Horizontal(classes="triple"):
                yield Input(f"{d.policy.pass_mark:g}", type="number", id="ex-pass")
                yield Input(f"{d.policy.verdict_weight:g}", type="number", id="ex-vw")
                yield Input(f"{d.policy.points_per_sample:g}", type="number", id="ex-pps")
            yield Checkbox("Accepting a fraud fails the exercise", d.policy.critical_error, id="ex-critical")
        with Vertical(id="ex-right"):
            yield Label("Samples in order ([b]e[/] in the library adds the sample shown)", classes="form-title")
            yield DataTable(id="ex-samples", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button("Up", id="ex-up")
                yield Button("Down", id="ex-down")
                yield Button("Remove", id="ex-remove", variant="warning")
            yield Label("Feedback shown for the selected sample", classes="form-title")
            yield TextArea("", id="ex-explanation", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="ex-save", variant="success")
                yield Button("Save + audit", id="ex-audit", variant="primary")
            yield Static("", id="ex-status")

    def on_mount(self) -> None:
        self.query_one("#ex-samples", DataTable).add_columns("#", "sample", "truth", "indicators")
        self.refresh_table()

    # -- samples ----------------------------------------------------------------------------------------------

    def set_library_key(self, set_key: dict[str, KeyEntry]) -> None:
        """The sample set's truth, where new samples take their key entry from."""
        self.set_key = dict(set_key)

    def add_sample(self, sample_id: str) -> None:
        """Append a sample (its key entry from the set's key)."""
        if sample_id in self.samples:
            self.notify(f"{escape(sample_id)} is already in the exercise")
            return
        entry = self.key.get(sample_id) or self.set_key.get(sample_id)
        if entry is None:
            self.notify(f"{escape(sample_id)}: not in the set's key.toml, its truth is unknown", severity="error")
            return
        self.key[sample_id] = entry
        self.samples.append(sample_id)
        self.refresh_table(select=len(self.samples) - 1)
        self.notify(f"Added {escape(sample_id)} as sample {len(self.samples)}")

    def refresh_table(self, select: int | None = None) -> None:
        """Redraw the ordered sample list."""
        table = self.query_one("#ex-samples", DataTable)
        table.clear()
        for i, sid in enumerate(self.samples, 1):
            e = self.key[sid]
            table.add_row(str(i), sid, e.verdict.replace("_", " "), ", ".join(e.indicators), key=sid)
        if select is not None and self.samples:
            table.move_cursor(row=max(0, min(select, len(self.samples) - 1)))
        self.load_explanation()

    def selected(self) -> int | None:
        """Index of the highlighted sample, if any."""
        table = self.query_one("#ex-samples", DataTable)
        if not self.samples or table.cursor_row is None or table.cursor_row >= len(self.samples):
            return None
        return table.cursor_row

    def load_explanation(self) -> None:
        """Show the highlighted sample's feedback text."""
        i = self.selected()
        area = self.query_one("#ex-explanation", TextArea)
        self._loading_explanation = True
        area.text = "" if i is None else self.key[self.samples[i]].explanation
        area.disabled = i is None
        self._loading_explanation = False

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "ex-samples":
            self.load_explanation()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id != "ex-explanation" or self._loading_explanation:
            return
        i = self.selected()
        if i is not None:
            sid = self.samples[i]
            self.key[sid] = replace(self.key[sid], explanation=event.text_area.text)

    def move(self, step: int) -> None:
        """Move the highlighted sample up or down."""
        i = self.selected()
        if i is None or not 0 <= i + step < len(self.samples):
            return
        self.samples[i], self.samples[i + step] = self.samples[i + step], self.samples[i]
        self.refresh_table(select=i + step)

    def remove_selected(self) -> None:
        """Take the highlighted sample out of the exercise."""
        i = self.selected()
        if i is not None:
            self.samples.pop(i)
            self.refresh_table(select=i)

    # -- draft, save, audit -------------------------------------------------------------------------------------

    def _number(self, widget_id: str, name: str) -> float:
        text = self.query_one(widget_id, Input).value.strip()
        try:
            return float(text)
        except ValueError:
            raise BadInput(f"{name}: {text!r} is not a number") from None

    def _seconds(self, widget_id: str, name: str) -> int | None:
        text = self.query_one(widget_id, Input).value.strip()
        if not text:
            return None
        if not text.isdigit() or int(text) <= 0:
            raise BadInput(f"{name}: {text!r} must be a whole number of seconds > 0 (or empty)")
        return int(text)

    def current_draft(self) -> ExerciseDraft:
        """The exercise as the form shows it (BadInput for a field that cannot be used)."""
        policy = replace(
            self.draft.policy if isinstance(self.draft.policy, ScoringPolicy) else ScoringPolicy(),
            pass_mark=self._number("#ex-pass", "pass mark"),
            verdict_weight=self._number("#ex-vw", "verdict share"),
            points_per_sample=self._number("#ex-pps", "points per sample"),
            critical_error=self.query_one("#ex-critical", Checkbox).value,
        )
        return ExerciseDraft(
            id=self.query_one("#ex-id", Input).value.strip(),
            title=self.query_one("#ex-title", Input).value.strip(),
            version=self.query_one("#ex-version", Input).value.strip() or "1",
            briefing=self.query_one("#ex-briefing", TextArea).text,
            samples=tuple(self.samples),
            channels=tuple(self.query_one("#ex-channels", SelectionList).selected),
            tools=tuple(self.query_one("#ex-tools", SelectionList).selected),
            time_limit_sample=self._seconds("#ex-tls", "time per sample"),
            time_limit_total=self._seconds("#ex-tlt", "total time"),
            policy=policy,
            key={sid: self.key[sid] for sid in self.samples},
        )

    def save(self):
        """Write exercise.toml and key.toml (checked by the loaders first); returns (exercise, key) or None."""
        status = self.query_one("#ex-status", Static)
        try:
            draft = self.current_draft()
            exercise, key = save_exercise(draft, self.exercises_dir / draft.id, self.set_dir)
        except BadInput as exc:
            status.update(f"[red]Not saved: {escape(str(exc))}[/]")
            return None
        self.draft = draft
        status.update(
            f"[green]Saved[/] {escape(str(exercise.path))} and key.toml: {len(exercise.samples)} samples, "
            f"lights {'/'.join(exercise.channels)}, tools {', '.join(sorted(exercise.tools)) or 'none'}"
        )
        return exercise, key

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "ex-up": lambda: self.move(-1),
            "ex-down": lambda: self.move(1),
            "ex-remove": self.remove_selected,
            "ex-save": self.save,
            "ex-audit": self.save_and_audit,
        }
        action = actions.get(event.button.id or "")
        if action:
            action()

    def save_and_audit(self) -> None:
        """Save, then run the reader over every sample to check what each one shows under the allowed lights."""
        saved = self.save()
        if saved is None:
            return
        self.query_one("#ex-status", Static).update("[dim]auditing with the document reader…[/]")
        self.audit(*saved)

    @work(thread=True, group="audit", exclusive=True)
    def audit(self, exercise, key) -> None:
        """The deep check in a worker thread."""
        from doc_check.exercise.audit import audit_exercise

        try:
            report = audit_exercise(exercise, key)
        except Exception as exc:
            self.app.call_from_thread(self._audited, [f"[red]audit failed: {escape(str(exc))}[/]"], False)
            return
        lines = [f"[yellow]warning:[/] {escape(w.message)}" for w in report.warnings]
        self.app.call_from_thread(self._audited, lines, report.ok)

    def _audited(self, lines: list[str], ok: bool) -> None:
        head = (
            "[green]Audit: every sample shows its truth under the allowed lights and tools.[/]"
            if ok
            else "[b]Audit:[/]"
        )
        self.query_one("#ex-status", Static).update("\n".join([head, *lines]))
