"""How the reports word values: numbers, verdicts, outcomes, calibration, the z-score method."""

from __future__ import annotations


def number(x: float | None, digits: int = 1) -> str:
    return "\u2013" if x is None else f"{x:.{digits}f}"


def verdict(v: str | None) -> str:
    return "—" if v is None else v.replace("_", " ")


def outcome(o: str) -> str:
    return {
        "correct": "correct",
        "wrong_class": "fraud, wrong class",
        "false_alarm": "false alarm (genuine rejected)",
        "accepted_fraud": "ACCEPTED FRAUD",
        "unanswered": "unanswered",
    }[o]


def calibration_word(over: float) -> str:
    if over > 0.05:
        return f"overconfident by {100 * over:.0f} points"
    if over < -0.05:
        return f"underconfident by {-100 * over:.0f} points"
    return f"well calibrated ({100 * over:+.0f} points)"


METHOD_NAMES = {"algorithm_a": "Algorithm A", "mad": "median and scaled MAD"}
