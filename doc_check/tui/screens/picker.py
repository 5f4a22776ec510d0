"""The exercise picker: each exercise with its briefing, sample count, time limit and your best score."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Markdown, OptionList
from textual.widgets.option_list import Option

from doc_check.durations import clock_text
from doc_check.exercise import Exercise
from doc_check.tui.host import train_host


def limits_text(ex: Exercise) -> str:
    """The exercise's time limits in words."""
    parts = []
    if ex.time_limit_sample:
        parts.append(f"{clock_text(ex.time_limit_sample)} per sample")
    if ex.time_limit_total:
        parts.append(f"{clock_text(ex.time_limit_total)} in all")
    return ", ".join(parts) or "no time limit"


class PickerScreen(Screen):
    """Choose an exercise to take (Enter); an open attempt is resumed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start / resume", priority=True),
        Binding("h", "history", "History"),
        Binding("l", "library", "Library", show=False),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Label(id="who")
        with Horizontal(id="picker"):
            yield OptionList(id="exercises")
            with VerticalScroll(id="details"):
                yield Markdown(id="briefing")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#exercises", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        """The list, with best scores and attempts in progress (retried while the database is unreachable)."""
        train_host(self).store_call(self._refresh_list, retry=self.refresh_list)

    def _refresh_list(self) -> None:
        app = train_host(self)
        self.query_one("#who", Label).update(
            f"[b]doc-check train[/b] · participant [b]{app.participant}[/b] · database {app.store.label}"
        )
        options = self.query_one("#exercises", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        best = app.store.best_scores(app.participant)
        for ex in app.exercises:
            mark = ""
            b = best.get(ex.id)
            if b is not None and b.max_score:
                mark = f"  best {100 * max(b.score or 0, 0) / b.max_score:.0f}%"
            if app.store.open_attempt(app.participant, ex.id, ex.sha256):
                mark += "  (in progress)"
            options.add_option(
                Option(f"{escape(ex.title)}\n[dim]{escape(ex.id)} · {len(ex.samples)} samples{mark}[/dim]", id=ex.id)
            )
        for path, problem in app.exercise_errors:
            options.add_option(Option(f"[red]{escape(str(path))}[/]\n[dim]{escape(str(problem))}[/dim]", disabled=True))
        if app.exercises:
            options.highlighted = highlighted if highlighted is not None else self.default_index()
        self.show_details()

    def default_index(self) -> int:
        ids = [e.id for e in train_host(self).exercises]
        return ids.index("first-line") if "first-line" in ids else 0

    def selected(self) -> Exercise | None:
        index = self.query_one("#exercises", OptionList).highlighted
        exercises = train_host(self).exercises
        return exercises[index] if index is not None and index < len(exercises) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_details()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def show_details(self) -> None:
        """The highlighted exercise's briefing and the participant's record of it."""
        train_host(self).store_call(self._show_details, retry=self.show_details)

    def _show_details(self) -> None:
        ex = self.selected()
        md = self.query_one("#briefing", Markdown)
        if ex is None:
            md.update("No exercise found. Give one with `doc-check train --exercise PATH`.")
            return
        store, who = train_host(self).store, train_host(self).participant
        lines = [
            f"# {ex.title}",
            f"`{ex.id}` version {ex.version} · **{len(ex.samples)} samples** · {limits_text(ex)}",
            "",
            ex.briefing.strip() or "_No briefing._",
            "",
            f"**Lights:** {', '.join(ex.channels)}  ",
            f"**Tools:** {', '.join(sorted(ex.tools)) or 'none (naked eye)'}  ",
            f"**Pass mark:** {ex.policy.pass_mark:g} %",
            "",
        ]
        open_attempt = store.open_attempt(who, ex.id, ex.sha256)
        if open_attempt:
            answered = sum(1 for a in store.answers(open_attempt.id).values() if a.answered)
            lines.append(
                f"**In progress:** {answered}/{len(ex.samples)} answered, "
                f"{clock_text(open_attempt.total_seconds)} spent. Enter resumes."
            )
        history = [a for a in store.history(who, ex.id) if a.state == "submitted"]
        if history:
            best = store.best_scores(who).get(ex.id)
            if best is not None and best.max_score:
                lines.append(
                    f"**Your best:** {100 * max(best.score or 0, 0) / best.max_score:.0f} % "
                    f"({'passed' if best.passed else 'not passed'}), {len(history)} attempt(s)."
                )
            else:
                lines.append(f"{len(history)} submitted attempt(s), not scored here.")
        else:
            lines.append("_Not taken yet._")
        md.update("\n".join(lines))

    def action_start(self) -> None:
        ex = self.selected()
        if ex is not None:
            train_host(self).open_exercise(ex)

    def action_history(self) -> None:
        train_host(self).show_history()

    def action_library(self) -> None:
        train_host(self).show_library()
