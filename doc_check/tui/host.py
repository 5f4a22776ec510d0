"""What the trainee screens need of the app that shows them, typed (Textual types ``self.app`` as ``App[Any]``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from doc_check.exercise.model import Exercise
    from doc_check.store import Store
    from doc_check.tui.session import AttemptSession


class TrainHost(Protocol):
    """The part of ``TrainApp`` its screens use: the store, the participant, the exercises and navigation."""

    store: Store
    participant: str
    exercises: list[Exercise]
    exercise_errors: list[tuple[str, str]]
    image_mode: str
    today: Callable[[], date]
    last_saved_view: Path | None

    def open_exercise(self, exercise: Exercise) -> None: ...

    def back_to_picker(self) -> None: ...

    def submit_attempt(self, session: AttemptSession) -> None: ...

    def show_history(self) -> None: ...

    def store_call(self, call: Callable[[], object], retry: Callable[[], object] | None = None) -> bool: ...

    def show_library(
        self, start: tuple[str, str, str] | None = None, channels: Sequence[str] | None = None
    ) -> None: ...

    def open_attempt_report(self, attempt_id: int) -> None: ...


def train_host(node: DOMNode) -> TrainHost:
    """The running ``TrainApp`` of ``node``, typed as what its screens use."""
    return cast("TrainHost", node.app)
