"""The feedback screen: the individual report right after submit, sample by sample, with the reader's findings."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Markdown, Static

from doc_check.errors import BadInput
from doc_check.exercise import Exercise
from doc_check.exercise.score import IndividualReport, SampleResult
from doc_check.indicators import get as get_indicator
from doc_check.samples import load_sample
from doc_check.tui.screens.examine import FAIL_COLOUR, WARN_COLOUR, ImageCache, clock_text
from doc_check.tui.widgets.document_view import DocumentView

OUTCOME_TEXT = {
    "correct": "[green]correct[/]",
    "wrong_class": "[yellow]wrong class[/]",
    "false_alarm": "[red]false alarm[/]",
    "accepted_fraud": "[reverse red]accepted fraud[/]",
    "unanswered": "[dim]unanswered[/]",
}


def pts(value: float) -> str:
    """Points with at most one decimal (5.83333 -> 5.8, 10.0 -> 10)."""
    return f"{round(value, 1):g}"


def _title(indicator_id: str) -> str:
    try:
        return f"`{indicator_id}` {get_indicator(indicator_id).title}"
    except KeyError:
        return f"`{indicator_id}`"


def sample_markdown(r: SampleResult) -> str:
    """One sample's feedback: your answer against the key, what you missed and flagged wrongly, the explanation."""
    s = r.indicators
    lines = [
        f"## Sample {r.position}: {r.sample_id}",
        f"**Key:** {r.truth} · **you:** {r.verdict or '—'} · {pts(r.points)}/{pts(r.max_points)} points"
        + (f" · confidence {r.confidence} %" if r.confidence is not None else "")
        + f" · {clock_text(r.seconds)}"
        + (" **over time**" if r.over_time else ""),
        "",
    ]
    if r.confident_wrong:
        lines.append("**Confident and wrong:** a penalty applies.\n")
    if s.matched:
        lines.append("**Seen:** " + "; ".join(_title(i) for i in s.matched))
    if s.partial:
        lines.append("\n**Seen in part** (a broader indicator): " + "; ".join(_title(i) for i in s.partial))
    if s.missed:
        lines.append("\n**Missed:** " + "; ".join(_title(i) for i in s.missed))
    if s.extra:
        lines.append("\n**Flagged wrongly:** " + "; ".join(_title(i) for i in s.extra))
    if not r.key_indicators and not r.given_indicators:
        lines.append("No indicator expected, none given.")
    lines += ["", "**Explanation:** " + (r.explanation or "—")]
    if r.note:
        lines += ["", f"**Your note:** {r.note}"]
    return "\n".join(lines)


class FeedbackScreen(Screen):
    """The individual report of one submitted attempt."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "reader", "Reader findings"),
        Binding("h", "history", "History"),
        Binding("escape", "close", "Exercises"),
    ]

    def __init__(self, exercise: Exercise, report: IndividualReport | None, path: Path | None, message: str = ""):
        super().__init__()
        self.exercise = exercise
        self.report = report
        self.path = path
        self.message = message
        self.images = ImageCache(6)
        self.findings: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="feedback"):
            with Vertical(id="results-pane"):
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
                yield DocumentView(self.app.image_mode, True, id="fb-doc")
            with VerticalScroll(id="detail-pane"):
                yield Markdown(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        summary = self.query_one("#summary", Static)
        saved = f"Submission saved: {self.path}" if self.path else ""
        r = self.report
        if r is None:
            summary.update(f"[b]Submitted.[/b] {self.message}\n{saved}")
            self.query_one("#detail", Markdown).update("Your answers are in the submission file above.")
            return
        verdict = "[reverse green] PASS [/]" if r.passed else "[reverse red] FAIL [/]"
        cal = r.calibration
        cal_text = f" · Brier {cal.brier:.2f}" if cal.brier is not None else ""
        summary.update(
            f"[b]{r.exercise_title}[/b] · score [b]{pts(r.total)}/{pts(r.max_total)} ({r.pct:.0f} %)[/b] {verdict}"
            f" pass mark {r.pass_mark:g} % · {r.correct}/{len(r.results)} verdicts correct"
            f" · {r.unanswered} unanswered · {clock_text(r.seconds_total)}"
            + (" [red]over time[/]" if r.time_over_total else "")
            + (" · [red]critical error: a fraudulent document accepted[/]" if r.critical_error else "")
            + cal_text
            + f"\n{saved}"
        )
        table = self.query_one("#results", DataTable)
        table.add_columns("#", "sample", "key", "you", "outcome", "ind. ✔✘+", "pts")
        for res in r.results:
            table.add_row(
                str(res.position),
                res.sample_id,
                res.truth,
                res.verdict or "—",
                OUTCOME_TEXT.get(res.outcome, res.outcome),
                f"{len(res.indicators.matched)} {len(res.indicators.missed)} {len(res.indicators.extra)}",
                f"{pts(res.points)}/{pts(res.max_points)}",
                key=res.sample_id,
            )
        table.focus()
        self.show_result(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "results":
            self.show_result(event.cursor_row)

    def show_result(self, index: int) -> None:
        if self.report is None or not 0 <= index < len(self.report.results):
            return
        res = self.report.results[index]
        self.current = res.sample_id
        text = sample_markdown(res)
        report = self.findings.get(res.sample_id)
        if report is not None:
            flagged = [f for f in report.findings if f.status in ("fail", "warn")]
            text += "\n\n### The reader's findings\n"
            text += (
                "\n".join(f"- **{f.status}** `{f.indicator}` ({f.side}/{f.channel}): {f.message}" for f in flagged)
                or "- nothing flagged"
            )
            text += f"\n\nThe reader suggests **{report.verdict}**."
        else:
            text += "\n\n_Press `d` for the document reader's findings, outlined on the image._"
        self.query_one("#detail", Markdown).update(text)
        self.show_image(res.sample_id)

    def show_image(self, sample_id: str) -> None:
        view = self.query_one("#fb-doc", DocumentView)
        try:
            sample = load_sample(self.exercise.sample(sample_id).folder)
            image = self.images.get(sample.image_path(sample.sides[0], "visible"))
        except (BadInput, KeyError):
            view.show(None)
            return
        boxes = []
        report = self.findings.get(sample_id)
        if report is not None:
            for f in report.findings:
                if f.region is not None and f.side == sample.sides[0] and f.status in ("fail", "warn"):
                    boxes.append((f.region, FAIL_COLOUR if f.status == "fail" else WARN_COLOUR))
        view.boxes = boxes
        view.show(image, keep_view=False)

    def action_reader(self) -> None:
        sid = getattr(self, "current", None)
        if sid is None or sid in self.findings:
            return
        self.notify("Running the document reader…", timeout=3)
        self.run_reader(sid)

    @work(thread=True, group="reader")
    def run_reader(self, sample_id: str) -> None:
        from doc_check.analysis.analyze import analyze_sample

        try:
            report = analyze_sample(self.exercise.sample(sample_id).folder)
        except Exception as exc:  # BadInput, or a reader bug: tell, never end the session
            self.app.call_from_thread(self.notify, f"Reader: {exc}", severity="error")
            return
        self.app.call_from_thread(self._reader_done, sample_id, report)

    def _reader_done(self, sample_id: str, report: object) -> None:
        self.findings[sample_id] = report
        if getattr(self, "current", None) == sample_id and self.report is not None:
            ids = [r.sample_id for r in self.report.results]
            self.show_result(ids.index(sample_id))

    def action_history(self) -> None:
        self.app.show_history()

    def action_close(self) -> None:
        self.app.back_to_picker()
