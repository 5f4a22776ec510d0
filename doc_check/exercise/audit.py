"""Deep validation of an exercise: does each sample show its truth to the channels and tools the exercise allows?
The document reader (`doc_check.analysis`) decides what is visible."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doc_check.errors import BadInput
from doc_check.exercise.model import Exercise, ExerciseKey
from doc_check.indicators import FRAUD_VERDICTS, get
from doc_check.samples import KeyEntry, load_sample, reference_folder

if TYPE_CHECKING:
    from doc_check.analysis import AnalysisReport

Progress = Callable[[int, int], None]
Reader = Callable[..., "AnalysisReport"]
"""``analyze_sample``-like: (folder, references=...) -> AnalysisReport."""

TOOL_NEEDED: dict[str, str] = {
    "print.microprint": "magnifier",
    "print.background": "reference",
}
"""Indicators a trainee can only judge with a tool: microprint needs the magnifier, the guilloche a reference."""

KINDS: tuple[str, ...] = ("hidden_fraud", "genuine_fails", "unreadable")
"""What an audit warning is about."""


@dataclass(frozen=True)
class AuditWarning:
    """One problem of an exercise that is not a syntax error: a sample that cannot teach what its key says."""

    sample_id: str
    kind: str
    """One of `KINDS`."""
    message: str


@dataclass(frozen=True)
class SampleAudit:
    """What the reader showed on one sample, split by what the exercise lets the trainee see."""

    sample_id: str
    verdict: str
    key_indicators: tuple[str, ...]
    shown: tuple[str, ...]
    """Key indicators the reader flags (fail or warn) on an allowed channel with the tools they need."""
    hidden: tuple[str, ...]
    """Key indicators the reader flags only on channels or with tools the exercise does not allow."""
    failing: tuple[str, ...]
    """Every indicator the reader fails on an allowed channel."""
    error: str | None = None


@dataclass(frozen=True)
class AuditReport:
    """The deep check of one exercise."""

    exercise_id: str
    samples: tuple[SampleAudit, ...]
    warnings: tuple[AuditWarning, ...]

    @property
    def ok(self) -> bool:
        """True when there is nothing to warn about."""
        return not self.warnings


def related(a: str, b: str) -> bool:
    """True when two indicator ids are the same or one is a parent of the other (``mrz.check_digit``)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _visible(indicator: str, channel: str, exercise: Exercise) -> bool:
    tool = TOOL_NEEDED.get(indicator)
    return channel in exercise.channels and (tool is None or tool in exercise.tools)


def audit_sample(exercise: Exercise, sample_id: str, entry: KeyEntry, analyze: Reader | None = None) -> SampleAudit:
    """Analyse one sample of the exercise and compare the reader's findings with its key entry."""
    if analyze is None:
        from doc_check.analysis import analyze_sample

        analyze = analyze_sample
    folder = exercise.sample(sample_id).folder
    try:
        doc_type = load_sample(folder).document_type
        report = analyze(folder, references=reference_folder(exercise.sample_root, doc_type))
    except BadInput as exc:
        return SampleAudit(sample_id, entry.verdict, entry.indicators, (), (), (), str(exc))
    if report.error:
        return SampleAudit(sample_id, entry.verdict, entry.indicators, (), (), (), report.error)
    flagged = [f for f in report.findings if f.status in ("fail", "warn")]
    shown, hidden = [], []
    for k in entry.indicators:
        hits = [f for f in flagged if related(f.indicator, k)]
        if any(_visible(f.indicator, f.channel, exercise) for f in hits):
            shown.append(k)
        elif hits:
            hidden.append(k)
    failing = tuple(
        dict.fromkeys(f.indicator for f in report.findings if f.status == "fail" and f.channel in exercise.channels)
    )
    return SampleAudit(sample_id, entry.verdict, entry.indicators, tuple(shown), tuple(hidden), failing)


def _fraud_sign(indicator: str) -> bool:
    try:
        return get(indicator).fraud_sign
    except KeyError:
        return True


def audit_exercise(
    exercise: Exercise, key: ExerciseKey, progress: Progress | None = None, analyze: Reader | None = None
) -> AuditReport:
    """Warn when a fraudulent sample shows none of its key indicators to the allowed channels and tools, and
    when a genuine sample raises failing findings its key does not list (the reader decides both)."""
    audits: list[SampleAudit] = []
    warnings: list[AuditWarning] = []
    allowed = "/".join(exercise.channels) + (
        f" with {', '.join(sorted(exercise.tools))}" if exercise.tools else " without tools"
    )
    total = len(exercise.samples)
    for done, sid in enumerate(exercise.sample_ids, 1):
        entry = key[sid]
        a = audit_sample(exercise, sid, entry, analyze)
        audits.append(a)
        if a.error:
            warnings.append(
                AuditWarning(sid, "unreadable", f"sample {sid}: the reader could not analyse it: {a.error}")
            )
        elif entry.verdict in FRAUD_VERDICTS and entry.indicators and not a.shown:
            where = (
                f"; it sees {', '.join(a.hidden)} only under channels or tools the exercise does not allow"
                if a.hidden
                else ""
            )
            warnings.append(
                AuditWarning(
                    sid,
                    "hidden_fraud",
                    f"sample {sid} ({entry.verdict.replace('_', ' ')}): the reader finds none of its indicators "
                    f"({', '.join(entry.indicators)}) under {allowed}{where}: trainees may have nothing to see",
                )
            )
        elif entry.verdict == "genuine":
            unexpected = [i for i in a.failing if _fraud_sign(i) and not any(related(i, k) for k in entry.indicators)]
            if unexpected:
                why = (
                    "trainees who use the reader may reject a genuine document"
                    if "reader" in exercise.tools
                    else "a sign on a genuine document, or a false alarm of the reader: check the sample"
                )
                warnings.append(
                    AuditWarning(
                        sid, "genuine_fails", f"sample {sid} (genuine): the reader fails {', '.join(unexpected)}: {why}"
                    )
                )
        if progress:
            progress(done, total)
    return AuditReport(exercise.id, tuple(audits), tuple(warnings))


def audit_messages(report: AuditReport) -> Sequence[str]:
    """The warnings as lines of text."""
    return [w.message for w in report.warnings]
