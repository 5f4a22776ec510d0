"""The document reader: registration, security checks, MRZ reading and a suggested verdict."""

from doc_check.analysis.findings import STATUSES, SUGGESTED_VERDICTS, AnalysisReport, Finding

__all__ = ["STATUSES", "SUGGESTED_VERDICTS", "AnalysisReport", "Finding"]
