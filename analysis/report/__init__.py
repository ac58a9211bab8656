"""``python -m analysis run``: the run (:mod:`.run`) over the sections (:mod:`.sections`), its result
tables (:mod:`.results`: Parquet for the notebooks, CSV for spreadsheets), the findings
(:mod:`.findings`), the report folder (:mod:`.folder`) and its pages (:mod:`.html`)."""

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
from .folder import MARKER, ReportError
from .html import self_contained_html
from .results import (
    MANIFEST,
    RESULTS_DIR,
    load_tables,
    save_tables,
    section_figures,
    section_tables,
    spreadsheet_safe,
    write_csv,
)
from .run import run_report
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
    "write_csv",
    "theme_findings",
    "topic_findings",
]
