"""Results of the document reader: one Finding per check, one AnalysisReport per document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from doc_check.indicators import is_known

STATUSES: tuple[str, ...] = ("pass", "fail", "warn", "skip")
"""Every status a finding may have, from clean to not run."""

SUGGESTED_VERDICTS: tuple[str, ...] = ("genuine", "counterfeit", "forged", "stolen_blank", "pseudo", "unknown")
"""Every verdict the reader may suggest (it never suggests a stolen blank: that needs records, not pixels)."""

Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class Finding:
    """What one automated check reports about one indicator of one document."""

    indicator: str
    """A registry id from `doc_check.indicators`."""
    status: str
    """``pass`` | ``fail`` | ``warn`` | ``skip``."""
    message: str
    """A short explanation an examiner can read."""
    region: Region | None = None
    """``(x, y, w, h)`` in the pixels of the image the finding concerns, or None."""
    side: str = "front"
    channel: str = "visible"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown finding status {self.status!r}")
        if not is_known(self.indicator):
            raise ValueError(f"unknown indicator id {self.indicator!r}")
        if self.region is not None:
            object.__setattr__(self, "region", tuple(int(v) for v in self.region))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of one finding."""
        return {
            "indicator": self.indicator,
            "status": self.status,
            "message": self.message,
            "region": list(self.region) if self.region is not None else None,
            "side": self.side,
            "channel": self.channel,
        }


@dataclass(frozen=True)
class AnalysisReport:
    """Everything the reader found on one document (a sample folder or a single image)."""

    input: str
    document_type: str | None = None
    mrz: dict[str, Any] | None = None
    """The MRZ lines read plus the keys of ``doc-check mrz check --json``; None when no MRZ was read."""
    findings: tuple[Finding, ...] = ()
    verdict: str = "unknown"
    reasons: tuple[str, ...] = ()
    seconds: float = 0.0
    error: str | None = None
    """Why the input could not be analysed (a one-line BadInput message), else None."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Diagnostics kept out of equality (e.g. registration quality)."""

    def __post_init__(self) -> None:
        if self.verdict not in SUGGESTED_VERDICTS:
            raise ValueError(f"unknown suggested verdict {self.verdict!r}")

    @property
    def ok(self) -> bool:
        """True when the input was read and analysed."""
        return self.error is None

    def failing(self) -> tuple[Finding, ...]:
        """The findings with status ``fail``."""
        return tuple(f for f in self.findings if f.status == "fail")

    def flagged_indicators(self) -> tuple[str, ...]:
        """Indicator ids with a failing finding, in order, without repeats."""
        return tuple(dict.fromkeys(f.indicator for f in self.findings if f.status == "fail"))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object `doc-check analyze --json` prints for this document."""
        return {
            "input": self.input,
            "document_type": self.document_type,
            "mrz": self.mrz,
            "findings": [f.to_dict() for f in self.findings],
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "seconds": round(self.seconds, 4),
            "error": self.error,
        }
