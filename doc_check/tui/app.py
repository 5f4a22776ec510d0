"""The trainee app: participant code, exercise picker, examine, feedback, history and help screens."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType

from doc_check.errors import BadInput
from doc_check.exercise.model import Exercise
from doc_check.samples import KEY_FILE
from doc_check.store import SessionConflict, Store, StoreUnavailable
from doc_check.tui.host import TrainHost
from doc_check.tui.images import image_mode as choose_image_mode
from doc_check.tui.screens.examine import FULL_VIEW, ExamineScreen
from doc_check.tui.screens.participant import ParticipantScreen
from doc_check.tui.session import AttemptSession, SubmitResult

WITHHELD = "Submitted. Feedback comes when your instructor releases it for this exercise."

# The picker, feedback, history and help screens (Markdown, tables) are imported when first shown, so that
# `doc-check train --exercise X` reaches its first document sooner.


class TrainApp(App):
    """`doc-check train`: take exercises, examine documents, get feedback."""

    CSS_PATH = "app.tcss"
    TITLE = "doc-check train"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f12", "svg_screenshot", "Screenshot", show=False),
    ]

    def __init__(
        self,
        store: Store,
        exercises: Sequence[Exercise],
        *,
        start: Exercise | None = None,
        participant: str | None = None,
        image_mode: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        exercise_errors: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self.store = store
        self.exercises = list(exercises)
        if start is not None and all(e.path != start.path for e in self.exercises):
            self.exercises.insert(0, start)
        self.start = start
        self.participant = participant or ""
        self.image_mode = choose_image_mode(image_mode)
        self.clock = clock
        self.today = today
        self.exercise_errors = list(exercise_errors)
        self.session: AttemptSession | None = None
        self.last_saved_view: Path | None = None
        self.last_result: SubmitResult | None = None

    def on_mount(self) -> None:
        if self.store.enrolled():  # sign-in: code and passphrase, whatever was given or remembered
            from doc_check.tui.screens.sign_in import SignInScreen

            self.push_screen(SignInScreen(self.participant), self._participant_given)
            return
        if self.participant:
            self.participant = self.store.ensure_participant(self.participant)
            self._begin()
            return
        remembered = self.store.remembered_participant()
        if remembered:
            self.participant = remembered
            self._begin()
        else:
            self.push_screen(ParticipantScreen(), self._participant_given)

    def _participant_given(self, code: str | None) -> None:
        if code:
            self.participant = code
            self._begin()

    def _begin(self) -> None:
        who = self.store.participant(self.participant)
        if who is not None and who.cohort and self.start is None:
            assigned = {eid for _c, eid in self.store.assignments(who.cohort)}
            if assigned:  # a cohort sees the exercises assigned to it
                self.exercises = [e for e in self.exercises if e.id in assigned]
        if self.start is not None:
            self.open_exercise(self.start)  # the picker is made when the trainee leaves the exercise
        else:
            self.show_picker()

    def show_picker(self) -> None:
        """The exercise list."""
        from doc_check.tui.screens.picker import PickerScreen

        self.push_screen(PickerScreen())

    # -- navigation ---------------------------------------------------------------------------------------------

    def open_exercise(self, exercise: Exercise, take_over: bool = False) -> None:
        """Start or resume the participant's attempt at an exercise on the examine screen (asking first when
        another live session holds it)."""
        try:
            self.session = AttemptSession(
                self.store, exercise, self.participant, self.clock, take_over=take_over, on_event=self._session_event
            )
        except SessionConflict as exc:
            from doc_check.tui.screens.take_over import TakeOverScreen

            why = str(exc)

            def answer(yes: bool | None) -> None:
                if yes:
                    self.open_exercise(exercise, take_over=True)
                elif len(self.screen_stack) <= 1:
                    self.exit(message=f"doc-check: {why}; nothing changed")

            self.push_screen(TakeOverScreen(why), answer)
            return
        except StoreUnavailable as exc:
            self.notify(f"reconnecting: {exc}", severity="warning", timeout=10)
            if len(self.screen_stack) <= 1:
                self.set_timer(2.0, lambda: self.open_exercise(exercise, take_over))
            return
        self.push_screen(ExamineScreen(self.session))

    def _session_event(self, kind: str, message: str) -> None:
        """The session lost or regained the database, or lost the attempt to another session."""
        if kind == "offline":
            self.sub_title = "reconnecting…"
            self.notify("Database unreachable: reconnecting… Your answers are kept.", severity="warning", timeout=8)
        elif kind == "online":
            self.sub_title = ""
            self.notify("Reconnected: every answer is saved.", timeout=5)
        elif kind == "lost":
            self.notify(f"This session stopped: {message}.", severity="error", timeout=30)
            self.call_later(self._leave_lost_exercise)

    def store_call(self, call: Callable[[], object], retry: Callable[[], object] | None = None) -> bool:
        """Run a screen's database reads; while the server is unreachable say "reconnecting" (and try again in
        2 s when ``retry`` is given) instead of failing. False when the call could not be made."""
        try:
            call()
        except StoreUnavailable:
            self.sub_title = "reconnecting…"
            self.notify("Database unreachable: reconnecting…", severity="warning", timeout=4)
            if retry is not None:
                self.set_timer(2.0, retry)
            return False
        if self.sub_title == "reconnecting…" and (self.session is None or not self.session.offline):
            self.sub_title = ""
        return True

    def _leave_lost_exercise(self) -> None:
        if isinstance(self.screen, ExamineScreen):
            self.back_to_picker()

    def back_to_picker(self) -> None:
        """Close every screen above the picker (making the picker if the app started on an exercise)."""
        from doc_check.tui.screens.picker import PickerScreen

        if self.session is not None and self.session.attempt.is_open:
            self.session.leave()
        stack = self.screen_stack
        if not any(isinstance(s, PickerScreen) for s in stack):
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.switch_screen(PickerScreen())
            return
        while not isinstance(self.screen, PickerScreen):
            self.pop_screen()

    def submit_attempt(self, session: AttemptSession) -> None:
        """Submit, score when the key is at hand, and show the feedback screen instead of the examine screen."""
        try:
            result = session.submit()
        except BadInput as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.last_result = result
        from doc_check.tui.screens.feedback import FeedbackScreen

        report, message = result.report, result.key_error or ""
        if self.withheld(session.exercise.id):
            report, message = None, WITHHELD
        self.switch_screen(FeedbackScreen(session.exercise, report, result.path, message))

    def withheld(self, exercise_id: str) -> bool:
        """True in class mode until the instructor releases the exercise's feedback (`doc-check class release`)."""
        return self.store.class_mode and not self.store.feedback_released(exercise_id)

    def show_history(self) -> None:
        """The participant's attempts over time."""
        from doc_check.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    def show_library(self, start: tuple[str, str, str] | None = None, channels: Sequence[str] | None = None) -> None:
        """The reference library (from the exercise list, or from the examine screen with its lights)."""
        from doc_check.tui.screens.library import LibraryScreen

        self.push_screen(LibraryScreen(start, channels) if channels is not None else LibraryScreen(start))

    def open_attempt_report(self, attempt_id: int) -> None:
        """Re-score a submitted attempt from its stored submission (if its exercise file is at hand)."""
        from doc_check.exercise.load import load_exercise_key
        from doc_check.exercise.score import score_submission
        from doc_check.exercise.submission import parse_submission

        attempt = self.store.attempt(attempt_id)
        if attempt.is_open:
            ex = next((e for e in self.exercises if e.sha256 == attempt.exercise_sha256), None)
            if ex is not None:
                self.pop_screen()
                self.open_exercise(ex)
            return
        ex = next((e for e in self.exercises if e.sha256 == attempt.exercise_sha256), None)
        text = self.store.submission_json(attempt_id)
        if ex is None or text is None:
            self.notify("That exercise file is not available (or changed since).", severity="warning")
            return
        report, message = None, ""
        key_path = ex.folder / KEY_FILE
        try:
            if self.withheld(ex.id):
                message = WITHHELD
            elif key_path.is_file():
                report = score_submission(ex, load_exercise_key(key_path, ex), parse_submission(text))
            else:
                message = "no key with this exercise"
        except BadInput as exc:
            message = str(exc)
        path = Path(attempt.submission_path) if attempt.submission_path else None
        from doc_check.tui.screens.feedback import FeedbackScreen

        self.push_screen(FeedbackScreen(ex, report, path, message))

    def action_svg_screenshot(self) -> None:
        """Save the whole screen as an SVG next to the database (`views/`) and show its path."""
        folder = self.store.path.parent / "views"
        folder.mkdir(parents=True, exist_ok=True)
        path = self.save_screenshot(path=str(folder))
        self.notify(f"Screenshot saved: {escape(str(path))}", timeout=8)

    @on(events.DeliveryFailed)
    def _full_view_failed(self, event: events.DeliveryFailed) -> None:
        """A full-resolution view did not reach the browser."""
        if event.name == FULL_VIEW:
            self.notify(
                f"The full-resolution view could not be delivered: {escape(str(event.exception))}", severity="error"
            )

    def action_help(self) -> None:
        from doc_check.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        if self.session is not None and self.session.attempt.is_open:
            # the database may already be gone at exit; the last tick saved the clocks
            with contextlib.suppress(Exception):
                self.session.leave()


if TYPE_CHECKING:

    def _host_of(app: TrainApp) -> TrainHost:
        return app  # mypy checks here that TrainApp gives its screens everything TrainHost promises
