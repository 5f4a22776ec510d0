"""How the document reader holds up when the capture changes the way real scanners and phones differ.

Generates a fresh set (seeds nobody tuned on; scans and photos), or takes the committed `samples/` with
``--samples``, then for each perturbation writes a changed copy of every sample folder (the references stay as
issued) and analyses it on one core. Prints one table: per perturbation, genuine samples with a failing finding
(scans and photos apart), frauds whose planted indicator was not flagged, and verdicts equal to the key's,
beside the unperturbed row.

    .venv/bin/python bench/robustness_bench.py [--count 16] [--seed 31337] [--dpi 300] [--only NAME ...]
    .venv/bin/python bench/robustness_bench.py --samples          # the committed samples/
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from doc_check.analysis import analyze_sample  # noqa: E402
from doc_check.indicators import get  # noqa: E402
from doc_check.samples import REFERENCES_DIR, load_key, load_sample, sample_folders  # noqa: E402

Image = np.ndarray
Change = Callable[[Image, str, np.random.Generator], Image]
"""(image, channel, rng) -> changed image."""


def _lut(fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    x = np.arange(256, dtype=np.float64)
    return np.clip(np.round(fn(x)), 0, 255).astype(np.uint8)


def gamma(g: float, channels: tuple[str, ...] | None = None) -> Change:
    """Tone curve 255 * (x / 255) ** g (on the named channels only, when given)."""
    table = _lut(lambda x: 255.0 * (x / 255.0) ** g)

    def change(img: Image, channel: str, rng: np.random.Generator) -> Image:
        return cv2.LUT(img, table) if channels is None or channel in channels else img

    return change


def gain(k: float) -> Change:
    """Exposure: every level times ``k`` (clipped)."""
    table = _lut(lambda x: x * k)
    return lambda img, channel, rng: cv2.LUT(img, table)


def white_balance(b: float, r: float) -> Change:
    """Blue and red channel gains (a grey IR image is unchanged)."""

    def change(img: Image, channel: str, rng: np.random.Generator) -> Image:
        if img.ndim == 2:
            return img
        out = img.astype(np.float32)
        out[..., 0] *= b
        out[..., 2] *= r
        return np.clip(np.round(out), 0, 255).astype(np.uint8)

    return change


def jpeg(quality: int, generations: int = 1) -> Change:
    """Re-encoded as JPEG ``generations`` times."""

    def change(img: Image, channel: str, rng: np.random.Generator) -> Image:
        for _ in range(generations):
            _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
            img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        return img

    return change


def rotate(degrees: float) -> Change:
    """Turned on the scanner bed, the canvas grown to keep the corners."""

    def change(img: Image, channel: str, rng: np.random.Generator) -> Image:
        h, w = img.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        c, s = abs(m[0, 0]), abs(m[0, 1])
        nw, nh = int(w * c + h * s), int(w * s + h * c)
        m[0, 2] += nw / 2 - w / 2
        m[1, 2] += nh / 2 - h / 2
        return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    return change


def scale(f: float) -> Change:
    """Captured at ``f`` times the resolution (sample.toml still says the old dpi)."""
    return lambda img, channel, rng: cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


def blur(sigma: float) -> Change:
    """Out of focus: a Gaussian blur of ``sigma`` pixels."""
    return lambda img, channel, rng: cv2.GaussianBlur(img, (0, 0), sigma)


def noise(sigma: float) -> Change:
    """Sensor noise: Gaussian, ``sigma`` grey levels, plus shot noise growing with the level."""

    def change(img: Image, channel: str, rng: np.random.Generator) -> Image:
        x = img.astype(np.float32)
        sd = np.sqrt(sigma**2 + x * 0.05)
        return np.clip(np.round(x + rng.standard_normal(x.shape).astype(np.float32) * sd), 0, 255).astype(np.uint8)

    return change


def perspective(degrees: float) -> Change:
    """A camera tilted by ``degrees`` about the horizontal axis (the far edge narrower), on a larger canvas."""

    def change(img: Image, channel: str, rng: np.random.Generator) -> Image:
        h, w = img.shape[:2]
        t = np.tan(np.radians(degrees))
        inset = w * t * 0.5
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dst = np.float32([[inset, 0], [w - inset, 0], [w, h], [0, h]]) + np.float32([w * 0.05, h * 0.05])
        hom = cv2.getPerspectiveTransform(src, dst)
        return cv2.warpPerspective(
            img, hom, (int(w * 1.1), int(h * 1.1)), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )

    return change


PERTURBATIONS: dict[str, tuple[Change | None, frozenset[str]]] = {
    "none": (None, frozenset({"scan", "photo"})),
    "JPEG q50": (jpeg(50), frozenset({"scan", "photo"})),
    "JPEG second generation (q75 twice)": (jpeg(75, 2), frozenset({"scan", "photo"})),
    "turned 3 degrees": (rotate(3.0), frozenset({"scan", "photo"})),
    "half resolution": (scale(0.5), frozenset({"scan", "photo"})),
    "Gaussian blur 1.0": (blur(1.0), frozenset({"scan", "photo"})),
    "Gaussian blur 1.5": (blur(1.5), frozenset({"scan", "photo"})),
    "white balance B x0.85 R x1.1": (white_balance(0.85, 1.1), frozenset({"scan", "photo"})),
    "white balance R x1.05 B x0.95": (white_balance(0.95, 1.05), frozenset({"scan", "photo"})),
    "brightness x0.75": (gain(0.75), frozenset({"scan", "photo"})),
    "brightness x0.9": (gain(0.9), frozenset({"scan", "photo"})),
    "brightness x1.1": (gain(1.1), frozenset({"scan", "photo"})),
    "brightness x1.25": (gain(1.25), frozenset({"scan", "photo"})),
    "gamma 0.6": (gamma(0.6), frozenset({"scan", "photo"})),
    "gamma 0.85": (gamma(0.85), frozenset({"scan", "photo"})),
    "gamma 1.6": (gamma(1.6), frozenset({"scan", "photo"})),
    "gamma 0.6 on UV only": (gamma(0.6, ("uv",)), frozenset({"scan", "photo"})),
    "sensor noise (sigma 4)": (noise(4.0), frozenset({"scan", "photo"})),
    "perspective 8 degrees (scans)": (perspective(8.0), frozenset({"scan"})),
}
"""Name -> (change applied to every image of a sample, all lights alike unless it says so; captures it applies to)."""


def perturbed_copy(src_set: Path, dst_set: Path, change: Change | None, captures: frozenset[str], seed: int) -> None:
    """Copy a sample set with every sample image of the given captures changed (references untouched)."""
    shutil.copytree(src_set / REFERENCES_DIR, dst_set / REFERENCES_DIR)
    for folder in sample_folders(src_set):
        out = dst_set / folder.name
        shutil.copytree(folder, out)
        sample = load_sample(out)
        if change is None or sample.capture not in captures:
            continue
        rng = np.random.default_rng([seed, sum(map(ord, folder.name))])
        for key, name in sample.images.items():
            channel = key.split(".", 1)[1]
            path = out / name
            img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
            changed = change(img, channel, rng)
            # written as a scanner or phone would: JPEG at quality 88 (the generator's), or at the change's own
            quality = getattr(change, "file_quality", 88)
            params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix.lower() in (".jpg", ".jpeg") else []
            cv2.imwrite(str(path), changed, params)


def score(set_dir: Path, key: dict, captures: frozenset[str]) -> dict[str, list[int]]:
    """capture -> [genuine failing, genuine, frauds missed, frauds, exact verdicts, samples, errors]."""
    out: dict[str, list[int]] = {}
    for folder in sample_folders(set_dir):
        truth = key[folder.name]
        sample = load_sample(folder)
        if sample.capture not in captures:
            continue
        try:
            report = analyze_sample(folder)
        except Exception as exc:  # a crash is a result here: count it and go on
            print(f"{folder.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            row = out.setdefault(sample.capture, [0] * 7)
            row[6] += 1
            continue
        row = out.setdefault(sample.capture, [0] * 7)
        flagged = {f.indicator for f in report.findings if f.status == "fail" and get(f.indicator).fraud_sign}
        if truth.verdict == "genuine":
            row[1] += 1
            row[0] += bool(flagged)
            if flagged and VERBOSE:
                print(f"  {folder.name} {sample.capture} genuine failing: {sorted(flagged)}", file=sys.stderr)
        else:
            row[3] += 1
            hit = any(f == p or f.startswith(p + ".") for f in flagged for p in truth.indicators)
            row[2] += not hit
            if not hit and VERBOSE:
                print(f"  {folder.name} {sample.capture} missed {list(truth.indicators)}", file=sys.stderr)
        row[4] += report.verdict == truth.verdict
        if report.verdict != truth.verdict and VERBOSE:
            print(f"  {folder.name} {sample.capture} {truth.verdict} -> {report.verdict}", file=sys.stderr)
        row[5] += 1
        row[6] += report.error is not None
    return out


VERBOSE = False


def _cell(a: int, b: int) -> str:
    return f"{a}/{b}" if b else "-"


def main() -> int:
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=16)
    ap.add_argument("--seed", type=int, default=31337)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--samples", action="store_true", help="run on the committed samples/ instead of a fresh set")
    ap.add_argument("--only", nargs="+", default=None, help="perturbation names (substrings) to run besides none")
    ap.add_argument("-v", "--verbose", action="store_true", help="name every wrong sample on stderr")
    args = ap.parse_args()
    VERBOSE = args.verbose
    cv2.setNumThreads(1)
    names = [
        n for n in PERTURBATIONS if n == "none" or args.only is None or any(o.lower() in n.lower() for o in args.only)
    ]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.samples:
            base = ROOT / "samples"
            what = "committed samples/"
        else:
            from doc_check.specimen.sampleset import generate_set

            base = Path(tmp) / "base"
            generate_set(base, seed=args.seed, count=args.count, captures=("scan", "photo"), dpi=args.dpi)
            what = f"seed {args.seed}, {args.count} samples, {args.dpi} dpi"
        key = load_key(base / "key.toml")
        print(f"{what}; OpenCV {cv2.__version__}\n")
        print("| change | genuine failing (scan) | genuine failing (photo) | frauds missed | exact verdicts | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name in names:
            change, captures = PERTURBATIONS[name]
            target = Path(tmp) / f"p{names.index(name)}"
            perturbed_copy(base, target, change, captures, args.seed)
            if VERBOSE:
                print(f"{name}:", file=sys.stderr)
            rows = score(target, key, captures)
            shutil.rmtree(target)
            scan = rows.get("scan", [0] * 7)
            photo = rows.get("photo", [0] * 7)
            tot = [a + b for a, b in zip(scan, photo, strict=True)]
            print(
                f"| {name} | {_cell(scan[0], scan[1])} | {_cell(photo[0], photo[1])} | {_cell(tot[2], tot[3])} | "
                f"{_cell(tot[4], tot[5])} | {tot[6]} |",
                flush=True,
            )
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
