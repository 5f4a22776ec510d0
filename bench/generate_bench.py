"""Seconds per generated sample by document type, channel count and capture, on one core.

Run: python bench/generate_bench.py [--dpi 300] [--repeat 3]
Times are CPU seconds (time.process_time) with OpenCV limited to one thread, so a busy machine
distorts them less than wall-clock time; the security print is rendered once per type (cached)
before timing, as it is in a real run.
"""

from __future__ import annotations

import argparse
import time

import cv2

from doc_check.specimen.sampleset import SampleSpec, encode, generate_sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    rows = []
    for doc_type in ("td3", "td1", "mrva"):
        for channels in (("visible",), ("visible", "uv", "ir")):
            for capture in ("scan", "photo"):
                spec = SampleSpec(doc_type, capture=capture, dpi=args.dpi, channels=channels)
                generate_sample(spec, 0, 0)  # warm the cached security print
                t0 = time.process_time()
                for i in range(args.repeat):
                    gen = generate_sample(spec, 1, i)
                t_gen = (time.process_time() - t0) / args.repeat
                t0 = time.process_time()
                for side in gen.images.values():
                    for img in side.values():
                        encode(img, "jpg")
                t_enc = time.process_time() - t0
                rows.append((doc_type, len(channels), capture, t_gen, t_enc))
    print(f"dpi {args.dpi}, {args.repeat} samples each, CPU seconds on one core")
    print(f"{'type':<6}{'channels':>9}{'capture':>9}{'generate s':>12}{'encode s':>10}{'total s':>9}")
    for t, n, cap, g, e in rows:
        print(f"{t:<6}{n:>9}{cap:>9}{g:>12.3f}{e:>10.3f}{g + e:>9.3f}")


if __name__ == "__main__":
    main()
