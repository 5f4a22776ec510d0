"""A sample's pictures under every light: the trainee UI's DocumentView with channel and side switching."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import cv2
import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from doc_check.samples import CHANNELS
from doc_check.tui.widgets.document_view import DocumentView

ALL = "all"
CHANNEL_NAMES = {"visible": "White", "uv": "UV", "ir": "IR", ALL: "All"}
GAP = 8
"""Pixels between the pictures shown side by side."""


def side_by_side(images: list[np.ndarray]) -> np.ndarray | None:
    """The pictures of one side under every light in a row, scaled to one height (grey ones as colour)."""
    if not images:
        return None
    height = min(img.shape[0] for img in images)
    row = []
    for img in images:
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        if img.shape[0] != height:
            img = cv2.resize(img, (round(img.shape[1] * height / img.shape[0]), height), interpolation=cv2.INTER_AREA)
        if row:
            row.append(np.full((height, GAP, 3), 40, np.uint8))
        row.append(img)
    return np.hstack(row)


class SampleViewer(Vertical):
    """Shows one side of a sample under one light; w/u/i switch the light, b the side, + - 0 the magnifier."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "channel('visible')", "White"),
        Binding("u", "channel('uv')", "UV"),
        Binding("i", "channel('ir')", "IR"),
        Binding("l", "channel('all')", "All lights"),
        Binding("b", "flip", "Side"),
        Binding("plus,equals_sign", "zoom(1.5)", "Zoom +", key_display="+"),
        Binding("minus", "zoom(0.6666667)", "Zoom -", key_display="-"),
        Binding("0", "fit", "Fit"),
    ]

    def __init__(self, mode: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="viewer")
        self.mode = mode
        self.pictures: dict[str, np.ndarray] = {}
        self.sides: tuple[str, ...] = ("front",)
        self.side = "front"
        self.channel = "visible"
        self.label = ""
        self.boxes_by_side: dict[str, list] = {}

    def compose(self) -> ComposeResult:
        yield DocumentView(self.mode, True, id=f"{self.id}-doc")
        yield Static("", classes="caption", id=f"{self.id}-caption")

    @property
    def view(self) -> DocumentView:
        """The image widget."""
        return self.query_one(DocumentView)

    def set_pictures(self, pictures: dict[str, np.ndarray], sides: Sequence[str], label: str) -> None:
        """Show another sample (its first side, the light kept when it has one)."""
        self.pictures = dict(pictures)
        self.sides = tuple(sides) or ("front",)
        self.side = self.sides[0]
        self.label = label
        self.boxes_by_side = {}
        if self.channel != ALL and f"{self.side}.{self.channel}" not in self.pictures:
            self.channel = next((c for c in CHANNELS if f"{self.side}.{c}" in self.pictures), "visible")
        self.refresh_view(keep=False)

    def set_boxes(self, boxes_by_side: dict[str, list]) -> None:
        """Outline regions (the reader's findings) per side."""
        self.boxes_by_side = boxes_by_side
        self.view.set_boxes(self.boxes_by_side.get(self.side, []))

    def refresh_view(self, keep: bool = True) -> None:
        """Show the current side and light (or every light side by side)."""
        if self.channel == ALL:
            image = side_by_side(
                [self.pictures[f"{self.side}.{c}"] for c in CHANNELS if f"{self.side}.{c}" in self.pictures]
            )
            self.view.boxes = []
        else:
            image = self.pictures.get(f"{self.side}.{self.channel}")
            self.view.boxes = list(self.boxes_by_side.get(self.side, []))
        self.view.show(image, keep_view=keep)
        lights = " ".join(
            (f"[reverse]{CHANNEL_NAMES[c]}[/]" if c == self.channel else CHANNEL_NAMES[c])
            for c in (*CHANNELS, ALL)
            if c == ALL or f"{self.side}.{c}" in self.pictures
        )
        text = f"[b]{self.label}[/] · {self.side} · {lights}" if self.pictures else "[dim]no sample[/]"
        self.query_one(".caption", Static).update(text)

    def action_channel(self, channel: str) -> None:
        if channel == ALL or f"{self.side}.{channel}" in self.pictures:
            self.channel = channel
            self.refresh_view()

    def action_flip(self) -> None:
        if len(self.sides) > 1:
            self.side = self.sides[(self.sides.index(self.side) + 1) % len(self.sides)]
            self.refresh_view(keep=False)

    def action_zoom(self, factor: float) -> None:
        self.view.zoom_by(float(factor))

    def action_fit(self) -> None:
        self.view.reset()
