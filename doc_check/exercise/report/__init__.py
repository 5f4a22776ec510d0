"""Individual and summary reports: JSON, Markdown, CSV and self-contained HTML (charts via the optional matplotlib).

One module per format (`json`, `markdown`, `csv`, `html`, its templates in `templates/`), the shared wording in
`wording`, and `files.write_reports`, which writes a round's reports into a folder.
"""

from __future__ import annotations

from doc_check.exercise.report.csv import individual_csv, summary_csv
from doc_check.exercise.report.files import FORMATS, INDIVIDUAL_DIR, parse_formats, write_reports
from doc_check.exercise.report.html import individual_html, summary_html
from doc_check.exercise.report.json import individual_jsonl, individual_to_dict, summary_to_dict
from doc_check.exercise.report.markdown import individual_markdown, summary_markdown

__all__ = [
    "FORMATS",
    "INDIVIDUAL_DIR",
    "individual_csv",
    "individual_html",
    "individual_jsonl",
    "individual_markdown",
    "individual_to_dict",
    "parse_formats",
    "summary_csv",
    "summary_html",
    "summary_markdown",
    "summary_to_dict",
    "write_reports",
]
