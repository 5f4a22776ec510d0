"""CI smoke test of an installed doc-check: the trainee app, headless, on the built-in first-line exercise.

Run with the installed package's Python from a folder outside the checkout; answers one sample, checks the
answer reached the database, and exits 0.
"""

import asyncio
import sys
import tempfile
from pathlib import Path

from doc_check.builtin import builtin_exercises
from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.screens.examine import ExamineScreen
from doc_check.tui.widgets.verdict_form import VerdictForm


async def main() -> int:
    exercise = load_exercise(builtin_exercises() / "first-line")
    db = Path(tempfile.mkdtemp()) / "smoke.sqlite"
    app = TrainApp(Store(db), [exercise], start=exercise, participant="SMOKE", image_mode="halfcell")
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(500):
            if isinstance(app.screen, ExamineScreen) and app.screen.ready:
                break
            await pilot.pause(0.01)
        else:
            print("smoke: the examine screen never became ready", file=sys.stderr)
            return 1
        app.screen.query_one(VerdictForm).set_verdict("forged")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await app.action_quit()
    store = Store(db)
    attempts = store.history("SMOKE", exercise.id)
    verdicts = [a.verdict for t in attempts for a in store.answers(t.id).values()]
    if "forged" not in verdicts:
        print(f"smoke: the answer did not reach the database (stored: {verdicts})", file=sys.stderr)
        return 1
    print(f"smoke: trainee app answered one sample of {exercise.id} ({len(exercise.samples)} samples)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
