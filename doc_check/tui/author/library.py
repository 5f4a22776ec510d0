"""The sample library: every sample of the set with its truth, a preview under each light, the reader's findings."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from doc_check.errors import BadInput
from doc_check.exercise.draft import LibraryEntry, library
from doc_check.samples import load_sample, reference_folder
from doc_check.tui.author.common import finding_boxes, findings_rows, sample_pictures, truth_text
from doc_check.tui.author.viewer import SampleViewer


class LibraryPane(Horizontal):
    """Browse a sample set: list, preview, truth and findings; ``a`` runs the reader, ``e`` adds to the exercise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "analyse", "Analyse"),
        Binding("e", "add", "Add to exercise"),
        Binding("f", "forge", "Forge it"),
        Binding("w", "channel('visible')", "White"),
        Binding("u", "channel('uv')", "UV"),
        Binding("i", "channel('ir')", "IR"),
        Binding("l", "channel('all')", "All lights"),
        Binding("b", "flip", "Side"),
        Binding("ctrl+r", "reload", "Reload", show=False),
    ]

    class ForgeSample(Message):
        """The instructor wants a forgery of this (genuine) sample: open it in the sample maker."""

        def __init__(self, sample_id: str) -> None:
            super().__init__()
            self.sample_id = sample_id

    class AddSample(Message):
        """The instructor wants this sample in the exercise being built."""

        def __init__(self, sample_id: str) -> None:
            super().__init__()
            self.sample_id = sample_id

    def __init__(self, set_dir: Path, mode: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_dir = set_dir
        self.mode = mode
        self.entries: dict[str, LibraryEntry] = {}
        self.reports: dict[str, object] = {}
        self.running: set[str] = set()
        self.failures: dict[str, str] = {}
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        yield DataTable(id="lib-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="lib-middle"):
            yield SampleViewer(self.mode, id="lib-view")
            yield DataTable(id="lib-findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="lib-truth")

    def on_mount(self) -> None:
        table = self.query_one("#lib-table", DataTable)
        table.add_columns("sample", "type", "capture", "truth", "kind", "level")
        self.query_one("#lib-findings", DataTable).add_columns("status", "indicator", "where", "message")
        self.reload()
        self.query_one("#lib-table", DataTable).focus()

    def reload(self) -> None:
        """Read the set folder and its key again."""
        table = self.query_one("#lib-table", DataTable)
        table.clear()
        try:
            entries = library(self.set_dir)
        except BadInput as exc:
            self.notify(str(exc), severity="error", timeout=10)
            entries = []
        self.entries = {e.id: e for e in entries}
        for e in entries:
            try:
                s = load_sample(e.folder)
                doc_type, capture = s.document_type, s.capture
            except BadInput:
                doc_type, capture = "?", "?"
            t = e.truth
            verdict = "" if t is None else t.verdict.replace("_", " ")
            kind = "" if t is None else str(t.extra.get("forgery", t.extra.get("variant", "")))
            level = "" if t is None else str(t.extra.get("difficulty", ""))
            table.add_row(e.id, doc_type, capture, verdict, kind, level, key=e.id)
        if entries:
            self.show_sample(entries[0].id)

    def action_reload(self) -> None:
        self.reload()

    def action_channel(self, channel: str) -> None:
        self.query_one(SampleViewer).action_channel(channel)

    def action_flip(self) -> None:
        self.query_one(SampleViewer).action_flip()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "lib-table" and event.row_key is not None and event.row_key.value:
            self.show_sample(str(event.row_key.value))

    def show_sample(self, sample_id: str) -> None:
        """Preview one sample: pictures, truth, findings if the reader ran."""
        entry = self.entries.get(sample_id)
        if entry is None:
            return
        self.current = sample_id
        try:
            sample, pictures = sample_pictures(entry.folder)
            sides = sample.sides
        except BadInput as exc:
            pictures, sides = {}, ("front",)
            self.notify(str(exc), severity="error", timeout=10)
        self.query_one(SampleViewer).set_pictures(pictures, sides, sample_id)
        self.query_one("#lib-truth", Static).update(truth_text(entry.truth))
        self.refresh_findings()

    def refresh_findings(self) -> None:
        """Show the reader's findings of the current sample (or that it is running)."""
        table = self.query_one("#lib-findings", DataTable)
        table.clear()
        sid = self.current
        if sid in self.running:
            table.add_row("…", "reader running", "", "")
        report = self.reports.get(sid or "")
        viewer = self.query_one(SampleViewer)
        if report is not None:
            for row in findings_rows(report):
                table.add_row(*row)
            viewer.set_boxes({side: finding_boxes(report, side) for side in viewer.sides})
        elif sid in self.failures:
            table.add_row("[red]error[/]", "reader failed", "", self.failures[sid])
        elif sid not in self.running:
            table.add_row("", "press a", "", "to run the document reader on this sample")

    def action_analyse(self) -> None:
        sid = self.current
        if sid is None or sid in self.running or sid in self.reports:
            return
        self.failures.pop(sid, None)
        self.running.add(sid)
        self.refresh_findings()
        self.run_reader(sid, self.entries[sid].folder)

    @work(thread=True, group="reader")
    def run_reader(self, sample_id: str, folder: Path) -> None:
        """The document reader in a worker thread."""
        from doc_check.analysis import analyze_sample

        try:
            doc_type = load_sample(folder).document_type
            report = analyze_sample(folder, references=reference_folder(self.set_dir, doc_type))
        except Exception as exc:
            self.app.call_from_thread(self._reader_done, sample_id, None, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._reader_done, sample_id, report, "")

    def _reader_done(self, sample_id: str, report: object, problem: str) -> None:
        self.running.discard(sample_id)
        if report is not None:
            self.reports[sample_id] = report
        else:
            self.failures[sample_id] = problem
            self.notify(f"Reader: {problem}", severity="error", timeout=10)
        if sample_id == self.current:
            self.refresh_findings()

    def action_forge(self) -> None:
        if self.current is not None:
            self.post_message(self.ForgeSample(self.current))

    def action_add(self) -> None:
        if self.current is not None:
            self.post_message(self.AddSample(self.current))
