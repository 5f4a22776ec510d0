"""Durations as people read them: the clocks of the trainee UI and the times in reports and class tables."""

from __future__ import annotations


def clock_text(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss``), whole seconds cut off: a running clock."""
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def minutes_seconds(seconds: float) -> str:
    """``m:ss``, rounded to the second: a time spent."""
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"
