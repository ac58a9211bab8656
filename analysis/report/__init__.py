"""``python -m analysis run``: the run, its result tables (Parquet) and findings, the notebooks and the HTML page."""

from __future__ import annotations

from .findings import (
    MIN_SENTENCES,
    Finding,
    findings,
    keyness_findings,
    net_share_difference,
    sentiment_findings,
    theme_findings,
    topic_findings,
)
from .results import MANIFEST, RESULTS_DIR, load_tables, save_tables, section_figures, section_tables
from .run import MARKER, ReportError, run_report, self_contained_html, spreadsheet_safe
from .sections import SECTIONS, get_section

__all__ = [
    "Finding",
    "MANIFEST",
    "MARKER",
    "MIN_SENTENCES",
    "RESULTS_DIR",
    "ReportError",
    "SECTIONS",
    "findings",
    "get_section",
    "keyness_findings",
    "load_tables",
    "net_share_difference",
    "run_report",
    "save_tables",
    "section_figures",
    "section_tables",
    "self_contained_html",
    "sentiment_findings",
    "spreadsheet_safe",
    "theme_findings",
    "topic_findings",
]
