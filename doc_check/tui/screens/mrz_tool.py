"""The MRZ tool: the MRZ as read or typed, each check digit computed step by step, problems marked in place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static, TextArea

from doc_check.mrz import parse
from doc_check.mrz.explain import CheckExplanation, explain


def marked_lines(
    lines: list[str],
    errors: list,
    warnings: list,
    checks: tuple[CheckExplanation, ...],
    uncertain: frozenset[tuple[int, int]] = frozenset(),
) -> Text:
    """The MRZ lines with errors in red, warnings in yellow, check digits green (right) or red (wrong), and
    characters the reader was unsure of underlined."""
    text = Text()
    styles: dict[tuple[int, int], str] = dict.fromkeys(uncertain, "underline")
    for e in checks:
        styles[(e.line - 1, e.column - 1)] = "bold black on green" if e.ok else "bold white on red"
    for problems, style in ((warnings, "bold black on yellow"), (errors, "bold white on red")):
        for p in problems:
            for k in range(max(1, p.length)):
                styles[(p.line - 1, p.column - 1 + k)] = style
    for i, line in enumerate(lines):
        for j, ch in enumerate(line):
            text.append(ch, style=styles.get((i, j), ""))
        text.append("\n")
        carets = "".join("^" if (i, j) in styles and styles[(i, j)].endswith("red") else " " for j in range(len(line)))
        if carets.strip():
            text.append(carets.rstrip() + "\n", style="red")
    return text


def explanation_text(e: CheckExplanation) -> str:
    """One check digit's computation as aligned rows: characters, values, weights, products, then the sum."""
    w = max(3, *(len(str(p)) + 1 for p in e.products)) if e.products else 3
    row = lambda items: "".join(str(x).rjust(w) for x in items)  # noqa: E731
    status = "[green]✔ matches[/]" if e.ok else f"[red]✘ printed {escape(e.printed)}, should be {e.expected}[/]"
    lines = [
        f"[b]{e.field.replace('_', ' ')}[/b]  (digit at line {e.line}, column {e.column})  {status}",
        f"  char    {escape(row(e.chars))}",
        f"  value   {row(e.values)}",
        f"  weight  {row(e.weights)}",
        f"  product {row(e.products)}",
        f"  sum {e.sum}  →  {e.sum} mod 10 = [b]{e.mod10}[/b]",
    ]
    blind = [f"{c}→{'/'.join(subs)}" for c, subs in e.undetectable if subs]
    if blind:
        lines.append(f"  [dim]not caught by this digit: {escape(', '.join(blind[:8]))}[/dim]")
    return "\n".join(lines)


class MrzToolScreen(ModalScreen[str]):
    """Type or correct the MRZ; every change re-checks it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "read", "Read MRZ from the image"),
        Binding("escape", "close", "Close"),
    ]
    UNSURE = 0.7
    """Characters read with less confidence than this are underlined."""

    def __init__(self, initial: str, sample_id: str, images: Sequence[Path] = ()) -> None:
        super().__init__()
        self.initial = initial
        self.sample_id = sample_id
        self.images = list(images)
        self.uncertain: frozenset[tuple[int, int]] = frozenset()
        self.read_lines: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="mrz-dialog"):
            yield Label(
                f"[b]MRZ tool[/b] · sample {self.sample_id} · type the MRZ as you read it (one line per row; "
                "'<' for fillers), or Ctrl+R to read it off the image"
            )
            yield TextArea(self.initial, id="mrz-input", soft_wrap=False, show_line_numbers=False)
            with VerticalScroll(id="mrz-output"):
                yield Static(id="mrz-marked")
                yield Static(id="mrz-problems")
                yield Static(id="mrz-steps")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mrz-input", TextArea).focus()
        self.check()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.check()

    def action_read(self) -> None:
        """Read the MRZ off the sample's white-light images (in a worker thread) into the editor."""
        if not self.images:
            self.notify("No white-light image to read the MRZ from.", severity="warning")
            return
        self.notify("Reading the MRZ…", timeout=3)
        self.read_worker(self.images)

    @work(thread=True, exclusive=True, group="mrz-read")
    def read_worker(self, images: list[Path]) -> None:
        from doc_check.analysis.load import load_image
        from doc_check.analysis.mrz_read import read_mrz

        for path in images:
            try:
                reading = read_mrz(load_image(path))
            except Exception as exc:  # BadInput or a reader bug: say so, keep the tool open
                self.app.call_from_thread(self.notify, f"MRZ reader: {exc}", severity="error")
                return
            if reading is not None:
                self.app.call_from_thread(self._read_done, reading.lines, reading.confidences)
                return
        self.app.call_from_thread(self.notify, "No MRZ found on the image.", severity="warning")

    def _read_done(self, lines: tuple[str, ...], confidences: tuple[tuple[float, ...], ...]) -> None:
        self.read_lines = tuple(lines)
        self.uncertain = frozenset(
            (i, j) for i, row in enumerate(confidences) for j, c in enumerate(row) if c < self.UNSURE
        )
        self.query_one("#mrz-input", TextArea).text = "\n".join(lines)

    def check(self) -> None:
        """Parse and explain what is typed."""
        raw = self.query_one("#mrz-input", TextArea).text
        lines = [ln.strip().upper() for ln in raw.splitlines() if ln.strip()]
        marked = self.query_one("#mrz-marked", Static)
        problems_view = self.query_one("#mrz-problems", Static)
        steps = self.query_one("#mrz-steps", Static)
        if not lines:
            marked.update("[dim]No MRZ yet.[/dim]")
            problems_view.update("")
            steps.update("")
            return
        try:
            result = parse(lines, today=self.app.today())
            checks = explain(lines)
        except (ValueError, TypeError) as exc:
            marked.update(Text("\n".join(lines)))
            problems_view.update(f"[red]{escape(str(exc))}[/]")
            steps.update("")
            return
        uncertain = self.uncertain if tuple(lines) == self.read_lines else frozenset()
        marked.update(marked_lines(lines, list(result.errors), list(result.warnings), checks, uncertain))
        if result.format is None:
            problems_view.update("[yellow]Not a known MRZ layout yet (TD1 3x30, TD2 2x36, TD3 2x44, MRV-A/B).[/]")
        else:
            listing = [f"[b]{result.format}[/b] · " + ("[green]valid[/]" if result.valid else "[red]not valid[/]")]
            if uncertain:
                listing[0] += f" · {len(uncertain)} character(s) read with doubt (underlined): check them on the image"
            for p in result.errors:
                listing.append(f"[red]error[/] line {p.line} col {p.column}: {escape(p.message)} [dim]({p.code})[/dim]")
            for p in result.warnings:
                listing.append(
                    f"[yellow]warning[/] line {p.line} col {p.column}: {escape(p.message)} [dim]({p.code})[/dim]"
                )
            problems_view.update("\n".join(listing))
        steps.update("\n\n".join(explanation_text(e) for e in checks) if checks else "")

    def action_close(self) -> None:
        self.dismiss(self.query_one("#mrz-input", TextArea).text)
