"""A one-line text bar that repaints without a layout pass (the clocks change every second)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    """One line of markup; setting `text` repaints only this widget."""

    DEFAULT_CSS = "StatusLine { height: 1; width: 1fr; }"

    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Content:
        return Content.from_markup(self.text)
