"""Speed of the full-resolution view and of the reference library: the app-side work behind the `f` key (crop,
compose with the reference, PNG encode) per document type at a dpi, and the library's render and HTML write.

The browser round trip (key -> image shown in a headless-Chromium tab) is measured and printed by
`tests/test_class_mode_browser.py::test_trainee_opens_the_full_resolution_view_in_a_tab` (run it with `-s`).

    .venv/bin/python bench/full_view_bench.py [--dpi 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from doc_check.library.callouts import _document_pages, document_pages  # noqa: E402
from doc_check.library.static_html import write_library  # noqa: E402
from doc_check.samples import DOCUMENT_TYPES  # noqa: E402
from doc_check.specimen.sampleset import render_reference  # noqa: E402
from doc_check.viewport import encode_png, full_resolution_view, side_by_side  # noqa: E402


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"full-resolution view at {args.dpi} dpi (median of {args.repeat}; terminal view 118 x 64 half-cells)")
    print(f"{'type':6} {'page px':>11} {'view s':>8} {'+ref s':>8} {'PNG MB':>8}")
    for t in DOCUMENT_TYPES:
        page = render_reference(t, args.dpi)["front"]["visible"]
        h, w = page.shape[:2]

        def alone(page=page) -> bytes:
            return encode_png(full_resolution_view(page, 1.0, None, 118, 64))

        def with_ref(page=page) -> bytes:
            v = full_resolution_view(page, 1.0, None, 59, 64)
            return encode_png(side_by_side(v, full_resolution_view(page, 1.0, None, 59, 64)))

        size = len(alone()) / 1e6
        one, two = _median(alone, args.repeat), _median(with_ref, args.repeat)
        print(f"{t:6} {w:>5} x {h:<4} {one:8.3f} {two:8.3f} {size:8.2f}")
    print()
    print("reference library")
    print(f"{'step':28} {'seconds':>8}")
    _document_pages.cache_clear()
    t0 = time.perf_counter()
    for t in DOCUMENT_TYPES:
        document_pages(t)
    print(f"{'render + annotate, 200 dpi':28} {time.perf_counter() - t0:8.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        _document_pages.cache_clear()
        t0 = time.perf_counter()
        write_library(Path(tmp) / "lib", args.dpi)
        print(f"{f'doc-check library, {args.dpi} dpi':28} {time.perf_counter() - t0:8.2f}")


if __name__ == "__main__":
    main()
