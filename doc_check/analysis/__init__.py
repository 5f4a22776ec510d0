"""The document reader: registration, security checks, MRZ reading and a suggested verdict."""

from doc_check.analysis.analyze import analyze_image, analyze_path, analyze_paths, analyze_sample, expand_paths
from doc_check.analysis.findings import STATUSES, SUGGESTED_VERDICTS, AnalysisReport, Finding
from doc_check.analysis.verdict import suggest_verdict

__all__ = [
    "STATUSES",
    "SUGGESTED_VERDICTS",
    "AnalysisReport",
    "Finding",
    "analyze_image",
    "analyze_path",
    "analyze_paths",
    "analyze_sample",
    "expand_paths",
    "suggest_verdict",
]
