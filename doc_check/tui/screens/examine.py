"""The examine screen: one sample at a time under the allowed lights and tools, with the verdict form and clocks."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import cv2
import numpy as np
from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable
from textual.worker import get_current_worker

from doc_check.analysis.load import load_image
from doc_check.durations import clock_text
from doc_check.errors import BadInput
from doc_check.samples import Sample, load_sample, reference_folder
from doc_check.store import AttemptClosed
from doc_check.tui.host import train_host
from doc_check.tui.pictures import FAIL_COLOUR, WARN_COLOUR, ImageCache
from doc_check.tui.session import AttemptSession
from doc_check.tui.widgets.document_view import ZOOM_STEP, DocumentView
from doc_check.tui.widgets.key_footer import KeyFooter
from doc_check.tui.widgets.status_line import StatusLine
from doc_check.tui.widgets.verdict_form import VerdictForm
from doc_check.viewport import encode_png, full_resolution_view, render_view, side_by_side, view_geometry

if TYPE_CHECKING:
    from doc_check.analysis.findings import AnalysisReport

CHANNEL_KEYS = {"visible": "w", "uv": "u", "ir": "i"}
CHANNEL_NAMES = {"visible": "White", "uv": "UV", "ir": "IR"}
FULL_VIEW = "full-view"
"""The name of a full-resolution delivery (in Textual's DeliveryComplete and DeliveryFailed events)."""


def has_desktop() -> bool:
    """True when a graphical desktop can open a file."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_with_desktop(path: Path) -> bool:
    """Open a file in the desktop's viewer, detached (never a console program that would take the terminal, as
    `webbrowser` may pick); False when there is no desktop or no opener."""
    if not has_desktop():
        return False
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]
        return True
    opener = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
    if opener is None:
        return False
    subprocess.Popen(
        [opener, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return True


class ExamineScreen(Screen):
    """Examine the exercise's samples and record a verdict for each."""

    LIGHT = Binding.Group("Light ", compact=True)
    ZOOM = Binding.Group("Zoom ", compact=True)
    MOVE = Binding.Group("Sample ", compact=True)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "channel('visible')", "White", group=LIGHT),
        Binding("u", "channel('uv')", "UV", group=LIGHT),
        Binding("i", "channel('ir')", "IR", group=LIGHT),
        Binding("b", "flip", "Side"),
        Binding("plus,equals_sign", "zoom_in", "Zoom in", key_display="+", group=ZOOM),
        Binding("minus", "zoom_out", "Zoom out", key_display="-", group=ZOOM),
        Binding("0", "zoom_reset", "Fit", group=ZOOM),
        Binding("r", "reference", "Ref"),
        Binding("l", "library", "Library", show=False),
        Binding("m", "mrz_tool", "MRZ"),
        Binding("d", "reader", "Reader"),
        Binding("s", "save_view", "PNG"),
        # one key, two bindings: in class mode (a browser) the shown one opens a tab, in a terminal the hidden one
        # writes the file (so the local footer stays as it was); check_action lets exactly one of them run
        Binding("f", "full_view('browser')", "Full res"),
        Binding("f", "full_view('file')", "Full res", show=False),
        Binding("p,pageup", "move(-1)", "Prev", key_display="p", group=MOVE),
        Binding("n,pagedown", "move(1)", "Next", key_display="n", group=MOVE),
        Binding("g", "goto", "Go to", group=MOVE),
        Binding("v", "toggle_form", "Form"),
        Binding("x", "submit", "Submit"),
        Binding("escape", "leave", "List", key_display="esc"),
    ]

    side: var[str] = var("front", init=False)
    """The side on screen (a change shows it at the whole page)."""
    channel: var[str] = var("visible", init=False)
    """The light on screen (a change keeps the magnifier where it is)."""
    show_reference: var[bool] = var(False, init=False)
    """The reference specimen beside the document."""
    show_findings: var[bool] = var(False, init=False)
    """The document reader's findings table and outlines."""

    def __init__(self, session: AttemptSession) -> None:
        super().__init__()
        self.session = session
        self.exercise = session.exercise
        self.images = ImageCache()
        self.set_reactive(ExamineScreen.channel, self.exercise.channels[0])
        self.reader_results: dict[str, AnalysisReport] = {}
        self.reader_running: set[str] = set()
        self.reader_errors: dict[str, str] = {}
        self.mrz_text: dict[str, str] = {}
        self._samples: dict[str, Sample] = {}
        self._shown: dict[str, str] = {}
        self._settled = False
        self.ready = False
        """True once the first document is on screen and the parts mounted after it (the checklist) are in place."""

    # -- layout -----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        mode = train_host(self).image_mode
        magnifier = "magnifier" in self.exercise.tools
        yield StatusLine(id="status")
        with Horizontal(id="main"):
            with Vertical(id="viewer"):
                with Horizontal(id="images"):
                    yield DocumentView(mode, magnifier, id="doc")
                    yield DocumentView(mode, magnifier, id="ref", classes="hidden")
                yield StatusLine(id="caption")
                yield DataTable(id="findings", classes="hidden", cursor_type="row", zebra_stripes=True)
            yield VerdictForm(id="form")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#findings", DataTable)
        table.add_columns("status", "indicator", "side/light", "message")
        self.load_sample()
        self.set_interval(1.0, self.tick)
        self.query_one("#doc", DocumentView).focus()
        self.set_timer(1.0, self._settle)  # in case no image ever shows (a broken sample, a tiny terminal)

    @on(DocumentView.FirstFrame, "#doc")
    async def _doc_first_frame(self, event: DocumentView.FirstFrame) -> None:
        await self._settle()

    async def _settle(self) -> None:
        """Once the first document is on screen: decode the sample's other lights, mount the checklist."""
        if self._settled:
            return
        self._settled = True
        with contextlib.suppress(BadInput):
            self.prefetch(self.sample)
        await self.query_one(VerdictForm).build_checklists()
        self.ready = True

    def on_resize(self, event) -> None:
        narrow = self.size.width < 110
        self.query_one(VerdictForm).set_class(narrow, "narrow")
        self.update_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tools = self.exercise.tools
        if action in ("channel", "flip"):
            try:
                sample = self.sample
            except BadInput:  # a broken sample.toml: shown as an error, nothing to switch
                return False
            if action == "channel":
                return parameters[0] in self.exercise.channels and parameters[0] in sample.channels
            return len(sample.sides) > 1
        if action in ("zoom_in", "zoom_out", "zoom_reset"):
            return "magnifier" in tools
        if action in ("reference", "library"):
            return "reference" in tools
        if action == "mrz_tool":
            return "mrz_tool" in tools
        if action == "reader":
            return "reader" in tools
        if action == "full_view":
            return (parameters[0] == "browser") == self.app.is_web
        return True

    # -- the sample on screen -----------------------------------------------------------------------------------

    @property
    def sample_id(self) -> str:
        """The id of the sample on screen."""
        return self.session.sample_id

    @property
    def sample(self) -> Sample:
        """The sample on screen (its sample.toml read once; BadInput if it is broken)."""
        sid = self.sample_id
        if sid not in self._samples:
            self._samples[sid] = load_sample(self.exercise.sample(sid).folder)
        return self._samples[sid]

    def available_channels(self) -> list[str]:
        """Channels allowed by the exercise and present in the sample."""
        return [c for c in self.exercise.channels if c in self.sample.channels]

    def load_sample(self) -> None:
        """Show the current sample: its answer in the form, its first side under the current light."""
        self.query_one(VerdictForm).load(self.session.answer(self.sample_id))
        try:
            sample = self.sample
        except BadInput as exc:  # the trainee can still answer it (e.g. "cannot be examined")
            self.notify(str(exc), severity="error", timeout=10)
            self.query_one("#doc", DocumentView).show(None)
            self.update_caption()
            self.update_status()
            self.refresh_bindings()
            if not self._settled:
                self.call_after_refresh(self._settle)
            return
        channels = self.available_channels()
        # a new sample: set the light and side quietly, then show it once at the whole page
        if self.channel not in channels and channels:
            self.set_reactive(ExamineScreen.channel, channels[0])
        if self.side not in sample.sides:
            self.set_reactive(ExamineScreen.side, sample.sides[0])
        self.show_image(keep_view=False)
        self.refresh_findings()
        self.refresh_bindings()
        if self._settled:  # the first sample's other lights are decoded after its first frame
            self.prefetch(sample)

    def image_path(self, sample: Sample, side: str, channel: str) -> Path | None:
        """The image file of one side under one light, or None if the sample has none."""
        key = f"{side}.{channel}"
        return sample.path / sample.images[key] if key in sample.images else None

    def reference_sample(self) -> Sample | None:
        """The reference specimen of the current sample's document type, if the set has one."""
        try:
            _ = self.sample
        except BadInput:
            return None
        folder = reference_folder(self.exercise.sample(self.sample_id).folder.parent, self.sample.document_type)
        if not (folder / "sample.toml").is_file():
            folder = self.exercise.reference_root / self.sample.document_type
        key = f"ref:{folder}"
        if key not in self._samples:
            try:
                self._samples[key] = load_sample(folder)
            except BadInput:
                return None
        return self._samples[key]

    def show_image(self, keep_view: bool = True) -> None:
        """Put the current side and channel on screen (and the reference beside it when shown)."""
        doc = self.query_one("#doc", DocumentView)
        try:
            sample = self.sample
        except BadInput:
            doc.show(None)
            self.update_caption()
            return
        path = self.image_path(sample, self.side, self.channel)
        image = None
        if path is not None:
            try:
                image = self.images.get(path)
            except BadInput as exc:
                self.notify(str(exc), severity="error", timeout=10)
        doc.boxes = self.finding_boxes()
        doc.show(image, keep_view=keep_view)
        ref_view = self.query_one("#ref", DocumentView)
        ref_view.set_class(not self.show_reference, "hidden")
        if self.show_reference:
            ref = self.reference_sample()
            ref_image = None
            if ref is not None:
                ref_path = self.image_path(ref, self.side, self.channel)
                if ref_path is not None:
                    try:
                        ref_image = self.images.get(ref_path)
                    except BadInput as exc:
                        self.notify(str(exc), severity="error")
            ref_view.show(ref_image, keep_view=False)
            ref_view.set_view(doc.zoom, doc.rel_center())
        self.update_caption()
        self.update_status()

    @work(thread=True, exclusive=True, group="prefetch")
    def prefetch(self, sample: Sample) -> None:
        """Decode the sample's other images in the background so a channel switch is immediate."""
        worker = get_current_worker()
        for key in sample.images:
            if worker.is_cancelled:
                return
            _side, channel = key.split(".", 1)
            if channel in self.exercise.channels:
                path = sample.path / sample.images[key]
                if path not in self.images:
                    try:
                        image = load_image(path)
                    except BadInput:
                        continue
                    self.app.call_from_thread(self._cache_put, path, image)

    def _cache_put(self, path: Path, image: np.ndarray) -> None:
        if path not in self.images:
            self.images.put(path, image)

    # -- status lines -------------------------------------------------------------------------------------------

    def update_caption(self) -> None:
        """The line under the image: sample, side, light, zoom, what is outlined."""
        doc = self.query_one("#doc", DocumentView)
        try:
            sample = self.sample
        except BadInput:
            self._update_if_changed("#caption", f"[b]{escape(self.sample_id)}[/b] [red]cannot be shown[/]")
            return
        parts = [
            f"[b]{escape(self.sample_id)}[/b] {escape(sample.document_type.upper())}",
            f"{self.side}",
            f"[b]{CHANNEL_NAMES.get(self.channel, self.channel)}[/b]",
        ]
        if "magnifier" in self.exercise.tools:
            parts.append(f"zoom {doc.zoom:.1f}x")
        if self.show_reference:
            parts.append("right: reference specimen")
        if self.sample_id in self.reader_results:
            parts.append("[red]▭[/red] reader findings")
        self._update_if_changed("#caption", " · ".join(parts))

    def _update_if_changed(self, selector: str, text: str) -> None:
        """Update a status line only when its text changed (each update costs a layout pass)."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, StatusLine).text = text

    def update_status(self) -> None:
        """The top line: exercise, sample n/N, answered count, both clocks against their limits."""
        s = self.session
        ex = self.exercise
        n = len(ex.samples)
        sample_clock = clock_text(s.sample_seconds())
        if ex.time_limit_sample:
            sample_clock += f" / {clock_text(ex.time_limit_sample)}"
        if s.over_sample_limit():
            sample_clock = f"[reverse red]{sample_clock} over[/]"
        total_clock = clock_text(s.total_seconds())
        if ex.time_limit_total:
            total_clock += f" / {clock_text(ex.time_limit_total)}"
        if s.over_total_limit():
            total_clock = f"[reverse red]{total_clock} over[/]"
        answered = s.answered_count()
        mark = "✔" if s.answer(self.sample_id).answered else "·"
        if self.size.width and self.size.width < 110:
            text = f"{s.index + 1}/{n} {mark} ✔{answered}  │ {sample_clock}  │ Σ {total_clock}"
        else:
            text = (
                f"[b]{escape(ex.title)}[/b]  sample {s.index + 1}/{n} {mark}  answered {answered}/{n}"
                f"  │ sample {sample_clock}  │ exercise {total_clock}  │ {s.attempt.participant}"
            )
        self._update_if_changed("#status", text)

    def tick(self) -> None:
        """Every second: save the clocks, refresh the status line."""
        if self.session.attempt.is_open and self.session.running:
            self.session.save_time()
            self.update_status()

    # -- answer -------------------------------------------------------------------------------------------------

    @on(VerdictForm.Changed, "#form")
    def _answer_changed(self, event: VerdictForm.Changed) -> None:
        if event.answer.sample_id != self.sample_id:
            return
        try:
            self.session.save_answer(event.answer)
        except AttemptClosed:
            self.notify("This attempt is submitted and cannot change.", severity="error")
        self.update_status()

    # -- actions ------------------------------------------------------------------------------------------------

    def action_channel(self, channel: str) -> None:
        if channel not in self.available_channels():
            return
        self.channel = channel

    def watch_channel(self) -> None:
        """Another light: the same window of the page under it."""
        self.show_image(keep_view=True)

    def action_flip(self) -> None:
        sides = self.sample.sides
        if len(sides) > 1:
            self.side = sides[(sides.index(self.side) + 1) % len(sides)]

    def watch_side(self) -> None:
        """The other side: shown at the whole page."""
        self.show_image(keep_view=False)

    def action_zoom_in(self) -> None:
        self.query_one("#doc", DocumentView).zoom_by(ZOOM_STEP)

    def action_zoom_out(self) -> None:
        self.query_one("#doc", DocumentView).zoom_by(1 / ZOOM_STEP)

    def action_zoom_reset(self) -> None:
        self.query_one("#doc", DocumentView).reset()

    @on(DocumentView.ViewChanged, "#doc")
    def _doc_view_changed(self, event: DocumentView.ViewChanged) -> None:
        if self.show_reference:
            self.query_one("#ref", DocumentView).set_view(event.view.zoom, event.view.rel_center())
        self.update_caption()

    @on(DocumentView.ViewChanged, "#ref")
    def _ref_view_changed(self, event: DocumentView.ViewChanged) -> None:
        self.query_one("#doc", DocumentView).set_view(event.view.zoom, event.view.rel_center())
        self.update_caption()

    def action_reference(self) -> None:
        if "reference" not in self.exercise.tools:
            return
        self.show_reference = not self.show_reference
        if self.show_reference and self.reference_sample() is None:
            self.notify("No reference specimen for this document type in the sample set.", severity="warning")

    def watch_show_reference(self, shown: bool) -> None:
        """The reference beside the document, or not (the layout changes first, then both are drawn)."""
        self.query_one("#ref", DocumentView).set_class(not shown, "hidden")
        self.call_after_refresh(self.show_image)

    def action_library(self) -> None:
        """The reference library at this document type, side and light (only the exercise's lights)."""
        try:
            start = (self.sample.document_type, self.side, self.channel)
        except BadInput:
            start = None
        train_host(self).show_library(start, self.exercise.channels)

    def action_toggle_form(self) -> None:
        form = self.query_one(VerdictForm)
        form.set_class(not form.has_class("hidden"), "hidden")

    def action_move(self, step: int) -> None:
        self.go_to(self.session.index + step)

    def action_goto(self) -> None:
        from doc_check.tui.screens.goto import GoToScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.go_to(index)

        self.app.push_screen(GoToScreen(self.session), chosen)

    def go_to(self, index: int) -> None:
        """Show another sample of the exercise."""
        if index == self.session.index or not 0 <= index < len(self.exercise.samples):
            return
        self.session.go_to(index)
        self.load_sample()

    def action_save_view(self) -> None:
        """Write the current view to a PNG (at up to 2000 px wide) and show its path."""
        doc = self.query_one("#doc", DocumentView)
        if doc.image is None or doc.geometry is None:
            return
        h, w = doc.image.shape[:2]
        _, _, vw, vh = doc.geometry.visible
        vw, vh = min(vw, w), min(vh, h)
        scale = min(2000 / vw, 4.0)
        out_w, out_h = max(1, int(vw * scale)), max(1, int(vh * scale))
        view = render_view(doc.image, doc.zoom, doc.center, out_w, out_h)
        g = view_geometry(w, h, doc.zoom, doc.center, out_w, out_h)
        for (x, y, bw, bh), colour in doc.boxes:
            (u1, v1), (u2, v2) = g.to_view(x, y), g.to_view(x + bw, y + bh)
            cv2.rectangle(view, (int(u1), int(v1)), (int(u2), int(v2)), colour, 3)
        ok, data = cv2.imencode(".png", view)
        if not ok:
            self.notify("Could not encode the view as PNG.", severity="error")
            return
        folder = self.session.store.path.parent / "views"
        name = f"{self.sample_id}-{self.side}-{self.channel}-z{doc.zoom:.1f}.png"
        from doc_check.atomic import atomic_write_bytes

        path = folder / name
        atomic_write_bytes(path, data.tobytes())
        train_host(self).last_saved_view = path
        self.notify(f"View saved: {escape(str(path))}", timeout=8)

    def full_view_request(self) -> tuple[list[tuple], str] | None:
        """What the full-resolution view shows, read off the screen: per image (the sample's, then the reference's
        when shown) its array and view (zoom, centre, size, outlines), and a file name; None when nothing allowed is
        on screen."""
        doc = self.query_one("#doc", DocumentView)
        if doc.image is None or self.channel not in self.exercise.channels:
            return None
        parts = [(doc.image, doc.zoom, doc.center, *doc.out_size(), list(doc.boxes))]
        name = f"{self.sample_id}-{self.side}-{self.channel}-z{doc.zoom:.1f}"
        ref = self.query_one("#ref", DocumentView)
        if self.show_reference and ref.image is not None:
            parts.append((ref.image, ref.zoom, ref.center, *ref.out_size(), []))
            name += "-with-reference"
        return parts, f"{name}.png"

    def action_full_view(self, method: str) -> None:
        """The current view at full resolution: in a browser (class mode) a new tab, in a terminal a PNG file in
        `views/` next to the database, opened when a desktop is at hand. Cut and encoded in a worker thread."""
        request = self.full_view_request()
        if request is not None:
            self.make_full_view(method, *request)

    @work(thread=True, exclusive=True, group="full-view")
    def make_full_view(self, method: str, parts: list[tuple], name: str) -> None:
        """Cut each image's window at its own resolution, put them side by side, encode the PNG, hand it over."""
        views = [full_resolution_view(*part) for part in parts]
        view = views[0] if len(views) == 1 else side_by_side(views[0], views[1])
        self.app.call_from_thread(self._full_view_ready, method, name, encode_png(view), view.shape[:2])

    def _full_view_ready(self, method: str, name: str, data: bytes, shape: tuple[int, int]) -> None:
        size = f"{shape[1]} x {shape[0]} px"
        if method == "browser":
            self.app.deliver_binary(
                io.BytesIO(data), save_filename=name, open_method="browser", mime_type="image/png", name=FULL_VIEW
            )
            self.notify(f"Full resolution ({size}) opens in a new tab.", timeout=5)
            return
        from doc_check.atomic import atomic_write_bytes

        path = self.session.store.path.parent / "views" / name
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            self.notify(f"Could not write {escape(str(path))}: {exc.strerror}", severity="error")
            return
        train_host(self).last_saved_view = path
        self.notify(f"Full resolution ({size}) saved: {escape(str(path))}", timeout=8)
        open_with_desktop(path.resolve())

    def action_mrz_tool(self) -> None:
        if "mrz_tool" not in self.exercise.tools:
            return
        from doc_check.tui.screens.mrz_tool import MrzToolScreen

        initial = self.mrz_text.get(self.sample_id)
        if initial is None:
            report = self.reader_results.get(self.sample_id)
            mrz = getattr(report, "mrz", None) or {}
            initial = "\n".join(mrz.get("lines", []))

        def done(text: str | None) -> None:
            if text is not None:
                self.mrz_text[self.sample_id] = text

        images = []
        try:
            sample = self.sample
            images = [
                sample.path / sample.images[f"{side}.visible"]
                for side in sample.sides
                if f"{side}.visible" in sample.images
            ]
        except BadInput:
            pass
        self.app.push_screen(MrzToolScreen(initial, self.sample_id, images), done)

    # -- document reader ----------------------------------------------------------------------------------------

    def action_reader(self) -> None:
        if "reader" not in self.exercise.tools:
            return
        sid = self.sample_id
        if sid in self.reader_results:
            self.show_findings = not self.show_findings
            return
        if sid in self.reader_running:
            return
        self.reader_errors.pop(sid, None)
        self.reader_running.add(sid)
        if self.show_findings:
            self.refresh_findings()  # the table shows "reader running" now
        else:
            self.show_findings = True
        self.run_reader(sid, self.exercise.sample(sid).folder)

    @work(thread=True, group="reader")
    def run_reader(self, sample_id: str, folder: Path) -> None:
        """Run the document reader on a sample in a worker thread."""
        from doc_check.analysis.analyze import analyze_sample

        try:
            report = analyze_sample(folder)
        except BadInput as exc:
            self.app.call_from_thread(self._reader_failed, sample_id, str(exc))
            return
        except Exception as exc:  # a reader bug must not end the trainee's session
            self.app.call_from_thread(self._reader_failed, sample_id, f"reader failed: {type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self._reader_done, sample_id, report)

    def _reader_failed(self, sample_id: str, message: str) -> None:
        self.reader_running.discard(sample_id)
        self.reader_errors[sample_id] = message
        self.notify(f"Reader: {escape(str(message))}", severity="error", timeout=10)
        self.refresh_findings()

    def _reader_done(self, sample_id: str, report: AnalysisReport) -> None:
        self.reader_running.discard(sample_id)
        self.reader_results[sample_id] = report
        if sample_id == self.sample_id:
            self.refresh_findings()
            self.show_image()

    def watch_show_findings(self) -> None:
        """The reader's findings table and outlines, shown or hidden."""
        self.refresh_findings()

    def finding_boxes(self) -> list[tuple[tuple[int, int, int, int], tuple[int, int, int]]]:
        """Regions of the reader's failing and doubtful findings on the side on screen."""
        report = self.reader_results.get(self.sample_id)
        if report is None or not self.show_findings:
            return []
        boxes = []
        for f in report.findings:
            if f.region is not None and f.side == self.side and f.status in ("fail", "warn"):
                boxes.append((f.region, FAIL_COLOUR if f.status == "fail" else WARN_COLOUR))
        return boxes

    def refresh_findings(self) -> None:
        """The reader's findings table and outlines for the sample on screen."""
        table = self.query_one("#findings", DataTable)
        table.set_class(not self.show_findings, "hidden")
        table.clear()
        sid = self.sample_id
        if sid in self.reader_running:
            table.add_row("…", "reader running", "", "")
        if sid in self.reader_errors and sid not in self.reader_results:
            table.add_row("[red]error[/]", "", "", escape(str(self.reader_errors[sid])))
        report = self.reader_results.get(sid)
        if report is not None:
            if report.error:
                table.add_row("error", "", "", escape(str(report.error)))
            order = {"fail": 0, "warn": 1, "pass": 2, "skip": 3}
            for n, f in sorted(enumerate(report.findings), key=lambda nf: order.get(nf[1].status, 9)):
                style = {"fail": "[red]fail[/]", "warn": "[yellow]warn[/]"}.get(f.status, f.status)
                table.add_row(style, f.indicator, f"{f.side}/{f.channel}", escape(f.message), key=str(n))
            table.add_row("", f"suggests: {report.verdict}", "", escape("; ".join(report.reasons)))
        doc = self.query_one("#doc", DocumentView)
        doc.set_boxes(self.finding_boxes())
        self.update_caption()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a finding with a region: show its side and zoom the magnifier onto it."""
        report = self.reader_results.get(self.sample_id)
        key = event.row_key.value
        if report is None or key is None or not key.isdigit():
            return
        finding = report.findings[int(key)]
        if finding.region is None:
            return
        if finding.side != self.side and finding.side in self.sample.sides:
            self.side = finding.side  # shown at once by watch_side
        doc = self.query_one("#doc", DocumentView)
        if doc.image is None or doc.geometry is None:
            return
        x, y, w, h = finding.region
        img_h, img_w = doc.image.shape[:2]
        out_w, out_h = doc.out_size()
        fit = min(out_w / img_w, out_h / img_h)
        zoom = min(out_w / max(w, 1), out_h / max(h, 1)) * 0.7 / fit if "magnifier" in self.exercise.tools else 1.0
        doc.set_view(zoom, ((x + w / 2) / img_w, (y + h / 2) / img_h))
        doc.post_message(DocumentView.ViewChanged(doc))

    # -- leave / submit -----------------------------------------------------------------------------------------

    def action_leave(self) -> None:
        self.session.pause()
        train_host(self).back_to_picker()

    def action_submit(self) -> None:
        from doc_check.tui.screens.confirm import ConfirmSubmitScreen

        def done(confirmed: bool | None) -> None:
            if confirmed:
                train_host(self).submit_attempt(self.session)

        self.app.push_screen(ConfirmSubmitScreen(self.session), done)
