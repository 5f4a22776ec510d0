"""How far each UV check's measure sits from its threshold, on genuine documents and on counterfeits.

Generates a few TD3 documents (genuine, the three counterfeit variants; scan and photo; 150 and 300 dpi) with the
generator's API, registers them onto their reference as `doc-check analyze` does, and prints one row per sample
and UV check: the measured value, the threshold, the margin (positive = the side of the threshold the truth
expects) and the status. Run it under the locked OpenCV and under the newest release to see whether a minor
release moves any value near its threshold:

    .venv/bin/python bench/uv_margin_bench.py [--dpi 150 300] [--seed 4242]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402

from doc_check.analysis import checks_uv as uv  # noqa: E402
from doc_check.analysis.pipeline import register_side  # noqa: E402
from doc_check.samples import load_sample, reference_folder  # noqa: E402
from doc_check.specimen.sampleset import SampleSpec, generate_sample, write_references, write_sample  # noqa: E402

KINDS = [
    ("genuine", None, None),
    ("colour_copy", "counterfeit", "colour_copy"),
    ("offset", "counterfeit", "offset"),
    ("high_quality", "counterfeit", "high_quality"),
]


def measures(page) -> dict[str, tuple[float, float, bool]]:
    """UV check -> (value, threshold, True when a value above the threshold fails)."""
    s, r = uv.paper_level(page), uv.paper_level(page, reference=True)
    contrast, corr = uv.emblem_measures(page)
    fib, fib_ref = uv.count_fibres(page), uv.count_fibres(page, reference=True)
    share = uv.FIBRES_MIN_SHARE.get(page.capture, 0.04)
    return {
        "uv.paper_bright (level - ref)": (s - r, uv.PAPER_DELTA, True),
        "uv.emblem contrast": (contrast, uv.EMBLEM_MIN_CONTRAST, False),
        "uv.emblem shape": (corr, uv.EMBLEM_MIN_CORRELATION, False),
        "uv.fibres (share of ref)": (fib / max(fib_ref, 1), share, False),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--rows", action="store_true", help="also print every sample's row")
    args = ap.parse_args()
    rows: list[tuple[str, str, bool, float, bool]] = []  # (capture, check, should fail, margin, right)
    if args.rows:
        print("| dpi | capture | sample | check | value | threshold | margin | status | expected |")
        print("| ---: | --- | --- | --- | ---: | ---: | ---: | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in args.dpi:
            root = Path(tmp) / str(dpi)
            write_references(root, dpi, ["td3"])
            for capture in ("scan", "photo"):
                for i, (name, kind, variant) in enumerate(KINDS):
                    spec = SampleSpec("td3", kind, variant, capture=capture, dpi=dpi)
                    gen = generate_sample(spec, args.seed, i + (10 if capture == "photo" else 0))
                    folder = write_sample(root, gen)
                    truth = set(gen.truth.indicators)
                    page = register_side(
                        load_sample(folder), load_sample(reference_folder(root, "td3")), "front", None
                    )[1]
                    for check, (value, thr, above_fails) in measures(page).items():
                        ind = check.split()[0]
                        should_fail = ind in truth
                        fails = value > thr if above_fails else value < thr
                        # margin in the threshold's units, positive on the side the truth expects
                        margin = (value - thr) if above_fails == should_fail else (thr - value)
                        status = "fail" if fails else "pass"
                        expect = "fail" if should_fail else "pass"
                        flag = "" if status == expect else " **wrong**"
                        rows.append((capture, check, should_fail, margin, status == expect))
                        if args.rows:
                            print(
                                f"| {dpi} | {capture} | {name} | {check} | {value:.3f} | {thr:.3f} | {margin:+.3f} | "
                                f"{status}{flag} | {expect} |"
                            )
    print(
        f"\nOpenCV {cv2.__version__}, seed {args.seed}, dpi {' '.join(map(str, args.dpi))}: smallest margin to the "
        "threshold (threshold units; negative = wrong side)"
    )
    print("| check | capture | genuine-like (should pass) | planted (should fail) | wrong |")
    print("| --- | --- | ---: | ---: | ---: |")
    for check in dict.fromkeys(r[1] for r in rows):
        for capture in ("scan", "photo"):
            sel = [r for r in rows if r[1] == check and r[0] == capture]
            ok = [r[3] for r in sel if not r[2]]
            bad = [r[3] for r in sel if r[2]]
            wrong = sum(not r[4] for r in sel)
            print(
                f"| {check} | {capture} | {min(ok):+.3f} | {min(bad):+.3f} | {wrong} |"
                if bad
                else f"| {check} | {capture} | {min(ok):+.3f} | - | {wrong} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
