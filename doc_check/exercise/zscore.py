"""Robust z-scores of a round (ISO 13528): median and scaled MAD, or Algorithm A, with fallbacks when MAD is 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

METHODS: tuple[str, ...] = ("algorithm_a", "mad")
"""``algorithm_a``: ISO 13528 Algorithm A (iterated winsorised mean and SD); ``mad``: median and 1.483 * MAD."""

MAD_SCALE = 1.483
"""Scales the median absolute deviation to the SD of a normal distribution."""
IQR_SCALE = 0.7413
"""Scales the inter-quartile range to the SD of a normal distribution (normalised IQR)."""


@dataclass(frozen=True)
class RobustStats:
    """The assigned value and the robust SD the z-scores are computed with."""

    method: str
    assigned: float
    """Robust mean x*."""
    sigma: float
    """Robust standard deviation s* (0 when all results are equal)."""
    sigma_source: str
    """What s* came from: ``mad``, ``niqr`` or ``sd`` (fallbacks when MAD is 0), or ``none``."""
    n: int
    iterations: int = 0


def z_class(z: float | None) -> str:
    """ISO 13528 class of a z-score: satisfactory (|z| <= 2), questionable (2 < |z| < 3), unsatisfactory."""
    if z is None:
        return "n/a"
    a = abs(z)
    if a <= 2.0:
        return "satisfactory"
    if a < 3.0:
        return "questionable"
    return "unsatisfactory"


def _initial_sigma(x: np.ndarray, centre: float) -> tuple[float, str]:
    """Scaled MAD; when it is 0, the normalised IQR; when that is 0, the SD; else 0."""
    mad = float(np.median(np.abs(x - centre))) * MAD_SCALE
    if mad > 0:
        return mad, "mad"
    q1, q3 = np.percentile(x, [25, 75])
    niqr = float(q3 - q1) * IQR_SCALE
    if niqr > 0:
        return niqr, "niqr"
    sd = float(np.std(x, ddof=1)) if len(x) > 1 else 0.0
    if sd > 0:
        return sd, "sd"
    return 0.0, "none"


def robust_stats(
    values: Sequence[float] | np.ndarray, method: str = "algorithm_a", tol: float = 1e-8, max_iter: int = 1000
) -> RobustStats:
    """Robust mean and SD of a round's results by ``method`` (see `METHODS`)."""
    if method not in METHODS:
        raise ValueError(f"unknown z-score method {method!r} (known: {', '.join(METHODS)})")
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return RobustStats(method, float("nan"), 0.0, "none", 0)
    centre = float(np.median(x))
    sigma, source = _initial_sigma(x, centre)
    if method == "mad" or sigma == 0.0 or x.size < 2:
        return RobustStats(method, centre, sigma, source, int(x.size))
    it = 0
    while it < max_iter:
        it += 1
        delta = 1.5 * sigma
        w = np.clip(x, centre - delta, centre + delta)
        new_centre = float(w.mean())
        new_sigma = 1.134 * float(np.std(w, ddof=1))
        done = abs(new_centre - centre) <= tol * max(1.0, abs(centre)) and abs(new_sigma - sigma) <= tol * max(
            1.0, sigma
        )
        centre, sigma = new_centre, new_sigma
        if done or sigma == 0.0:
            break
    return RobustStats(method, centre, sigma, source, int(x.size), it)


def z_scores(values: Sequence[float] | np.ndarray, stats: RobustStats) -> np.ndarray:
    """(x - x*) / s* for every value; all zeros when s* is 0 (every result the same)."""
    x = np.asarray(values, dtype=float)
    if stats.sigma <= 0.0:
        return np.zeros_like(x)
    return (x - stats.assigned) / stats.sigma
