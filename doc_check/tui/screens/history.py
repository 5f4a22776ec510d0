"""The history screen: past attempts from the database and scores over time."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Sparkline

from doc_check.durations import clock_text
from doc_check.tui.host import train_host


class HistoryScreen(Screen):
    """Every attempt of the participant, newest first; Enter re-opens a submitted attempt's report."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Report", priority=True),
        Binding("escape", "close", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Label(id="history-title")
        yield Sparkline([], id="trend")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        if not train_host(self).store_call(self._fill):
            self.app.pop_screen()  # the database is unreachable: back, with "reconnecting" shown

    def _fill(self) -> None:
        app = train_host(self)
        attempts = app.store.history(app.participant)
        pcts = [100 * max(a.score, 0) / a.max_score for a in reversed(attempts) if a.score is not None and a.max_score]
        self.query_one("#history-title", Label).update(
            f"[b]History of {app.participant}[/b] · {len(attempts)} attempt(s)"
            + (f" · scores over time (oldest → newest): {', '.join(f'{p:.0f}%' for p in pcts[-12:])}" if pcts else "")
        )
        self.query_one("#trend", Sparkline).data = pcts or [0]
        table = self.query_one("#history", DataTable)
        table.add_columns("started", "exercise", "version", "state", "answered", "time", "score", "result")
        for a in attempts:
            answered = sum(1 for x in app.store.answers(a.id).values() if x.answered)
            score = f"{100 * max(a.score, 0) / a.max_score:.0f} %" if a.score is not None and a.max_score else "—"
            result = {True: "[green]passed[/]", False: "[red]failed[/]", None: ""}[a.passed]
            table.add_row(
                a.started.replace("T", " ")[:16],
                escape(a.exercise_id),
                escape(a.exercise_version),
                "in progress" if a.is_open else "submitted",
                f"{answered}/{len(a.sample_ids)}",
                clock_text(a.total_seconds),
                score,
                result,
                key=str(a.id),
            )
        table.focus()

    def action_open(self) -> None:
        table = self.query_one("#history", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:  # every row is added with its attempt id as key
            train_host(self).open_attempt_report(int(key))

    def action_close(self) -> None:
        self.app.pop_screen()
