"""Colour and tone normalisation of a registered capture against its reference: a bounded per-channel gain and
gamma fitted on registered pixels that must match (the unprinted paper and the background print)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

GAIN_BOUNDS = (0.65, 1.55)
"""Gains the fit may find: about what two scanners' or phones' exposures differ by, and no more, so that a
reproduction's grossly wrong level (a colour copy's glowing paper, 245 against 41) survives normalisation."""
GAMMA_BOUNDS = (0.55, 1.9)
"""Tone-curve exponents the fit may find (sample to reference)."""
PRIOR_WEIGHT = 0.005
"""Pull of the fit towards no change, relative to the data's weight (decides when the levels cannot: a page of
one paper level fixes the gain but not the curve)."""
MIN_LEVEL, MAX_LEVEL = 10, 246
"""Sample levels used by the fit: below, JPEG and noise dominate the logarithm; above, the level may be clipped."""


@dataclass(frozen=True)
class ToneFit:
    """Per-channel map from the sample's levels to the reference's: ``ref = 255 * gain * (s / 255) ** gamma``."""

    gains: tuple[float, ...]
    gammas: tuple[float, ...]

    @property
    def identity(self) -> bool:
        """True when the fit changes no level by more than about one per cent."""
        return all(abs(g - 1) < 0.01 for g in self.gains) and all(abs(g - 1) < 0.01 for g in self.gammas)

    def luts(self) -> list[np.ndarray]:
        """One 256-entry uint8 lookup table per channel."""
        x = np.arange(256, dtype=np.float64) / 255.0
        return [
            np.clip(np.round(255.0 * k * x**g), 0, 255).astype(np.uint8)
            for k, g in zip(self.gains, self.gammas, strict=True)
        ]

    def apply(self, image: np.ndarray) -> np.ndarray:
        """The image with its levels mapped onto the reference's (same shape and dtype, uint8).

        Parameters
        ----------
        image : (H, W) or (H, W, C) uint8, with as many channels as the fit.
        """
        if self.identity:
            return image
        luts = self.luts()
        if image.ndim == 2:
            return cv2.LUT(image, luts[0])
        return cv2.merge([cv2.LUT(c, t) for c, t in zip(cv2.split(image), luts, strict=True)])

    def apply_all(self, image: np.ndarray) -> np.ndarray:
        """Like ``apply``; a one-channel fit maps every channel of a colour image alike."""
        if len(self.gains) == 1 and image.ndim == 3 and not self.identity:
            return cv2.LUT(image, self.luts()[0])
        return self.apply(image)

    def describe(self) -> str:
        """A short account for a finding: which gains and curves were taken out."""
        if self.identity:
            return "levels as the reference's"
        same = len(set(np.round(self.gains, 3))) == 1 and len(set(np.round(self.gammas, 3))) == 1
        if len(self.gains) == 3 and not same:
            parts = [f"{n} x{k:.2f}^{g:.2f}" for n, k, g in zip("BGR", self.gains, self.gammas, strict=True)]
        else:
            parts = [f"level x{self.gains[0]:.2f}^{self.gammas[0]:.2f}"]
        return "levels normalised to the reference (" + ", ".join(parts) + ")"


def _fit_channel(s: np.ndarray, r: np.ndarray, prior: float = PRIOR_WEIGHT) -> tuple[float, float]:
    """(gain, gamma) with ``r ~ 255 gain (s/255)^gamma`` from paired uint8 values, by weighted least squares on
    per-level medians in the log domain, pulled towards (1, 1) and bounded."""
    hist = np.bincount(s, minlength=256)
    # median reference level for each sample level bin of 4
    bins = 64
    sb = s // 4
    order = np.argsort(sb, kind="stable")
    sb_sorted = sb[order]
    r_sorted = r[order].astype(np.float64)
    edges = np.searchsorted(sb_sorted, np.arange(bins + 1))
    xs, ys, ws = [], [], []
    for b in range(bins):
        lo, hi = edges[b], edges[b + 1]
        level = b * 4 + 1.5
        if hi - lo < 30 or not (MIN_LEVEL <= level <= MAX_LEVEL):
            continue
        med = float(np.median(r_sorted[lo:hi]))
        if med < MIN_LEVEL or med > 252:
            continue
        xs.append(np.log(level / 255.0))
        ys.append(np.log(med / 255.0))
        ws.append(np.sqrt(hi - lo))
    del hist
    if not xs:
        return 1.0, 1.0
    x, y, w = np.array(xs), np.array(ys), np.array(ws)
    lam = prior * w.sum()
    # minimise sum w (y - a - g x)^2 + lam (a^2 + (g - 1)^2): a 2x2 normal system
    a11 = w.sum() + lam
    a12 = (w * x).sum()
    a22 = (w * x * x).sum() + lam
    b1 = (w * y).sum()
    b2 = (w * x * y).sum() + lam
    det = a11 * a22 - a12 * a12
    if det <= 0:
        return 1.0, 1.0
    a = (b1 * a22 - b2 * a12) / det
    g = (a11 * b2 - a12 * b1) / det
    gain = float(np.clip(np.exp(a), *GAIN_BOUNDS))
    gamma = float(np.clip(g, *GAMMA_BOUNDS))
    return gain, gamma


def fit_tone(
    sample: np.ndarray,
    reference: np.ndarray,
    mask: np.ndarray,
    *,
    step: int = 2,
    despeckle: int = 0,
    prior: float = PRIOR_WEIGHT,
) -> ToneFit:
    """The tone fit of a registered sample image onto the reference over ``mask`` (nonzero).

    Parameters
    ----------
    sample, reference : (H, W) or (H, W, C) uint8, the same shape (the sample warped onto the reference grid).
    mask : (H, W) uint8, where both show what must match (paper and background print).
    step : take every ``step``-th pixel in each direction (the fit needs far fewer than a page).
    despeckle : median filter aperture (odd, 0 for none) applied to both first: removes thin structures that are
        not paired between two documents (UV fibres, random on every sheet).
    prior : pull towards no change (see ``PRIOR_WEIGHT``); larger where the levels are few (a UV page is mostly
        one paper level, which fixes the product of gain and curve but not each).
    """
    if despeckle:
        sample, reference = cv2.medianBlur(sample, despeckle), cv2.medianBlur(reference, despeckle)
    sel = mask[::step, ::step] > 0
    if sample.shape != reference.shape or sel.sum() < 200:
        n = 1 if sample.ndim == 2 else sample.shape[2]
        return ToneFit((1.0,) * n, (1.0,) * n)
    s = sample[::step, ::step][sel]
    r = reference[::step, ::step][sel]
    if s.ndim == 1:
        s, r = s[:, None], r[:, None]
    fits = [_fit_channel(s[:, c], r[:, c], prior) for c in range(s.shape[1])]
    return ToneFit(tuple(f[0] for f in fits), tuple(f[1] for f in fits))


def _level_medians(s: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sample levels, median reference level, weight) per bin of 4 sample levels with enough pixels."""
    sb = s // 4
    order = np.argsort(sb, kind="stable")
    sb_sorted, r_sorted = sb[order], r[order].astype(np.float64)
    edges = np.searchsorted(sb_sorted, np.arange(65))
    xs, ys, ws = [], [], []
    for b in range(64):
        lo, hi = edges[b], edges[b + 1]
        level = b * 4 + 1.5
        if hi - lo < 30 or not (MIN_LEVEL <= level <= MAX_LEVEL):
            continue
        med = float(np.median(r_sorted[lo:hi]))
        if MIN_LEVEL <= med <= 252:
            xs.append(level)
            ys.append(med)
            ws.append(np.sqrt(hi - lo))
    return np.array(xs), np.array(ys), np.array(ws)


def fit_common_curve(sample: np.ndarray, reference: np.ndarray, mask: np.ndarray, *, step: int = 2) -> ToneFit:
    """The tone fit of a registered colour capture: a gain per channel (white balance, exposure) and one tone
    curve common to the three (a scanner's or camera's curve applies to all channels alike).

    A reproduction's other ink colours are a change of hue that no such fit takes out, unlike a free curve per
    channel, which can bend each colour onto the reference's.

    Parameters
    ----------
    sample, reference : (H, W, 3) uint8 BGR, the same shape (the sample warped onto the reference grid).
    mask : (H, W) uint8, nonzero over the paper and background print.
    """
    sel = mask[::step, ::step] > 0
    if sample.ndim != 3 or sample.shape != reference.shape or sel.sum() < 200:
        return fit_tone(sample, reference, mask, step=step)
    s = sample[::step, ::step][sel]
    r = reference[::step, ::step][sel]
    data = []
    for c in range(3):
        x, y, w = _level_medians(s[:, c], r[:, c])
        if x.size:
            data.append((c, np.log(x / 255.0), np.log(y / 255.0), w))
    if not data:
        return fit_tone(sample, reference, mask, step=step)
    best: tuple[float, float, dict[int, float]] = (np.inf, 1.0, {})
    for g in np.arange(GAMMA_BOUNDS[0], GAMMA_BOUNDS[1] + 1e-9, 0.025):
        cost = PRIOR_WEIGHT * (g - 1.0) ** 2 * sum(float(w.sum()) for *_, w in data)
        logk: dict[int, float] = {}
        for c, x, y, w in data:
            a = float(np.clip((w * (y - g * x)).sum() / w.sum(), *np.log(GAIN_BOUNDS)))
            logk[c] = a
            cost += float((w * (y - a - g * x) ** 2).sum())
        if cost < best[0]:
            best = (cost, float(g), logk)
    _, g, logk = best
    gains = tuple(float(np.exp(logk.get(c, 0.0))) for c in range(3))
    return ToneFit(gains, (g,) * 3)
