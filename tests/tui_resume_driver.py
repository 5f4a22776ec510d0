"""Drives `doc-check train` headless in its own process for the resume test: answer N samples, then wait to be killed.

Usage: python tui_resume_driver.py EXERCISE_DIR DB ANSWERS [report]
ANSWERS > 0: answer that many samples, print "READY", then sleep until killed.
report: print the form's answer and the clocks as JSON after the app resumed, then exit.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from doc_check.exercise import load_exercise
from doc_check.store import Store
from doc_check.tui.app import TrainApp
from doc_check.tui.widgets.verdict_form import VerdictForm

VERDICTS = ["genuine", "forged", "counterfeit"]


async def main() -> None:
    ex_dir, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    report = len(sys.argv) > 4
    exercise = load_exercise(ex_dir)
    store = Store(db)
    app = TrainApp(store, [exercise], start=exercise, participant="R1", image_mode="halfcell")
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        if report:
            form = screen.query_one(VerdictForm)
            print(
                json.dumps(
                    {
                        "sample": screen.sample_id,
                        "form": form.current().verdict,
                        "indicators": list(form.current().indicators),
                        "total": app.session.total_seconds(),
                    }
                ),
                flush=True,
            )
            return
        form = screen.query_one(VerdictForm)
        for i in range(n):
            form.set_verdict(VERDICTS[i])
            form.toggle_indicator("print.erasure")
            await pilot.pause()
            await asyncio.sleep(1.2)  # let the clocks run and tick
            await pilot.press("n")
            await pilot.pause()
        await asyncio.sleep(1.2)
        print("READY", flush=True)
        while True:
            time.sleep(0.2)  # block like a hung terminal until SIGKILL


if __name__ == "__main__":
    asyncio.run(main())
