"""`doc-check author`: the instructor's app — sample library, sample maker, exercise builder in three tabs."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, TabbedContent, TabPane

from doc_check.exercise.draft import ExerciseDraft
from doc_check.tui.author.builder import BuilderPane
from doc_check.tui.author.library import LibraryPane
from doc_check.tui.author.maker import MakerPane
from doc_check.tui.images import image_mode as choose_image_mode

CSS = """
.hidden { display: none; }
TabbedContent { height: 1fr; }
TabPane { padding: 0; }
LibraryPane, MakerPane, BuilderPane { height: 1fr; }
#lib-table { width: 52; height: 1fr; border-right: solid $primary; }
#lib-middle { width: 1fr; }
.viewer { height: 1fr; }
.viewer DocumentView { height: 1fr; width: 1fr; background: #282828; }
DocumentView:focus { outline-left: thick $accent; }
.caption { height: 1; padding: 0 1; color: $text-muted; }
#lib-findings { height: 10; border-top: solid $primary; }
#lib-truth { width: 34; padding: 0 1; border-left: solid $primary; }
#mk-form, #ex-form { width: 46; padding: 0 1; border-right: solid $primary; }
#mk-right, #ex-right { width: 1fr; padding: 0 1; }
#mk-truth { height: auto; max-height: 8; padding: 0 1; }
.form-title { text-style: bold; margin-top: 1; }
.hint { color: $text-muted; }
.buttons { height: 3; margin-top: 1; }
.buttons Button { margin-right: 1; }
.pair, .triple { height: 3; }
.pair Input, .triple Input { width: 1fr; }
#ex-briefing { height: 6; }
#ex-channels, #ex-tools { height: auto; max-height: 6; }
#ex-samples { height: 1fr; min-height: 6; }
#ex-explanation { height: 6; }
#ex-status { height: auto; max-height: 12; margin-top: 1; }
"""


class AuthorApp(App):
    """Build samples and exercises: library (F2), sample maker (F3), exercise builder (F4)."""

    CSS = CSS
    TITLE = "doc-check author"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "tab('library')", "Library"),
        Binding("f3", "tab('maker')", "Make sample"),
        Binding("f4", "tab('builder')", "Build exercise"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self, set_dir: Path, exercises_dir: Path, draft: ExerciseDraft | None = None, image_mode: str | None = None
    ) -> None:
        super().__init__()
        self.set_dir = Path(set_dir)
        self.exercises_dir = Path(exercises_dir)
        self.draft = draft
        self.image_mode = choose_image_mode(image_mode)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="library"):
            with TabPane("Library", id="library"):
                yield LibraryPane(self.set_dir, self.image_mode, id="library-pane")
            with TabPane("Make sample", id="maker"):
                yield MakerPane(self.set_dir, self.image_mode, id="maker-pane")
            with TabPane("Build exercise", id="builder"):
                yield BuilderPane(self.set_dir, self.exercises_dir, self.draft, id="builder-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = str(self.set_dir)
        self._share_key()

    def _share_key(self) -> None:
        lib = self.query_one(LibraryPane)
        self.query_one(BuilderPane).set_library_key({sid: e.truth for sid, e in lib.entries.items() if e.truth})

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def on_library_pane_add_sample(self, message: LibraryPane.AddSample) -> None:
        self._share_key()
        self.query_one(BuilderPane).add_sample(message.sample_id)

    def on_library_pane_forge_sample(self, message: LibraryPane.ForgeSample) -> None:
        maker = self.query_one(MakerPane)
        maker.load_sources()
        if message.sample_id not in maker.sources:
            from doc_check.specimen.derive import why_not_source

            entry = self.query_one(LibraryPane).entries[message.sample_id].truth
            self.notify(why_not_source(message.sample_id, entry) or "cannot be forged", severity="warning", timeout=8)
            return
        maker.query_one("#mk-source").value = message.sample_id
        self.action_tab("maker")

    def on_maker_pane_saved(self, message: MakerPane.Saved) -> None:
        lib = self.query_one(LibraryPane)
        lib.reload()
        self._share_key()
        table = lib.query_one("#lib-table")
        # the row is not there when the folder could not be read back
        with contextlib.suppress(Exception):
            table.move_cursor(row=table.get_row_index(message.sample_id))
