#!/usr/bin/env python3
"""Benchmark of the trainee UI (`doc-check train`), headless with half-cell images; prints a table.

- launch: from the start of this process to the end of the first composited frame that shows the document image
  (the same start-up code as `doc-check train --exercise X --as CODE --image halfcell`: the CLI modules,
  `doc_check.cli.train.make_app`, then the app headless); "complete" is when the checklist, mounted just after
  that frame, is in place too. CPU time is the process's (all threads) up to those moments;
- channel switch and zoom step on a TD3 sample: the handler (crop + zoom + resize with OpenCV, handed to the image
  widget) and key -> frame: from the key event posted as the terminal driver posts it to the end of the first
  refresh tick that composites the new image lines (Textual refreshes at 60 Hz; the terminal's own drawing is not
  included);
- peak memory (max RSS) through a whole exercise: every sample, every light, zoom, answer, submit.

Goals: launch < 1 s, a switch or a zoom step < 100 ms, peak memory < 300 MB.
Launch is timed in --launches fresh processes (this one and more), the rest in this process.
Usage: python bench/tui_bench.py [--exercise exercises/light-sources] [--size 160x50] [--repeat 10] [--launches 5]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()


def _process_age() -> float:
    """Seconds since this process was created (Linux; else since this module started)."""
    import os
    from pathlib import Path

    try:
        with Path("/proc/self/stat").open() as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])

        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        return time.perf_counter() - T0


START = time.perf_counter() - _process_age()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KEY_CHARS = {"w": "w", "u": "u", "i": "i", "plus": "+", "minus": "-"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default=str(ROOT / "exercises" / "light-sources"))
    parser.add_argument("--size", default="160x50", help="terminal columns x rows")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--launches",
        type=int,
        default=5,
        help="fresh processes timed from start to first screen (median and best are reported)",
    )
    parser.add_argument("--launch-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.lower().split("x"))

    import doc_check.cli  # noqa: F401  (what the `doc-check` command imports first)
    from doc_check.cli.train import builtin_exercises_dir, make_app, resolve_exercise

    tmp_dir = tempfile.TemporaryDirectory()
    exercise = resolve_exercise(args.exercise, builtin_exercises_dir())
    app, store = make_app(exercise, "BENCH", str(Path(tmp_dir.name) / "bench.sqlite"), "halfcell")
    imported = time.perf_counter()

    from doc_check.samples import load_sample
    from doc_check.tui.widgets.document_view import DocumentView
    from doc_check.tui.widgets.verdict_form import VerdictForm

    redraw_ms: list[float] = []
    handled: list[int] = []
    lines_drawn: list[int] = []
    from doc_check.tui.widgets.halfcell import ArrayHalfcellImage

    original_line = ArrayHalfcellImage.render_line

    def counted_line(self, y: int):
        if self._keys is not None and y < self._keys.shape[0]:  # a line of the image, not a blank one
            lines_drawn.append(y)
        return original_line(self, y)

    ArrayHalfcellImage.render_line = counted_line
    frames: list[tuple[str, float]] = []
    from textual.screen import Screen

    original_update = Screen._on_timer_update

    def timed_update(self) -> None:
        original_update(self)
        if len(frames) == 1 and len(lines_drawn) > frames[0][1]:
            frames.append(("frame", time.perf_counter()))

    Screen._on_timer_update = timed_update
    launch: dict[str, float] = {}
    original_composite = Screen._compositor_refresh

    def first_frame(self) -> None:
        mark = len(lines_drawn)
        original_composite(self)
        if "frame" not in launch and len(lines_drawn) > mark:
            launch["frame"], launch["frame_cpu"] = time.perf_counter(), time.process_time()

    Screen._compositor_refresh = first_frame
    from doc_check.tui.widgets.key_footer import KeyFooter

    original_build = VerdictForm.build_checklists
    original_keys = KeyFooter._recompose_if_changed
    parts: set[str] = set()

    def part_done(part: str) -> None:
        parts.add(part)
        if parts == {"checklist", "footer"} and "complete" not in launch:
            launch["complete"], launch["complete_cpu"] = time.perf_counter(), time.process_time()

    async def timed_build(self) -> None:
        await original_build(self)
        part_done("checklist")

    async def timed_keys(self) -> None:
        await original_keys(self)
        if self._shown:
            part_done("footer")

    VerdictForm.build_checklists = timed_build
    KeyFooter._recompose_if_changed = timed_keys
    original_redraw = DocumentView.redraw

    def timed_redraw(self, notify: bool = True) -> None:
        t = time.perf_counter()
        original_redraw(self, notify)
        if self.id == "doc":
            redraw_ms.append((time.perf_counter() - t) * 1000)
            handled.append(1)

    DocumentView.redraw = timed_redraw
    results: dict[str, object] = {}

    with tmp_dir:

        async def run() -> None:
            async with app.run_test(size=(cols, rows)) as pilot:
                doc = None
                while doc is None or doc.last_render is None:
                    await pilot.pause()
                    doc = app.screen.query("#doc").first(DocumentView) if app.screen.query("#doc") else None
                while "complete" not in launch:
                    await pilot.pause()
                results["launch"] = launch["frame"] - START
                results["launch_cpu"] = launch["frame_cpu"]  # CPU seconds of this process since it started
                results["complete"] = launch["complete"] - START
                results["complete_cpu"] = launch["complete_cpu"]
                results["imports"] = imported - START
                if args.launch_only:
                    return
                td3 = [i for i, s in enumerate(exercise.samples) if load_sample(s.folder).document_type == "td3"]
                if not td3:
                    sys.exit(f"{args.exercise}: no TD3 sample to measure on")
                screen = app.screen
                screen.go_to(td3[0])
                await pilot.pause()
                await asyncio.sleep(0.5)  # let the prefetch decode the other lights
                await pilot.pause()
                doc = screen.query_one("#doc", DocumentView)
                results["td3_image"] = doc.image.shape
                results["view_px"] = doc.last_render.shape
                from textual import events

                async def key_to_frame(key: str) -> tuple[float, float]:
                    """Post a key as the terminal driver does; time until a composited frame shows new image lines."""
                    redraw_ms.clear()
                    frames.clear()
                    mark = len(lines_drawn)
                    t = time.perf_counter()
                    frames.append(("start", mark))
                    app._driver.send_message(events.Key(key, KEY_CHARS.get(key)))
                    while len(frames) < 2 and time.perf_counter() - t < 5:
                        await asyncio.sleep(0)
                    total = ((frames[1][1] if len(frames) > 1 else time.perf_counter()) - t) * 1000
                    await pilot.pause()  # settle before the next key (not timed)
                    return total, sum(redraw_ms)

                channels = [c for c in exercise.channels if c in screen.available_channels()]
                keys = {"visible": "w", "uv": "u", "ir": "i"}
                switch, switch_handler = [], []
                for _k in range(args.repeat):
                    for ch in channels:
                        total, handler = await key_to_frame(keys[ch])
                        switch.append(total)
                        switch_handler.append(handler)
                zoom, zoom_handler = [], []
                for _k in range(args.repeat):
                    for key in ("plus", "plus", "plus", "minus", "minus", "minus"):
                        total, handler = await key_to_frame(key)
                        zoom.append(total)
                        zoom_handler.append(handler)
                results["switch"], results["switch_handler"] = switch, switch_handler
                results["zoom"], results["zoom_handler"] = zoom, zoom_handler
                # The whole exercise: every sample under every light, zoomed, answered; then submit.
                screen.go_to(0)
                await pilot.pause()
                form = screen.query_one(VerdictForm)
                for _i in range(len(exercise.samples)):
                    for ch in screen.available_channels():
                        await pilot.press(keys[ch], "plus", "plus", "0")
                    form.set_verdict("genuine")
                    await pilot.pause()
                    await pilot.press("n")
                    await pilot.pause()
                await pilot.press("x", "y")
                await pilot.pause()
                results["submitted"] = type(app.screen).__name__

        asyncio.run(run())
        store.close()
    if args.launch_only:
        print(json.dumps({k: results[k] for k in ("launch", "launch_cpu", "complete", "complete_cpu", "imports")}))
        return
    launches = [results]
    for _ in range(args.launches - 1):
        out = subprocess.run(
            [sys.executable, __file__, "--launch-only", "--exercise", args.exercise, "--size", args.size],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        launches.append(json.loads(out.strip().splitlines()[-1]))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def row(name: str, values: list[float], goal: str) -> str:
        med = statistics.median(values)
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        return f"| {name} | {med:.1f} ms | {p90:.1f} ms | {goal} |"

    import importlib.util

    import doc_check.tui.app as app_module

    cached = Path(importlib.util.cache_from_source(app_module.__file__)).is_file()
    caches = "present" if cached else "absent (every doc_check module compiled at start)"
    print(
        f"exercise {exercise.id} ({len(exercise.samples)} samples, lights {', '.join(exercise.channels)}); "
        f"terminal {cols}x{rows}; TD3 image {results['td3_image'][1]}x{results['td3_image'][0]} px, "
        f"view {results['view_px'][1]}x{results['view_px'][0]} px; {args.repeat} repeats, "
        f"{len(launches)} launches; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; bytecode caches {caches}"
    )
    print()
    print("| measure | median | p90 | goal |")
    print("| --- | --- | --- | --- |")

    def launch_row(name: str, key: str, goal: str = "") -> str:
        values = sorted(run[key] * 1000 for run in launches)
        return f"| {name} | {statistics.median(values):.0f} ms | best {values[0]:.0f} ms | {goal} |"

    print(launch_row("launch to first usable screen (wall)", "launch", "< 1000 ms"))
    print(launch_row("launch to first usable screen (CPU time of the process)", "launch_cpu"))
    print(launch_row("of which start-up, imports and app set-up (wall)", "imports"))
    print(launch_row("launch to complete screen: footer keys and checklist in place (wall)", "complete"))
    print(launch_row("launch to complete screen (CPU time of the process)", "complete_cpu"))
    print(row("channel switch: handler (OpenCV view + hand-over)", results["switch_handler"], "< 100 ms"))
    print(row("channel switch: key -> frame", results["switch"], "< 100 ms"))
    print(row("zoom step: handler", results["zoom_handler"], "< 100 ms"))
    print(row("zoom step: key -> frame", results["zoom"], "< 100 ms"))
    print(f"| peak memory through the exercise (max RSS) | {peak_mb:.0f} MB | | < 300 MB |")
    print()
    print(f"ended on {results['submitted']}")


if __name__ == "__main__":
    main()
