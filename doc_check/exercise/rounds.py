"""A participant's record over rounds: each exercise submitted, with points, percentage and robust z-score among
the participant's cohort (ICE labs judge a trainee over rounds, not one)."""

from __future__ import annotations

from dataclasses import dataclass

from doc_check.exercise.live import class_results
from doc_check.store import Store


@dataclass(frozen=True)
class Round:
    """One exercise the participant submitted: their latest submitted attempt, scored among their cohort."""

    exercise_id: str
    submitted: str
    points: float | None
    max_points: float | None
    pct: float | None
    z: float | None
    z_class: str
    cohort_size: int
    """How many of the cohort had submitted (the z-score's reference group)."""


def participant_rounds(store: Store, participant: str) -> list[Round]:
    """Every round of a participant, in the order submitted (scores stored at submission)."""
    who = store.participant(participant)
    cohort = who.cohort if who is not None else None
    submitted: dict[str, str] = {}
    for a in reversed(store.history(participant)):  # oldest first: the latest submission of each exercise wins
        if a.state == "submitted" and a.submitted:
            submitted.pop(a.exercise_id, None)
            submitted[a.exercise_id] = a.submitted
    out = []
    for exercise_id, when in sorted(submitted.items(), key=lambda kv: kv[1]):
        res = class_results(store, exercise_id, cohort=cohort)
        row = next((r for r in res.rows if r.participant == participant), None)
        if row is None or row.state != "submitted":
            continue
        out.append(
            Round(
                exercise_id=exercise_id,
                submitted=when,
                points=row.score,
                max_points=row.max_score,
                pct=row.pct,
                z=row.z,
                z_class=row.z_class,
                cohort_size=res.submitted,
            )
        )
    return out
