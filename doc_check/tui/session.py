"""One running attempt as the UI sees it: the exercise, stored answers, the clocks, submit and score."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from doc_check.errors import BadInput
from doc_check.exercise.model import Exercise
from doc_check.samples import KEY_FILE
from doc_check.store import (
    Attempt,
    AttemptClosed,
    LeaseLost,
    Store,
    StoredAnswer,
    StoreUnavailable,
)
from doc_check.store.base import new_lease_owner
from doc_check.store.model import ANSWER_FIELDS

if TYPE_CHECKING:
    from doc_check.exercise.score import IndividualReport

# The scorer and the submission writer are imported when the attempt is submitted (a faster first screen).

Clock = Callable[[], float]
Events = Callable[[str, str], None]
"""Told of the session's connection: ``("offline", why)``, ``("online", "")``, ``("lost", why)``."""


@dataclass(frozen=True)
class SubmitResult:
    """What submitting gave: the closed attempt, the submission file and, when the key is at hand, the report."""

    attempt: Attempt
    path: Path
    report: IndividualReport | None
    key_error: str | None = None


class AttemptSession:
    """Keeps the attempt's answers and clocks in step with the store; every change is saved at once."""

    def __init__(
        self,
        store: Store,
        exercise: Exercise,
        participant: str,
        clock: Clock = time.monotonic,
        take_over: bool = False,
        on_event: Events | None = None,
    ) -> None:
        self.store = store
        self.exercise = exercise
        self.clock = clock
        self.on_event = on_event
        self.lease = new_lease_owner()
        self.attempt = store.start_attempt(
            participant, exercise.id, exercise.version, exercise.sha256, str(exercise.path), exercise.sample_ids
        )
        store.acquire_lease(self.attempt.id, self.lease, take_over=take_over)  # SessionConflict: another live one
        self.answers: dict[str, StoredAnswer] = store.answers(self.attempt.id)
        ids = exercise.sample_ids
        self.index = ids.index(self.attempt.current_sample) if self.attempt.current_sample in ids else 0
        self._total_base = self.attempt.total_seconds
        self._sample_base = self.answer(self.sample_id).seconds
        self._since = self.clock()
        self.running = True
        self.attempt_total_saved = self._total_base
        self.offline = False
        self.lost = ""
        """Why this session may no longer write (taken over, submitted elsewhere), else empty."""
        self._pending: dict[str, set[str]] = {}
        """Answer fields changed while the database was unreachable, by sample: written when it is back."""

    # -- the connection -----------------------------------------------------------------------------------------

    def _tell(self, kind: str, message: str = "") -> None:
        if self.on_event is not None:
            self.on_event(kind, message)

    def _guard(self, write: Callable[[], None]) -> bool:
        """Run one write; False when it could not be made now (offline: kept for later; lost: never)."""
        if self.lost:
            return False
        try:
            write()
        except StoreUnavailable as exc:
            if not self.offline:
                self.offline = True
                self._tell("offline", str(exc))
            return False
        except (LeaseLost, AttemptClosed) as exc:
            self.lost = str(exc)
            self.running = False
            self._tell("lost", self.lost)
            return False
        return True

    def _flush(self) -> bool:
        """Write what was kept while offline; True when nothing is left."""
        for sid, fields in list(self._pending.items()):
            ans = self.answer(sid)
            if not self._guard(
                functools.partial(self.store.save_answer, self.attempt.id, ans, sorted(fields), self.lease)
            ):
                return False
            del self._pending[sid]
        if self.offline:
            self.offline = False
            self._tell("online")
        return True

    # -- samples and answers ----------------------------------------------------------------------------------

    @property
    def sample_id(self) -> str:
        """The sample on screen."""
        return self.exercise.sample_ids[self.index]

    def answer(self, sample_id: str) -> StoredAnswer:
        """The stored answer to a sample (an empty one if never touched)."""
        return self.answers.get(sample_id, StoredAnswer(sample_id))

    def answered_count(self) -> int:
        """How many samples have a verdict."""
        return sum(1 for sid in self.exercise.sample_ids if self.answer(sid).answered)

    def unanswered(self) -> list[str]:
        """Sample ids without a verdict, in exercise order."""
        return [sid for sid in self.exercise.sample_ids if not self.answer(sid).answered]

    def go_to(self, index: int) -> None:
        """Show another sample: the current sample's clock is saved and the new one's resumes."""
        index = max(0, min(len(self.exercise.samples) - 1, index))
        if index == self.index:
            return
        self.save_time()
        self.index = index
        self._sample_base = self.answer(self.sample_id).seconds
        self._since = self.clock()
        self._total_base = self.attempt_total_saved
        self._guard(lambda: self.store.set_current_sample(self.attempt.id, self.sample_id, self.lease))

    def save_answer(self, answer: StoredAnswer) -> StoredAnswer:
        """Store a changed answer to the sample on screen, with its clock: only the fields that changed are
        written, in one transaction (kept and written later while the database is unreachable)."""
        answer = StoredAnswer(
            self.sample_id, answer.verdict, answer.indicators, answer.confidence, answer.note, self.sample_seconds()
        )
        old = self.answer(self.sample_id)
        changed = {f for f in ANSWER_FIELDS if getattr(old, f) != getattr(answer, f)} | {"seconds"}
        if set(old.indicators) == set(answer.indicators):
            changed.discard("indicators")
        self.answers[self.sample_id] = answer
        fields = changed | self._pending.pop(self.sample_id, set())
        if self.offline and not self._flush():
            self._pending[self.sample_id] = fields
            return answer
        saved = self._guard(lambda: self.store.save_answer(self.attempt.id, answer, sorted(fields), self.lease))
        if not saved and not self.lost:
            self._pending[self.sample_id] = fields
        return answer

    # -- clocks ---------------------------------------------------------------------------------------------

    def _running_for(self) -> float:
        return max(0.0, self.clock() - self._since) if self.running else 0.0

    def sample_seconds(self) -> float:
        """Time on the sample on screen, all visits."""
        return self._sample_base + self._running_for()

    def total_seconds(self) -> float:
        """Time on the exercise, all sessions."""
        return self._total_base + self._running_for()

    def save_time(self) -> None:
        """Write both clocks to the store (called every second and on every move)."""
        sample, total = self.sample_seconds(), self.total_seconds()
        if self.offline:
            self._flush()
        self._guard(lambda: self.store.record_time(self.attempt.id, total, self.sample_id, sample, self.lease))
        old = self.answer(self.sample_id)
        self.answers[self.sample_id] = StoredAnswer(
            old.sample_id, old.verdict, old.indicators, old.confidence, old.note, sample
        )
        self.attempt_total_saved = total

    def pause(self) -> None:
        """Stop the clocks for good in this session (leaving the exercise, submitting, quitting)."""
        if self.running:
            self.save_time()
            self._sample_base, self._total_base = self.sample_seconds(), self.total_seconds()
            self.running = False

    def leave(self) -> None:
        """Pause and give up the lease, so that another session may take the attempt without asking."""
        self.pause()
        if not self.lost and self.attempt.is_open:
            self._guard(lambda: self.store.release_lease(self.attempt.id, self.lease))

    def over_sample_limit(self) -> bool:
        """True when the sample on screen is over the per-sample limit."""
        limit = self.exercise.time_limit_sample
        return limit is not None and self.sample_seconds() > limit

    def over_total_limit(self) -> bool:
        """True when the exercise is over its time limit."""
        limit = self.exercise.time_limit_total
        return limit is not None and self.total_seconds() > limit

    def over_time_samples(self) -> list[str]:
        """Samples whose clock is past the per-sample limit."""
        limit = self.exercise.time_limit_sample
        if limit is None:
            return []
        return [sid for sid in self.exercise.sample_ids if self.answer(sid).seconds > limit]

    # -- submit -----------------------------------------------------------------------------------------------

    def submission_path(self) -> Path:
        """Where the submission file goes: `submissions/<exercise>-<participant>-<db id>-<attempt>.json`."""
        return self.store.submission_file(self.attempt)

    def submit(self) -> SubmitResult:
        """Close the attempt: save the clocks, write the submission file, score it when the key is at hand."""
        self.pause()
        try:
            return self._submit()
        except (StoreUnavailable, LeaseLost, AttemptClosed) as exc:
            if isinstance(exc, StoreUnavailable):
                self.offline = True
                self._tell("offline", str(exc))
                self.resume()
                raise BadInput("the database cannot be reached: your answers are kept; submit again shortly") from None
            self.lost = str(exc)
            self._tell("lost", self.lost)
            raise BadInput(f"cannot submit: {exc}") from None
        except BadInput:
            self.resume()
            raise

    def resume(self) -> None:
        """Restart the clocks after a pause that did not end the attempt (a submit that could not be made)."""
        if not self.running and not self.lost and self.attempt.is_open:
            self._since = self.clock()
            self.running = True

    def _submit(self) -> SubmitResult:
        from doc_check.exercise.load import load_exercise_key
        from doc_check.exercise.score import score_submission
        from doc_check.exercise.submission import now_iso, submission_to_json

        if self.lost:
            raise BadInput(f"cannot submit: {self.lost}")
        if self._pending and not self._flush():
            raise BadInput("the database cannot be reached: your answers are kept; submit again once reconnected")
        submission = self.store.submission(self.attempt.id, submitted=now_iso())
        report, key_error = None, None
        key_path = self.exercise.folder / KEY_FILE
        if key_path.is_file():
            try:
                key = load_exercise_key(key_path, self.exercise)
                report = score_submission(self.exercise, key, submission)
            except BadInput as exc:
                key_error = str(exc)
        else:
            key_error = "no key with this exercise: your instructor scores the submission"
        attempt = self.store.submit(
            self.attempt.id,
            submission_to_json(submission),
            self.submission_path(),
            score=None if report is None else report.total,
            max_score=None if report is None else report.max_total,
            passed=None if report is None else report.passed,
            lease=self.lease,
        )
        self.attempt = attempt
        return SubmitResult(attempt, Path(attempt.submission_path or ""), report, key_error)
