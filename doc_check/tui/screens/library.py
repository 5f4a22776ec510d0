"""The reference library screen: each document type's specimen per side and light, features numbered and explained."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList
from textual.widgets.option_list import Option

from doc_check.library.callouts import CHANNEL_NAMES, DOCUMENT_NAMES, LIBRARY_DPI, LibraryPage, document_pages
from doc_check.samples import CHANNELS, DOCUMENT_TYPES
from doc_check.specimen.layout import sides
from doc_check.tui.host import train_host
from doc_check.tui.widgets.document_view import ZOOM_STEP, DocumentView
from doc_check.tui.widgets.status_line import StatusLine


def notes_markdown(page: LibraryPage) -> str:
    """The numbered legend of one page: feature, what to look for, indicator ids."""
    lines = [f"### {page.title}", ""]
    for c in page.callouts:
        ids = ", ".join(f"`{i}`" for i in c.feature.indicators)
        lines.append(f"{c.number}. **{c.feature.title}.** {c.feature.look_for} Failure: {ids}")
    return "\n".join(lines)


class LibraryScreen(Screen):
    """Browse the annotated specimens (Enter or a click on a page; + - 0 and the mouse magnify)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", key_display="+"),
        Binding("minus", "zoom(-1)", "Zoom out", key_display="-"),
        Binding("0", "zoom(0)", "Fit"),
        Binding("escape", "close", "Back", key_display="esc"),
    ]

    def __init__(
        self,
        start: tuple[str, str, str] | None = None,
        channels: Sequence[str] = CHANNELS,
        dpi: int = LIBRARY_DPI,
    ) -> None:
        super().__init__()
        self.channels = [c for c in CHANNELS if c in channels]
        self.dpi = dpi
        self.entries = [(t, side, c) for t in DOCUMENT_TYPES for side in sides(t) for c in self.channels]
        self.start = start if start in self.entries else (self.entries[0] if self.entries else None)
        self.page: LibraryPage | None = None
        self._asked: tuple[str, str, str] | None = None
        self.ready = False
        """True once the first page's specimen is on screen."""

    def compose(self) -> ComposeResult:
        yield StatusLine(id="library-title")
        with Horizontal(id="library"):
            yield OptionList(
                *(
                    Option(f"{DOCUMENT_NAMES[t]}\n  [dim]{side} · {CHANNEL_NAMES[c]}[/dim]", id=f"{t}-{side}-{c}")
                    for t, side, c in self.entries
                ),
                id="library-pages",
            )
            with Vertical(id="library-view"):
                yield DocumentView(train_host(self).image_mode, True, id="library-doc")
            with VerticalScroll(id="library-legend"):
                yield Markdown(id="library-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(
            "#library-title", StatusLine
        ).text = "[b]Reference library[/b] · genuine Utopia specimens, security features numbered"
        pages = self.query_one("#library-pages", OptionList)
        if self.start is not None:
            pages.highlighted = self.entries.index(self.start)
            self.show(*self.start)
        pages.focus()

    @on(OptionList.OptionHighlighted, "#library-pages")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index < len(self.entries):
            self.show(*self.entries[event.option_index])

    def show(self, document_type: str, side: str, channel: str) -> None:
        """Show one page (its document type is rendered in a worker the first time)."""
        if self._asked == (document_type, side, channel):
            return
        self._asked = (document_type, side, channel)
        self.load(document_type, side, channel)

    @work(thread=True, exclusive=True, group="library")
    def load(self, document_type: str, side: str, channel: str) -> None:
        """Render (or take from the cache) a document type's pages, then show the one asked for."""
        pages = document_pages(document_type, self.dpi)
        page = next(p for p in pages if (p.side, p.channel) == (side, channel))
        self.app.call_from_thread(self._put, page)

    def _put(self, page: LibraryPage) -> None:
        if self._asked != (page.document_type, page.side, page.channel):
            return  # the trainee moved on while it rendered
        self.page = page
        doc = self.query_one("#library-doc", DocumentView)
        doc.show(page.image, keep_view=True)
        self.query_one("#library-notes", Markdown).update(notes_markdown(page))
        self.ready = True

    def action_zoom(self, direction: int) -> None:
        doc = self.query_one("#library-doc", DocumentView)
        if direction == 0:
            doc.reset()
        else:
            doc.zoom_by(ZOOM_STEP if direction > 0 else 1 / ZOOM_STEP)

    def action_close(self) -> None:
        self.dismiss()
